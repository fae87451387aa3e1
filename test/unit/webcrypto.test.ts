/**
 * Cross-check against a second implementation: WebCrypto (node:crypto's webcrypto.subtle), driven
 * only by the envelope v1 rules (the README's "The envelope (version 1)"), never by the core's
 * helpers. Envelopes made by the core's public encrypt must decrypt with WebCrypto, and envelopes
 * made with WebCrypto and written by hand as JSON must decrypt with the core's public decrypt.
 *
 * The rules used here (README, "The envelope (version 1)"): AES-256-GCM, 12-byte IV, 16-byte tag,
 * no AAD;
 * password mode key = PBKDF2-HMAC-SHA256(UTF-8 of NFC(password), 16-byte salt, iterations, 32 bytes);
 * standard padded base64; fields v, algorithm, [kid | kdf, iterations, salt], iv, tag, ciphertext.
 */
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { decrypt, DECRYPT_FAILED_MESSAGE, encrypt, KeysmithError, serializeEnvelope } from '../../src/core';

const { subtle } = webcrypto;
type CryptoKey = webcrypto.CryptoKey;

const IV_BYTES = 12;
const TAG_BYTES = 16;
const SALT_BYTES = 16;
const DEFAULT_ITERATIONS = 600_000;

type Secret = { key: string } | { password: string };

// --- encodings, from the WHATWG primitives (atob/btoa, TextEncoder/TextDecoder), not node:buffer ---

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Decodes base64 and insists it is the canonical padded form (README: canonical form only — re-encoding gives the same text). */
function fromBase64(text: string, field: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  assert.equal(toBase64(bytes), text, `${field} is canonical padded base64`);
  return bytes;
}

const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
const utf8 = (text: string) => new TextEncoder().encode(text);
/** Strict UTF-8 that keeps a leading BOM as U+FEFF (TextDecoder drops it by default). */
const fromUtf8 = (bytes: Uint8Array) =>
  new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

// --- WebCrypto side ---

async function aesKey(
  secret: Secret,
  usage: 'encrypt' | 'decrypt',
  kdf?: { salt: Uint8Array; iterations: number },
): Promise<CryptoKey> {
  if ('key' in secret) {
    return subtle.importKey('raw', fromHex(secret.key), { name: 'AES-GCM' }, false, [usage]);
  }
  assert.ok(kdf, 'password mode needs salt and iterations');
  return passwordKey(utf8(secret.password.normalize('NFC')), kdf.salt, kdf.iterations, usage);
}

/** PBKDF2-HMAC-SHA256 of the given password bytes to a 256-bit AES-GCM key. */
async function passwordKey(
  passwordUtf8: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  usage: 'encrypt' | 'decrypt',
): Promise<CryptoKey> {
  const base = await subtle.importKey('raw', passwordUtf8, 'PBKDF2', false, ['deriveKey']);
  return subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    [usage],
  );
}

interface ParsedEnvelope {
  fields: Record<string, unknown>;
  iv: Uint8Array;
  tag: Uint8Array;
  ciphertext: Uint8Array;
  kdf?: { salt: Uint8Array; iterations: number };
}

/** Reads an envelope's stored text with JSON.parse and checks it against the README's v1 layout. */
function readV1(text: string): ParsedEnvelope {
  assert.ok(!text.includes('\n'), 'compact, on one line');
  const fields = JSON.parse(text) as Record<string, unknown>;
  assert.equal(JSON.stringify(fields), text, 'compact JSON with nothing but the fields');
  assert.equal(fields.v, 1);
  assert.equal(fields.algorithm, 'AES-256-GCM');
  const iv = fromBase64(fields.iv as string, 'iv');
  const tag = fromBase64(fields.tag as string, 'tag');
  const ciphertext = fromBase64(fields.ciphertext as string, 'ciphertext');
  assert.equal(iv.length, IV_BYTES, 'iv is 12 bytes');
  assert.equal(tag.length, TAG_BYTES, 'tag is 16 bytes');
  if (!('kdf' in fields)) {
    const expected =
      'kid' in fields
        ? ['v', 'algorithm', 'kid', 'iv', 'tag', 'ciphertext']
        : ['v', 'algorithm', 'iv', 'tag', 'ciphertext'];
    assert.deepEqual(Object.keys(fields), expected, 'key-mode fields in v1 order');
    return { fields, iv, tag, ciphertext };
  }
  assert.deepEqual(
    Object.keys(fields),
    ['v', 'algorithm', 'kdf', 'iterations', 'salt', 'iv', 'tag', 'ciphertext'],
    'password-mode fields in v1 order',
  );
  assert.equal(fields.kdf, 'PBKDF2-SHA256');
  assert.ok(Number.isInteger(fields.iterations), 'iterations is a whole number');
  const salt = fromBase64(fields.salt as string, 'salt');
  assert.equal(salt.length, SALT_BYTES, 'salt is 16 bytes');
  return { fields, iv, tag, ciphertext, kdf: { salt, iterations: fields.iterations as number } };
}

/** Decrypts an envelope's text with WebCrypto alone; returns the raw plaintext bytes. */
async function webDecrypt(text: string, secret: Secret): Promise<Uint8Array> {
  const envelope = readV1(text);
  const key = await aesKey(secret, 'decrypt', envelope.kdf);
  const plain = await subtle.decrypt(
    { name: 'AES-GCM', iv: envelope.iv, tagLength: 128 },
    key,
    concat(envelope.ciphertext, envelope.tag),
  );
  return new Uint8Array(plain);
}

/** Encrypts with WebCrypto (random IV and salt) and writes the envelope's JSON by hand. */
async function webEncrypt(plaintext: string, secret: Secret, iterations?: number): Promise<string> {
  const iv = webcrypto.getRandomValues(new Uint8Array(IV_BYTES));
  let head = '{"v":1,"algorithm":"AES-256-GCM"';
  let key: CryptoKey;
  if ('key' in secret) {
    key = await aesKey(secret, 'encrypt');
  } else {
    assert.ok(iterations, 'password mode needs an iteration count');
    const salt = webcrypto.getRandomValues(new Uint8Array(SALT_BYTES));
    key = await aesKey(secret, 'encrypt', { salt, iterations });
    head += `,"kdf":"PBKDF2-SHA256","iterations":${iterations},"salt":"${toBase64(salt)}"`;
  }
  return sealWith(key, iv, head, utf8(plaintext));
}

async function sealWith(
  key: CryptoKey,
  iv: Uint8Array,
  head: string,
  plaintext: Uint8Array,
): Promise<string> {
  const sealed = new Uint8Array(
    await subtle.encrypt({ name: 'AES-GCM', iv, tagLength: 128 }, key, plaintext),
  );
  const ciphertext = sealed.subarray(0, sealed.length - TAG_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  return `${head},"iv":"${toBase64(iv)}","tag":"${toBase64(tag)}","ciphertext":"${toBase64(ciphertext)}"}`;
}

const randomKeyHex = () => toHex(webcrypto.getRandomValues(new Uint8Array(32)));

function isDecryptFailed(error: unknown): true {
  assert.ok(error instanceof KeysmithError, `expected a KeysmithError, got ${String(error)}`);
  assert.equal(error.code, 'DECRYPT_FAILED');
  assert.equal(error.message, DECRYPT_FAILED_MESSAGE);
  return true;
}

// --- the texts ---

/** About 1 MiB of UTF-8, varied so no two lines are equal: ASCII, Latin-1, CJK, emoji, CRLF. */
function bigText(): string {
  const lines: string[] = [];
  let bytes = 0;
  for (let i = 0; bytes < 1024 * 1024; i++) {
    const line = `line ${i}: Keysmith über café 中文 ${'🔑'.repeat(i % 4)} ${i * 7919}\r\n`;
    lines.push(line);
    bytes += utf8(line).length;
  }
  return lines.join('');
}

const TEXTS: [string, string][] = [
  ['empty text', ''],
  ['multi-line CRLF text', 'first line\r\nsecond line\r\n\r\nfourth, then a lone CR\rand a lone LF\nend\r\n'],
  ['BOM-prefixed text', '\ufeffstarts with a byte order mark\r\nand keeps it'],
  ['emoji / non-BMP text', '🔐 keys 👩🏽‍💻 family 👨‍👩‍👧‍👦 flag 🇳🇿 clef 𝄞 CJK-B 𠜎𠜱 math 𝔸𝕓 and a ZWJ‍between'],
  ['~1 MiB text', bigText()],
];

describe('WebCrypto cross-check of envelope v1 (second implementation, the README rules only)', () => {
  it('the texts are what their names say', () => {
    const bytes = (name: string) => utf8(TEXTS.find(([n]) => n === name)![1]);
    assert.equal(bytes('empty text').length, 0);
    assert.ok(toHex(bytes('multi-line CRLF text')).includes('0d0a'));
    assert.equal(toHex(bytes('BOM-prefixed text').subarray(0, 3)), 'efbbbf');
    assert.ok(/[\u{10000}-\u{10FFFF}]/u.test(TEXTS[3]![1]), 'has astral-plane characters');
    const big = bytes('~1 MiB text').length;
    assert.ok(big >= 1024 * 1024 && big < 1024 * 1024 + 200, `about 1 MiB (${big} bytes)`);
  });

  TEXTS.forEach(([name, text], index) => {
    // Small, distinct iteration counts keep the tests fast and catch a count mixed up between fields.
    const iterations = 1000 + 250 * index;

    describe(name, () => {
      it('core encrypt (key mode) → WebCrypto decrypts to the exact UTF-8 bytes', async () => {
        const key = randomKeyHex();
        const text1 = serializeEnvelope(await encrypt({ plaintext: text, key }));
        const plain = await webDecrypt(text1, { key });
        assert.deepEqual(plain, utf8(text));
        assert.equal(fromUtf8(plain), text);
      });

      it(`core encrypt (password mode, ${iterations} iterations) → WebCrypto decrypts`, async () => {
        const password = `pw ${index} — naïve 🔑`;
        const envelope = await encrypt({ plaintext: text, password, iterations });
        assert.equal(envelope.iterations, iterations);
        const plain = await webDecrypt(serializeEnvelope(envelope), { password });
        assert.deepEqual(plain, utf8(text));
        assert.equal(fromUtf8(plain), text);
      });

      it('WebCrypto encrypt (key mode, hand-written JSON) → core decrypt', async () => {
        const key = randomKeyHex();
        const envelope = await webEncrypt(text, { key });
        assert.deepEqual(await decrypt({ envelope, key }), { plaintext: text, algorithm: 'AES-256-GCM' });
      });

      it(`WebCrypto encrypt (password mode, ${iterations} iterations, hand-written JSON) → core decrypt`, async () => {
        const password = `Pässwörd ${index} 👩🏽‍💻`;
        const envelope = await webEncrypt(text, { password }, iterations);
        assert.deepEqual(await decrypt({ envelope, password }), {
          plaintext: text,
          algorithm: 'AES-256-GCM',
        });
      });
    });
  });

  describe('default iteration count (600,000)', () => {
    it('core encrypt with no iterations writes 600000 and WebCrypto decrypts it', async function () {
      this.timeout(60_000);
      const password = 'correct horse battery staple';
      const envelope = await encrypt({ plaintext: 'default strength', password });
      assert.equal(envelope.iterations, DEFAULT_ITERATIONS);
      const plain = await webDecrypt(serializeEnvelope(envelope), { password });
      assert.equal(fromUtf8(plain), 'default strength');
    });

    it('WebCrypto encrypt at 600000 iterations → core decrypt', async function () {
      this.timeout(60_000);
      const password = 'correct horse battery staple';
      const envelope = await webEncrypt('made by WebCrypto', { password }, DEFAULT_ITERATIONS);
      assert.equal((await decrypt({ envelope, password })).plaintext, 'made by WebCrypto');
    });
  });

  describe('password bytes are UTF-8 of NFC', () => {
    // "Crème" spelled NFD (e + U+0300) in the core; its NFC UTF-8 bytes written out here by hand.
    const nfdPassword = 'Cre\u0300me';
    const nfcUtf8 = fromHex('4372c3a86d65');

    it('core encrypt with an NFD password → WebCrypto key from the hand-written NFC bytes decrypts', async () => {
      const envelope = readV1(
        serializeEnvelope(await encrypt({ plaintext: 'nfc', password: nfdPassword, iterations: 1000 })),
      );
      const key = await passwordKey(nfcUtf8, envelope.kdf!.salt, envelope.kdf!.iterations, 'decrypt');
      const plain = await subtle.decrypt(
        { name: 'AES-GCM', iv: envelope.iv, tagLength: 128 },
        key,
        concat(envelope.ciphertext, envelope.tag),
      );
      assert.equal(fromUtf8(new Uint8Array(plain)), 'nfc');
    });

    it('WebCrypto key from the NFC bytes → core decrypt with the NFD spelling', async () => {
      const salt = webcrypto.getRandomValues(new Uint8Array(SALT_BYTES));
      const key = await passwordKey(nfcUtf8, salt, 1500, 'encrypt');
      const head = `{"v":1,"algorithm":"AES-256-GCM","kdf":"PBKDF2-SHA256","iterations":1500,"salt":"${toBase64(salt)}"`;
      const iv = webcrypto.getRandomValues(new Uint8Array(IV_BYTES));
      const envelope = await sealWith(key, iv, head, utf8('nfd'));
      assert.equal((await decrypt({ envelope, password: nfdPassword })).plaintext, 'nfd');
    });
  });

  describe('envelope details and controls', () => {
    it('key mode with kid: kid comes right after algorithm and WebCrypto ignores it', async () => {
      const key = randomKeyHex();
      const text = serializeEnvelope(await encrypt({ plaintext: 'with kid', key, kid: 'prod.main-1' }));
      assert.equal(readV1(text).fields.kid, 'prod.main-1');
      assert.equal(fromUtf8(await webDecrypt(text, { key })), 'with kid');
    });

    it('every envelope gets a fresh IV (key mode) and a fresh salt and IV (password mode)', async () => {
      const key = randomKeyHex();
      const a = readV1(serializeEnvelope(await encrypt({ plaintext: 'same', key })));
      const b = readV1(serializeEnvelope(await encrypt({ plaintext: 'same', key })));
      assert.notDeepEqual(a.iv, b.iv);
      assert.notDeepEqual(a.ciphertext, b.ciphertext);
      const p = readV1(
        serializeEnvelope(await encrypt({ plaintext: 'same', password: 'pw', iterations: 1000 })),
      );
      const q = readV1(
        serializeEnvelope(await encrypt({ plaintext: 'same', password: 'pw', iterations: 1000 })),
      );
      assert.notDeepEqual(p.kdf!.salt, q.kdf!.salt);
      assert.notDeepEqual(p.iv, q.iv);
    });

    it('a pretty-printed WebCrypto envelope (JSON.stringify with indent) decrypts with the core', async () => {
      const key = randomKeyHex();
      const compact = await webEncrypt('pretty', { key });
      const pretty = JSON.stringify(JSON.parse(compact), null, 2);
      assert.ok(pretty.includes('\n  "iv": '));
      assert.equal((await decrypt({ envelope: pretty, key })).plaintext, 'pretty');
    });

    it('control: WebCrypto rejects a core envelope whose tag has one bit flipped', async () => {
      const key = randomKeyHex();
      const envelope = await encrypt({ plaintext: 'tamper me', key });
      const tag = fromBase64(envelope.tag, 'tag');
      tag[0]! ^= 0x01;
      const tampered = serializeEnvelope({ ...envelope, tag: toBase64(tag) });
      await assert.rejects(webDecrypt(tampered, { key }), { name: 'OperationError' });
    });

    it('control: the core rejects a WebCrypto envelope with a wrong key, password or flipped ciphertext bit', async () => {
      const key = randomKeyHex();
      const keyEnvelope = await webEncrypt('secret', { key });
      await assert.rejects(decrypt({ envelope: keyEnvelope, key: randomKeyHex() }), isDecryptFailed);

      const pwEnvelope = await webEncrypt('secret', { password: 'right' }, 1000);
      await assert.rejects(decrypt({ envelope: pwEnvelope, password: 'wrong' }), isDecryptFailed);

      const fields = JSON.parse(keyEnvelope) as Record<string, string>;
      const ciphertext = fromBase64(fields.ciphertext!, 'ciphertext');
      ciphertext[ciphertext.length - 1]! ^= 0x80;
      const flipped = JSON.stringify({ ...fields, ciphertext: toBase64(ciphertext) });
      await assert.rejects(decrypt({ envelope: flipped, key }), isDecryptFailed);
    });
  });
});

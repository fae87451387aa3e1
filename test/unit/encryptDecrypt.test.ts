/**
 * encrypt / decrypt / encryptBatch / decryptBatch: exact round trips in key and password mode,
 * tampering and wrong secrets (one opaque DECRYPT_FAILED, no plaintext), the validation of every
 * option, batches, cancellation, and error messages that never carry a secret.
 */
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import {
  decrypt,
  decryptBatch,
  decryptBytes,
  DECRYPT_FAILED_MESSAGE,
  encrypt,
  encryptBatch,
  envelopeWarnings,
  KeysmithError,
  limits,
  parseEnvelope,
  serializeEnvelope,
} from '../../src/core';
import type { DecryptResult, Envelope } from '../../src/core';

const pbkdf2Async = promisify(pbkdf2);

/** The public functions, called with whatever a caller might pass. */
const enc = encrypt as unknown as (options: unknown) => Promise<Envelope>;
const dec = decrypt as unknown as (options: unknown) => Promise<DecryptResult>;
const encBatch = encryptBatch as unknown as (options: unknown) => Promise<Envelope[]>;
const decBatch = decryptBatch as unknown as (options: unknown) => Promise<DecryptResult[]>;

const KEY = randomBytes(32).toString('hex');
const OTHER_KEY = randomBytes(32).toString('hex');
const PASSWORD = 'Tr0ub4dour&3 correct horse ☃ battery';
const OTHER_PASSWORD = 'Tr0ub4dour&3 correct horse ☃ batterY';
/** Password-mode tests use the minimum count, so they cost about a millisecond each. */
const ITERATIONS = 1000;
const PLAINTEXT = 'Qx7!Zr card 4111-1111-1111-1111 / PIN 8642 ✓';

/** Everything that must never appear in an error message, not even as a fragment. */
const SECRETS = [KEY, OTHER_KEY, PASSWORD, OTHER_PASSWORD, PLAINTEXT];

function assertNoSecret(error: KeysmithError, secrets: readonly string[]): void {
  const texts = [error.message, String(error), JSON.stringify(error)];
  for (const secret of secrets) {
    // Every run of 8 characters (or the whole secret if shorter, from 4 characters up).
    const size = Math.min(8, secret.length);
    if (size < 4) continue;
    for (let i = 0; i + size <= secret.length; i++) {
      const fragment = secret.slice(i, i + size);
      for (const text of texts) {
        assert.ok(!text.includes(fragment), `error text contains ${JSON.stringify(fragment)}: ${text}`);
      }
    }
  }
}

const ANY_FIELD = Symbol('any field');

/** Awaits a rejection with a KeysmithError of this code (and field, unless ANY_FIELD); no secret leaks. */
async function expectRejection(
  start: () => Promise<unknown>,
  code: string,
  field: string | undefined | typeof ANY_FIELD,
  extraSecrets: readonly string[] = [],
): Promise<KeysmithError> {
  // Called outside assert.rejects: a synchronous throw (instead of a rejected promise) fails here.
  const promise = start();
  let caught: unknown;
  let result: unknown;
  await promise.then(
    (value) => {
      result = value;
    },
    (error: unknown) => {
      caught = error;
    },
  );
  assert.equal(result, undefined, `expected ${code}, got a result`);
  assert.ok(caught instanceof KeysmithError, `expected KeysmithError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (field !== ANY_FIELD) assert.equal(caught.field, field, caught.message);
  assertNoSecret(caught, [...SECRETS, ...extraSecrets]);
  return caught;
}

async function expectDecryptFailed(start: () => Promise<unknown>, extraSecrets: readonly string[] = []) {
  const error = await expectRejection(start, 'DECRYPT_FAILED', undefined, extraSecrets);
  assert.equal(error.message, DECRYPT_FAILED_MESSAGE);
  return error;
}

/** The base64 field with one bit flipped, re-encoded canonically. */
function flipBit(text: string, byteIndex: number, bit: number): string {
  const bytes = Buffer.from(text, 'base64');
  const at = byteIndex < 0 ? bytes.length + byteIndex : byteIndex;
  bytes[at]! ^= 1 << bit;
  return bytes.toString('base64');
}

const bytesOf = (base64: string) => Buffer.from(base64, 'base64');

/** Independent AES-256-GCM decryption straight from the README's envelope rules (no AAD, 16-byte tag). */
function openIndependently(key: Buffer, envelope: Envelope): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, bytesOf(envelope.iv), { authTagLength: 16 });
  decipher.setAuthTag(bytesOf(envelope.tag));
  return Buffer.concat([decipher.update(bytesOf(envelope.ciphertext)), decipher.final()]);
}

/** A key-mode envelope made without the core. */
function sealIndependently(key: Buffer, plaintext: Buffer): Envelope {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    v: 1,
    algorithm: 'AES-256-GCM',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** 1 MiB of text: 1,048,576 ASCII characters (base64 of random bytes, in 76-character lines). */
const ONE_MIB = randomBytes(786_432)
  .toString('base64')
  .replace(/(.{75})./g, '$1\n');

const TEXTS: Array<[string, string]> = [
  ['empty text', ''],
  ['multi-line text', 'first line\nsecond line\n\n\tindented fourth\n'],
  ['CRLF line endings', 'line one\r\nline two\r\n\r\n'],
  ['a BOM-prefixed text', '\uFEFFstarts with a byte order mark'],
  ['emoji and other non-BMP characters', 'grin 😀 family 👨‍👩‍👧 math 𝕏 CJK 𠜎 flag 🇳🇴'],
  ['NUL characters', 'a\u0000b\u0000\u0000c'],
  ['mixed scripts and combining marks', 'café vs cafe\u0301 — Ελληνικά, русский, עברית, 日本語'],
  ['1 MiB of text', ONE_MIB],
];

describe('encrypt / decrypt', () => {
  it('the 1 MiB text is 1 MiB', () => {
    assert.equal(Buffer.byteLength(ONE_MIB), 1024 * 1024);
  });

  describe('round trips', () => {
    for (const [name, text] of TEXTS) {
      it(`key mode: ${name}`, async () => {
        const envelope = await encrypt({ plaintext: text, key: KEY });
        assert.deepEqual(Object.keys(envelope), ['v', 'algorithm', 'iv', 'tag', 'ciphertext']);
        // Exactly the UTF-8 bytes, nothing added or removed (no BOM or newline changes).
        assert.equal(bytesOf(envelope.ciphertext).length, Buffer.byteLength(text, 'utf8'));
        assert.deepEqual(openIndependently(Buffer.from(KEY, 'hex'), envelope), Buffer.from(text, 'utf8'));
        for (const input of [
          envelope,
          serializeEnvelope(envelope),
          serializeEnvelope(envelope, { pretty: true }),
        ]) {
          const result = await decrypt({ envelope: input, key: KEY });
          assert.deepEqual(Object.keys(result).sort(), ['algorithm', 'plaintext']);
          assert.equal(result.algorithm, 'AES-256-GCM');
          assert.ok(result.plaintext === text, `${name}: decrypted text differs`);
        }
      });

      it(`password mode: ${name}`, async () => {
        const envelope = await encrypt({ plaintext: text, password: PASSWORD, iterations: ITERATIONS });
        assert.deepEqual(Object.keys(envelope), [
          'v',
          'algorithm',
          'kdf',
          'iterations',
          'salt',
          'iv',
          'tag',
          'ciphertext',
        ]);
        assert.equal(envelope.kdf, 'PBKDF2-SHA256');
        assert.equal(envelope.iterations, ITERATIONS);
        const key = await pbkdf2Async(
          Buffer.from(PASSWORD.normalize('NFC')),
          bytesOf(envelope.salt!),
          ITERATIONS,
          32,
          'sha256',
        );
        assert.deepEqual(openIndependently(key, envelope), Buffer.from(text, 'utf8'));
        const result = await decrypt({ envelope: serializeEnvelope(envelope), password: PASSWORD });
        assert.ok(result.plaintext === text, `${name}: decrypted text differs`);
        assert.equal(result.algorithm, 'AES-256-GCM');
      });
    }

    it('writes an envelope with 12-byte IV, 16-byte tag and 16-byte salt in canonical base64', async () => {
      const envelope = await encrypt({ plaintext: PLAINTEXT, password: PASSWORD, iterations: ITERATIONS });
      const sizes: Array<[string, number]> = [
        ['iv', 12],
        ['tag', 16],
        ['salt', 16],
      ];
      for (const [field, size] of sizes) {
        const text = envelope[field as 'iv' | 'tag' | 'salt']!;
        assert.equal(bytesOf(text).length, size, field);
        assert.equal(bytesOf(text).toString('base64'), text, `${field} is not canonical base64`);
      }
      assert.deepEqual(parseEnvelope(serializeEnvelope(envelope)), envelope);
    });

    it('a key in upper-case hex is the same key', async () => {
      const envelope = await encrypt({ plaintext: PLAINTEXT, key: KEY.toUpperCase() });
      assert.equal((await decrypt({ envelope, key: KEY })).plaintext, PLAINTEXT);
    });

    it('a password is taken in NFC: the NFD spelling decrypts what the NFC one encrypted', async () => {
      const envelope = await encrypt({
        plaintext: PLAINTEXT,
        password: 'caf\u00e9 Å',
        iterations: ITERATIONS,
      });
      const result = await decrypt({ envelope, password: 'cafe\u0301 A\u030a' });
      assert.equal(result.plaintext, PLAINTEXT);
    });

    it('decrypts an envelope made by node:crypto alone from the README envelope rules', async () => {
      const key = randomBytes(32);
      const envelope = sealIndependently(key, Buffer.from('made elsewhere ✓', 'utf8'));
      assert.equal((await decrypt({ envelope, key: key.toString('hex') })).plaintext, 'made elsewhere ✓');
    });

    it('uses 600,000 iterations by default in password mode (and does not warn about it)', async () => {
      const envelope = await encrypt({ plaintext: 'x', password: PASSWORD });
      assert.equal(envelope.iterations, 600_000);
      assert.match(serializeEnvelope(envelope), /"iterations":600000,/);
      assert.deepEqual(envelopeWarnings(envelope), []);
    });
  });

  describe('fresh randomness', () => {
    it('encrypting the same text twice gives different iv and ciphertext (key mode)', async () => {
      const a = await encrypt({ plaintext: PLAINTEXT, key: KEY });
      const b = await encrypt({ plaintext: PLAINTEXT, key: KEY });
      assert.notEqual(a.iv, b.iv);
      assert.notEqual(a.ciphertext, b.ciphertext);
      assert.notEqual(a.tag, b.tag);
    });

    it('encrypting the same text twice gives different salt, iv and ciphertext (password mode)', async () => {
      const a = await encrypt({ plaintext: PLAINTEXT, password: PASSWORD, iterations: ITERATIONS });
      const b = await encrypt({ plaintext: PLAINTEXT, password: PASSWORD, iterations: ITERATIONS });
      assert.notEqual(a.salt, b.salt);
      assert.notEqual(a.iv, b.iv);
      assert.notEqual(a.ciphertext, b.ciphertext);
    });

    it('2,000 envelopes under one key have 2,000 distinct IVs', async () => {
      const envelopes = await encryptBatch({ plaintexts: Array<string>(2000).fill('same'), key: KEY });
      assert.equal(new Set(envelopes.map((e) => e.iv)).size, 2000);
    });
  });

  describe('tampering → DECRYPT_FAILED, no plaintext', () => {
    let keyEnvelope: Envelope;
    let passwordEnvelope: Envelope;
    before(async () => {
      keyEnvelope = await encrypt({ plaintext: PLAINTEXT, key: KEY });
      passwordEnvelope = await encrypt({ plaintext: PLAINTEXT, password: PASSWORD, iterations: ITERATIONS });
    });

    it('the untouched envelopes decrypt (control)', async () => {
      assert.equal((await decrypt({ envelope: keyEnvelope, key: KEY })).plaintext, PLAINTEXT);
      assert.equal((await decrypt({ envelope: passwordEnvelope, password: PASSWORD })).plaintext, PLAINTEXT);
    });

    const flips: Array<[number, number]> = [
      [0, 0],
      [0, 7],
      [5, 3],
      [-1, 0],
      [-1, 7],
    ];
    for (const field of ['ciphertext', 'iv', 'tag'] as const) {
      it(`one flipped bit in ${field} (key mode, at several positions)`, async () => {
        for (const [byte, bit] of flips) {
          const tampered = { ...keyEnvelope, [field]: flipBit(keyEnvelope[field], byte, bit) };
          await expectDecryptFailed(() => decrypt({ envelope: serializeEnvelope(tampered), key: KEY }));
        }
      });
    }
    for (const field of ['ciphertext', 'iv', 'tag', 'salt'] as const) {
      it(`one flipped bit in ${field} (password mode)`, async () => {
        for (const [byte, bit] of flips) {
          const tampered = { ...passwordEnvelope, [field]: flipBit(passwordEnvelope[field]!, byte, bit) };
          await expectDecryptFailed(() => decrypt({ envelope: tampered, password: PASSWORD }));
        }
      });
    }

    it('a changed iteration count', async () => {
      await expectDecryptFailed(() =>
        decrypt({ envelope: { ...passwordEnvelope, iterations: ITERATIONS + 1 }, password: PASSWORD }),
      );
    });

    it('a truncated or extended ciphertext', async () => {
      const bytes = bytesOf(keyEnvelope.ciphertext);
      for (const changed of [
        bytes.subarray(0, -1),
        bytes.subarray(0, 0),
        Buffer.concat([bytes, Buffer.of(0)]),
      ]) {
        const tampered = { ...keyEnvelope, ciphertext: changed.toString('base64') };
        await expectDecryptFailed(() => decrypt({ envelope: tampered, key: KEY }));
      }
    });

    it("another envelope's tag or iv", async () => {
      const other = await encrypt({ plaintext: PLAINTEXT, key: KEY });
      await expectDecryptFailed(() => decrypt({ envelope: { ...keyEnvelope, tag: other.tag }, key: KEY }));
      await expectDecryptFailed(() => decrypt({ envelope: { ...keyEnvelope, iv: other.iv }, key: KEY }));
    });

    it('the wrong key', async () => {
      await expectDecryptFailed(() => decrypt({ envelope: keyEnvelope, key: OTHER_KEY }));
    });

    it('the wrong password (one character differs)', async () => {
      await expectDecryptFailed(() => decrypt({ envelope: passwordEnvelope, password: OTHER_PASSWORD }));
    });

    it('not tampering: an authentic envelope whose plaintext is not UTF-8 → NOT_TEXT (issue 10), bytes via decryptBytes', async () => {
      const key = randomBytes(32);
      for (const bytes of [Buffer.of(0xff), Buffer.of(0x61, 0xc0, 0xaf), Buffer.of(0xed, 0xa0, 0x80)]) {
        const envelope = sealIndependently(key, bytes);
        const error = await expectRejection(
          () => decrypt({ envelope, key: key.toString('hex') }),
          'NOT_TEXT',
          undefined,
          [key.toString('hex')],
        );
        assert.equal(error.size, bytes.byteLength);
        assert.deepEqual((await decryptBytes({ envelope, key: key.toString('hex') })).plaintext, bytes);
      }
    });
  });

  describe('key or password', () => {
    let keyEnvelope: Envelope;
    let passwordEnvelope: Envelope;
    before(async () => {
      keyEnvelope = await encrypt({ plaintext: PLAINTEXT, key: KEY });
      passwordEnvelope = await encrypt({ plaintext: PLAINTEXT, password: PASSWORD, iterations: ITERATIONS });
    });

    it('a password for a key envelope → KEY_OR_PASSWORD', async () => {
      await expectRejection(
        () => decrypt({ envelope: keyEnvelope, password: PASSWORD }),
        'KEY_OR_PASSWORD',
        ANY_FIELD,
      );
    });

    it('a key for a password envelope → KEY_OR_PASSWORD', async () => {
      await expectRejection(
        () => decrypt({ envelope: passwordEnvelope, key: KEY }),
        'KEY_OR_PASSWORD',
        ANY_FIELD,
      );
    });

    it('both or neither of key and password → KEY_OR_PASSWORD (encrypt and decrypt)', async () => {
      const secretsSets: unknown[] = [
        { key: KEY, password: PASSWORD },
        {},
        { key: undefined, password: undefined },
        { key: '', password: PASSWORD },
      ];
      for (const secrets of secretsSets) {
        await expectRejection(
          () => enc({ plaintext: PLAINTEXT, ...(secrets as object) }),
          'KEY_OR_PASSWORD',
          undefined,
        );
        await expectRejection(
          () => dec({ envelope: keyEnvelope, ...(secrets as object) }),
          'KEY_OR_PASSWORD',
          undefined,
        );
      }
    });

    it('a key that is not 64 hex characters → INVALID_KEY (encrypt and decrypt)', async () => {
      const badKeys: unknown[] = [
        KEY.slice(0, 63),
        KEY + '0',
        KEY.slice(0, 63) + 'g',
        KEY.slice(0, 31) + ' ' + KEY.slice(32),
        '0x' + KEY.slice(2),
        KEY.slice(0, 62) + 'é',
        '',
        123,
        null,
        Buffer.from(KEY, 'hex'),
        [KEY],
      ];
      for (const key of badKeys) {
        const extra = typeof key === 'string' ? [key] : [];
        await expectRejection(() => enc({ plaintext: PLAINTEXT, key }), 'INVALID_KEY', 'key', extra);
        await expectRejection(() => dec({ envelope: keyEnvelope, key }), 'INVALID_KEY', 'key', extra);
      }
    });

    it('an empty, non-string or over-long password → INVALID_PASSWORD (encrypt and decrypt)', async () => {
      const long = 'p'.repeat(limits.MAX_PASSWORD_LENGTH + 1);
      for (const password of ['', 42, null, ['pw'], long]) {
        await expectRejection(
          () => enc({ plaintext: PLAINTEXT, password, iterations: ITERATIONS }),
          'INVALID_PASSWORD',
          'password',
        );
        await expectRejection(
          () => dec({ envelope: passwordEnvelope, password }),
          'INVALID_PASSWORD',
          'password',
        );
      }
    });

    it('a password with a lone surrogate → INVALID_PASSWORD', async () => {
      await expectRejection(
        () => enc({ plaintext: PLAINTEXT, password: 'pass\uD800word', iterations: ITERATIONS }),
        'INVALID_PASSWORD',
        'password',
        ['pass\uD800word'],
      );
    });

    it('a password of exactly the maximum length is accepted', async () => {
      const password = 'q'.repeat(limits.MAX_PASSWORD_LENGTH);
      const envelope = await encrypt({ plaintext: PLAINTEXT, password, iterations: ITERATIONS });
      assert.equal((await decrypt({ envelope, password })).plaintext, PLAINTEXT);
    });
  });

  describe('other bad input', () => {
    it('a lone surrogate in the plaintext → INVALID_PLAINTEXT', async () => {
      for (const plaintext of ['\uD800', 'abc\uDC00def', '😀'.slice(0, 1), 'x' + '😀'.slice(1)]) {
        await expectRejection(() => encrypt({ plaintext, key: KEY }), 'INVALID_PLAINTEXT', 'plaintext');
        await expectRejection(
          () => encrypt({ plaintext, password: PASSWORD, iterations: ITERATIONS }),
          'INVALID_PLAINTEXT',
          'plaintext',
        );
      }
    });

    it('a plaintext that is neither a string nor a Uint8Array → INVALID_PLAINTEXT', async () => {
      // (A Buffer is a Uint8Array: since issue 10 it is encrypted as exact bytes; test/unit/bytes.test.ts.)
      for (const plaintext of [undefined, null, 42, new ArrayBuffer(1), ['x']]) {
        await expectRejection(() => enc({ plaintext, key: KEY }), 'INVALID_PLAINTEXT', 'plaintext');
      }
    });

    it('a plaintext over 64 MiB of UTF-8 → PLAINTEXT_TOO_LARGE, refused before any work', async () => {
      const started = Date.now();
      const ascii = 'a'.repeat(limits.MAX_PLAINTEXT_BYTES + 1);
      await expectRejection(
        () => encrypt({ plaintext: ascii, key: KEY }),
        'PLAINTEXT_TOO_LARGE',
        'plaintext',
      );
      // Fewer UTF-16 units than the limit, but three UTF-8 bytes each.
      const euros = '€'.repeat(Math.floor(limits.MAX_PLAINTEXT_BYTES / 3) + 1);
      assert.ok(euros.length < limits.MAX_PLAINTEXT_BYTES);
      await expectRejection(
        () => encrypt({ plaintext: euros, password: PASSWORD }),
        'PLAINTEXT_TOO_LARGE',
        'plaintext',
      );
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    });

    it('iterations with a key → INVALID_ITERATIONS', async () => {
      await expectRejection(
        () => encrypt({ plaintext: PLAINTEXT, key: KEY, iterations: 600_000 }),
        'INVALID_ITERATIONS',
        'iterations',
      );
    });

    it('iterations out of range or not a whole number → INVALID_ITERATIONS', async () => {
      for (const iterations of [0, 999, -1000, 10_000_001, 1e12, 1000.5, NaN, Infinity, '1000', null]) {
        await expectRejection(
          () => enc({ plaintext: PLAINTEXT, password: PASSWORD, iterations }),
          'INVALID_ITERATIONS',
          'iterations',
        );
      }
    });

    it('the iteration bounds 1,000 and 10,000,000 are accepted (bounds only: 10,000,000 is not run)', async () => {
      const low = await encrypt({ plaintext: PLAINTEXT, password: PASSWORD, iterations: 1000 });
      assert.equal(low.iterations, 1000);
      // The upper bound passes validation: an already-aborted signal stops it before the derivation.
      await expectRejection(
        () =>
          encrypt({
            plaintext: PLAINTEXT,
            password: PASSWORD,
            iterations: 10_000_000,
            signal: AbortSignal.abort(),
          }),
        'ABORTED',
        undefined,
      );
    });

    it('options that do not apply → INVALID_ARGUMENT naming the option', async () => {
      const cases: Array<[() => Promise<unknown>, string]> = [
        [() => enc({ plaintext: PLAINTEXT, key: KEY, iv: 'AAAAAAAAAAAAAAAA' }), 'iv'],
        [() => enc({ plaintext: PLAINTEXT, password: PASSWORD, salt: 'AAAAAAAAAAAAAAAAAAAAAA==' }), 'salt'],
        [() => enc({ plaintext: PLAINTEXT, key: KEY, aad: 'x' }), 'aad'],
        [() => dec({ envelope: '{}', key: KEY, iterations: 1000 }), 'iterations'],
        [() => encBatch({ plaintexts: ['a'], key: KEY, plaintext: 'b' }), 'plaintext'],
        [() => decBatch({ envelopes: [], key: KEY, envelope: '{}' }), 'envelope'],
      ];
      for (const [run, field] of cases) await expectRejection(run, 'INVALID_ARGUMENT', field);
    });

    it('non-object options → INVALID_ARGUMENT', async () => {
      for (const options of [undefined, null, 'text', 42, ['text']]) {
        for (const run of [enc, dec, encBatch, decBatch]) {
          await expectRejection(() => run(options), 'INVALID_ARGUMENT', undefined);
        }
      }
    });

    it('a malformed envelope → MALFORMED_ENVELOPE naming the field', async () => {
      const envelope = await encrypt({ plaintext: PLAINTEXT, key: KEY });
      await expectRejection(
        () => decrypt({ envelope: { ...envelope, iv: envelope.iv.replace(/.$/, '-') }, key: KEY }),
        'MALFORMED_ENVELOPE',
        'iv',
      );
      await expectRejection(() => dec({ envelope: 42, key: KEY }), 'MALFORMED_ENVELOPE', undefined);
      await expectRejection(
        () => decrypt({ envelope: serializeEnvelope(envelope) + 'x', key: KEY }),
        'MALFORMED_ENVELOPE',
        undefined,
      );
    });

    it('an envelope object whose optional fields are undefined is read like the same object without them', async () => {
      // serializeEnvelope leaves undefined fields out; decrypt should agree with it.
      const envelope = await encrypt({ plaintext: PLAINTEXT, key: KEY });
      const withUndefined: Envelope = { ...envelope, kid: undefined, kdf: undefined };
      assert.equal(serializeEnvelope(withUndefined), serializeEnvelope(envelope));
      assert.equal((await decrypt({ envelope: withUndefined, key: KEY })).plaintext, PLAINTEXT);
    });
  });

  describe('kid', () => {
    it('is written after algorithm, survives the text form, and decrypt ignores it', async () => {
      const envelope = await encrypt({ plaintext: PLAINTEXT, key: KEY, kid: 'prod.db-key_1' });
      assert.equal(envelope.kid, 'prod.db-key_1');
      const text = serializeEnvelope(envelope);
      assert.match(text, /^\{"v":1,"algorithm":"AES-256-GCM","kid":"prod\.db-key_1","iv":/);
      assert.equal(parseEnvelope(text).kid, 'prod.db-key_1');
      assert.equal((await decrypt({ envelope: text, key: KEY })).plaintext, PLAINTEXT);
    });

    it('with a password → INVALID_KID', async () => {
      await expectRejection(
        () => encrypt({ plaintext: PLAINTEXT, password: PASSWORD, iterations: ITERATIONS, kid: 'prod' }),
        'INVALID_KID',
        'kid',
      );
    });

    it('outside A-Z a-z 0-9 . _ -, empty, too long, or not a string → INVALID_KID', async () => {
      for (const kid of ['my key', 'a/b', '', 'k'.repeat(65), 'clé', 42, null]) {
        await expectRejection(() => enc({ plaintext: PLAINTEXT, key: KEY, kid }), 'INVALID_KID', 'kid');
      }
    });
  });

  describe('batches', () => {
    it('encryptBatch with a password: one salt and iteration count, a distinct IV per envelope', async () => {
      const plaintexts = ['one', 'two', 'two', '', ONE_MIB.slice(0, 1000)];
      const envelopes = await encryptBatch({ plaintexts, password: PASSWORD, iterations: ITERATIONS });
      assert.equal(envelopes.length, plaintexts.length);
      assert.equal(new Set(envelopes.map((e) => e.salt)).size, 1);
      assert.ok(envelopes.every((e) => e.iterations === ITERATIONS && e.kdf === 'PBKDF2-SHA256'));
      assert.equal(new Set(envelopes.map((e) => e.iv)).size, plaintexts.length);
      assert.notEqual(envelopes[1]!.ciphertext, envelopes[2]!.ciphertext);
      const results = await decryptBatch({ envelopes, password: PASSWORD });
      assert.deepEqual(
        results.map((r) => r.plaintext),
        plaintexts,
      );
      // Each envelope also stands on its own.
      assert.equal((await decrypt({ envelope: envelopes[4]!, password: PASSWORD })).plaintext, plaintexts[4]);
    });

    it('encryptBatch with a key, kid on every envelope; decryptBatch of text and objects mixed', async () => {
      const plaintexts = ['α', 'β', 'γ'];
      const envelopes = await encryptBatch({ plaintexts, key: KEY, kid: 'k1' });
      assert.ok(envelopes.every((e) => e.kid === 'k1' && e.salt === undefined));
      assert.equal(new Set(envelopes.map((e) => e.iv)).size, 3);
      const inputs = [
        envelopes[0]!,
        serializeEnvelope(envelopes[1]!),
        serializeEnvelope(envelopes[2]!, { pretty: true }),
      ];
      const results = await decryptBatch({ envelopes: inputs, key: KEY });
      assert.deepEqual(
        results.map((r) => r.plaintext),
        plaintexts,
      );
    });

    it('decryptBatch handles envelopes with different salts and iteration counts', async () => {
      const a = await encrypt({ plaintext: 'a', password: PASSWORD, iterations: ITERATIONS });
      const [b, c] = await encryptBatch({ plaintexts: ['b', 'c'], password: PASSWORD, iterations: 1500 });
      const d = await encrypt({ plaintext: 'd', password: PASSWORD, iterations: ITERATIONS });
      assert.equal(new Set([a.salt, b!.salt, c!.salt, d.salt]).size, 3);
      const results = await decryptBatch({ envelopes: [a, b!, d, c!], password: PASSWORD });
      assert.deepEqual(
        results.map((r) => r.plaintext),
        ['a', 'b', 'd', 'c'],
      );
    });

    it('decryptBatch is all or nothing: one tampered envelope → DECRYPT_FAILED with its index', async () => {
      const envelopes = await encryptBatch({
        plaintexts: [PLAINTEXT, 'second', 'third', 'fourth'],
        password: PASSWORD,
        iterations: ITERATIONS,
      });
      for (const bad of [0, 2, 3]) {
        const batch = envelopes.map((e, i) => (i === bad ? { ...e, tag: flipBit(e.tag, 3, 1) } : e));
        const error = await expectDecryptFailed(() => decryptBatch({ envelopes: batch, password: PASSWORD }));
        assert.equal(error.index, bad);
      }
    });

    it('decryptBatch: a malformed envelope → MALFORMED_ENVELOPE with its index and field', async () => {
      const envelopes = await encryptBatch({ plaintexts: ['a', 'b', 'c'], key: KEY });
      const batch = [envelopes[0]!, { ...envelopes[1]!, tag: 'AAAA' }, envelopes[2]!];
      const error = await expectRejection(
        () => decryptBatch({ envelopes: batch, key: KEY }),
        'MALFORMED_ENVELOPE',
        'tag',
      );
      assert.equal(error.index, 1);
    });

    it('decryptBatch: a key envelope among password envelopes → KEY_OR_PASSWORD with its index', async () => {
      const passwordEnvelopes = await encryptBatch({
        plaintexts: ['a', 'b'],
        password: PASSWORD,
        iterations: ITERATIONS,
      });
      const keyEnvelope = await encrypt({ plaintext: 'c', key: KEY });
      const error = await expectRejection(
        () => decryptBatch({ envelopes: [...passwordEnvelopes, keyEnvelope], password: PASSWORD }),
        'KEY_OR_PASSWORD',
        ANY_FIELD,
      );
      assert.equal(error.index, 2);
    });

    it('decryptBatch with the wrong password fails at the first envelope', async () => {
      const envelopes = await encryptBatch({
        plaintexts: ['a', 'b'],
        password: PASSWORD,
        iterations: ITERATIONS,
      });
      const error = await expectDecryptFailed(() => decryptBatch({ envelopes, password: OTHER_PASSWORD }));
      assert.equal(error.index, 0);
    });

    it('encryptBatch: a bad plaintext → INVALID_PLAINTEXT with its index', async () => {
      const error = await expectRejection(
        () =>
          encryptBatch({
            plaintexts: ['fine', 'fine', 'bad \uD800'],
            password: PASSWORD,
            iterations: ITERATIONS,
          }),
        'INVALID_PLAINTEXT',
        'plaintext',
      );
      assert.equal(error.index, 2);
    });

    it('a batch of one reports index 0 too (encryptBatch and decryptBatch)', async () => {
      const encryptError = await expectRejection(
        () => encryptBatch({ plaintexts: ['\uD800'], key: KEY }),
        'INVALID_PLAINTEXT',
        'plaintext',
      );
      assert.equal(encryptError.index, 0);
      const [envelope] = await encryptBatch({ plaintexts: ['x'], key: KEY });
      const decryptError = await expectDecryptFailed(() =>
        decryptBatch({ envelopes: [{ ...envelope!, tag: flipBit(envelope!.tag, 0, 0) }], key: KEY }),
      );
      assert.equal(decryptError.index, 0);
    });

    it('plaintexts / envelopes that are not arrays → INVALID_ARGUMENT', async () => {
      await expectRejection(
        () => encBatch({ plaintexts: 'abc', key: KEY }),
        'INVALID_ARGUMENT',
        'plaintexts',
      );
      await expectRejection(() => decBatch({ envelopes: '{}', key: KEY }), 'INVALID_ARGUMENT', 'envelopes');
    });

    it('empty batches give empty results', async () => {
      assert.deepEqual(await encryptBatch({ plaintexts: [], key: KEY }), []);
      assert.deepEqual(await decryptBatch({ envelopes: [], key: KEY }), []);
    });
  });

  describe('cancellation', () => {
    let keyEnvelope: Envelope;
    let passwordEnvelope: Envelope;
    before(async () => {
      keyEnvelope = await encrypt({ plaintext: PLAINTEXT, key: KEY });
      passwordEnvelope = await encrypt({ plaintext: PLAINTEXT, password: PASSWORD, iterations: ITERATIONS });
    });

    it('an already-aborted signal → ABORTED, in every function and mode', async () => {
      const signal = AbortSignal.abort();
      const runs: Array<() => Promise<unknown>> = [
        () => encrypt({ plaintext: PLAINTEXT, key: KEY, signal }),
        () => encrypt({ plaintext: PLAINTEXT, password: PASSWORD, signal }),
        () => decrypt({ envelope: keyEnvelope, key: KEY, signal }),
        () => decrypt({ envelope: passwordEnvelope, password: PASSWORD, signal }),
        () => encryptBatch({ plaintexts: ['a', 'b'], password: PASSWORD, signal }),
        () => decryptBatch({ envelopes: [passwordEnvelope, passwordEnvelope], password: PASSWORD, signal }),
      ];
      for (const run of runs) await expectRejection(run, 'ABORTED', undefined);
    });

    it('a signal aborted during the password derivation discards its result → ABORTED', async () => {
      const controller = new AbortController();
      const started = encrypt({
        plaintext: PLAINTEXT,
        password: PASSWORD,
        iterations: ITERATIONS,
        signal: controller.signal,
      });
      controller.abort();
      await expectRejection(() => started, 'ABORTED', undefined);
      const controller2 = new AbortController();
      const decrypting = decrypt({
        envelope: passwordEnvelope,
        password: PASSWORD,
        signal: controller2.signal,
      });
      controller2.abort();
      await expectRejection(() => decrypting, 'ABORTED', undefined);
    });
  });
});

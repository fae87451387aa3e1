/**
 * OpenSSH framing (src/core/openssh.ts), judged by the real ssh-keygen (Debian's openssh-client):
 * keys ssh-keygen makes are read (with and without a passphrase) and their public lines written
 * back byte for byte; keys Keysmith writes are opened by `ssh-keygen -y` and fingerprinted by
 * `ssh-keygen -l`; bcryptPbkdf equals bcrypt-pbkdf's own blocking `pbkdf`; every damaged input
 * gets its own error code and message.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
  type JsonWebKey,
} from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pbkdf as referencePbkdf } from 'bcrypt-pbkdf';
import { KeysmithError } from '../../src/core/errors';
import * as limits from '../../src/core/limits';
import {
  bcryptPbkdf,
  looksLikeOpenSshPublicKey,
  openSshPrivateKey,
  openSshPublicKey,
  parseOpenSshPrivateKey,
  parseOpenSshPublicKey,
  sshPublicKeyBlob,
} from '../../src/core/openssh';
import { ensureTool } from './pythonCryptography';

let dir = '';
let fileCount = 0;

function sshKeygen(args: string[]): string {
  const command = ensureTool('ssh-keygen', 'openssh-client');
  const run = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(run.status, 0, `ssh-keygen ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

/** A fresh file name in the test's temp folder. */
function tempPath(name: string): string {
  fileCount++;
  return path.join(dir, `${fileCount}-${name}`);
}

/** A private key file as ssh-keygen insists on: mode 0600. */
function writePrivateFile(text: string): string {
  const file = tempPath('id');
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

async function expectError(
  start: () => Promise<unknown> | unknown,
  code: string,
  message?: RegExp,
): Promise<KeysmithError> {
  let caught: unknown;
  try {
    await start();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof KeysmithError, `expected KeysmithError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (message) assert.match(caught.message, message);
  return caught;
}

const spki = (key: KeyObject): Buffer =>
  (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });
const jwk = (key: KeyObject): JsonWebKey => key.export({ format: 'jwk' });
const sshFingerprint = (key: KeyObject): string =>
  `SHA256:${createHash('sha256').update(sshPublicKeyBlob(key)).digest('base64').replace(/=+$/, '')}`;

// --- The wire format, to build damaged files (independent of the code under test).
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const str = (v: Buffer | string): Buffer => {
  const b = typeof v === 'string' ? Buffer.from(v, 'latin1') : v;
  return Buffer.concat([u32(b.length), b]);
};
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');

function armour(data: Buffer): string {
  const lines = data.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

function unarmour(text: string): Buffer {
  const body = /-----BEGIN OPENSSH PRIVATE KEY-----\n([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  assert.ok(body);
  return Buffer.from(body[1]!.replace(/\s/g, ''), 'base64');
}

/** The outer fields of an unencrypted key file (read by hand, to rebuild it with one change). */
function outerFields(data: Buffer): {
  cipher: string;
  kdf: string;
  kdfOptions: Buffer;
  pub: Buffer;
  priv: Buffer;
} {
  let at = MAGIC.length;
  const take = (): Buffer => {
    const n = data.readUInt32BE(at);
    const v = data.subarray(at + 4, at + 4 + n);
    at += 4 + n;
    return v;
  };
  const cipher = take().toString('latin1');
  const kdf = take().toString('latin1');
  const kdfOptions = take();
  at += 4; // number of keys
  const pub = take();
  const priv = take();
  return { cipher, kdf, kdfOptions, pub, priv };
}

function buildFile(fields: {
  cipher?: string;
  kdf?: string;
  kdfOptions?: Buffer;
  count?: number;
  pub: Buffer;
  priv: Buffer;
}): string {
  return armour(
    Buffer.concat([
      MAGIC,
      str(fields.cipher ?? 'none'),
      str(fields.kdf ?? 'none'),
      str(fields.kdfOptions ?? Buffer.alloc(0)),
      u32(fields.count ?? 1),
      str(fields.pub),
      str(fields.priv),
    ]),
  );
}

interface KeygenCase {
  name: string;
  args: string[];
  type: string;
}

const KEYGEN_CASES: KeygenCase[] = [
  { name: 'Ed25519', args: ['-t', 'ed25519'], type: 'ssh-ed25519' },
  { name: 'ECDSA P-256', args: ['-t', 'ecdsa', '-b', '256'], type: 'ecdsa-sha2-nistp256' },
  { name: 'ECDSA P-384', args: ['-t', 'ecdsa', '-b', '384'], type: 'ecdsa-sha2-nistp384' },
  { name: 'ECDSA P-521', args: ['-t', 'ecdsa', '-b', '521'], type: 'ecdsa-sha2-nistp521' },
  { name: 'RSA 2048', args: ['-t', 'rsa', '-b', '2048'], type: 'ssh-rsa' },
];

/** NFC "pässwörd ü" with a space: ssh-keygen gets these UTF-8 bytes as they are. */
const PASSPHRASE = 'p\u00e4ssw\u00f6rd \u00fc';

const NODE_KEYS: { name: string; make: () => KeyObject }[] = [
  { name: 'Ed25519', make: () => generateKeyPairSync('ed25519').privateKey },
  { name: 'EC P-256', make: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey },
  { name: 'EC P-384', make: () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey },
  { name: 'EC P-521', make: () => generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey },
  { name: 'RSA 2048', make: () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey },
];

describe('OpenSSH keys (openssh.ts, judged by ssh-keygen)', function () {
  this.timeout(120_000);

  before(() => {
    ensureTool('ssh-keygen', 'openssh-client');
    dir = mkdtempSync(path.join(tmpdir(), 'keysmith-openssh-'));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('keys made by ssh-keygen', () => {
    for (const c of KEYGEN_CASES) {
      it(`${c.name} without a passphrase: read, and its public line written back as ssh-keygen's .pub`, async () => {
        const file = tempPath('keygen');
        sshKeygen([...c.args, '-q', '-N', '', '-C', 'alice@example laptop', '-f', file]);
        const pubLine = readFileSync(`${file}.pub`, 'utf8');
        const parsed = await parseOpenSshPrivateKey(readFileSync(file, 'utf8'));
        assert.equal(parsed.encrypted, false);
        assert.equal(parsed.comment, 'alice@example laptop');
        assert.equal(parsed.key.type, 'private');
        assert.equal(openSshPublicKey(parsed.key, parsed.comment), pubLine);
        assert.ok(pubLine.startsWith(`${c.type} `));

        assert.ok(looksLikeOpenSshPublicKey(pubLine));
        const pub = parseOpenSshPublicKey(pubLine);
        assert.equal(pub.comment, 'alice@example laptop');
        assert.equal(pub.key.type, 'public');
        assert.deepEqual(spki(pub.key), spki(parsed.key));
        // Our fingerprint is ssh-keygen's.
        const listed = sshKeygen(['-l', '-E', 'sha256', '-f', `${file}.pub`]).split(' ')[1];
        assert.equal(sshFingerprint(pub.key), listed);
      });

      it(`${c.name} with a passphrase: opens with it (NFC), WRONG_PASSPHRASE with another, PASSPHRASE_REQUIRED without`, async () => {
        const file = tempPath('keygen-enc');
        sshKeygen([...c.args, '-q', '-a', '4', '-N', PASSPHRASE, '-C', 'enc', '-f', file]);
        const text = readFileSync(file, 'utf8');
        // The same passphrase in NFD (decomposed) opens it too.
        const parsed = await parseOpenSshPrivateKey(text, { passphrase: PASSPHRASE.normalize('NFD') });
        assert.equal(parsed.encrypted, true);
        assert.equal(parsed.comment, 'enc');
        assert.equal(openSshPublicKey(parsed.key, 'enc'), readFileSync(`${file}.pub`, 'utf8'));

        const wrong = await expectError(
          () => parseOpenSshPrivateKey(text, { passphrase: 'not the passphrase' }),
          'WRONG_PASSPHRASE',
        );
        assert.ok(!wrong.message.includes('not the passphrase'));
        await expectError(() => parseOpenSshPrivateKey(text), 'PASSPHRASE_REQUIRED', /passphrase-protected/);
        await expectError(() => parseOpenSshPrivateKey(text, { passphrase: '' }), 'PASSPHRASE_REQUIRED');
      });
    }
  });

  describe('keys written by Keysmith, read by ssh-keygen', () => {
    for (const k of NODE_KEYS) {
      it(`${k.name}: ssh-keygen -y opens our file (plain and with a passphrase) and -l prints our fingerprint`, async () => {
        const key = k.make();
        const comment = `keysmith ${k.name}`;
        const publicLine = openSshPublicKey(key, comment);

        const plain = await openSshPrivateKey(key, { comment });
        assert.match(
          plain,
          /^-----BEGIN OPENSSH PRIVATE KEY-----\n(?:[A-Za-z0-9+/]{70}\n)*[A-Za-z0-9+/=]{1,70}\n-----END OPENSSH PRIVATE KEY-----\n$/,
        );
        assert.equal(sshKeygen(['-y', '-f', writePrivateFile(plain)]), publicLine);

        const sealed = await openSshPrivateKey(key, { comment, passphrase: PASSPHRASE, rounds: 2 });
        assert.equal(sshKeygen(['-y', '-P', PASSPHRASE, '-f', writePrivateFile(sealed)]), publicLine);

        const pubFile = tempPath('id.pub');
        writeFileSync(pubFile, publicLine);
        const listed = sshKeygen(['-l', '-E', 'sha256', '-f', pubFile]).trim().split(' ');
        assert.equal(listed[1], sshFingerprint(key));

        // And back: the same key (private JWK), comment and public key.
        for (const [text, options] of [
          [plain, {}],
          [sealed, { passphrase: PASSPHRASE }],
        ] as const) {
          const back = await parseOpenSshPrivateKey(text, options);
          assert.deepEqual(jwk(back.key), jwk(key));
          assert.equal(back.comment, comment);
        }
        const pub = parseOpenSshPublicKey(publicLine);
        assert.deepEqual(spki(pub.key), spki(key));
        assert.equal(pub.comment, comment);
      });
    }

    it('default rounds are 16, with a 16-byte salt, aes256-ctr and bcrypt, and ssh-keygen opens it', async () => {
      const key = generateKeyPairSync('ed25519').privateKey;
      const text = await openSshPrivateKey(key, { passphrase: 'correct horse' });
      const fields = outerFields(unarmour(text));
      assert.equal(fields.cipher, 'aes256-ctr');
      assert.equal(fields.kdf, 'bcrypt');
      assert.equal(fields.kdfOptions.length, 4 + 16 + 4);
      assert.equal(fields.kdfOptions.readUInt32BE(0), 16);
      assert.equal(fields.kdfOptions.readUInt32BE(20), 16);
      assert.equal(fields.priv.length % 16, 0);
      assert.equal(
        sshKeygen(['-y', '-P', 'correct horse', '-f', writePrivateFile(text)]),
        openSshPublicKey(key),
      );
    });

    it('two writes of one key differ (random check integers and salt) and both read back', async () => {
      const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const a = await openSshPrivateKey(key, { passphrase: 'x', rounds: 1 });
      const b = await openSshPrivateKey(key, { passphrase: 'x', rounds: 1 });
      assert.notEqual(a, b);
      for (const text of [a, b])
        assert.deepEqual(jwk((await parseOpenSshPrivateKey(text, { passphrase: 'x' })).key), jwk(key));
    });

    it('a public line without a comment is "type base64\\n", and a public KeyObject writes the same line', () => {
      const pair = generateKeyPairSync('ed25519');
      const line = openSshPublicKey(pair.privateKey);
      assert.match(line, /^ssh-ed25519 AAAA[A-Za-z0-9+/]+=*\n$/);
      assert.equal(openSshPublicKey(pair.publicKey), line);
      assert.equal(parseOpenSshPublicKey(`  ${line}  `).comment, '');
    });

    it('refuses what has no OpenSSH form or bad options (INVALID_ARGUMENT with the field)', async () => {
      const x25519 = generateKeyPairSync('x25519').privateKey;
      const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
      const ed = generateKeyPairSync('ed25519');
      for (const [start, field] of [
        [() => openSshPublicKey(x25519), 'key'],
        [() => openSshPublicKey(k1), 'key'],
        [() => openSshPrivateKey(ed.publicKey), 'key'],
        [() => openSshPrivateKey(ed.privateKey, { passphrase: '' }), 'passphrase'],
        [() => openSshPrivateKey(ed.privateKey, { passphrase: 'x', rounds: 0 }), 'rounds'],
        [() => openSshPrivateKey(ed.privateKey, { comment: 'two\nlines' }), 'comment'],
        [() => openSshPublicKey(ed.publicKey, 'a\rb'), 'comment'],
        [() => sshPublicKeyBlob('not a key' as unknown as KeyObject), 'key'],
      ] as const) {
        const error = await expectError(start, 'INVALID_ARGUMENT');
        assert.equal(error.field, field, error.message);
      }
    });
  });

  describe('bcryptPbkdf', () => {
    const cases: [string, number, number, number][] = [
      ['password', 16, 4, 48],
      ['password', 16, 1, 32],
      ['\u00e4 longer passphrase with spaces', 8, 3, 64],
      ['x', 1, 2, 7],
      ['y', 33, 2, 100],
      ['z', 16, 1, 1],
    ];
    for (const [pass, saltLength, rounds, keyLength] of cases) {
      it(`equals bcrypt-pbkdf's pbkdf: salt ${saltLength} bytes, ${rounds} rounds, ${keyLength}-byte key`, async () => {
        const passBytes = Buffer.from(pass, 'utf8');
        const salt = randomBytes(saltLength);
        const expected = new Uint8Array(keyLength);
        assert.equal(
          referencePbkdf(passBytes, passBytes.length, salt, salt.length, expected, keyLength, rounds),
          0,
        );
        assert.deepEqual(await bcryptPbkdf(passBytes, salt, rounds, keyLength), Buffer.from(expected));
      });
    }

    it('an abort during the rounds stops it with ABORTED; an aborted signal never starts it', async () => {
      const controller = new AbortController();
      const running = bcryptPbkdf(Buffer.from('pass'), randomBytes(16), 1_000_000, 48, controller.signal);
      setImmediate(() => controller.abort());
      await expectError(() => running, 'ABORTED');
      await expectError(
        () => bcryptPbkdf(Buffer.from('pass'), randomBytes(16), 1, 48, controller.signal),
        'ABORTED',
      );
    });

    it('an abort stops parseOpenSshPrivateKey and openSshPrivateKey with ABORTED', async () => {
      const key = generateKeyPairSync('ed25519').privateKey;
      const text = await openSshPrivateKey(key, { passphrase: 'pass', rounds: 1 });
      // The same file, but with the most rounds Keysmith opens (minutes): only the abort ends it soon.
      const f = outerFields(unarmour(text));
      const slow = buildFile({
        ...f,
        kdfOptions: Buffer.concat([f.kdfOptions.subarray(0, 20), u32(limits.MAX_BCRYPT_ROUNDS)]),
      });
      const controller = new AbortController();
      const reading = parseOpenSshPrivateKey(slow, { passphrase: 'pass', signal: controller.signal });
      const writing = openSshPrivateKey(key, {
        passphrase: 'p',
        rounds: limits.MAX_BCRYPT_ROUNDS,
        signal: controller.signal,
      });
      setImmediate(() => controller.abort());
      await expectError(() => reading, 'ABORTED');
      await expectError(() => writing, 'ABORTED');
    });

    it('a key asking for more bcrypt rounds than Keysmith opens is UNSUPPORTED_KEY, at once, naming the rounds', async () => {
      const key = generateKeyPairSync('ed25519').privateKey;
      const f = outerFields(unarmour(await openSshPrivateKey(key, { passphrase: 'pass', rounds: 1 })));
      const tooMany = buildFile({
        ...f,
        kdfOptions: Buffer.concat([f.kdfOptions.subarray(0, 20), u32(0xffffffff)]),
      });
      const error = await expectError(
        () => parseOpenSshPrivateKey(tooMany, { passphrase: 'pass' }),
        'UNSUPPORTED_KEY',
      );
      assert.match(error.message, /4294967295 bcrypt rounds/);
      assert.match(error.message, /ssh-keygen -p/);
      await expectError(
        () => openSshPrivateKey(key, { passphrase: 'p', rounds: limits.MAX_BCRYPT_ROUNDS + 1 }),
        'INVALID_ARGUMENT',
      );
    });

    it('bad arguments are INVALID_ARGUMENT', async () => {
      for (const [start, field] of [
        [() => bcryptPbkdf(new Uint8Array(0), randomBytes(16), 1, 48), 'passphrase'],
        [() => bcryptPbkdf(Buffer.from('p'), new Uint8Array(0), 1, 48), 'salt'],
        [() => bcryptPbkdf(Buffer.from('p'), randomBytes(16), 0, 48), 'rounds'],
        [() => bcryptPbkdf(Buffer.from('p'), randomBytes(16), 1, 1025), 'keyLength'],
      ] as const) {
        assert.equal((await expectError(start, 'INVALID_ARGUMENT')).field, field);
      }
    });
  });

  describe('damaged and unsupported input', () => {
    let good = '';
    let fields: ReturnType<typeof outerFields>;
    let edPublicLine = '';

    before(async () => {
      const key = generateKeyPairSync('ed25519').privateKey;
      good = await openSshPrivateKey(key, { comment: 'c' });
      fields = outerFields(unarmour(good));
      edPublicLine = openSshPublicKey(key, 'c');
    });

    it('base64 cut mid-way: MALFORMED_KEY, not valid base64', async () => {
      const lines = good.split('\n');
      lines[2] = lines[2]!.slice(0, 33);
      await expectError(() => parseOpenSshPrivateKey(lines.join('\n')), 'MALFORMED_KEY', /not valid base64/);
    });

    it('lines cut off at a line boundary: MALFORMED_KEY, runs past the end', async () => {
      const lines = good.split('\n');
      // BEGIN, then 2 of the body lines (140 characters: whole base64 groups), then END.
      const cut = [lines[0], lines[1], lines[2], '-----END OPENSSH PRIVATE KEY-----', ''].join('\n');
      await expectError(() => parseOpenSshPrivateKey(cut), 'MALFORMED_KEY', /runs past the end/);
    });

    it('no END line, no BEGIN line, a line that is not base64: MALFORMED_KEY naming it', async () => {
      await expectError(
        () => parseOpenSshPrivateKey(good.replace('-----END OPENSSH PRIVATE KEY-----', '')),
        'MALFORMED_KEY',
        /no -----END OPENSSH PRIVATE KEY----- line/,
      );
      await expectError(() => parseOpenSshPrivateKey('hello\n'), 'MALFORMED_KEY', /no -----BEGIN OPENSSH/);
      const lines = good.split('\n');
      lines[2] = `${lines[2]!.slice(0, 10)}*${lines[2]!.slice(11)}`;
      await expectError(
        () => parseOpenSshPrivateKey(`intro\n${lines.join('\n')}`),
        'MALFORMED_KEY',
        /line 4 .*not base64/,
      );
    });

    it('a length flipped to run past the end: MALFORMED_KEY', async () => {
      const data = unarmour(good);
      // The length of the public key field, after magic, "none", "none", "" and the key count.
      const at = MAGIC.length + 8 + 8 + 4 + 4;
      assert.equal(data.readUInt32BE(at), fields.pub.length);
      data.writeUInt32BE(0x7fffff00, at);
      await expectError(
        () => parseOpenSshPrivateKey(armour(data)),
        'MALFORMED_KEY',
        /public key .*runs past the end/,
      );
    });

    it('wrong magic: MALFORMED_KEY', async () => {
      const data = unarmour(good);
      data.write('openssh-key-v2', 0, 'latin1');
      await expectError(() => parseOpenSshPrivateKey(armour(data)), 'MALFORMED_KEY', /openssh-key-v1/);
    });

    it('check integers that differ without encryption: MALFORMED_KEY', async () => {
      const priv = Buffer.from(fields.priv);
      priv[0] = priv[0]! ^ 1;
      await expectError(
        () => parseOpenSshPrivateKey(buildFile({ ...fields, priv })),
        'MALFORMED_KEY',
        /check integers/,
      );
    });

    it('damaged padding or a private half that is not the public one: MALFORMED_KEY', async () => {
      const priv = Buffer.from(fields.priv);
      priv[priv.length - 1] = 0x55;
      await expectError(
        () => parseOpenSshPrivateKey(buildFile({ ...fields, priv })),
        'MALFORMED_KEY',
        /padding/,
      );
      const other = generateKeyPairSync('ed25519').publicKey;
      await expectError(
        () => parseOpenSshPrivateKey(buildFile({ ...fields, pub: sshPublicKeyBlob(other) })),
        'MALFORMED_KEY',
        /does not match/,
      );
    });

    it('unknown cipher, KDF or key type, several keys: UNSUPPORTED_KEY naming it', async () => {
      const gcm = buildFile({ ...fields, cipher: 'aes256-gcm@openssh.com', kdf: 'bcrypt' });
      await expectError(() => parseOpenSshPrivateKey(gcm), 'UNSUPPORTED_KEY', /aes256-gcm@openssh\.com/);
      const scrypt = buildFile({ ...fields, cipher: 'aes256-ctr', kdf: 'scrypt' });
      await expectError(() => parseOpenSshPrivateKey(scrypt), 'UNSUPPORTED_KEY', /scrypt/);
      const sk = Buffer.concat([str('sk-ssh-ed25519@openssh.com'), str(randomBytes(32)), str('ssh:')]);
      await expectError(
        () => parseOpenSshPrivateKey(buildFile({ ...fields, pub: sk })),
        'UNSUPPORTED_KEY',
        /sk-ssh-ed25519@openssh\.com/,
      );
      await expectError(
        () => parseOpenSshPrivateKey(buildFile({ ...fields, count: 2 })),
        'UNSUPPORTED_KEY',
        /2 keys/,
      );
    });

    it('public lines: unsupported types, a type that differs from the blob, bad or cut base64, an off-curve point', () => {
      const base64 = edPublicLine.split(' ')[1]!;
      const sk = Buffer.concat([str('sk-ssh-ed25519@openssh.com'), str(randomBytes(32)), str('ssh:')]);
      assert.ok(looksLikeOpenSshPublicKey(`sk-ssh-ed25519@openssh.com ${sk.toString('base64')}`));
      const dss = Buffer.concat([
        str('ssh-dss'),
        str(Buffer.of(1)),
        str(Buffer.of(1)),
        str(Buffer.of(1)),
        str(Buffer.of(1)),
      ]);
      assert.throws(
        () => parseOpenSshPublicKey(`ssh-dss ${dss.toString('base64')}`),
        (e: unknown) =>
          e instanceof KeysmithError && e.code === 'UNSUPPORTED_KEY' && /ssh-dss/.test(e.message),
      );
      const codeOf = (line: string): [string, string] => {
        try {
          parseOpenSshPublicKey(line);
        } catch (e) {
          assert.ok(e instanceof KeysmithError);
          return [e.code, e.message];
        }
        return ['', 'no error'];
      };
      assert.equal(codeOf(`sk-ssh-ed25519@openssh.com ${sk.toString('base64')}`)[0], 'UNSUPPORTED_KEY');
      const [mismatch, mismatchMessage] = codeOf(`ssh-rsa ${base64} c`);
      assert.equal(mismatch, 'MALFORMED_KEY');
      assert.match(mismatchMessage, /ssh-rsa.*ssh-ed25519/);
      assert.deepEqual(codeOf(`ssh-ed25519 ${base64.slice(0, -3)}`)[0], 'MALFORMED_KEY');
      assert.match(codeOf(`ssh-ed25519 ${base64.slice(0, -3)}`)[1], /not valid base64/);
      const cut = Buffer.from(base64, 'base64').subarray(0, 30).toString('base64');
      assert.match(codeOf(`ssh-ed25519 ${cut}`)[1], /runs past the end/);
      assert.match(codeOf(`ssh-ed25519 ${base64}\nssh-ed25519 ${base64}`)[1], /one line/);
      assert.match(codeOf('ssh-ed25519')[1], /no base64 field/);

      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
      const blob = sshPublicKeyBlob(ec);
      blob[blob.length - 1] = blob[blob.length - 1]! ^ 1; // the last byte of y
      const [offCode, offMessage] = codeOf(`ecdsa-sha2-nistp256 ${blob.toString('base64')}`);
      assert.equal(offCode, 'MALFORMED_KEY');
      assert.match(offMessage, /not on the curve nistp256/);
      const curveSwap = Buffer.concat([
        str('ecdsa-sha2-nistp256'),
        str('nistp384'),
        str(Buffer.alloc(65, 4)),
      ]);
      assert.match(codeOf(`ecdsa-sha2-nistp256 ${curveSwap.toString('base64')}`)[1], /curve nistp384/);
    });

    it('CRLF line ends and a block inside other text are read; a second block is ignored', async () => {
      const crlf = good.replace(/\n/g, '\r\n');
      assert.equal((await parseOpenSshPrivateKey(crlf)).comment, 'c');
      const other = await openSshPrivateKey(generateKeyPairSync('ed25519').privateKey, { comment: 'other' });
      assert.equal((await parseOpenSshPrivateKey(`# my key\n\n${good}\n${other}`)).comment, 'c');
    });

    it('RSA below 1024 bits: UNSUPPORTED_KEY to read, INVALID_ARGUMENT to write', async () => {
      const small = generateKeyPairSync('rsa', { modulusLength: 512 });
      const j = jwk(small.publicKey);
      const mp = (b64: string | undefined): Buffer => {
        const b = Buffer.from(b64 ?? '', 'base64url');
        return str((b[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.of(0), b]) : b);
      };
      const blob = Buffer.concat([str('ssh-rsa'), mp(j.e), mp(j.n)]);
      assert.throws(
        () => parseOpenSshPublicKey(`ssh-rsa ${blob.toString('base64')}`),
        (e: unknown) =>
          e instanceof KeysmithError && e.code === 'UNSUPPORTED_KEY' && /512 bits/.test(e.message),
      );
      assert.equal(
        (await expectError(() => openSshPublicKey(small.publicKey), 'INVALID_ARGUMENT')).field,
        'key',
      );
      await expectError(() => openSshPrivateKey(small.privateKey), 'INVALID_ARGUMENT', /512 bits/);
    });

    it('looksLikeOpenSshPublicKey: public lines of any type yes; PEM, JSON, prose no', () => {
      assert.ok(looksLikeOpenSshPublicKey(`\n  ${edPublicLine}  \n`));
      assert.ok(looksLikeOpenSshPublicKey('ssh-dss AAAAB3NzaC1kc3MAAACBAP'));
      assert.ok(!looksLikeOpenSshPublicKey(good));
      assert.ok(!looksLikeOpenSshPublicKey('{"kty":"OKP"}'));
      assert.ok(!looksLikeOpenSshPublicKey('ssh is a protocol'));
      assert.ok(!looksLikeOpenSshPublicKey(`${edPublicLine}${edPublicLine}`));
    });
  });
});

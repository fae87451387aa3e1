/**
 * The CLI end to end, as scripts and CI use it: `node dist/cli.js` as a child process, bytes in
 * and out, exit codes and stderr checked. (`npm test` builds dist/ before the tests run.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const KEY = randomBytes(32).toString('hex');
const OTHER_KEY = randomBytes(32).toString('hex');

interface Run {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

function cli(args: string[], input: string | Buffer = '', env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    input,
    env: { PATH: process.env.PATH ?? '', KS_KEY: KEY, KS_OTHER: OTHER_KEY, KS_PASSWORD: 'pässwörd', ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

/** A usage error: exit 2, nothing on stdout, exactly one line on stderr naming the problem. */
function assertUsageError(run: Run, mentions: RegExp): void {
  assert.equal(run.status, 2, run.stderr);
  assert.equal(run.stdout.length, 0);
  assert.match(run.stderr, /^keysmith: [^\n]+\n$/, 'one line on stderr');
  assert.match(run.stderr, mentions);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
}

describe('CLI', function () {
  this.timeout(60_000);

  before(() => assert.ok(existsSync(CLI), `${CLI} is built by npm test (node esbuild.mjs --tests)`));

  describe('--help', () => {
    for (const command of ['generate-key', 'generate-keypair', 'encrypt', 'decrypt']) {
      it(`${command} --help prints its usage and exits 0`, () => {
        const run = cli([command, '--help']);
        assert.equal(run.status, 0);
        assert.match(run.stdout.toString(), new RegExp(`^Usage: keysmith ${command}`));
      });
    }
    it('keysmith --help lists the commands; no command at all is a usage error', () => {
      assert.match(cli(['--help']).stdout.toString(), /generate-keypair/);
      const bare = cli([]);
      assert.equal(bare.status, 2);
      assert.match(bare.stderr, /Usage: keysmith <command>/);
    });
    it('an unknown command or option is a usage error', () => {
      assertUsageError(cli(['frobnicate']), /unknown command 'frobnicate'/);
      assertUsageError(cli(['generate-key', '--colour']), /Unknown option '--colour'/);
      assertUsageError(cli(['generate-key', 'extra']), /generate-key/);
    });
  });

  describe('generate-key', () => {
    it('prints an api-key with the default prefix and a newline', () => {
      const run = cli(['generate-key']);
      assert.equal(run.status, 0);
      assert.match(run.stdout.toString(), /^sk_[0-9a-f]{64}\n$/);
    });
    it('--json prints the reference API response for each type', () => {
      const expected = { 'api-key': 256, 'uuid-v4': 122, nanoid: 126, secret: 256 } as const;
      for (const [type, bits] of Object.entries(expected)) {
        const run = cli(['generate-key', '--type', type, '--json']);
        assert.equal(run.status, 0, run.stderr);
        const body = JSON.parse(run.stdout.toString()) as Record<string, unknown>;
        assert.deepEqual(Object.keys(body), ['key', 'type', 'entropy_bits']);
        assert.equal(body.type, type);
        assert.equal(body.entropy_bits, bits);
      }
    });
    it('--prefix and --length are applied', () => {
      assert.match(cli(['generate-key', '--prefix', 'tk']).stdout.toString(), /^tk_[0-9a-f]{64}\n$/);
      assert.match(
        cli(['generate-key', '--type', 'nanoid', '--length', '10']).stdout.toString(),
        /^[\w-]{10}\n$/,
      );
      assert.match(
        cli(['generate-key', '--type', 'secret', '--length', '32']).stdout.toString(),
        /^[0-9a-f]{32}\n$/,
      );
    });
    it('bad values name the option', () => {
      assertUsageError(cli(['generate-key', '--type', 'guid']), /--type must be one of/);
      assertUsageError(
        cli(['generate-key', '--type', 'nanoid', '--length', '0']),
        /length must be a whole number from 2 to 256/,
      );
      assertUsageError(
        cli(['generate-key', '--type', 'nanoid', '--length', 'ten']),
        /--length must be a whole number/,
      );
      assertUsageError(cli(['generate-key', '--prefix', 'a b']), /prefix must be/);
      assertUsageError(
        cli(['generate-key', '--type', 'uuid-v4', '--length', '5']),
        /length does not apply to type uuid-v4/,
      );
    });
  });

  describe('generate-keypair', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'keysmith-cli-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('prints both PEMs without --out', () => {
      const run = cli(['generate-keypair', '--algorithm', 'EC', '--curve', 'P-384']);
      assert.equal(run.status, 0, run.stderr);
      const text = run.stdout.toString();
      assert.match(text, /-----BEGIN EC PRIVATE KEY-----/);
      assert.match(text, /-----BEGIN PUBLIC KEY-----/);
    });
    it('--json prints the reference API response', () => {
      const run = cli(['generate-keypair', '--algorithm', 'EC', '--pkcs8', '--json']);
      const body = JSON.parse(run.stdout.toString()) as Record<string, string | null>;
      assert.deepEqual(Object.keys(body).sort(), [
        'algorithm',
        'curve',
        'fingerprints',
        'key_size',
        'private_key',
        'public_jwk',
        'public_key',
      ]);
      assert.equal(body.curve, 'P-256');
      assert.equal(body.key_size, null);
      assert.match(body.private_key!, /^-----BEGIN PRIVATE KEY-----/);
    });
    it('--out writes a 0600 private key and a public key that match, and never overwrites', () => {
      const prefix = path.join(dir, 'deploy');
      const run = cli(['generate-keypair', '--algorithm', 'RSA', '--out', prefix, '--json']);
      assert.equal(run.status, 0, run.stderr);
      const body = JSON.parse(run.stdout.toString()) as Record<string, unknown>;
      assert.equal(body.private_key, undefined, 'the private key is not echoed when written to a file');
      assert.equal(body.private_key_path, `${prefix}_private.pem`);
      assert.equal(body.key_size, 2048);
      const privatePem = readFileSync(`${prefix}_private.pem`, 'utf8');
      assert.match(privatePem, /^-----BEGIN RSA PRIVATE KEY-----/);
      if (process.platform !== 'win32') assert.equal(statSync(`${prefix}_private.pem`).mode & 0o777, 0o600);
      const derived = createPublicKey(createPrivateKey(privatePem)).export({ type: 'spki', format: 'pem' });
      assert.equal(derived, readFileSync(`${prefix}_public.pem`, 'utf8'));

      const again = cli(['generate-keypair', '--algorithm', 'EC', '--out', prefix]);
      assertUsageError(again, /deploy_private\.pem already exists; refusing to overwrite/);
      assert.equal(
        readFileSync(`${prefix}_private.pem`, 'utf8'),
        privatePem,
        'the existing key is untouched',
      );
    });
    it('refuses when only the public file exists, and writes nothing', () => {
      const prefix = path.join(dir, 'svc');
      writeFileSync(`${prefix}_public.pem`, 'keep me');
      assertUsageError(
        cli(['generate-keypair', '--algorithm', 'EC', '--out', prefix]),
        /svc_public\.pem already exists/,
      );
      assert.equal(existsSync(`${prefix}_private.pem`), false);
      assert.equal(readFileSync(`${prefix}_public.pem`, 'utf8'), 'keep me');
    });
    it('a missing folder is named, as an I/O error (exit 3)', () => {
      const run = cli(['generate-keypair', '--algorithm', 'EC', '--out', path.join(dir, 'nope', 'k')]);
      assert.equal(run.status, 3, run.stderr);
      assert.equal(run.stdout.length, 0);
      assert.match(
        run.stderr,
        /^keysmith: generate-keypair: cannot write \S+k_private\.pem: the folder \S*nope does not exist\n$/,
      );
    });
    it('bad algorithm, size and curve are usage errors', () => {
      assertUsageError(cli(['generate-keypair']), /--algorithm must be RSA, EC or Ed25519/);
      assertUsageError(cli(['generate-keypair', '--algorithm', 'DSA']), /--algorithm must be RSA, EC or Ed25519/);
      assertUsageError(
        cli(['generate-keypair', '--algorithm', 'RSA', '--key-size', '1024']),
        /key_size must be one of 2048/,
      );
      assertUsageError(
        cli(['generate-keypair', '--algorithm', 'EC', '--curve', 'secp256k1']),
        /curve must be one of/,
      );
      assertUsageError(
        cli(['generate-keypair', '--algorithm', 'EC', '--key-size', '2048']),
        /--key-size applies only to/,
      );
    });
  });

  describe('encrypt and decrypt', () => {
    const texts: Record<string, string | Buffer> = {
      empty: '',
      'no trailing newline': 'secret',
      'CRLF lines': 'line 1\r\nline 2\r\n',
      'BOM and emoji': '\uFEFFkey: 🔑 ünïcödé\n',
      'NUL bytes': Buffer.from([0x61, 0x00, 0x62]),
    };
    for (const [name, text] of Object.entries(texts)) {
      it(`round-trips exact bytes with a key: ${name}`, () => {
        // Empty input needs --allow-empty since issue 10 (refused by default: usually a mistake).
        const encrypted = cli(['encrypt', '--key-env', 'KS_KEY', '--allow-empty'], text);
        assert.equal(encrypted.status, 0, encrypted.stderr);
        const envelope = encrypted.stdout.toString();
        assert.match(
          envelope,
          /^\{"v":1,"algorithm":"AES-256-GCM","iv":"[^"]+","tag":"[^"]+","ciphertext":"[^"]*"\}\n$/,
        );
        const decrypted = cli(['decrypt', '--key-env', 'KS_KEY'], envelope);
        assert.equal(decrypted.status, 0, decrypted.stderr);
        assert.deepEqual(decrypted.stdout, Buffer.from(text));
      });
    }
    it('round-trips with a password, and --iterations and --pretty are honoured', () => {
      const encrypted = cli(
        ['encrypt', '--password-env', 'KS_PASSWORD', '--iterations', '150000', '--pretty'],
        'hi',
      );
      assert.equal(encrypted.status, 0, encrypted.stderr);
      const text = encrypted.stdout.toString();
      assert.match(text, /^\{\n {2}"v": 1,\n/);
      assert.equal((JSON.parse(text) as { iterations: number }).iterations, 150000);
      const decrypted = cli(['decrypt', '--password-env', 'KS_PASSWORD'], text);
      assert.equal(decrypted.stdout.toString(), 'hi');
    });
    it('uses 600,000 iterations by default and warns on decrypt below 100,000', () => {
      const strong = cli(['encrypt', '--password-env', 'KS_PASSWORD'], 'x');
      assert.equal((JSON.parse(strong.stdout.toString()) as { iterations: number }).iterations, 600000);
      const weak = cli(['encrypt', '--password-env', 'KS_PASSWORD', '--iterations', '1000'], 'x');
      assert.match(weak.stderr, /warning: .*only 1,000 PBKDF2 iterations/);
      const decrypted = cli(['decrypt', '--password-env', 'KS_PASSWORD'], weak.stdout);
      assert.equal(decrypted.status, 0);
      assert.equal(decrypted.stdout.toString(), 'x');
      assert.match(decrypted.stderr, /warning: .*only 1,000 PBKDF2 iterations/);
    });
    it('a wrong key exits 1 with nothing on stdout', () => {
      const envelope = cli(['encrypt', '--key-env', 'KS_KEY'], 'top secret').stdout;
      const run = cli(['decrypt', '--key-env', 'KS_OTHER'], envelope);
      assert.equal(run.status, 1);
      assert.equal(run.stdout.length, 0);
      assert.equal(
        run.stderr,
        'keysmith: Could not decrypt: the key or password is wrong, or the envelope was modified.\n',
      );
    });
    it('a wrong password exits 1', () => {
      const envelope = cli(['encrypt', '--password-env', 'KS_PASSWORD', '--iterations', '1000'], 'x').stdout;
      const run = cli(['decrypt', '--password-env', 'KS_PASSWORD'], envelope, { KS_PASSWORD: 'passwörd' });
      assert.equal(run.status, 1);
      assert.equal(run.stdout.length, 0);
    });
    it('a tampered ciphertext exits 1 with nothing on stdout', () => {
      const envelope = JSON.parse(
        cli(['encrypt', '--key-env', 'KS_KEY'], 'attack at dawn').stdout.toString(),
      ) as {
        ciphertext: string;
      };
      const bytes = Buffer.from(envelope.ciphertext, 'base64');
      bytes[0]! ^= 1;
      envelope.ciphertext = bytes.toString('base64');
      const run = cli(['decrypt', '--key-env', 'KS_KEY'], JSON.stringify(envelope));
      assert.equal(run.status, 1);
      assert.equal(run.stdout.length, 0);
    });
    it('a malformed envelope exits 2 naming the field', () => {
      const envelope = JSON.parse(cli(['encrypt', '--key-env', 'KS_KEY'], 'x').stdout.toString()) as Record<
        string,
        unknown
      >;
      assertUsageError(
        cli(['decrypt', '--key-env', 'KS_KEY'], JSON.stringify({ ...envelope, iv: 'AAAA' })),
        /iv must be 12 bytes/,
      );
      assertUsageError(
        cli(['decrypt', '--key-env', 'KS_KEY'], JSON.stringify({ ...envelope, v: 9 })),
        /version 9 is not supported/,
      );
      assertUsageError(cli(['decrypt', '--key-env', 'KS_KEY'], 'not json'), /not valid JSON/);
    });
    it('secrets come only from the environment, and their problems are named without their values', () => {
      assertUsageError(cli(['encrypt'], 'x'), /exactly one of --key-env VAR or --password-env VAR/);
      assertUsageError(
        cli(['encrypt', '--key-env', 'KS_KEY', '--password-env', 'KS_PASSWORD'], 'x'),
        /exactly one of/,
      );
      assertUsageError(cli(['encrypt', '--key-env', 'UNSET_VAR'], 'x'), /UNSET_VAR is not set or empty/);
      const short = cli(['encrypt', '--key-env', 'KS_SHORT'], 'x', { KS_SHORT: 'deadbeef' });
      assertUsageError(short, /the key in KS_SHORT must be 64 hexadecimal characters/);
      assert.doesNotMatch(short.stderr, /deadbeef/);
      assertUsageError(cli(['encrypt', '--key', KEY], 'x'), /Unknown option '--key'/);
      assertUsageError(
        cli(['encrypt', '--key-env', 'KS_KEY', '--iterations', '5000'], 'x'),
        /--iterations applies only/,
      );
      assertUsageError(
        cli(['encrypt', '--password-env', 'KS_PASSWORD', '--iterations', '10'], 'x'),
        /iterations must be a whole number from 1000/,
      );
    });
    it('a key envelope given a password (and vice versa) is a usage error, not a failed decrypt', () => {
      const envelope = cli(['encrypt', '--key-env', 'KS_KEY'], 'x').stdout;
      assertUsageError(
        cli(['decrypt', '--password-env', 'KS_PASSWORD'], envelope),
        /encrypted with a key, not a password/,
      );
    });
    it('encrypts stdin that is not UTF-8 text, as exact bytes (refused before issue 10)', () => {
      const bytes = Buffer.from([0xff, 0xfe, 0x00]);
      const encrypted = cli(['encrypt', '--key-env', 'KS_KEY'], bytes);
      assert.equal(encrypted.status, 0, encrypted.stderr);
      assert.deepEqual(cli(['decrypt', '--key-env', 'KS_KEY'], encrypted.stdout).stdout, bytes);
    });
    it('refuses plaintext over 64 MiB before encrypting', () => {
      const run = cli(['encrypt', '--key-env', 'KS_KEY'], Buffer.alloc(64 * 1024 * 1024 + 1, 0x61));
      assertUsageError(run, /larger than 64 MiB/);
    });
  });
});

/**
 * The CLI as a Unix tool (issue 10), from outside through dist/cli.js: exact bytes both ways,
 * against Python's `cryptography` both ways, --in / --out (atomic, 0600 for plaintext, --force),
 * empty input, and exit code 3 with one stderr line for I/O errors — nothing half-written.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  openSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensurePythonCryptography, python } from './pythonCryptography';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const KEY = randomBytes(32).toString('hex');
const PASSWORD = 'pässwörd ☃';
const EVERY_BYTE = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

interface Run {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

function cli(args: string[], input: string | Buffer = '', options: SpawnSyncOptions = {}): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    input,
    env: { PATH: process.env.PATH ?? '', KS_KEY: KEY, KS_PASSWORD: PASSWORD },
    maxBuffer: 256 * 1024 * 1024,
    ...options,
  });
  return { status: result.status, stdout: result.stdout as Buffer, stderr: result.stderr.toString('utf8') };
}

/** Exit `status`, nothing on stdout, exactly one line on stderr matching `mentions`, no stack trace. */
function assertFailure(run: Run, status: number, mentions: RegExp): void {
  assert.equal(run.status, status, run.stderr);
  assert.equal(run.stdout.length, 0, 'nothing on stdout');
  assert.match(run.stderr, /^keysmith: [^\n]+\n$/, `one line on stderr: ${JSON.stringify(run.stderr)}`);
  assert.match(run.stderr, mentions);
  assert.doesNotMatch(run.stderr, /\n\s+at |Error:/, 'no stack trace');
}

const encryptKey = (input: Buffer | string, extra: string[] = []) =>
  cli(['encrypt', '--key-env', 'KS_KEY', ...extra], input);
const decryptKey = (input: Buffer | string, extra: string[] = []) =>
  cli(['decrypt', '--key-env', 'KS_KEY', ...extra], input);

describe('CLI: exact bytes, files and exit codes (issue 10)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => assert.ok(existsSync(CLI), `${CLI} is built by npm test (node esbuild.mjs --tests)`));
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'keysmith-cli-bytes-'))));
  afterEach(() => {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  });
  /** The folder's entries: proof that nothing (no temporary file) was left behind. */
  const entries = (folder = dir) => readdirSync(folder).sort();

  describe('binary round trips', () => {
    const cases: Record<string, Buffer> = {
      'every byte value 0..255': EVERY_BYTE,
      'random 1 MiB': randomBytes(1024 * 1024),
      'invalid UTF-8 (once refused as "not valid UTF-8 text")': Buffer.from([0xff, 0xfe, 0x00]),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      it(`${name}: stdin → stdout, with a key and with a password`, () => {
        const encrypted = encryptKey(bytes);
        assert.equal(encrypted.status, 0, encrypted.stderr);
        const decrypted = decryptKey(encrypted.stdout);
        assert.equal(decrypted.status, 0, decrypted.stderr);
        assert.deepEqual(decrypted.stdout, bytes);
        const sealed = cli(['encrypt', '--password-env', 'KS_PASSWORD', '--iterations', '1000'], bytes);
        assert.equal(sealed.status, 0, sealed.stderr);
        assert.deepEqual(cli(['decrypt', '--password-env', 'KS_PASSWORD'], sealed.stdout).stdout, bytes);
      });
    }
    it('empty input is refused with exit 2 unless --allow-empty, which round-trips it', () => {
      assertFailure(encryptKey(''), 2, /encrypt: stdin is empty/);
      const file = path.join(dir, 'empty.bin');
      writeFileSync(file, '');
      assertFailure(
        encryptKey('', ['--in', file]),
        2,
        new RegExp(`encrypt: ${file.replace(/[.]/g, '\\.')} is empty`),
      );
      const encrypted = encryptKey('', ['--allow-empty']);
      assert.equal(encrypted.status, 0, encrypted.stderr);
      const decrypted = decryptKey(encrypted.stdout);
      assert.equal(decrypted.status, 0, decrypted.stderr);
      assert.equal(decrypted.stdout.length, 0);
      assertFailure(decryptKey(''), 2, /decrypt: stdin is empty/);
    });
  });

  describe('against Python cryptography, both ways', () => {
    before(() => ensurePythonCryptography());
    const payloads: Record<string, Buffer> = {
      'every byte value': EVERY_BYTE,
      'random 1 MiB': randomBytes(1024 * 1024),
    };
    for (const [name, bytes] of Object.entries(payloads)) {
      it(`${name}: Python's envelopes decrypt with the CLI to the exact bytes (key and password)`, () => {
        const byKey = python('encrypt', bytes, { key: KEY });
        const opened = decryptKey(byKey);
        assert.equal(opened.status, 0, opened.stderr);
        assert.deepEqual(opened.stdout, bytes);
        const byPassword = python('encrypt', bytes, { password: PASSWORD, iterations: 1000 });
        const openedPassword = cli(['decrypt', '--password-env', 'KS_PASSWORD'], byPassword);
        assert.equal(openedPassword.status, 0, openedPassword.stderr);
        assert.deepEqual(openedPassword.stdout, bytes);
      });
      it(`${name}: the CLI's envelopes decrypt in Python to the exact bytes (key and password)`, () => {
        const byKey = encryptKey(bytes);
        assert.equal(byKey.status, 0, byKey.stderr);
        assert.deepEqual(python('decrypt', byKey.stdout, { key: KEY }), bytes);
        const byPassword = cli(['encrypt', '--password-env', 'KS_PASSWORD', '--iterations', '1000'], bytes);
        assert.deepEqual(python('decrypt', byPassword.stdout, { password: PASSWORD }), bytes);
      });
    }
  });

  describe('--in and --out', () => {
    it('--in FILE and --out FILE: exact bytes; the plaintext file is 0600; nothing else left in the folder', () => {
      const bytes = randomBytes(300_001);
      writeFileSync(path.join(dir, 'secret.bin'), bytes);
      const encrypted = cli(
        ['encrypt', '--key-env', 'KS_KEY', '--in', 'secret.bin', '--out', 'secret.env'],
        '',
        { cwd: dir },
      );
      assert.equal(encrypted.status, 0, encrypted.stderr);
      assert.equal(encrypted.stdout.length, 0);
      const decrypted = cli(
        ['decrypt', '--key-env', 'KS_KEY', '--in', 'secret.env', '--out', 'out.bin'],
        '',
        { cwd: dir },
      );
      assert.equal(decrypted.status, 0, decrypted.stderr);
      assert.deepEqual(readFileSync(path.join(dir, 'out.bin')), bytes);
      assert.equal(statSync(path.join(dir, 'out.bin')).mode & 0o777, 0o600);
      assert.deepEqual(entries(), ['out.bin', 'secret.bin', 'secret.env']);
    });
    it('an existing --out file is refused (exit 2) and left untouched; --force replaces it', () => {
      const envelope = encryptKey('new secret').stdout;
      const out = path.join(dir, 'plain.txt');
      writeFileSync(out, 'keep me');
      assertFailure(
        decryptKey(envelope, ['--out', out]),
        2,
        /plain\.txt already exists; refusing to overwrite it/,
      );
      assert.equal(readFileSync(out, 'utf8'), 'keep me');
      assertFailure(encryptKey('x', ['--out', out]), 2, /already exists/);
      assert.equal(readFileSync(out, 'utf8'), 'keep me');
      const forced = decryptKey(envelope, ['--out', out, '--force']);
      assert.equal(forced.status, 0, forced.stderr);
      assert.equal(readFileSync(out, 'utf8'), 'new secret');
      assert.equal(statSync(out).mode & 0o777, 0o600);
      assert.deepEqual(entries(), ['plain.txt']);
      assertFailure(decryptKey(envelope, ['--force']), 2, /--force applies only with --out/);
    });
    it('a wrong key with --out exits 1 and writes nothing', () => {
      const envelope = encryptKey('x').stdout;
      const run = cli(['decrypt', '--key-env', 'KS_OTHER', '--out', path.join(dir, 'p')], envelope, {
        env: { PATH: process.env.PATH ?? '', KS_OTHER: randomBytes(32).toString('hex') },
      });
      assertFailure(run, 1, /Could not decrypt/);
      assert.deepEqual(entries(), []);
    });
  });

  describe('I/O errors: exit 3, one stderr line naming the file or stream, nothing half-written', () => {
    it('a folder as --in, and a folder as stdin', () => {
      assertFailure(
        encryptKey('', ['--in', dir]),
        3,
        new RegExp(`encrypt: cannot read ${dir}: it is a folder`),
      );
      const fd = openDir(dir);
      const run = spawnSync(process.execPath, [CLI, 'encrypt', '--key-env', 'KS_KEY'], {
        stdio: [fd, 'pipe', 'pipe'],
        env: { PATH: process.env.PATH ?? '', KS_KEY: KEY },
      });
      closeSync(fd);
      assertFailure(
        { status: run.status, stdout: run.stdout, stderr: run.stderr.toString() },
        3,
        /encrypt: cannot read stdin: it is a folder/,
      );
    });
    it('a missing --in file', () => {
      const missing = path.join(dir, 'nope.bin');
      assertFailure(
        decryptKey('', ['--in', missing]),
        3,
        /cannot read .*nope\.bin: no such file or folder \(ENOENT\)/,
      );
    });
    it('a read-only --out folder: EACCES, and no temporary file left', () => {
      const folder = path.join(dir, 'ro');
      mkdirSync(folder);
      chmodSync(dir, 0o755);
      chmodSync(folder, 0o555);
      const envelope = encryptKey(EVERY_BYTE).stdout;
      // Root may write anywhere: run the CLI as nobody there, so the folder's mode is what counts.
      const asUser: SpawnSyncOptions = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const run = cli(
        ['decrypt', '--key-env', 'KS_KEY', '--out', path.join(folder, 'plain.bin')],
        envelope,
        asUser,
      );
      assertFailure(run, 3, /decrypt: cannot write .*ro\/plain\.bin: permission denied \(EACCES\)/);
      assert.deepEqual(entries(folder), []);
    });
    it('a closed stdout pipe (| head -c1) is exit 3 with one line, not a crash', () => {
      const envelopeFile = path.join(dir, 'big.env');
      writeFileSync(envelopeFile, encryptKey(randomBytes(8 * 1024 * 1024)).stdout);
      const script = `node "$CLI" decrypt --key-env KS_KEY --in "$ENVELOPE" 2>"$ERR" | head -c1 >/dev/null; echo "\${PIPESTATUS[0]}"`;
      const errFile = path.join(dir, 'stderr.txt');
      const run = spawnSync('bash', ['-c', script], {
        env: {
          PATH: path.dirname(process.execPath) + ':' + (process.env.PATH ?? ''),
          KS_KEY: KEY,
          CLI,
          ENVELOPE: envelopeFile,
          ERR: errFile,
        },
        encoding: 'utf8',
      });
      assert.equal(run.stdout.trim(), '3', run.stderr);
      assertFailure(
        { status: 3, stdout: Buffer.alloc(0), stderr: readFileSync(errFile, 'utf8') },
        3,
        /decrypt: cannot write stdout: .*\(EPIPE\)/,
      );
    });
    it('a full device on stdout (/dev/full): ENOSPC, exit 3', function () {
      if (!existsSync('/dev/full')) this.skip(); // Linux has it; other systems have no such device
      const fd = openForWriting('/dev/full');
      const run = spawnSync(process.execPath, [CLI, 'encrypt', '--key-env', 'KS_KEY'], {
        input: 'x',
        stdio: ['pipe', fd, 'pipe'],
        env: { PATH: process.env.PATH ?? '', KS_KEY: KEY },
      });
      closeSync(fd);
      assertFailure(
        { status: run.status, stdout: Buffer.alloc(0), stderr: run.stderr.toString() },
        3,
        /cannot write stdout: no space left on the device \(ENOSPC\)/,
      );
    });
  });
});

/** An fd for a child's stdio (closed by the caller once the child ran). */
function openDir(folder: string): number {
  return openSync(folder, 'r');
}
function openForWriting(file: string): number {
  return openSync(file, 'w');
}

/**
 * `keysmith generate-keypair` (formats, passphrases, --out names), `inspect` and `convert` end to
 * end through the built dist/cli.js, judged by the tools people check keys with: ssh-keygen
 * (`-l` fingerprints, `-y` public half, `-P` passphrases) and openssl (`pkey`, `-passin`), and keys
 * those tools made read back. RSA is kept to 2048 bits and a few cases (key generation is slow).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureTool } from './pythonCryptography';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const PASS = 'correct horse bättery';
const WRONG = 'not the passphrase';
const ENV = { PATH: process.env.PATH ?? '', KS_PASS: PASS, KS_WRONG: WRONG, KS_EMPTY: '' };

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], input = ''): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], { input, env: ENV, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ok(args: string[], input = ''): string {
  const run = cli(args, input);
  assert.equal(run.status, 0, `keysmith ${args.join(' ')}: ${run.stderr}`);
  assert.equal(run.stderr, '');
  return run.stdout;
}

/** Exit 2, nothing on stdout, one stderr line matching `mentions`, never a passphrase in it. */
function assertUsageError(run: Run, mentions: RegExp): void {
  assert.equal(run.status, 2, run.stderr);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^keysmith: [^\n]+\n$/, `one line on stderr: ${run.stderr}`);
  assert.match(run.stderr, mentions);
  assert.ok(!run.stderr.includes(PASS) && !run.stderr.includes(WRONG), 'no passphrase in the message');
}

/** A third-party tool; its exit status and output (stdin given as `input`). */
function tool(command: string, args: string[], input?: string): Run {
  const result = spawnSync(command, args, { input, env: ENV, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function toolOk(command: string, args: string[], input?: string): string {
  const run = tool(command, args, input);
  assert.equal(run.status, 0, `${command} ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

let sshKeygen = 'ssh-keygen';
let openssl = 'openssl';

/** `ssh-keygen -l -f file`'s fingerprint (`SHA256:…`). */
function sshFingerprint(file: string): string {
  return toolOk(sshKeygen, ['-l', '-E', 'sha256', '-f', file]).split(' ')[1]!;
}

/** `type base64` of an OpenSSH public line (the comment left out). */
function sshKeyPart(line: string): string {
  return line.trim().split(/\s+/).slice(0, 2).join(' ');
}

/** SHA-256 hex of the SPKI DER, as openssl writes it. */
function opensslSpkiSha256(publicPemFile: string): string {
  const der = spawnSync(openssl, ['pkey', '-pubin', '-in', publicPemFile, '-outform', 'DER'], { env: ENV });
  assert.equal(der.status, 0, der.stderr.toString());
  return createHash('sha256').update(der.stdout).digest('hex');
}

/**
 * ssh-keygen cannot convert Ed25519 from or to PKCS#8 (`unsupported key type ED25519`), so for
 * Ed25519 the test frames the SSH wire key itself (RFC 8709: string "ssh-ed25519", string key).
 */
function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** The OpenSSH public line of an SPKI PEM: ssh-keygen -i for RSA and EC, framed here for Ed25519. */
function sshLineOf(publicPem: string, scratch: string): string {
  const key = createPublicKey(publicPem);
  if (key.asymmetricKeyType !== 'ed25519') {
    writeFileSync(scratch, publicPem);
    return toolOk(sshKeygen, ['-i', '-m', 'PKCS8', '-f', scratch]);
  }
  const raw = Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');
  return `ssh-ed25519 ${Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]).toString('base64')}\n`;
}

/** The SPKI PEM of an OpenSSH public line: ssh-keygen -e for RSA and EC, unframed here for Ed25519. */
function pemOfSshLine(line: string, scratch: string): string {
  const [type, base64] = line.trim().split(/\s+/) as [string, string];
  if (type !== 'ssh-ed25519') {
    writeFileSync(scratch, line);
    return toolOk(sshKeygen, ['-e', '-m', 'PKCS8', '-f', scratch]);
  }
  const blob = Buffer.from(base64, 'base64');
  assert.equal(blob.length, 4 + 11 + 4 + 32);
  const x = blob.subarray(blob.length - 32).toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }).export({
    type: 'spki',
    format: 'pem',
  }) as string;
}

interface Fingerprints {
  sha256: string;
  ssh: string;
  jwk_thumbprint: string;
}

interface GeneratedJson {
  algorithm: string;
  key_size: number | null;
  curve: string | null;
  public_key: string;
  private_key?: string;
  private_key_path?: string;
  public_key_path?: string;
  fingerprints: Fingerprints;
  public_jwk: JsonWebKey & { kid: string; alg: string; use: string };
}

const CASES: { algorithm: string; args: string[]; format: string; sshType: string; bits: string }[] = [
  { algorithm: 'Ed25519', args: [], format: 'pem', sshType: 'ED25519', bits: '256' },
  { algorithm: 'Ed25519', args: [], format: 'pkcs8', sshType: 'ED25519', bits: '256' },
  { algorithm: 'Ed25519', args: [], format: 'openssh', sshType: 'ED25519', bits: '256' },
  { algorithm: 'Ed25519', args: [], format: 'jwk', sshType: 'ED25519', bits: '256' },
  { algorithm: 'EC', args: ['--curve', 'P-256'], format: 'pem', sshType: 'ECDSA', bits: '256' },
  { algorithm: 'EC', args: ['--curve', 'P-384'], format: 'pkcs8', sshType: 'ECDSA', bits: '384' },
  { algorithm: 'EC', args: ['--curve', 'P-521'], format: 'openssh', sshType: 'ECDSA', bits: '521' },
  { algorithm: 'EC', args: ['--curve', 'P-256'], format: 'jwk', sshType: 'ECDSA', bits: '256' },
  { algorithm: 'RSA', args: ['--key-size', '2048'], format: 'openssh', sshType: 'RSA', bits: '2048' },
  { algorithm: 'RSA', args: [], format: 'jwk', sshType: 'RSA', bits: '2048' },
];

const NAMES: Record<string, [string, string]> = {
  pem: ['_private.pem', '_public.pem'],
  pkcs8: ['_private.pem', '_public.pem'],
  openssh: ['', '.pub'],
  jwk: ['_private.jwk.json', '_public.jwks.json'],
};

describe('CLI: key pairs, inspect and convert', function () {
  this.timeout(120_000);
  let dir = '';

  before(function () {
    this.timeout(600_000); // the first use may install openssh-client and openssl
    assert.ok(existsSync(CLI), `${CLI} is built by node esbuild.mjs --tests`);
    sshKeygen = ensureTool('ssh-keygen', 'openssh-client');
    openssl = ensureTool('openssl', 'openssl');
  });
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'keysmith-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const at = (name: string) => path.join(dir, name);
  /** The files in the folder (temporary files would show here). */
  const listing = () => readdirSync(dir).sort();

  describe('--help and usage', () => {
    for (const command of ['generate-keypair', 'inspect', 'convert']) {
      it(`${command} --help prints its usage`, () => {
        assert.match(ok([command, '--help']), new RegExp(`^Usage: keysmith ${command} `));
      });
    }
    it('keysmith --help lists inspect and convert, and Ed25519', () => {
      const text = ok(['--help']);
      assert.match(text, /^ {2}inspect /m);
      assert.match(text, /^ {2}convert /m);
      assert.match(text, /Ed25519/);
    });
    it('generate-keypair: each wrong combination is exit 2 with one line saying what', () => {
      const gen = (...args: string[]) => cli(['generate-keypair', ...args]);
      assertUsageError(gen('--algorithm', 'DSA'), /--algorithm must be RSA, EC or Ed25519/);
      assertUsageError(
        gen('--algorithm', 'Ed25519', '--curve', 'P-256'),
        /--curve applies only to --algorithm EC/,
      );
      assertUsageError(gen('--algorithm', 'Ed25519', '--key-size', '2048'), /--key-size applies only to/);
      assertUsageError(
        gen('--algorithm', 'EC', '--format', 'der'),
        /--format must be one of pem, pkcs8, openssh, jwk/,
      );
      assertUsageError(
        gen('--algorithm', 'EC', '--pkcs8', '--format', 'openssh'),
        /--pkcs8 .*--format openssh/,
      );
      assertUsageError(
        gen('--algorithm', 'EC', '--format', 'jwk', '--passphrase-env', 'KS_PASS'),
        /JWK cannot be passphrase-protected/,
      );
      assertUsageError(
        gen('--algorithm', 'EC', '--comment', 'me@host'),
        /--comment applies only to --format openssh/,
      );
      assertUsageError(
        gen('--algorithm', 'Ed25519', '--format', 'jwk', '--comment', 'x'),
        /--comment applies only to --format openssh/,
      );
      assertUsageError(
        gen('--algorithm', 'EC', '--passphrase-env', 'KS_NOPE'),
        /environment variable KS_NOPE .*not set/,
      );
      assertUsageError(
        gen('--algorithm', 'EC', '--passphrase-env', 'KS_EMPTY'),
        /KS_EMPTY .*not set or empty/,
      );
      assertUsageError(
        gen('--algorithm', 'EC', '--passphrase-env', ''),
        /--passphrase-env needs a variable name/,
      );
      assert.deepEqual(listing(), []);
    });
    it('inspect and convert: usage, missing input, and I/O errors', () => {
      assertUsageError(cli(['convert', at('x')]), /--to is required/);
      assertUsageError(cli(['convert', '--to', 'der']), /--to must be one of pem, pkcs8, openssh, jwk, jwks/);
      assertUsageError(
        cli(['convert', '--to', 'pem', '--comment', 'c']),
        /--comment applies only to --to openssh/,
      );
      assertUsageError(
        cli(['convert', '--to', 'jwks', '--to-passphrase-env', 'KS_PASS']),
        /JWK cannot be passphrase-protected/,
      );
      assertUsageError(
        cli(['convert', '--to', 'pkcs8', '--public', '--to-passphrase-env', 'KS_PASS']),
        /cannot go with --public/,
      );
      assertUsageError(cli(['inspect', '--passphrase-env', 'KS_NOPE']), /KS_NOPE/);
      assertUsageError(cli(['inspect', 'a', 'b']), /give one FILE/);
      assertUsageError(cli(['inspect'], ''), /inspect: stdin is empty/);
      const missing = cli(['inspect', at('missing.pem')]);
      assert.equal(missing.status, 3, missing.stderr);
      assert.match(
        missing.stderr,
        /^keysmith: inspect: cannot read \S+missing\.pem: no such file or folder \(ENOENT\)\n$/,
      );
    });
    it('a file that is not a key: exit 2, one line naming the file', () => {
      writeFileSync(at('notes.txt'), 'hello\n');
      assertUsageError(cli(['inspect', at('notes.txt')]), /inspect: \S*notes\.txt: /);
      assertUsageError(cli(['convert', at('notes.txt'), '--to', 'jwk']), /convert: \S*notes\.txt: /);
      const truncated = ok(['generate-keypair', '--algorithm', 'EC']).split('\n').slice(0, 3).join('\n');
      assertUsageError(cli(['inspect'], truncated), /inspect: stdin: /);
    });
  });

  describe('generate-keypair --out: each algorithm × format, judged by ssh-keygen and openssl', () => {
    for (const c of CASES) {
      it(`${c.algorithm} ${c.args.join(' ')} --format ${c.format}`, () => {
        const prefix = at('key');
        const body = JSON.parse(
          ok([
            'generate-keypair',
            '--algorithm',
            c.algorithm,
            ...c.args,
            '--format',
            c.format,
            '--out',
            prefix,
            '--json',
          ]),
        ) as GeneratedJson;
        const [privatePath, publicPath] = NAMES[c.format]!.map((suffix) => prefix + suffix) as [
          string,
          string,
        ];
        assert.equal(body.private_key_path, privatePath);
        assert.equal(body.public_key_path, publicPath);
        assert.equal(body.private_key, undefined, 'the private key is not echoed');
        assert.equal(body.algorithm, c.algorithm);
        assert.deepEqual(
          listing(),
          [path.basename(privatePath), path.basename(publicPath)].sort(),
          'no temporary file',
        );
        assert.equal(statSync(privatePath).mode & 0o777, 0o600);
        const privateText = readFileSync(privatePath, 'utf8');
        const publicText = readFileSync(publicPath, 'utf8');

        // The public key as SPKI PEM and as an OpenSSH line, however it was written.
        let publicPem: string;
        if (c.format === 'openssh') {
          assert.match(privateText, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
          assert.equal(sshKeyPart(toolOk(sshKeygen, ['-y', '-f', privatePath])), sshKeyPart(publicText));
          publicPem = pemOfSshLine(publicText, at('judge.pub'));
        } else if (c.format === 'jwk') {
          const privateJwk = JSON.parse(privateText) as JsonWebKey;
          assert.ok(privateJwk.d, 'the private JWK has d');
          const jwks = JSON.parse(publicText) as { keys: GeneratedJson['public_jwk'][] };
          assert.equal(jwks.keys.length, 1);
          assert.deepEqual(jwks.keys[0], body.public_jwk);
          assert.equal(jwks.keys[0]!.d, undefined, 'no private member in the JWKS');
          assert.equal(jwks.keys[0]!.kid, body.fingerprints.jwk_thumbprint);
          assert.equal(jwks.keys[0]!.use, 'sig');
          publicPem = createPublicKey({ key: jwks.keys[0]!, format: 'jwk' }).export({
            type: 'spki',
            format: 'pem',
          }) as string;
          const derived = createPublicKey(createPrivateKey({ key: privateJwk, format: 'jwk' }));
          assert.equal(derived.export({ type: 'spki', format: 'pem' }), publicPem);
        } else {
          assert.match(publicText, /^-----BEGIN PUBLIC KEY-----\n/);
          const header =
            c.format === 'pkcs8' || c.algorithm === 'Ed25519' ? 'PRIVATE KEY' : `${c.algorithm} PRIVATE KEY`;
          assert.match(privateText, new RegExp(`^-----BEGIN ${header}-----\\n`));
          assert.equal(toolOk(openssl, ['pkey', '-in', privatePath, '-pubout']), publicText);
          publicPem = publicText;
        }
        writeFileSync(at('judge.pem'), publicPem);
        assert.equal(body.fingerprints.sha256, opensslSpkiSha256(at('judge.pem')));
        writeFileSync(at('judge.pub'), sshLineOf(publicPem, at('judge.pem')));
        const printed = toolOk(sshKeygen, ['-l', '-E', 'sha256', '-f', at('judge.pub')])
          .trim()
          .split(' ');
        assert.equal(printed[0], c.bits);
        assert.equal(printed.at(-1), `(${c.sshType})`);
        assert.equal(body.fingerprints.ssh, printed[1]);
        if (c.format === 'openssh') assert.equal(sshFingerprint(publicPath), body.fingerprints.ssh);

        // Never overwrites: exit 2, the files as they were, nothing added.
        const before = listing().map((name) => [name, readFileSync(at(name), 'utf8')]);
        assertUsageError(
          cli(['generate-keypair', '--algorithm', 'Ed25519', '--format', c.format, '--out', prefix]),
          /already exists; refusing to overwrite/,
        );
        assert.deepEqual(
          listing().map((name) => [name, readFileSync(at(name), 'utf8')]),
          before,
        );
      });
    }

    it('--comment goes into both OpenSSH files; ssh-keygen -l prints it', () => {
      const prefix = at('id_ed25519');
      ok([
        'generate-keypair',
        '--algorithm',
        'Ed25519',
        '--format',
        'openssh',
        '--comment',
        'deploy@ci',
        '--out',
        prefix,
      ]);
      assert.match(readFileSync(`${prefix}.pub`, 'utf8'), /^ssh-ed25519 AAAA\S+ deploy@ci\n$/);
      assert.match(toolOk(sshKeygen, ['-l', '-f', prefix]), / deploy@ci \(ED25519\)\n$/);
    });

    it('refuses when only the .pub is in the way, and writes nothing', () => {
      const prefix = at('id');
      writeFileSync(`${prefix}.pub`, 'keep me');
      assertUsageError(
        cli(['generate-keypair', '--algorithm', 'Ed25519', '--format', 'openssh', '--out', prefix]),
        /id\.pub already exists/,
      );
      assert.deepEqual(listing(), ['id.pub']);
      assert.equal(readFileSync(`${prefix}.pub`, 'utf8'), 'keep me');
    });
  });

  describe('without --out', () => {
    it('prints the private key then the public key, in each format', () => {
      assert.match(
        ok(['generate-keypair', '--algorithm', 'Ed25519']),
        /^-----BEGIN PRIVATE KEY-----\n[^]+-----END PRIVATE KEY-----\n-----BEGIN PUBLIC KEY-----\n[^]+-----END PUBLIC KEY-----\n$/,
      );
      assert.match(
        ok(['generate-keypair', '--algorithm', 'EC', '--format', 'openssh', '--comment', 'me']),
        /^-----BEGIN OPENSSH PRIVATE KEY-----\n[^]+-----END OPENSSH PRIVATE KEY-----\necdsa-sha2-nistp256 AAAA\S+ me\n$/,
      );
      const jwk = ok(['generate-keypair', '--algorithm', 'Ed25519', '--format', 'jwk']);
      assert.match(jwk, /^\{[^]*"d"[^]*\}\n\{[^]*\}\n$/);
    });
    it('--json: the reference API object, fingerprints and public_jwk that match the key', () => {
      const body = JSON.parse(ok(['generate-keypair', '--algorithm', 'Ed25519', '--json'])) as GeneratedJson;
      assert.equal(body.key_size, null);
      assert.equal(body.curve, null);
      assert.match(body.private_key!, /^-----BEGIN PRIVATE KEY-----/);
      assert.match(body.fingerprints.sha256, /^[0-9a-f]{64}$/);
      assert.match(body.fingerprints.ssh, /^SHA256:[A-Za-z0-9+/]{43}$/);
      assert.match(body.fingerprints.jwk_thumbprint, /^[A-Za-z0-9_-]{43}$/);
      assert.deepEqual(
        {
          kty: body.public_jwk.kty,
          crv: body.public_jwk.crv,
          alg: body.public_jwk.alg,
          kid: body.public_jwk.kid,
        },
        { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: body.fingerprints.jwk_thumbprint },
      );
      const fromJwk = createPublicKey({ key: body.public_jwk, format: 'jwk' });
      assert.equal(fromJwk.export({ type: 'spki', format: 'pem' }), body.public_key);
      writeFileSync(at('pub.pem'), body.public_key);
      assert.equal(body.fingerprints.sha256, opensslSpkiSha256(at('pub.pem')));
    });
  });

  describe('passphrases', () => {
    it('pem and pkcs8 with --passphrase-env: encrypted PKCS#8 that openssl opens, and refuses with a wrong one', () => {
      for (const format of ['pem', 'pkcs8']) {
        const prefix = at(format);
        ok([
          'generate-keypair',
          '--algorithm',
          'EC',
          '--format',
          format,
          '--passphrase-env',
          'KS_PASS',
          '--out',
          prefix,
        ]);
        const privatePath = `${prefix}_private.pem`;
        assert.match(readFileSync(privatePath, 'utf8'), /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
        assert.equal(
          toolOk(openssl, ['pkey', '-in', privatePath, '-passin', 'env:KS_PASS', '-pubout']),
          readFileSync(`${prefix}_public.pem`, 'utf8'),
        );
        assert.notEqual(
          tool(openssl, ['pkey', '-in', privatePath, '-passin', 'env:KS_WRONG', '-noout']).status,
          0,
        );
        const info = JSON.parse(ok(['inspect', privatePath, '--passphrase-env', 'KS_PASS', '--json'])) as {
          encrypted: boolean;
          kind: string;
        };
        assert.deepEqual([info.kind, info.encrypted], ['private', true]);
      }
    });

    it('openssh with --passphrase-env: ssh-keygen -y opens it with -P, and refuses a wrong one', () => {
      const prefix = at('id_ed25519');
      ok([
        'generate-keypair',
        '--algorithm',
        'Ed25519',
        '--format',
        'openssh',
        '--passphrase-env',
        'KS_PASS',
        '--out',
        prefix,
      ]);
      assert.equal(
        sshKeyPart(toolOk(sshKeygen, ['-y', '-P', PASS, '-f', prefix])),
        sshKeyPart(readFileSync(`${prefix}.pub`, 'utf8')),
      );
      assert.notEqual(tool(sshKeygen, ['-y', '-P', WRONG, '-f', prefix]).status, 0);
      assert.notEqual(tool(sshKeygen, ['-y', '-P', '', '-f', prefix]).status, 0, 'it really is encrypted');
    });

    it('an encrypted key: no passphrase or a wrong one is exit 2 with one line; the right one opens it', () => {
      const prefix = at('k');
      ok([
        'generate-keypair',
        '--algorithm',
        'Ed25519',
        '--format',
        'openssh',
        '--passphrase-env',
        'KS_PASS',
        '--out',
        prefix,
      ]);
      assertUsageError(
        cli(['inspect', prefix]),
        /inspect: \S+k: .*passphrase.*\(give --passphrase-env VAR\)/i,
      );
      assertUsageError(
        cli(['inspect', prefix, '--passphrase-env', 'KS_WRONG']),
        /inspect: \S+k: .*passphrase/i,
      );
      assertUsageError(
        cli(['convert', prefix, '--to', 'jwk', '--passphrase-env', 'KS_WRONG']),
        /convert: \S+k: .*passphrase/i,
      );
      const info = JSON.parse(ok(['inspect', prefix, '--passphrase-env', 'KS_PASS', '--json'])) as {
        encrypted: boolean;
      };
      assert.equal(info.encrypted, true);
    });
  });

  describe('inspect keys ssh-keygen and openssl made', () => {
    const SSH_TYPES = [
      { type: 'ed25519', bits: [], algorithm: 'Ed25519', key_size: null, curve: null },
      { type: 'ecdsa', bits: ['-b', '384'], algorithm: 'EC', key_size: null, curve: 'P-384' },
      { type: 'rsa', bits: ['-b', '2048'], algorithm: 'RSA', key_size: 2048, curve: null },
    ];
    for (const t of SSH_TYPES) {
      for (const passphrase of ['', PASS]) {
        it(`ssh-keygen -t ${t.type}${passphrase ? ' with a passphrase' : ''}: private and .pub`, () => {
          const file = at(`id_${t.type}`);
          toolOk(sshKeygen, [
            '-q',
            '-t',
            t.type,
            ...t.bits,
            '-N',
            passphrase,
            '-C',
            'made@ssh-keygen',
            '-f',
            file,
          ]);
          const expected = sshFingerprint(`${file}.pub`);
          const args = passphrase ? ['--passphrase-env', 'KS_PASS'] : [];
          const info = JSON.parse(ok(['inspect', file, ...args, '--json'])) as Record<string, unknown>;
          assert.deepEqual(Object.keys(info), [
            'kind',
            'algorithm',
            'key_size',
            'curve',
            'encrypted',
            'fingerprints',
          ]);
          assert.deepEqual(
            { ...info, fingerprints: (info.fingerprints as Fingerprints).ssh },
            {
              kind: 'private',
              algorithm: t.algorithm,
              key_size: t.key_size,
              curve: t.curve,
              encrypted: passphrase !== '',
              fingerprints: expected,
            },
          );
          const pub = JSON.parse(ok(['inspect', `${file}.pub`, '--json'])) as {
            kind: string;
            fingerprints: Fingerprints;
          };
          assert.equal(pub.kind, 'public');
          assert.deepEqual(pub.fingerprints, info.fingerprints);
          // The readable lines, from stdin.
          const text = ok(['inspect', ...args], readFileSync(file, 'utf8'));
          assert.match(text, /^kind: +private$/m);
          assert.match(text, new RegExp(`^algorithm: +${t.algorithm}$`, 'm'));
          assert.match(text, new RegExp(`^encrypted: +${passphrase ? 'yes' : 'no'}$`, 'm'));
          assert.ok(text.includes(expected), 'the ssh fingerprint');
          assert.match(text, /^comment: +made@ssh-keygen$/m);
          assert.match(text, /^sha256: +[0-9a-f]{64}$/m);
          assert.match(text, /^jwk thumbprint: +[A-Za-z0-9_-]{43}$/m);
        });
      }
    }

    it('openssl: SEC1, PKCS#8, encrypted PKCS#8, PKCS#1 RSA and SPKI', () => {
      const made: [string, string[], Record<string, unknown>][] = [
        [
          'sec1.pem',
          ['ecparam', '-name', 'prime256v1', '-genkey', '-noout'],
          { algorithm: 'EC', curve: 'P-256', encrypted: false },
        ],
        [
          'ed.pem',
          ['genpkey', '-algorithm', 'ed25519'],
          { algorithm: 'Ed25519', curve: null, encrypted: false },
        ],
        [
          'enc.pem',
          [
            'genpkey',
            '-algorithm',
            'EC',
            '-pkeyopt',
            'ec_paramgen_curve:P-521',
            '-aes-256-cbc',
            '-pass',
            'env:KS_PASS',
          ],
          { algorithm: 'EC', curve: 'P-521', encrypted: true },
        ],
        [
          'rsa.pem',
          ['genrsa', '-traditional', '2048'],
          { algorithm: 'RSA', key_size: 2048, encrypted: false },
        ],
      ];
      for (const [name, args, expected] of made) {
        writeFileSync(at(name), toolOk(openssl, args));
        const info = JSON.parse(ok(['inspect', at(name), '--passphrase-env', 'KS_PASS', '--json'])) as Record<
          string,
          unknown
        >;
        for (const [key, value] of Object.entries(expected)) assert.equal(info[key], value, `${name} ${key}`);
        assert.equal(info.kind, 'private');
        const spki = toolOk(openssl, ['pkey', '-in', at(name), '-passin', 'env:KS_PASS', '-pubout']);
        writeFileSync(at(`${name}.pub.pem`), spki);
        assert.equal(
          (info.fingerprints as Fingerprints).sha256,
          opensslSpkiSha256(at(`${name}.pub.pem`)),
          name,
        );
        const pub = JSON.parse(ok(['inspect', '--json'], spki)) as {
          kind: string;
          fingerprints: Fingerprints;
        };
        assert.equal(pub.kind, 'public');
        assert.deepEqual(pub.fingerprints, info.fingerprints);
      }
      assert.match(readFileSync(at('rsa.pem'), 'utf8'), /^-----BEGIN RSA PRIVATE KEY-----/);
    });

    it('a JWKS gives an array, one entry per key', () => {
      const one = JSON.parse(
        ok(['generate-keypair', '--algorithm', 'Ed25519', '--format', 'jwk', '--json']),
      ) as GeneratedJson;
      const two = JSON.parse(
        ok(['generate-keypair', '--algorithm', 'EC', '--format', 'jwk', '--json']),
      ) as GeneratedJson;
      const jwks = JSON.stringify({ keys: [one.public_jwk, two.public_jwk] });
      const infos = JSON.parse(ok(['inspect', '--json'], jwks)) as {
        algorithm: string;
        kind: string;
        fingerprints: Fingerprints;
      }[];
      assert.deepEqual(
        infos.map((info) => [info.kind, info.algorithm, info.fingerprints.jwk_thumbprint]),
        [
          ['public', 'Ed25519', one.fingerprints.jwk_thumbprint],
          ['public', 'EC', two.fingerprints.jwk_thumbprint],
        ],
      );
      assert.match(ok(['inspect'], jwks), /2 keys[^]*key 1 of 2[^]*key 2 of 2/);
    });
  });

  describe('convert', () => {
    it('ssh-keygen’s Ed25519 key → JWK → PEM → OpenSSH: the same key all the way, as the tools read it', () => {
      const file = at('id_ed25519');
      toolOk(sshKeygen, ['-q', '-t', 'ed25519', '-N', PASS, '-C', 'round@trip', '-f', file]);
      const jwk = ok(['convert', file, '--to', 'jwk', '--passphrase-env', 'KS_PASS']);
      const privateJwk = JSON.parse(jwk) as JsonWebKey;
      assert.equal(privateJwk.kty, 'OKP');
      assert.ok(privateJwk.d);
      const pem = ok(['convert', '--to', 'pem'], jwk);
      assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/);
      writeFileSync(at('k.pem'), pem);
      const spki = toolOk(openssl, ['pkey', '-in', at('k.pem'), '-pubout']);
      const sshPublic = ok(['convert', '--to', 'openssh', '--public'], pem);
      assert.equal(sshKeyPart(sshPublic), sshKeyPart(readFileSync(`${file}.pub`, 'utf8')));
      assert.equal(ok(['convert', at('k.pem'), '--to', 'pem', '--public']), spki);
      // Back to an encrypted OpenSSH private key with a comment: ssh-keygen opens it.
      writeFileSync(
        at('back'),
        ok([
          'convert',
          at('k.pem'),
          '--to',
          'openssh',
          '--to-passphrase-env',
          'KS_PASS',
          '--comment',
          'back@again',
        ]),
        {
          mode: 0o600,
        },
      );
      const derived = toolOk(sshKeygen, ['-y', '-P', PASS, '-f', at('back')]);
      assert.equal(sshKeyPart(derived), sshKeyPart(sshPublic));
      assert.match(toolOk(sshKeygen, ['-l', '-P', PASS, '-f', at('back')]), / back@again \(ED25519\)/);
    });

    it('openssl’s RSA key → encrypted PKCS#8 that openssl opens; → JWKS with the public key only', () => {
      writeFileSync(at('rsa.pem'), toolOk(openssl, ['genrsa', '-traditional', '2048']));
      const encrypted = ok(['convert', at('rsa.pem'), '--to', 'pkcs8', '--to-passphrase-env', 'KS_PASS']);
      assert.match(encrypted, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
      writeFileSync(at('enc.pem'), encrypted);
      const spki = toolOk(openssl, ['pkey', '-in', at('rsa.pem'), '-pubout']);
      assert.equal(
        toolOk(openssl, ['pkey', '-in', at('enc.pem'), '-passin', 'env:KS_PASS', '-pubout']),
        spki,
      );
      assert.notEqual(
        tool(openssl, ['pkey', '-in', at('enc.pem'), '-passin', 'env:KS_WRONG', '-noout']).status,
        0,
      );
      const jwks = JSON.parse(ok(['convert', at('rsa.pem'), '--to', 'jwks', '--public'])) as {
        keys: JsonWebKey[];
      };
      assert.equal(jwks.keys.length, 1);
      const key = jwks.keys[0]! as JsonWebKey & { kid: string; alg: string };
      assert.equal(key.d, undefined);
      assert.equal(key.alg, 'RS256');
      assert.equal(createPublicKey({ key, format: 'jwk' }).export({ type: 'spki', format: 'pem' }), spki);
    });
  });
});

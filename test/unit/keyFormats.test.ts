/**
 * Key formats judged by the tools people check keys with: openssl (encrypted PKCS#8, SPKI
 * fingerprints, Ed25519 signatures), ssh-keygen (fingerprints, public from private), and the
 * RFC 7638 / RFC 8037 thumbprint examples.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  convertKey,
  generateKeyPair,
  inspectKey,
  isKeysmithError,
  readKey,
  type GeneratedKeyPair,
  type KeyInfo,
  type ReadKey,
} from '../../src/core';
import { ensureTool } from './pythonCryptography';

async function rejects(run: () => Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(isKeysmithError(error), String(error));
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe('key formats', function () {
  this.timeout(60_000);
  let dir: string;
  let openssl: string;
  let sshKeygen: string;
  const file = (name: string, text: string, mode = 0o600) => {
    const at = path.join(dir, name);
    writeFileSync(at, text);
    chmodSync(at, mode);
    return at;
  };
  before(() => {
    openssl = ensureTool('openssl', 'openssl');
    sshKeygen = ensureTool('ssh-keygen', 'openssh-client');
    dir = mkdtempSync(path.join(tmpdir(), 'keysmith-keyformats-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('thumbprints', () => {
    it("RFC 7638 section 3.1's example", async () => {
      const jwk = {
        kty: 'RSA',
        n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
        e: 'AQAB',
        alg: 'RS256',
        kid: '2011-04-29',
      };
      const info = (await inspectKey(JSON.stringify(jwk))) as KeyInfo;
      assert.equal(info.fingerprints.jwk_thumbprint, 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
      assert.equal(info.kind, 'public');
      assert.equal(info.key_size, 2048);
    });

    it("RFC 8037 appendix A's Ed25519 key: thumbprint (A.3) and public key of the private (A.1, A.2)", async () => {
      const priv = {
        kty: 'OKP',
        crv: 'Ed25519',
        d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
        x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
      };
      const info = (await inspectKey(JSON.stringify(priv))) as KeyInfo;
      assert.equal(info.kind, 'private');
      assert.equal(info.algorithm, 'Ed25519');
      assert.equal(info.fingerprints.jwk_thumbprint, 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
      const pub = JSON.parse(await convertKey(JSON.stringify(priv), { to: 'jwk', public: true }));
      assert.deepEqual(pub, {
        kty: 'OKP',
        kid: 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k',
        use: 'sig',
        alg: 'EdDSA',
        crv: 'Ed25519',
        x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
      });
    });
  });

  describe('what Keysmith writes, read by openssl and ssh-keygen', () => {
    it('encrypted PKCS#8: openssl pkey -passin reads it, and refuses a wrong passphrase', async () => {
      for (const options of [
        { algorithm: 'Ed25519' as const },
        { algorithm: 'EC' as const, curve: 'P-384' as const },
        { algorithm: 'RSA' as const },
      ]) {
        const pair = await generateKeyPair({ ...options, passphrase: 'correct horse' });
        assert.match(pair.private_key, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
        const at = file(`enc-${options.algorithm}.pem`, pair.private_key);
        const out = execFileSync(openssl, ['pkey', '-in', at, '-passin', 'pass:correct horse', '-pubout'], {
          encoding: 'utf8',
        });
        assert.equal(out, pair.public_key);
        const wrong = spawnSync(openssl, ['pkey', '-in', at, '-passin', 'pass:wrong horse', '-noout']);
        assert.notEqual(wrong.status, 0, 'openssl refuses a wrong passphrase');
        await rejects(() => readKey(pair.private_key, { passphrase: 'wrong horse' }), 'WRONG_PASSPHRASE');
        await rejects(() => readKey(pair.private_key), 'PASSPHRASE_REQUIRED');
        const info = (await inspectKey(pair.private_key, { passphrase: 'correct horse' })) as KeyInfo;
        assert.equal(info.encrypted, true);
        assert.equal(info.format, 'pkcs8');
      }
    });

    it('OpenSSH: ssh-keygen -l prints our fingerprint, ssh-keygen -y [-P] derives our .pub', async () => {
      for (const options of [
        { algorithm: 'Ed25519' as const },
        { algorithm: 'EC' as const, curve: 'P-256' as const },
        { algorithm: 'EC' as const, curve: 'P-521' as const },
        { algorithm: 'RSA' as const },
      ]) {
        for (const passphrase of [undefined, 'ssh pass']) {
          const pair = await generateKeyPair({
            ...options,
            format: 'openssh',
            comment: 'dev@laptop',
            passphrase,
          });
          assert.match(pair.private_key, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
          const priv = file('id_test', pair.private_key);
          const pub = file('id_test.pub', pair.public_key, 0o644);
          const info = (await inspectKey(pair.public_key)) as KeyInfo;
          const listed = execFileSync(sshKeygen, ['-l', '-E', 'sha256', '-f', pub], { encoding: 'utf8' });
          assert.equal(listed.split(' ')[1], info.fingerprints.ssh, listed);
          const derived = execFileSync(sshKeygen, ['-y', '-P', passphrase ?? '', '-f', priv], {
            encoding: 'utf8',
          });
          assert.equal(
            derived.split(' ').slice(0, 2).join(' '),
            pair.public_key.split(' ').slice(0, 2).join(' '),
          );
          assert.equal(pair.public_key.trimEnd().split(' ')[2], 'dev@laptop');
        }
      }
    });

    it('an Ed25519 signature made with our private key verifies with openssl', async () => {
      const pair = await generateKeyPair({ algorithm: 'Ed25519' });
      assert.match(pair.private_key, /^-----BEGIN PRIVATE KEY-----\n/);
      const message = Buffer.from('signed by keysmith');
      const signature = sign(null, message, createPrivateKey(pair.private_key));
      const args = ['pkeyutl', '-verify', '-pubin', '-inkey', file('ed.pub.pem', pair.public_key, 0o644)];
      args.push('-rawin', '-in', file('msg', message.toString()), '-sigfile', path.join(dir, 'sig'));
      writeFileSync(path.join(dir, 'sig'), signature);
      assert.match(execFileSync(openssl, args, { encoding: 'utf8' }), /Signature Verified Successfully/);
      writeFileSync(path.join(dir, 'sig'), Buffer.from(signature.map((b, i) => (i === 0 ? b ^ 1 : b))));
      assert.notEqual(spawnSync(openssl, args).status, 0, 'control: a changed signature fails');
    });

    it('JWK: the public numbers equal the PEM key, and the JWK reads back as the same key', async () => {
      const pair = await generateKeyPair({ algorithm: 'EC', curve: 'P-256', format: 'jwk' });
      const priv = JSON.parse(pair.private_key);
      const pub = JSON.parse(pair.public_key);
      assert.equal(pub.kid, priv.kid);
      assert.equal(pub.alg, 'ES256');
      assert.equal(pub.use, 'sig');
      assert.equal(pub.d, undefined);
      const pem = await convertKey(pair.private_key, { to: 'pem', public: true });
      const fromPem = createPublicKey(pem).export({ format: 'jwk' });
      assert.deepEqual(
        { x: pub.x, y: pub.y, crv: pub.crv },
        { x: fromPem.x, y: fromPem.y, crv: fromPem.crv },
      );
      await rejects(
        () => generateKeyPair({ algorithm: 'EC', format: 'jwk', passphrase: 'x' }),
        'INVALID_ARGUMENT',
      );
      const jwks = JSON.parse(await convertKey(pair.private_key, { to: 'jwks' }));
      assert.deepEqual(jwks, { keys: [pub] });
      const fromJwks = (await inspectKey(JSON.stringify(jwks))) as KeyInfo[];
      assert.equal(fromJwks.length, 1);
      assert.equal(fromJwks[0]!.fingerprints.jwk_thumbprint, pub.kid);
    });
  });

  describe('what openssl and ssh-keygen write, read by Keysmith', () => {
    it('openssl genpkey keys, plain, encrypted and traditional: kind, algorithm, size, curve, SPKI fingerprint', async () => {
      const cases: [string[], Partial<KeyInfo>][] = [
        [['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], { algorithm: 'RSA', key_size: 2048 }],
        [['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], { algorithm: 'EC', curve: 'P-256' }],
        [['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], { algorithm: 'EC', curve: 'P-384' }],
        [['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'], { algorithm: 'EC', curve: 'P-521' }],
        [['-algorithm', 'ED25519'], { algorithm: 'Ed25519', key_size: null, curve: null }],
      ];
      for (const [args, expected] of cases) {
        const plain = execFileSync(openssl, ['genpkey', ...args], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        const at = file('k.pem', plain);
        const der = execFileSync(openssl, ['pkey', '-in', at, '-pubout', '-outform', 'DER']);
        const sha256 = createHash('sha256').update(der).digest('hex');
        const info = (await inspectKey(plain)) as KeyInfo;
        assert.deepEqual({ ...info, fingerprints: undefined, format: undefined }, {
          kind: 'private',
          key_size: null,
          curve: null,
          encrypted: false,
          ...expected,
          fingerprints: undefined,
          format: undefined,
        } as unknown);
        assert.equal(info.fingerprints.sha256, sha256);
        const encrypted = execFileSync(openssl, ['pkey', '-in', at, '-aes-256-cbc', '-passout', 'pass:x'], {
          encoding: 'utf8',
        });
        const opened = (await inspectKey(encrypted, { passphrase: 'x' })) as KeyInfo;
        assert.equal(opened.encrypted, true);
        assert.equal(opened.fingerprints.sha256, sha256);
        await rejects(() => inspectKey(encrypted, { passphrase: 'y' }), 'WRONG_PASSPHRASE');
        const pub = execFileSync(openssl, ['pkey', '-in', at, '-pubout'], { encoding: 'utf8' });
        assert.equal(((await inspectKey(pub)) as KeyInfo).fingerprints.sha256, sha256);
        if (expected.algorithm !== 'Ed25519') {
          const traditional = execFileSync(openssl, ['pkey', '-in', at, '-traditional'], {
            encoding: 'utf8',
          });
          assert.match(traditional, /BEGIN (RSA|EC) PRIVATE KEY/);
          const legacy = (await inspectKey(traditional)) as KeyInfo;
          assert.equal(legacy.format, 'pem');
          assert.equal(legacy.fingerprints.sha256, sha256);
        }
      }
    });

    it('ssh-keygen keys of each type, with and without passphrase: inspected, converted to PEM as openssl reads them', async () => {
      for (const [type, bits] of [
        ['ed25519', ''],
        ['ecdsa', '384'],
        ['rsa', '2048'],
      ]) {
        for (const passphrase of ['', 'pw']) {
          const at = path.join(dir, `ssh_${type}${passphrase}`);
          rmSync(at, { force: true });
          rmSync(`${at}.pub`, { force: true });
          const args = [
            '-q',
            '-t',
            type!,
            ...(bits ? ['-b', bits] : []),
            '-a',
            '4',
            '-N',
            passphrase,
            '-C',
            'c@h',
            '-f',
            at,
          ];
          execFileSync(sshKeygen, args);
          const text = readFileSync(at, 'utf8');
          const info = (await inspectKey(text, { passphrase })) as KeyInfo;
          assert.equal(info.encrypted, passphrase !== '');
          assert.equal(info.comment, 'c@h');
          const listed = execFileSync(sshKeygen, ['-l', '-E', 'sha256', '-f', `${at}.pub`], {
            encoding: 'utf8',
          });
          assert.equal(listed.split(' ')[1], info.fingerprints.ssh);
          if (passphrase) await rejects(() => inspectKey(text), 'PASSPHRASE_REQUIRED');
          const pem = await convertKey(text, { to: 'pkcs8', passphrase });
          const pemAt = file('from-ssh.pem', pem);
          const der = execFileSync(openssl, ['pkey', '-in', pemAt, '-pubout', '-outform', 'DER']);
          assert.equal(createHash('sha256').update(der).digest('hex'), info.fingerprints.sha256);
          const pubLine = await convertKey(text, { to: 'openssh', public: true, passphrase });
          assert.equal(pubLine, readFileSync(`${at}.pub`, 'utf8'));
        }
      }
    });
  });

  describe('bad input gets its own clear error', () => {
    it('a truncated PEM, bad base64, an unsupported key type, not a key at all', async () => {
      const pair = await generateKeyPair({ algorithm: 'EC' });
      await rejects(() => readKey(pair.private_key.slice(0, 80)), 'MALFORMED_KEY', /no END line/);
      await rejects(
        () => readKey(pair.private_key.replace(/\n[A-Za-z0-9+/]{4}/, '\n!!!!')),
        'MALFORMED_KEY',
        /base64/,
      );
      const x25519 = execFileSync(openssl, ['genpkey', '-algorithm', 'X25519'], { encoding: 'utf8' });
      await rejects(() => readKey(x25519), 'UNSUPPORTED_KEY', /X25519/);
      await rejects(() => readKey('hello world'), 'MALFORMED_KEY', /not a key/);
      await rejects(() => readKey('{"kty": "RSA", "e": "AQAB"}'), 'MALFORMED_KEY', /"n"/);
      await rejects(() => readKey('{"kty": "oct", "k": "AAAA"}'), 'UNSUPPORTED_KEY', /symmetric/);
      await rejects(() => readKey('{"kty": '), 'MALFORMED_KEY', /JSON/);
    });

    it('text over 1 MiB is refused before it is parsed; a key padded up to the limit still reads', async () => {
      const pair = await generateKeyPair({ algorithm: 'Ed25519' });
      const padded = pair.public_key + ' '.repeat(1024 * 1024 - pair.public_key.length);
      assert.equal(((await readKey(padded)) as { info: { kind: string } }).info.kind, 'public');
      await rejects(() => readKey(padded + ' '), 'MALFORMED_KEY', /larger than the 1 MiB/);
    });

    it('never says the passphrase in a message', async () => {
      const pair = await generateKeyPair({ algorithm: 'Ed25519', passphrase: 'secret-passphrase-1' });
      await assert.rejects(
        () => readKey(pair.private_key, { passphrase: 'secret-passphrase-2' }),
        (error: Error) => !/secret-passphrase/.test(error.message),
      );
    });
  });
});

/** Rejects with `code` (and `field`, when given); returns the error for further checks. */
async function rejection(run: () => Promise<unknown>, code: string, field?: string): Promise<Error> {
  let caught: unknown;
  // Called outside assert.rejects: a synchronous throw (not a rejected promise) fails here too.
  const promise = run();
  await promise.then(
    () => assert.fail(`expected a rejection with ${code}`),
    (error: unknown) => {
      caught = error;
    },
  );
  assert.ok(isKeysmithError(caught), String(caught));
  assert.equal(caught.code, code, caught.message);
  if (field !== undefined) assert.equal(caught.field, field, caught.message);
  return caught;
}

const spkiOf = (pem: string): Buffer => createPublicKey(pem).export({ type: 'spki', format: 'der' });
const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
/** A PEM block's body lines (between BEGIN and END). */
const bodyLines = (pem: string): string[] => pem.trimEnd().split('\n').slice(1, -1);
const withBody = (pem: string, lines: string[], label?: string): string => {
  const all = pem.trimEnd().split('\n');
  const begin = label ? `-----BEGIN ${label}-----` : all[0]!;
  const end = label ? `-----END ${label}-----` : all[all.length - 1]!;
  return [begin, ...lines, end, ''].join('\n');
};

describe('key formats: every input kind, conversions and errors', function () {
  this.timeout(60_000);
  let dir: string;
  let openssl: string;
  /** One RSA 2048, EC P-256 and Ed25519 pair (PEM) shared by the tests below: keys are slow. */
  let rsa: GeneratedKeyPair;
  let ec: GeneratedKeyPair;
  let ed: GeneratedKeyPair;
  const file = (name: string, text: string | Buffer) => {
    const at = path.join(dir, name);
    writeFileSync(at, text, { mode: 0o600 });
    return at;
  };
  const run = (args: string[], env?: NodeJS.ProcessEnv): string =>
    execFileSync(openssl, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env });
  /** What openssl takes as the key's SPKI: `openssl pkey -pubout -outform DER`, hashed. */
  const opensslSha256 = (pemFile: string, passin?: string): string =>
    sha256Hex(
      execFileSync(openssl, [
        'pkey',
        '-in',
        pemFile,
        ...(passin ? ['-passin', passin] : []),
        '-pubout',
        '-outform',
        'DER',
      ]),
    );

  before(async () => {
    openssl = ensureTool('openssl', 'openssl');
    dir = mkdtempSync(path.join(tmpdir(), 'keysmith-keyformats2-'));
    [rsa, ec, ed] = await Promise.all([
      generateKeyPair({ algorithm: 'RSA' }),
      generateKeyPair({ algorithm: 'EC', curve: 'P-256' }),
      generateKeyPair({ algorithm: 'Ed25519' }),
    ]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('RFC 8037 appendix A', () => {
    const A1 = {
      kty: 'OKP',
      crv: 'Ed25519',
      d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
      x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
    };
    const A2 = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };

    it('A.2 public key reads as a public Ed25519 key with the A.3 thumbprint, the same key as A.1', async () => {
      const pub = (await readKey(JSON.stringify(A2))) as ReadKey;
      assert.equal(pub.info.kind, 'public');
      assert.equal(pub.info.algorithm, 'Ed25519');
      assert.equal(pub.info.format, 'jwk');
      assert.equal(pub.info.fingerprints.jwk_thumbprint, 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
      const priv = (await readKey(JSON.stringify(A1))) as ReadKey;
      assert.deepEqual(
        createPublicKey(priv.key).export({ type: 'spki', format: 'der' }),
        pub.key.export({ type: 'spki', format: 'der' }),
      );
    });

    it('A.4: the A.1 key read here signs the example JWS input to the RFC signature', async () => {
      const { key } = (await readKey(JSON.stringify(A1))) as ReadKey;
      const input = Buffer.from('eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc');
      assert.equal(
        sign(null, input, key).toString('base64url'),
        'hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg',
      );
    });
  });

  describe('JWK output', () => {
    it('RSA: public JWK n and e equal the PEM key, kid is the thumbprint, alg RS256, use sig', async () => {
      const jwk = JSON.parse(await convertKey(rsa.private_key, { to: 'jwk', public: true }));
      const fromPem = createPublicKey(rsa.public_key).export({ format: 'jwk' });
      assert.deepEqual({ kty: jwk.kty, n: jwk.n, e: jwk.e }, { kty: 'RSA', n: fromPem.n, e: fromPem.e });
      const info = (await inspectKey(rsa.public_key)) as KeyInfo;
      assert.equal(jwk.kid, info.fingerprints.jwk_thumbprint);
      assert.deepEqual([jwk.alg, jwk.use, jwk.d], ['RS256', 'sig', undefined]);
      // RFC 7638 by hand: e, kty, n in that order, no white space.
      const by_hand = createHash('sha256')
        .update(`{"e":"${fromPem.e}","kty":"RSA","n":"${fromPem.n}"}`)
        .digest('base64url');
      assert.equal(jwk.kid, by_hand);
    });

    it('EC P-384 and P-521 public JWKs say ES384 and ES512; Ed25519 says EdDSA', async () => {
      const [p384, p521] = await Promise.all([
        generateKeyPair({ algorithm: 'EC', curve: 'P-384', format: 'jwk' }),
        generateKeyPair({ algorithm: 'EC', curve: 'P-521', format: 'jwk' }),
      ]);
      assert.equal(JSON.parse(p384.public_key).alg, 'ES384');
      assert.equal(JSON.parse(p521.public_key).alg, 'ES512');
      assert.equal(JSON.parse(p521.public_key).crv, 'P-521');
      assert.equal(JSON.parse(await convertKey(ed.public_key, { to: 'jwk' })).alg, 'EdDSA');
    });

    it('JWKS: pretty JSON (2 spaces) with a trailing newline, public keys only, one per key in', async () => {
      const privates = await Promise.all(
        [rsa, ec, ed].map((pair) => convertKey(pair.private_key, { to: 'jwk' })),
      );
      const jwks = { keys: privates.map((text) => JSON.parse(text)) };
      const out = await convertKey(JSON.stringify(jwks), { to: 'jwks' });
      assert.ok(out.startsWith('{\n  "keys": [\n    {\n      "kty": '), out.slice(0, 40));
      assert.ok(out.endsWith('}\n') && !out.endsWith('\n\n'));
      const parsed = JSON.parse(out);
      assert.equal(out, `${JSON.stringify(parsed, null, 2)}\n`);
      assert.equal(parsed.keys.length, 3);
      for (const key of parsed.keys) assert.equal(key.d, undefined);
      const read = (await readKey(out)) as ReadKey[];
      assert.deepEqual(
        read.map((r) => r.key.export({ type: 'spki', format: 'der' })),
        [rsa, ec, ed].map((pair) => spkiOf(pair.public_key)),
      );
      const privateRead = (await inspectKey(JSON.stringify(jwks))) as KeyInfo[];
      assert.deepEqual(
        privateRead.map((i) => [i.kind, i.algorithm]),
        [
          ['private', 'RSA'],
          ['private', 'EC'],
          ['private', 'Ed25519'],
        ],
      );
      // More than one key converts only to jwks.
      await rejection(() => convertKey(out, { to: 'pem' }), 'INVALID_ARGUMENT', 'to');
    });

    it('the private JWK carries the public kid, alg and use; the JWK of generateKeyPair reads back', async () => {
      const pair = await generateKeyPair({ algorithm: 'Ed25519', format: 'jwk' });
      assert.ok(pair.private_key.endsWith('}\n') && pair.public_key.endsWith('}\n'));
      const priv = JSON.parse(pair.private_key);
      const pub = JSON.parse(pair.public_key);
      assert.deepEqual([priv.kid, priv.alg, priv.use], [pub.kid, 'EdDSA', 'sig']);
      assert.equal(typeof priv.d, 'string');
      const info = (await inspectKey(pair.private_key)) as KeyInfo;
      assert.deepEqual(
        [info.kind, info.format, info.fingerprints.jwk_thumbprint],
        ['private', 'jwk', pub.kid],
      );
      assert.deepEqual(Object.keys(pair).sort(), [
        'algorithm',
        'curve',
        'key_size',
        'private_key',
        'public_key',
      ]);
      assert.deepEqual([pair.algorithm, pair.key_size, pair.curve], ['Ed25519', null, null]);
    });
  });

  describe('convert round trips', () => {
    it('pem → jwk → pem gives the same text (RSA PKCS#1, EC SEC1, Ed25519 PKCS#8)', async () => {
      for (const pair of [rsa, ec, ed]) {
        const jwk = await convertKey(pair.private_key, { to: 'jwk' });
        assert.equal(await convertKey(jwk, { to: 'pem' }), pair.private_key);
        assert.equal(await convertKey(jwk, { to: 'pem', public: true }), pair.public_key);
      }
    });

    it('private → public: the public PEM of the pair, in pem and in pkcs8', async () => {
      for (const pair of [rsa, ec, ed]) {
        assert.equal(await convertKey(pair.private_key, { to: 'pem', public: true }), pair.public_key);
        assert.equal(await convertKey(pair.private_key, { to: 'pkcs8', public: true }), pair.public_key);
        // A public key is always public.
        assert.equal(await convertKey(pair.public_key, { to: 'pem' }), pair.public_key);
      }
    });

    it('pkcs8 with toPassphrase: openssl opens it with that passphrase only; it reads back', async () => {
      const out = await convertKey(ec.private_key, { to: 'pkcs8', toPassphrase: 'to-pass' });
      assert.match(out, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
      const at = file('conv-enc.pem', out);
      assert.equal(opensslSha256(at, 'pass:to-pass'), sha256Hex(spkiOf(ec.public_key)));
      assert.notEqual(spawnSync(openssl, ['pkey', '-in', at, '-passin', 'pass:to-pasS', '-noout']).status, 0);
      assert.equal(await convertKey(out, { to: 'pem', passphrase: 'to-pass' }), ec.private_key);
    });

    it('[openssh] pem → openssh private (with and without toPassphrase) → pem: the same key', async () => {
      const plain = await convertKey(ed.private_key, { to: 'openssh', comment: 'me@host' });
      assert.match(plain, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
      const info = (await inspectKey(plain)) as KeyInfo;
      assert.deepEqual([info.format, info.comment, info.encrypted], ['openssh', 'me@host', false]);
      assert.equal(await convertKey(plain, { to: 'pem' }), ed.private_key);
      // The comment goes along when none is given.
      assert.match(await convertKey(plain, { to: 'openssh', public: true }), /^ssh-ed25519 \S+ me@host\n$/);
      const locked = await convertKey(ec.private_key, { to: 'openssh', toPassphrase: 'ssh-pass' });
      await rejection(() => readKey(locked), 'PASSPHRASE_REQUIRED');
      await rejection(() => readKey(locked, { passphrase: 'ssh-pasS' }), 'WRONG_PASSPHRASE');
      assert.equal(await convertKey(locked, { to: 'pem', passphrase: 'ssh-pass' }), ec.private_key);
      const pubLine = await convertKey(rsa.public_key, { to: 'openssh' });
      assert.equal(await convertKey(pubLine, { to: 'pem' }), rsa.public_key);
    });
  });

  describe('what openssl writes', () => {
    it('legacy encrypted PEM (Proc-Type: 4,ENCRYPTED) of `openssl rsa/ec -traditional -aes256`', async () => {
      const cases = [
        { pair: rsa, tool: 'rsa', label: 'RSA PRIVATE KEY', algorithm: 'RSA' },
        { pair: ec, tool: 'ec', label: 'EC PRIVATE KEY', algorithm: 'EC' },
      ];
      for (const { pair, tool, label, algorithm } of cases) {
        const at = file(`legacy-${tool}.pem`, pair.private_key);
        const text = run([tool, '-in', at, '-traditional', '-aes256', '-passout', 'pass:old-pass']);
        assert.match(
          text,
          new RegExp(`^-----BEGIN ${label}-----\\nProc-Type: 4,ENCRYPTED\\nDEK-Info: AES-256-CBC,`),
        );
        const info = (await inspectKey(text, { passphrase: 'old-pass' })) as KeyInfo;
        assert.deepEqual(
          [info.kind, info.algorithm, info.encrypted, info.format],
          ['private', algorithm, true, 'pem'],
        );
        assert.equal(info.fingerprints.sha256, opensslSha256(file('l.pem', text), 'pass:old-pass'));
        await rejection(() => readKey(text), 'PASSPHRASE_REQUIRED');
        const wrong = await rejection(() => readKey(text, { passphrase: 'old-pasS' }), 'WRONG_PASSPHRASE');
        assert.ok(!wrong.message.includes('old-pas'));
      }
    });

    it('`openssl ecparam -genkey` (EC PARAMETERS first), `openssl rsa -RSAPublicKey_out` (PKCS#1 public), a key inside other text', async () => {
      const withParams = run(['ecparam', '-name', 'secp384r1', '-genkey']);
      assert.match(withParams, /^-----BEGIN EC PARAMETERS-----/);
      const info = (await inspectKey(withParams)) as KeyInfo;
      assert.deepEqual([info.algorithm, info.curve, info.kind], ['EC', 'P-384', 'private']);
      assert.equal(info.fingerprints.sha256, opensslSha256(file('p.pem', withParams)));

      const pkcs1Public = run(['rsa', '-in', file('r.pem', rsa.private_key), '-RSAPublicKey_out']);
      assert.match(pkcs1Public, /^-----BEGIN RSA PUBLIC KEY-----\n/);
      const pub = (await inspectKey(pkcs1Public)) as KeyInfo;
      assert.deepEqual([pub.kind, pub.format, pub.key_size], ['public', 'pem', 2048]);
      assert.equal(pub.fingerprints.sha256, sha256Hex(spkiOf(rsa.public_key)));

      const inText = `Here is my key:\r\n\r\n${ed.public_key.replaceAll('\n', '\r\n')}Thanks!\n`;
      assert.equal(
        ((await inspectKey(inText)) as KeyInfo).fingerprints.sha256,
        sha256Hex(spkiOf(ed.public_key)),
      );
    });

    it('passphrases are NFC: a key protected with an NFD passphrase opens in openssl with the NFC bytes', async () => {
      const nfd = 'cafe\u0301 pass';
      const pair = await generateKeyPair({ algorithm: 'Ed25519', format: 'pkcs8', passphrase: nfd });
      const at = file('nfc.pem', pair.private_key);
      const env = { ...process.env, KEYSMITH_TEST_PASS: 'caf\u00e9 pass' };
      const der = execFileSync(
        openssl,
        ['pkey', '-in', at, '-passin', 'env:KEYSMITH_TEST_PASS', '-pubout', '-outform', 'DER'],
        { env },
      );
      assert.equal(sha256Hex(der), sha256Hex(spkiOf(pair.public_key)));
      for (const passphrase of [nfd, 'caf\u00e9 pass']) {
        assert.equal(((await inspectKey(pair.private_key, { passphrase })) as KeyInfo).encrypted, true);
      }
    });

    it('an X.509 certificate is refused with UNSUPPORTED_KEY, saying how to take its public key out', async () => {
      const key = file('cert-key.pem', ed.private_key);
      const cert = run(['req', '-x509', '-new', '-key', key, '-subj', '/CN=keysmith', '-days', '1']);
      const error = await rejection(() => readKey(cert), 'UNSUPPORTED_KEY');
      assert.match(error.message, /certificate/);
      assert.match(error.message, /openssl x509/);
    });
  });

  describe('errors, one by one', () => {
    it('a BEGIN without END: MALFORMED_KEY "the PEM block … has no END line", with its line', async () => {
      const cut = `a note\nanother\n${rsa.private_key.slice(0, 300)}`;
      const error = await rejection(() => readKey(cut), 'MALFORMED_KEY');
      assert.match(error.message, /^line 3: the PEM block "-----BEGIN RSA PRIVATE KEY-----" has no END line/);
    });

    it('bad base64: a character outside the alphabet (with its line), a missing character, misplaced padding', async () => {
      const lines = bodyLines(ec.private_key);
      const badChar = withBody(ec.private_key, [
        lines[0]!,
        `${lines[1]!.slice(0, 10)}*${lines[1]!.slice(11)}`,
        ...lines.slice(2),
      ]);
      const e1 = await rejection(() => readKey(badChar), 'MALFORMED_KEY');
      assert.match(e1.message, /^line 3: .*not base64/);
      const missing = withBody(ec.private_key, [lines[0]!.slice(1), ...lines.slice(1)]);
      assert.match((await rejection(() => readKey(missing), 'MALFORMED_KEY')).message, /multiple of 4/);
      const padded = withBody(ec.private_key, [`${lines[0]!.slice(0, -4)}AA==`, ...lines.slice(1)]);
      assert.match(
        (await rejection(() => readKey(padded), 'MALFORMED_KEY')).message,
        /'=' appears before the end/,
      );
      await rejection(() => readKey(withBody(ec.private_key, [])), 'MALFORMED_KEY');
    });

    it('a line taken out of the middle (valid base64, short DER) or a body under the wrong label: MALFORMED_KEY', async () => {
      const lines = bodyLines(rsa.private_key);
      const short = withBody(rsa.private_key, [...lines.slice(0, 5), ...lines.slice(6)]);
      assert.match((await rejection(() => readKey(short), 'MALFORMED_KEY')).message, /DER length/);
      const pkcs8 = await convertKey(ec.private_key, { to: 'pkcs8' });
      const relabelled = withBody(pkcs8, bodyLines(pkcs8), 'RSA PRIVATE KEY');
      assert.match((await rejection(() => readKey(relabelled), 'MALFORMED_KEY')).message, /PKCS#1/);
      const unknown = withBody(pkcs8, bodyLines(pkcs8), 'SECRET STUFF');
      assert.match(
        (await rejection(() => readKey(unknown), 'MALFORMED_KEY')).message,
        /"SECRET STUFF" is not a key/,
      );
    });

    it('DSA, X25519, Ed448 and secp256k1 (PKCS#8, SPKI, SEC1, JWK): UNSUPPORTED_KEY naming the type', async () => {
      const dsa = generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 });
      const cases: Array<[string, RegExp]> = [
        [dsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, /DSA/],
        [dsa.publicKey.export({ type: 'spki', format: 'pem' }) as string, /DSA/],
        [withBody(rsa.private_key, bodyLines(rsa.private_key), 'DSA PRIVATE KEY'), /DSA/],
      ];
      for (const type of ['x25519', 'ed448'] as const) {
        const pair = generateKeyPairSync(type as 'x25519');
        const name = type === 'x25519' ? /X25519/ : /Ed448/;
        cases.push([pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, name]);
        cases.push([pair.publicKey.export({ type: 'spki', format: 'pem' }) as string, name]);
        cases.push([JSON.stringify(pair.publicKey.export({ format: 'jwk' })), name]);
      }
      const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
      cases.push([k1.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, /secp256k1/]);
      cases.push([k1.privateKey.export({ type: 'sec1', format: 'pem' }) as string, /secp256k1/]);
      cases.push([k1.publicKey.export({ type: 'spki', format: 'pem' }) as string, /secp256k1/]);
      cases.push([JSON.stringify(k1.privateKey.export({ format: 'jwk' })), /secp256k1/]);
      for (const [text, name] of cases) {
        const error = await rejection(() => readKey(text), 'UNSUPPORTED_KEY');
        assert.match(error.message, name);
      }
      // An algorithm OpenSSL has no decoder for: named by its OID, not called damaged (OpenSSL 3
      // says "unsupported" for both), in PKCS#8 and in SPKI.
      for (const [type, pem] of [
        ['pkcs8', ed.private_key],
        ['spki', ed.public_key],
      ] as const) {
        const der = (type === 'pkcs8' ? createPrivateKey(pem) : createPublicKey(pem)).export({
          type,
          format: 'der',
        });
        const at = der.indexOf(Buffer.from([0x06, 0x03, 0x2b, 0x65, 0x70]));
        assert.ok(at > 0);
        der[at + 4] = 0x7f; // 1.3.101.112 (Ed25519) → 1.3.101.127
        const label = type === 'pkcs8' ? 'PRIVATE KEY' : 'PUBLIC KEY';
        const text = `-----BEGIN ${label}-----\n${der.toString('base64')}\n-----END ${label}-----\n`;
        assert.match((await rejection(() => readKey(text), 'UNSUPPORTED_KEY')).message, /OID 1\.3\.101\.127/);
      }
      await rejection(
        () => readKey('---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----'),
        'UNSUPPORTED_KEY',
      );
      await rejection(() => readKey('{"kty":"XYZ"}'), 'UNSUPPORTED_KEY');
    });

    it('JWK members: a missing n, e, x, y or crv, one that is not base64url, a d of another key: MALFORMED_KEY naming it', async () => {
      const rsaJwk = createPublicKey(rsa.public_key).export({ format: 'jwk' }) as Record<string, unknown>;
      const ecJwk = createPrivateKey(ec.private_key).export({ format: 'jwk' }) as Record<string, unknown>;
      const edJwk = createPublicKey(ed.public_key).export({ format: 'jwk' }) as Record<string, unknown>;
      const without = (jwk: Record<string, unknown>, name: string) => {
        const copy = { ...jwk };
        delete copy[name];
        return JSON.stringify(copy);
      };
      const cases: Array<[string, string]> = [
        [without(rsaJwk, 'n'), 'n'],
        [without(rsaJwk, 'e'), 'e'],
        [without(ecJwk, 'x'), 'x'],
        [without(ecJwk, 'y'), 'y'],
        [without(ecJwk, 'crv'), 'crv'],
        [without(edJwk, 'crv'), 'crv'],
        [without(edJwk, 'x'), 'x'],
        [JSON.stringify({ ...rsaJwk, n: 'not base64url!' }), 'n'],
        [JSON.stringify({ ...ecJwk, d: 5 }), 'd'],
      ];
      for (const [text, name] of cases) {
        const error = await rejection(() => readKey(text), 'MALFORMED_KEY');
        if (name) {
          assert.equal((error as { field?: string }).field, name, error.message);
          assert.ok(error.message.includes(`"${name}"`), error.message);
        }
      }
      // A member that does not belong with d: the public x/y swapped for another key's point.
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
      const mismatch = JSON.stringify({ ...ecJwk, x: other.x, y: other.y });
      const error = await rejection(() => readKey(mismatch), 'MALFORMED_KEY');
      assert.match(error.message, /do not belong/);
      assert.equal((error as { field?: string }).field, 'd');
      // RSA: another public exponent with the same private members.
      const rsaPrivate = createPrivateKey(rsa.private_key).export({ format: 'jwk' });
      const rsaMismatch = JSON.stringify({ ...rsaPrivate, e: 'AQAD' });
      assert.match(
        (await rejection(() => readKey(rsaMismatch), 'MALFORMED_KEY', 'd')).message,
        /do not belong/,
      );
      // A point that is not on the curve (another key's x with this key's y).
      const offCurve = JSON.stringify({ kty: 'EC', crv: 'P-256', x: other.x, y: ecJwk.y });
      assert.match((await rejection(() => readKey(offCurve), 'MALFORMED_KEY')).message, /valid EC key/);
      // In a JWKS, the failing key's position is in the message and the error's index.
      const jwks = JSON.stringify({ keys: [rsaJwk, { kty: 'RSA', e: 'AQAB' }] });
      const inSet = await rejection(() => readKey(jwks), 'MALFORMED_KEY', 'n');
      assert.match(inSet.message, /^keys\[1\]: /);
      assert.equal((inSet as { index?: number }).index, 1);
      assert.match(
        (await rejection(() => readKey('{\n  "kty": "RSA",\n  oops\n}'), 'MALFORMED_KEY')).message,
        /^line 3: .*JSON/,
      );
      assert.match((await rejection(() => readKey('{"keys": 3}'), 'MALFORMED_KEY', 'keys')).message, /array/);
    });

    it('empty text, not a key, passphrase required and wrong for encrypted PKCS#8', async () => {
      assert.match((await rejection(() => readKey('  \n '), 'MALFORMED_KEY')).message, /empty/);
      await rejection(() => readKey('AAAAB3NzaC1yc2EAAAADAQAB'), 'MALFORMED_KEY');
      const locked = await convertKey(rsa.private_key, { to: 'pem', toPassphrase: 'p8-pass' });
      assert.match((await rejection(() => readKey(locked), 'PASSPHRASE_REQUIRED')).message, /passphrase/);
      await rejection(() => readKey(locked, { passphrase: '' }), 'PASSPHRASE_REQUIRED');
      const wrong = await rejection(() => readKey(locked, { passphrase: 'p8-pasS' }), 'WRONG_PASSPHRASE');
      assert.ok(!wrong.message.includes('p8-pas'));
    });

    it('bad options: INVALID_ARGUMENT with the field (readKey, convertKey, generateKeyPair)', async () => {
      const read = readKey as unknown as (text: unknown, options?: unknown) => Promise<unknown>;
      const convert = convertKey as unknown as (text: string, options: unknown) => Promise<unknown>;
      const generate = generateKeyPair as unknown as (options: unknown) => Promise<unknown>;
      await rejection(() => read(42), 'INVALID_ARGUMENT', 'text');
      await rejection(() => read(ec.public_key, { passphrase: 7 }), 'INVALID_ARGUMENT', 'passphrase');
      await rejection(() => read(ec.public_key, { password: 'x' }), 'INVALID_ARGUMENT', 'password');
      await rejection(() => read(ec.public_key, { passphrase: 'a\ud800' }), 'INVALID_ARGUMENT', 'passphrase');
      const badConvert: Array<[unknown, string]> = [
        [{ to: 'der' }, 'to'],
        [{ to: 'jwk', toPassphrase: 'x' }, 'toPassphrase'],
        [{ to: 'jwks', toPassphrase: 'x' }, 'toPassphrase'],
        [{ to: 'pem', toPassphrase: '' }, 'toPassphrase'],
        [{ to: 'pem', public: true, toPassphrase: 'x' }, 'toPassphrase'],
        [{ to: 'pem', comment: 'c' }, 'comment'],
        [{ to: 'openssh', comment: 'two\nlines' }, 'comment'],
        [{ to: 'pem', public: 'yes' }, 'public'],
        [{ to: 'pem', cipher: 'aes' }, 'cipher'],
      ];
      for (const [options, field] of badConvert) {
        await rejection(() => convert(ec.private_key, options), 'INVALID_ARGUMENT', field);
      }
      // A public key in: nothing to protect.
      await rejection(
        () => convert(ec.public_key, { to: 'pem', toPassphrase: 'x' }),
        'INVALID_ARGUMENT',
        'toPassphrase',
      );
      const badGenerate: Array<[unknown, string]> = [
        [{ algorithm: 'Ed25519', format: 'jwk', passphrase: 'x' }, 'passphrase'],
        [{ algorithm: 'EC', comment: 'c' }, 'comment'],
        [{ algorithm: 'EC', format: 'pkcs8', comment: 'c' }, 'comment'],
        [{ algorithm: 'EC', format: 'openssh', comment: 'a\nb' }, 'comment'],
        [{ algorithm: 'EC', pkcs8: true, format: 'jwk' }, 'pkcs8'],
        [{ algorithm: 'EC', pkcs8: false, format: 'pkcs8' }, 'pkcs8'],
        [{ algorithm: 'EC', passphrase: '' }, 'passphrase'],
        [{ algorithm: 'EC', passphrase: 1234 }, 'passphrase'],
        [{ algorithm: 'Ed25519', key_size: 2048 }, 'key_size'],
        [{ algorithm: 'Ed25519', curve: 'P-256' }, 'curve'],
        [{ algorithm: 'Ed25519', format: 'der' }, 'format'],
      ];
      for (const [options, field] of badGenerate) {
        const error = await rejection(() => generate(options), 'INVALID_ARGUMENT', field);
        assert.ok(!error.message.includes('1234'), error.message);
      }
    });

    it('pkcs8: true is format pkcs8 (also for Ed25519), and Ed25519 pem is PKCS#8 too', async () => {
      const [a, b, c] = await Promise.all([
        generateKeyPair({ algorithm: 'EC', pkcs8: true, format: 'pkcs8' }),
        generateKeyPair({ algorithm: 'Ed25519', pkcs8: true }),
        generateKeyPair({ algorithm: 'Ed25519', pkcs8: false, format: 'pem' }),
      ]);
      for (const pair of [a, b, c]) {
        assert.match(pair.private_key, /^-----BEGIN PRIVATE KEY-----\n/);
        assert.match(pair.public_key, /^-----BEGIN PUBLIC KEY-----\n/);
        assert.equal(((await inspectKey(pair.private_key)) as KeyInfo).format, 'pkcs8');
      }
    });
  });
});

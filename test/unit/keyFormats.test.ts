/**
 * Key formats judged by the tools people check keys with: openssl (encrypted PKCS#8, SPKI
 * fingerprints, Ed25519 signatures), ssh-keygen (fingerprints, public from private), and the
 * RFC 7638 / RFC 8037 thumbprint examples.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  convertKey,
  generateKeyPair,
  inspectKey,
  isKeysmithError,
  readKey,
  type KeyInfo,
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

    it('never says the passphrase in a message', async () => {
      const pair = await generateKeyPair({ algorithm: 'Ed25519', passphrase: 'secret-passphrase-1' });
      await assert.rejects(
        () => readKey(pair.private_key, { passphrase: 'secret-passphrase-2' }),
        (error: Error) => !/secret-passphrase/.test(error.message),
      );
    });
  });
});

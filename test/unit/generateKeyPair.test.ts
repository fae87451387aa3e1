/**
 * generateKeyPair: RSA 2048/3072/4096 and EC P-256/P-384/P-521 as PEM, checked by parsing them
 * back with node:crypto (type, size or curve, matching halves, a working signature), the
 * reference API's result fields, and the validation of every option.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { generateKeyPair, KeysmithError } from '../../src/core';
import type { GeneratedKeyPair } from '../../src/core';

/** The public function, called with whatever a caller (or a settings file) might pass. */
const generate = generateKeyPair as unknown as (options: unknown) => Promise<GeneratedKeyPair>;

async function expectRejection(
  start: () => Promise<unknown>,
  code: string,
  field: string | undefined,
): Promise<KeysmithError> {
  // Called outside assert.rejects: a synchronous throw (instead of a rejected promise) fails here.
  const promise = start();
  let caught: unknown;
  await promise.then(
    () => assert.fail(`expected a rejection with ${code}`),
    (error: unknown) => {
      caught = error;
    },
  );
  assert.ok(caught instanceof KeysmithError, `expected KeysmithError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.field, field, caught.message);
  return caught;
}

/** A PEM block exactly as OpenSSL writes it: one label, 64-character base64 lines, final newline. */
function pemBody(pem: string, label: string): Buffer {
  const match =
    /^-----BEGIN ([A-Z ]+)-----\n((?:[A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n)-----END \1-----\n$/.exec(
      pem,
    );
  assert.ok(match, `not a single well-formed PEM block:\n${pem.slice(0, 80)}…`);
  assert.equal(match[1], label);
  const base64 = match[2]!.replaceAll('\n', '');
  const der = Buffer.from(base64, 'base64');
  assert.equal(der.toString('base64'), base64, 'PEM body is not canonical base64');
  return der;
}

const spkiDer = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });

/** OpenSSL's names for the NIST curves, as node reports them in asymmetricKeyDetails. */
const OPENSSL_CURVE: Record<string, string> = {
  'P-256': 'prime256v1',
  'P-384': 'secp384r1',
  'P-521': 'secp521r1',
};

interface Case {
  name: string;
  options: Record<string, unknown>;
  algorithm: 'RSA' | 'EC';
  keySize: number | null;
  curve: string | null;
  /** The PEM label and DER type of the private key. */
  privateLabel: string;
  privateType: 'pkcs1' | 'sec1' | 'pkcs8';
}

const CASES: Case[] = [
  {
    name: 'RSA 2048 (PKCS#1)',
    options: { algorithm: 'RSA', key_size: 2048 },
    algorithm: 'RSA',
    keySize: 2048,
    curve: null,
    privateLabel: 'RSA PRIVATE KEY',
    privateType: 'pkcs1',
  },
  {
    name: 'RSA default size, pkcs8: true',
    options: { algorithm: 'RSA', pkcs8: true },
    algorithm: 'RSA',
    keySize: 2048,
    curve: null,
    privateLabel: 'PRIVATE KEY',
    privateType: 'pkcs8',
  },
  {
    name: 'RSA 3072 (PKCS#1)',
    options: { algorithm: 'RSA', key_size: 3072, pkcs8: false },
    algorithm: 'RSA',
    keySize: 3072,
    curve: null,
    privateLabel: 'RSA PRIVATE KEY',
    privateType: 'pkcs1',
  },
  {
    name: 'RSA 4096 (PKCS#1)',
    options: { algorithm: 'RSA', key_size: 4096 },
    algorithm: 'RSA',
    keySize: 4096,
    curve: null,
    privateLabel: 'RSA PRIVATE KEY',
    privateType: 'pkcs1',
  },
  ...(['P-256', 'P-384', 'P-521'] as const).flatMap((curve): Case[] => [
    {
      name: `EC ${curve} (SEC1)`,
      options: { algorithm: 'EC', curve },
      algorithm: 'EC',
      keySize: null,
      curve,
      privateLabel: 'EC PRIVATE KEY',
      privateType: 'sec1',
    },
    {
      name: `EC ${curve}, pkcs8: true`,
      options: { algorithm: 'EC', curve, pkcs8: true },
      algorithm: 'EC',
      keySize: null,
      curve,
      privateLabel: 'PRIVATE KEY',
      privateType: 'pkcs8',
    },
  ]),
  {
    name: 'EC default curve',
    options: { algorithm: 'EC' },
    algorithm: 'EC',
    keySize: null,
    curve: 'P-256',
    privateLabel: 'EC PRIVATE KEY',
    privateType: 'sec1',
  },
];

describe('generateKeyPair', function () {
  this.timeout(60_000);
  const pairs = new Map<string, GeneratedKeyPair>();
  /** Event-loop ticks counted while the RSA-4096 pair was being generated. */
  let ticksDuringRsa4096 = 0;

  before(async () => {
    // All generations at once: they run on libuv's pool, so this also shows they are asynchronous.
    const timer = setInterval(() => ticksDuringRsa4096++, 5);
    const rsa4096 = CASES.find((c) => c.keySize === 4096)!;
    const done = generate(rsa4096.options).finally(() => clearInterval(timer));
    const results = await Promise.all(
      CASES.map((c) => (c === rsa4096 ? done : generate(c.options)).then((pair) => [c.name, pair] as const)),
    );
    for (const [name, pair] of results) pairs.set(name, pair);
  });

  for (const c of CASES) {
    describe(c.name, () => {
      const pair = () => pairs.get(c.name)!;

      it('result has exactly public_key, private_key, algorithm, key_size, curve', () => {
        const result = pair();
        assert.deepEqual(Object.keys(result).sort(), [
          'algorithm',
          'curve',
          'key_size',
          'private_key',
          'public_key',
        ]);
        assert.equal(result.algorithm, c.algorithm);
        assert.equal(result.key_size, c.keySize);
        assert.equal(result.curve, c.curve);
      });

      it(`private key is one "${c.privateLabel}" PEM block holding ${c.privateType.toUpperCase()} DER`, () => {
        const der = pemBody(pair().private_key, c.privateLabel);
        // Parsing the DER with the exact type proves the encoding, not only the label.
        const key = createPrivateKey({ key: der, format: 'der', type: c.privateType });
        assert.equal(key.type, 'private');
      });

      it('public key is one "PUBLIC KEY" PEM block holding SPKI DER', () => {
        const der = pemBody(pair().public_key, 'PUBLIC KEY');
        const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
        assert.equal(key.type, 'public');
      });

      it('parses back with the requested type and size or curve', () => {
        const privateKey = createPrivateKey(pair().private_key);
        const publicKey = createPublicKey(pair().public_key);
        const expectedType = c.algorithm === 'RSA' ? 'rsa' : 'ec';
        assert.equal(privateKey.asymmetricKeyType, expectedType);
        assert.equal(publicKey.asymmetricKeyType, expectedType);
        for (const key of [privateKey, publicKey]) {
          const details = key.asymmetricKeyDetails!;
          if (c.algorithm === 'RSA') {
            assert.equal(details.modulusLength, c.keySize);
            assert.equal(details.publicExponent, 65537n);
          } else {
            assert.equal(details.namedCurve, OPENSSL_CURVE[c.curve!]);
          }
        }
      });

      it('the public key derived from the private key is the returned public key', () => {
        const derived = createPublicKey(createPrivateKey(pair().private_key));
        assert.deepEqual(spkiDer(derived), spkiDer(createPublicKey(pair().public_key)));
      });

      it('signs and verifies (and a changed message does not verify)', () => {
        const message = randomBytes(100);
        const hash = c.curve === 'P-384' ? 'sha384' : c.curve === 'P-521' ? 'sha512' : 'sha256';
        const signature = sign(hash, message, pair().private_key);
        assert.ok(verify(hash, message, pair().public_key, signature));
        message[0]! ^= 1;
        assert.ok(!verify(hash, message, pair().public_key, signature));
      });
    });
  }

  it('generates a new key every time (no two pairs share a key)', () => {
    const publics = [...pairs.values()].map((p) => p.public_key);
    const privates = [...pairs.values()].map((p) => p.private_key);
    assert.equal(new Set(publics).size, publics.length);
    assert.equal(new Set(privates).size, privates.length);
  });

  it('RSA-4096 is generated off the main thread (the event loop kept ticking meanwhile)', () => {
    // A synchronous generation would hold the event loop for its whole duration: no tick at all.
    assert.ok(ticksDuringRsa4096 >= 3, `only ${ticksDuringRsa4096} timer ticks during RSA-4096`);
  });

  describe('rejects bad input with a code and the field', () => {
    it('non-object options → INVALID_ARGUMENT', async () => {
      for (const options of [undefined, null, 'RSA', 2048, ['RSA']]) {
        await expectRejection(() => generate(options), 'INVALID_ARGUMENT', undefined);
      }
    });

    it('missing or unknown algorithm → INVALID_ALGORITHM', async () => {
      for (const algorithm of [undefined, null, '', 'rsa', 'ec', 'DSA', 'ECDSA', 'ed25519', 'RSA-PSS', 1]) {
        await expectRejection(() => generate({ algorithm }), 'INVALID_ALGORITHM', 'algorithm');
      }
    });

    it('RSA key_size other than 2048, 3072, 4096 → INVALID_KEY_SIZE', async () => {
      for (const key_size of [null, 0, 512, 1024, 2047, 2049, 8192, 2048.5, NaN, '2048', [2048], 2048n]) {
        await expectRejection(() => generate({ algorithm: 'RSA', key_size }), 'INVALID_KEY_SIZE', 'key_size');
      }
    });

    it('EC curve other than P-256, P-384, P-521 → INVALID_CURVE', async () => {
      const bad = [
        null,
        '',
        'p-256',
        'P256',
        'prime256v1',
        'secp256k1',
        'P-192',
        'P-224',
        'Ed25519',
        256,
        ['P-256'],
      ];
      for (const curve of bad) {
        await expectRejection(() => generate({ algorithm: 'EC', curve }), 'INVALID_CURVE', 'curve');
      }
    });

    it('options that do not apply, or are unknown → INVALID_ARGUMENT naming the option', async () => {
      const cases: Array<[unknown, string]> = [
        [{ algorithm: 'RSA', curve: 'P-256' }, 'curve'],
        [{ algorithm: 'EC', key_size: 2048 }, 'key_size'],
        [{ algorithm: 'RSA', modulusLength: 2048 }, 'modulusLength'],
        [{ algorithm: 'EC', namedCurve: 'prime256v1' }, 'namedCurve'],
        [{ algorithm: 'EC', format: 'der' }, 'format'],
      ];
      for (const [options, field] of cases) {
        await expectRejection(() => generate(options), 'INVALID_ARGUMENT', field);
      }
    });

    it('pkcs8 that is not a boolean → INVALID_ARGUMENT', async () => {
      for (const pkcs8 of [null, 'yes', 'true', 1, 0, {}]) {
        await expectRejection(() => generate({ algorithm: 'EC', pkcs8 }), 'INVALID_ARGUMENT', 'pkcs8');
      }
    });
  });

  describe('cancellation', () => {
    it('an already-aborted signal rejects with ABORTED (RSA and EC)', async () => {
      const signal = AbortSignal.abort();
      await expectRejection(
        () => generate({ algorithm: 'RSA', key_size: 4096, signal }),
        'ABORTED',
        undefined,
      );
      await expectRejection(
        () => generate({ algorithm: 'EC', curve: 'P-521', signal }),
        'ABORTED',
        undefined,
      );
    });

    it('a signal aborted while the pair is being generated discards the result with ABORTED', async () => {
      const controller = new AbortController();
      const started = generate({ algorithm: 'EC', curve: 'P-256', signal: controller.signal });
      controller.abort();
      await expectRejection(() => started, 'ABORTED', undefined);
    });

    it('a signal that is never aborted does not get in the way', async () => {
      const pair = await generate({ algorithm: 'EC', signal: new AbortController().signal });
      assert.equal(pair.curve, 'P-256');
    });
  });
});

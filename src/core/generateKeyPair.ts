import { generateKeyPair as nodeGenerateKeyPair } from 'node:crypto';
import { KeysmithError, throwIfAborted } from './errors';
import type { KeyPairFormat } from './keyFormats';
import { optionalSignal, rejectUnknown, requireObject } from './options';

export const RSA_KEY_SIZES = [2048, 3072, 4096] as const;
export const EC_CURVES = ['P-256', 'P-384', 'P-521'] as const;
export type RsaKeySize = (typeof RSA_KEY_SIZES)[number];
export type EcCurve = (typeof EC_CURVES)[number];

/** How the pair is written (issue 12); see ./keyFormats.ts. */
export interface KeyPairOutputOptions {
  /**
   * pem (default): PKCS#1/SEC1 private (Ed25519: PKCS#8), SPKI public; pkcs8: PKCS#8 private;
   * openssh: BEGIN OPENSSH PRIVATE KEY + the one-line public key; jwk: private JWK JSON and the
   * public JWK JSON (kid = RFC 7638 thumbprint, alg, use "sig"), each pretty with a newline.
   */
  format?: KeyPairFormat;
  /** The old switch, kept: `pkcs8: true` is `format: 'pkcs8'` (both given must agree). */
  pkcs8?: boolean;
  /** pem/pkcs8 → encrypted PKCS#8 (AES-256-CBC); openssh → bcrypt + aes256-ctr; jwk → INVALID_ARGUMENT. */
  passphrase?: string;
  /** The OpenSSH comment (format openssh only; elsewhere INVALID_ARGUMENT). */
  comment?: string;
  signal?: AbortSignal;
}

export type GenerateKeyPairOptions =
  | ({ algorithm: 'RSA'; key_size?: RsaKeySize } & KeyPairOutputOptions)
  | ({ algorithm: 'EC'; curve?: EcCurve } & KeyPairOutputOptions)
  | ({ algorithm: 'Ed25519' } & KeyPairOutputOptions);

/** The reference API's generate-keypair response. */
export interface GeneratedKeyPair {
  public_key: string;
  private_key: string;
  algorithm: 'RSA' | 'EC' | 'Ed25519';
  key_size: number | null;
  curve: EcCurve | null;
}

/** OpenSSL's names for the NIST curves. */
const NODE_CURVE: Record<EcCurve, string> = {
  'P-256': 'prime256v1',
  'P-384': 'secp384r1',
  'P-521': 'secp521r1',
};

/**
 * Generates an RSA or EC key pair off the main thread (libuv's pool), so RSA-4096 never blocks
 * the extension host. The public key is SPKI PEM; the private key is PKCS#1 (`RSA PRIVATE KEY`)
 * or SEC1 (`EC PRIVATE KEY`) as the reference API returns, or PKCS#8 with `pkcs8: true`.
 *
 * Key generation cannot be interrupted once started; an aborted `signal` stops it from starting
 * and discards the result when it arrives.
 *
 * @example await generateKeyPair({ algorithm: 'EC', curve: 'P-256' })
 */
export async function generateKeyPair(options: GenerateKeyPairOptions): Promise<GeneratedKeyPair> {
  const opts = requireObject(options, 'generateKeyPair');
  const pkcs8 = opts.pkcs8 === undefined ? false : opts.pkcs8;
  if (typeof pkcs8 !== 'boolean') {
    throw new KeysmithError('INVALID_ARGUMENT', 'pkcs8 must be true or false.', 'pkcs8');
  }
  const signal = optionalSignal(opts.signal);

  if (opts.algorithm === 'RSA') {
    rejectUnknown(opts, ['algorithm', 'key_size', 'pkcs8', 'signal'], 'algorithm RSA');
    const keySize = opts.key_size === undefined ? 2048 : opts.key_size;
    if (!(RSA_KEY_SIZES as readonly unknown[]).includes(keySize)) {
      throw new KeysmithError(
        'INVALID_KEY_SIZE',
        `key_size must be one of ${RSA_KEY_SIZES.join(', ')} for RSA.`,
        'key_size',
      );
    }
    throwIfAborted(signal);
    const [publicKey, privateKey] = await generatePem('rsa', {
      modulusLength: keySize as number,
      publicExponent: 0x10001,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: pkcs8 ? 'pkcs8' : 'pkcs1', format: 'pem' },
    });
    throwIfAborted(signal);
    return {
      public_key: publicKey,
      private_key: privateKey,
      algorithm: 'RSA',
      key_size: keySize as number,
      curve: null,
    };
  }

  if (opts.algorithm === 'EC') {
    rejectUnknown(opts, ['algorithm', 'curve', 'pkcs8', 'signal'], 'algorithm EC');
    const curve = opts.curve === undefined ? 'P-256' : opts.curve;
    if (typeof curve !== 'string' || !(EC_CURVES as readonly string[]).includes(curve)) {
      throw new KeysmithError('INVALID_CURVE', `curve must be one of ${EC_CURVES.join(', ')}.`, 'curve');
    }
    throwIfAborted(signal);
    const [publicKey, privateKey] = await generatePem('ec', {
      namedCurve: NODE_CURVE[curve as EcCurve],
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: pkcs8 ? 'pkcs8' : 'sec1', format: 'pem' },
    });
    throwIfAborted(signal);
    return {
      public_key: publicKey,
      private_key: privateKey,
      algorithm: 'EC',
      key_size: null,
      curve: curve as EcCurve,
    };
  }

  throw new KeysmithError('INVALID_ALGORITHM', 'algorithm must be RSA or EC.', 'algorithm');
}

function generatePem(type: 'rsa' | 'ec', options: object): Promise<[string, string]> {
  return new Promise((resolve, reject) => {
    // The overloads of generateKeyPair are keyed on literal types; the options are built above.
    (
      nodeGenerateKeyPair as (
        t: string,
        o: object,
        cb: (e: Error | null, pub: string, priv: string) => void,
      ) => void
    )(type, options, (error, publicKey, privateKey) =>
      error ? reject(error) : resolve([publicKey, privateKey]),
    );
  });
}

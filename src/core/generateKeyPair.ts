import { generateKeyPair as nodeGenerateKeyPair, type KeyObject } from 'node:crypto';
import { KeysmithError, throwIfAborted } from './errors';
import { passphraseOption, writeKey, type KeyPairFormat } from './keyFormats';
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
 * Generates an RSA, EC or Ed25519 key pair off the main thread (libuv's pool), so RSA-4096 never
 * blocks the extension host, and writes it in `format` (see KeyPairOutputOptions). The default is
 * what the reference API returns: SPKI PEM public key, PKCS#1 (`RSA PRIVATE KEY`) or SEC1
 * (`EC PRIVATE KEY`) private key; Ed25519 has only PKCS#8.
 *
 * Key generation cannot be interrupted once started; an aborted `signal` stops it from starting
 * and discards the result when it arrives (an OpenSSH passphrase's bcrypt stops between rounds).
 *
 * @example await generateKeyPair({ algorithm: 'EC', curve: 'P-256' })
 */
export async function generateKeyPair(options: GenerateKeyPairOptions): Promise<GeneratedKeyPair> {
  const opts = requireObject(options, 'generateKeyPair');
  const signal = optionalSignal(opts.signal);
  const output = outputOptions(opts);
  const common = ['algorithm', 'format', 'pkcs8', 'passphrase', 'comment', 'signal'];

  let pair: { publicKey: KeyObject; privateKey: KeyObject };
  let keySize: number | null = null;
  let curve: EcCurve | null = null;
  if (opts.algorithm === 'RSA') {
    rejectUnknown(opts, [...common, 'key_size'], 'algorithm RSA');
    keySize = opts.key_size === undefined ? 2048 : (opts.key_size as number);
    if (!(RSA_KEY_SIZES as readonly unknown[]).includes(keySize)) {
      throw new KeysmithError(
        'INVALID_KEY_SIZE',
        `key_size must be one of ${RSA_KEY_SIZES.join(', ')} for RSA.`,
        'key_size',
      );
    }
    throwIfAborted(signal);
    pair = await generate('rsa', { modulusLength: keySize, publicExponent: 0x10001 });
  } else if (opts.algorithm === 'EC') {
    rejectUnknown(opts, [...common, 'curve'], 'algorithm EC');
    const chosen = opts.curve === undefined ? 'P-256' : opts.curve;
    if (typeof chosen !== 'string' || !(EC_CURVES as readonly string[]).includes(chosen)) {
      throw new KeysmithError('INVALID_CURVE', `curve must be one of ${EC_CURVES.join(', ')}.`, 'curve');
    }
    curve = chosen as EcCurve;
    throwIfAborted(signal);
    pair = await generate('ec', { namedCurve: NODE_CURVE[curve] });
  } else if (opts.algorithm === 'Ed25519') {
    rejectUnknown(opts, common, 'algorithm Ed25519');
    throwIfAborted(signal);
    pair = await generate('ed25519', {});
  } else {
    throw new KeysmithError('INVALID_ALGORITHM', 'algorithm must be RSA, EC or Ed25519.', 'algorithm');
  }
  throwIfAborted(signal);
  const write = { passphrase: output.passphrase, comment: output.comment, signal };
  const privateKey = await writeKey(pair.privateKey, output.format, write);
  const publicKey = await writeKey(pair.publicKey, output.format, { comment: output.comment });
  throwIfAborted(signal);
  return {
    public_key: publicKey,
    private_key: privateKey,
    algorithm: opts.algorithm,
    key_size: keySize,
    curve,
  };
}

function outputOptions(opts: Record<string, unknown>): {
  format: KeyPairFormat;
  passphrase: string | undefined;
  comment: string | undefined;
} {
  const pkcs8 = opts.pkcs8 === undefined ? false : opts.pkcs8;
  if (typeof pkcs8 !== 'boolean') {
    throw new KeysmithError('INVALID_ARGUMENT', 'pkcs8 must be true or false.', 'pkcs8');
  }
  const formats: readonly unknown[] = ['pem', 'pkcs8', 'openssh', 'jwk'];
  if (opts.format !== undefined && !formats.includes(opts.format)) {
    throw new KeysmithError('INVALID_ARGUMENT', 'format must be one of pem, pkcs8, openssh, jwk.', 'format');
  }
  if (pkcs8 && opts.format !== undefined && opts.format !== 'pkcs8') {
    throw new KeysmithError(
      'INVALID_ARGUMENT',
      `pkcs8: true and format "${opts.format}" disagree.`,
      'format',
    );
  }
  const format = (opts.format ?? (pkcs8 ? 'pkcs8' : 'pem')) as KeyPairFormat;
  const passphrase = passphraseOption(opts.passphrase, 'passphrase');
  if (passphrase !== undefined && format === 'jwk') {
    throw new KeysmithError(
      'INVALID_ARGUMENT',
      'A JWK cannot be protected by a passphrase: choose pem, pkcs8 or openssh for that.',
      'passphrase',
    );
  }
  let comment: string | undefined;
  if (opts.comment !== undefined && opts.comment !== '') {
    if (typeof opts.comment !== 'string') {
      throw new KeysmithError('INVALID_ARGUMENT', 'comment must be a string.', 'comment');
    }
    if (format !== 'openssh') {
      throw new KeysmithError('INVALID_ARGUMENT', 'A comment belongs only to an OpenSSH key.', 'comment');
    }
    if (/[\r\n]/.test(opts.comment)) {
      throw new KeysmithError('INVALID_ARGUMENT', 'comment must be one line.', 'comment');
    }
    comment = opts.comment;
  }
  return { format, passphrase, comment };
}

function generate(
  type: 'rsa' | 'ec' | 'ed25519',
  options: object,
): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    // The overloads of generateKeyPair are keyed on literal types; the options are built above.
    (
      nodeGenerateKeyPair as (
        t: string,
        o: object,
        cb: (e: Error | null, pub: KeyObject, priv: KeyObject) => void,
      ) => void
    )(type, options, (error, publicKey, privateKey) =>
      error ? reject(error) : resolve({ publicKey, privateKey }),
    );
  });
}

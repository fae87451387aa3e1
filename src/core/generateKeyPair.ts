import { generateKeyPair as nodeGenerateKeyPair, type KeyObject } from 'node:crypto';
import { KeysmithError, throwIfAborted } from './errors';
import { optionalComment, passphraseOption, writeKeyText, type KeyPairFormat } from './keyFormats';
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
 * blocks the extension host, and writes it in `format` (see {@link KeyPairOutputOptions}): by
 * default the public key is SPKI PEM and the private key PKCS#1 (`RSA PRIVATE KEY`), SEC1
 * (`EC PRIVATE KEY`) as the reference API returns, or PKCS#8 for Ed25519 (its only PEM form).
 *
 * Key generation cannot be interrupted once started; an aborted `signal` stops it from starting
 * and discards the result when it arrives (an OpenSSH passphrase's bcrypt stops at once).
 *
 * @example await generateKeyPair({ algorithm: 'Ed25519', format: 'openssh', comment: 'me@laptop' })
 */
export async function generateKeyPair(options: GenerateKeyPairOptions): Promise<GeneratedKeyPair> {
  const opts = requireObject(options, 'generateKeyPair');
  const output = outputOptions(opts);
  const signal = optionalSignal(opts.signal);
  const common = ['algorithm', 'format', 'pkcs8', 'passphrase', 'comment', 'signal'];

  if (opts.algorithm === 'RSA') {
    rejectUnknown(opts, [...common, 'key_size'], 'algorithm RSA');
    const keySize = opts.key_size === undefined ? 2048 : opts.key_size;
    if (!(RSA_KEY_SIZES as readonly unknown[]).includes(keySize)) {
      throw new KeysmithError(
        'INVALID_KEY_SIZE',
        `key_size must be one of ${RSA_KEY_SIZES.join(', ')} for RSA.`,
        'key_size',
      );
    }
    throwIfAborted(signal);
    const pair = await generateKeyObjects('rsa', {
      modulusLength: keySize as number,
      publicExponent: 0x10001,
    });
    throwIfAborted(signal);
    return {
      ...(await writePair(pair, output, signal)),
      algorithm: 'RSA',
      key_size: keySize as number,
      curve: null,
    };
  }

  if (opts.algorithm === 'EC') {
    rejectUnknown(opts, [...common, 'curve'], 'algorithm EC');
    const curve = opts.curve === undefined ? 'P-256' : opts.curve;
    if (typeof curve !== 'string' || !(EC_CURVES as readonly string[]).includes(curve)) {
      throw new KeysmithError('INVALID_CURVE', `curve must be one of ${EC_CURVES.join(', ')}.`, 'curve');
    }
    throwIfAborted(signal);
    const pair = await generateKeyObjects('ec', { namedCurve: NODE_CURVE[curve as EcCurve] });
    throwIfAborted(signal);
    return {
      ...(await writePair(pair, output, signal)),
      algorithm: 'EC',
      key_size: null,
      curve: curve as EcCurve,
    };
  }

  if (opts.algorithm === 'Ed25519') {
    rejectUnknown(opts, common, 'algorithm Ed25519');
    throwIfAborted(signal);
    const pair = await generateKeyObjects('ed25519', {});
    throwIfAborted(signal);
    return { ...(await writePair(pair, output, signal)), algorithm: 'Ed25519', key_size: null, curve: null };
  }

  throw new KeysmithError('INVALID_ALGORITHM', 'algorithm must be RSA, EC or Ed25519.', 'algorithm');
}

interface OutputOptions {
  format: KeyPairFormat;
  passphrase?: string;
  comment?: string;
}

const KEY_PAIR_FORMATS: readonly KeyPairFormat[] = ['pem', 'pkcs8', 'openssh', 'jwk'];

/** format, the old pkcs8 switch, passphrase and comment, checked together. */
function outputOptions(opts: Record<string, unknown>): OutputOptions {
  const pkcs8 = opts.pkcs8;
  if (pkcs8 !== undefined && typeof pkcs8 !== 'boolean') {
    throw new KeysmithError('INVALID_ARGUMENT', 'pkcs8 must be true or false.', 'pkcs8');
  }
  const given = opts.format;
  if (
    given !== undefined &&
    (typeof given !== 'string' || !(KEY_PAIR_FORMATS as readonly string[]).includes(given))
  ) {
    throw new KeysmithError(
      'INVALID_ARGUMENT',
      `format must be one of ${KEY_PAIR_FORMATS.join(', ')}.`,
      'format',
    );
  }
  let format = (given as KeyPairFormat | undefined) ?? (pkcs8 === true ? 'pkcs8' : 'pem');
  if ((pkcs8 === true && format !== 'pkcs8') || (pkcs8 === false && given === 'pkcs8')) {
    throw new KeysmithError(
      'INVALID_ARGUMENT',
      `pkcs8: ${String(pkcs8)} and format: ${format} disagree (pkcs8: true is format: pkcs8; give one of them).`,
      'pkcs8',
    );
  }
  if (pkcs8 === true) format = 'pkcs8';
  const passphrase = passphraseOption(opts.passphrase, 'passphrase', 'protect');
  if (passphrase !== undefined && format === 'jwk') {
    throw new KeysmithError(
      'INVALID_ARGUMENT',
      'A JWK cannot be passphrase-protected; leave passphrase out or choose format pem, pkcs8 or openssh.',
      'passphrase',
    );
  }
  const comment = optionalComment(opts.comment, format);
  return {
    format,
    ...(passphrase !== undefined ? { passphrase } : {}),
    ...(comment !== undefined ? { comment } : {}),
  };
}

async function writePair(
  pair: { publicKey: KeyObject; privateKey: KeyObject },
  output: OutputOptions,
  signal: AbortSignal | undefined,
): Promise<{ public_key: string; private_key: string }> {
  const write = { ...output, ...(signal ? { signal } : {}) };
  const privateKey = await writeKeyText(pair.privateKey, output.format, write);
  throwIfAborted(signal);
  const publicKey = await writeKeyText(pair.publicKey, output.format, { public: true, ...write });
  return { public_key: publicKey, private_key: privateKey };
}

function generateKeyObjects(
  type: 'rsa' | 'ec' | 'ed25519',
  options: object,
): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    // The callback form runs on libuv's pool; the overloads are keyed on literal types.
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

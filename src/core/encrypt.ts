import { randomBytes } from 'node:crypto';
import { aesGcmSealBytes, aesGcmSealText } from './aesGcm';
import { checkWellFormed } from './encoding';
import { KeysmithError, throwIfAborted } from './errors';
import type { Envelope } from './envelope';
import { deriveKey } from './kdf';
import {
  DEFAULT_ITERATIONS,
  IV_BYTES,
  KID_PATTERN,
  MAX_ITERATIONS,
  MAX_PLAINTEXT_BYTES,
  MIN_ITERATIONS,
  SALT_BYTES,
} from './limits';
import { integerInRange, optionalSignal, rejectUnknown, requireObject, itemRunner } from './options';
import { readSecret, type Secret } from './secret';

interface EncryptCommon {
  /** A 64-hex-character key (exactly one of key and password). */
  key?: string;
  /** A password; the key is PBKDF2-HMAC-SHA256 of its NFC form. */
  password?: string;
  /** PBKDF2 iterations, 1,000 to 10,000,000 (default 600,000). Password mode only. */
  iterations?: number;
  /** Key mode only: the stored key's name, written into the envelope so decrypt can find it. */
  kid?: string;
  /** Cancels a password derivation that has not finished (its result is discarded). */
  signal?: AbortSignal;
}

export interface EncryptOptions extends EncryptCommon {
  /** Text (encrypted as its strict UTF-8) or exact bytes (any, e.g. a binary file). */
  plaintext: string | Uint8Array;
}

export interface EncryptBatchOptions extends EncryptCommon {
  plaintexts: readonly (string | Uint8Array)[];
}

/**
 * Encrypts text (its UTF-8) or bytes with AES-256-GCM into an envelope (see
 * {@link serializeEnvelope} for its text). The envelope is the same either way: AES-GCM over
 * the exact bytes; an envelope of bytes that are not UTF-8 opens only with `decryptBytes`.
 *
 * @example await encrypt({ plaintext: 'hello', key: '00'.repeat(32) })
 * @example await encrypt({ plaintext: new Uint8Array([0xff, 0x00]), key: '00'.repeat(32) })
 * @example await encrypt({ plaintext: 'hello', password: 'correct horse battery staple' })
 */
export async function encrypt(options: EncryptOptions): Promise<Envelope> {
  const opts = requireObject(options, 'encrypt');
  rejectUnknown(opts, ['plaintext', 'key', 'password', 'iterations', 'kid', 'signal'], 'encrypt');
  const [envelope] = await encryptAll(opts, [opts.plaintext], false);
  return envelope!;
}

/**
 * Encrypts many texts with one key or password. A password is derived once for the whole batch
 * (one salt shared by the batch); every envelope gets its own random IV.
 */
export async function encryptBatch(options: EncryptBatchOptions): Promise<Envelope[]> {
  const opts = requireObject(options, 'encryptBatch');
  rejectUnknown(opts, ['plaintexts', 'key', 'password', 'iterations', 'kid', 'signal'], 'encryptBatch');
  if (!Array.isArray(opts.plaintexts)) {
    throw new KeysmithError(
      'INVALID_ARGUMENT',
      'plaintexts must be an array of strings or byte arrays.',
      'plaintexts',
    );
  }
  return encryptAll(opts, opts.plaintexts, true);
}

/** `batch`: errors carry the failing item's `index`. */
async function encryptAll(
  opts: Record<string, unknown>,
  plaintexts: readonly unknown[],
  batch: boolean,
): Promise<Envelope[]> {
  const at = itemRunner(batch);
  const { secret, signal } = checkOptions(opts);
  const kid = opts.kid as string | undefined;

  if (secret.kind === 'key') {
    throwIfAborted(signal);
    // Each text is checked while it is encoded and sealed, in one pass (the surrogate check rides
    // on the encoding; see forEachUtf8Piece). Texts go in order, so the first bad one gives the
    // error, with its index, and no envelope is returned.
    return plaintexts.map((plaintext, index) =>
      at(index, () => ({
        v: 1,
        algorithm: 'AES-256-GCM',
        ...(kid !== undefined && { kid }),
        ...seal(secret.key, checkPlaintext(plaintext)),
      })),
    );
  }

  // Check every text before any work: a bad item never costs a password derivation.
  const texts = plaintexts.map((plaintext, index) =>
    at(index, () => {
      const text = checkPlaintext(plaintext);
      if (typeof text === 'string') checkWellFormed(text, 'plaintext');
      return text;
    }),
  );
  // Nothing to encrypt costs nothing, not a derivation.
  if (texts.length === 0) return [];

  const iterations = integerInRange(
    opts.iterations,
    'iterations',
    MIN_ITERATIONS,
    MAX_ITERATIONS,
    DEFAULT_ITERATIONS,
    'INVALID_ITERATIONS',
  );
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(secret.password, salt, iterations, signal);
  try {
    const saltText = salt.toString('base64');
    return texts.map((text) => ({
      v: 1,
      algorithm: 'AES-256-GCM',
      kdf: 'PBKDF2-SHA256',
      iterations,
      salt: saltText,
      ...seal(key, text),
    }));
  } finally {
    key.fill(0);
  }
}

/** The secret and signal, after the checks (in their old order) that do not depend on the texts. */
function checkOptions(opts: Record<string, unknown>): { secret: Secret; signal: AbortSignal | undefined } {
  const secret = readSecret(opts.key, opts.password);
  const signal = optionalSignal(opts.signal);
  const kid = opts.kid;
  if (kid !== undefined) {
    if (secret.kind !== 'key') {
      throw new KeysmithError('INVALID_KID', 'kid names a stored key and cannot go with a password.', 'kid');
    }
    if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) {
      throw new KeysmithError('INVALID_KID', 'kid must be 1 to 64 of A-Z a-z 0-9 . _ -', 'kid');
    }
  }
  if (secret.kind === 'key' && opts.iterations !== undefined) {
    throw new KeysmithError('INVALID_ITERATIONS', 'iterations apply only to a password.', 'iterations');
  }
  return { secret, signal };
}

/**
 * Type and size of a plaintext; whether text is well formed is checked where it is encoded.
 * Bytes are any bytes.
 */
function checkPlaintext(plaintext: unknown): string | Uint8Array {
  if (plaintext instanceof Uint8Array) {
    if (plaintext.byteLength > MAX_PLAINTEXT_BYTES) {
      throw new KeysmithError('PLAINTEXT_TOO_LARGE', 'plaintext is larger than 64 MiB.', 'plaintext');
    }
    return plaintext;
  }
  if (typeof plaintext !== 'string') {
    throw new KeysmithError('INVALID_PLAINTEXT', 'plaintext must be a string or a Uint8Array.', 'plaintext');
  }
  // UTF-8 takes 1 to 3 bytes per UTF-16 unit, so the length alone refuses huge text early, and
  // text of at most a third of the limit cannot exceed it (counting bytes costs ~15 ms per 16 MiB).
  if (
    plaintext.length > MAX_PLAINTEXT_BYTES ||
    (plaintext.length > MAX_PLAINTEXT_BYTES / 3 && Buffer.byteLength(plaintext, 'utf8') > MAX_PLAINTEXT_BYTES)
  ) {
    throw new KeysmithError('PLAINTEXT_TOO_LARGE', 'plaintext is larger than 64 MiB of UTF-8.', 'plaintext');
  }
  return plaintext;
}

function seal(key: Buffer, plaintext: string | Uint8Array): Pick<Envelope, 'iv' | 'tag' | 'ciphertext'> {
  // A fresh random 96-bit IV per envelope. NIST SP 800-38D allows 2^32 random IVs per key, far
  // more than a person encrypts by hand; reusing an IV would leak the XOR of two plaintexts.
  const iv = randomBytes(IV_BYTES);
  const { ciphertext, tag } =
    typeof plaintext === 'string'
      ? aesGcmSealText(key, iv, plaintext, 'plaintext')
      : aesGcmSealBytes(key, iv, plaintext);
  return { iv: iv.toString('base64'), tag: tag.toString('base64'), ciphertext };
}

import { randomBytes } from 'node:crypto';
import { aesGcmSeal } from './aesGcm';
import { encodeUtf8Strict } from './encoding';
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
import { integerInRange, rejectUnknown, requireObject } from './options';
import { readSecret } from './secret';

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
  plaintext: string;
}

export interface EncryptBatchOptions extends EncryptCommon {
  plaintexts: readonly string[];
}

/**
 * Encrypts text with AES-256-GCM into an envelope (see {@link serializeEnvelope} for its text).
 *
 * @example await encrypt({ plaintext: 'hello', key: '00'.repeat(32) })
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
    throw new KeysmithError('INVALID_ARGUMENT', 'plaintexts must be an array of strings.', 'plaintexts');
  }
  return encryptAll(opts, opts.plaintexts, true);
}

/** `batch`: errors carry the failing item's `index`. */
async function encryptAll(
  opts: Record<string, unknown>,
  plaintexts: readonly unknown[],
  batch: boolean,
): Promise<Envelope[]> {
  // Check every input before any work: a bad item never costs a password derivation.
  const encoded = plaintexts.map((plaintext, index) => {
    try {
      return plaintextBytes(plaintext);
    } catch (error) {
      throw batch && error instanceof KeysmithError ? error.atIndex(index) : error;
    }
  });
  const secret = readSecret(opts.key, opts.password);
  const signal = opts.signal as AbortSignal | undefined;
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

  if (secret.kind === 'key') {
    throwIfAborted(signal);
    return encoded.map((bytes) => ({
      v: 1,
      algorithm: 'AES-256-GCM',
      ...(kid !== undefined && { kid: kid as string }),
      ...seal(secret.key, bytes),
    }));
  }

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
    return encoded.map((bytes) => ({
      v: 1,
      algorithm: 'AES-256-GCM',
      kdf: 'PBKDF2-SHA256',
      iterations,
      salt: saltText,
      ...seal(key, bytes),
    }));
  } finally {
    key.fill(0);
  }
}

function plaintextBytes(plaintext: unknown): Buffer {
  if (typeof plaintext !== 'string') {
    throw new KeysmithError('INVALID_PLAINTEXT', 'plaintext must be a string.', 'plaintext');
  }
  // UTF-8 takes at least one byte per UTF-16 unit, so the length alone can refuse huge text early.
  if (plaintext.length > MAX_PLAINTEXT_BYTES || Buffer.byteLength(plaintext, 'utf8') > MAX_PLAINTEXT_BYTES) {
    throw new KeysmithError('PLAINTEXT_TOO_LARGE', 'plaintext is larger than 64 MiB of UTF-8.', 'plaintext');
  }
  return encodeUtf8Strict(plaintext, 'plaintext');
}

function seal(key: Buffer, plaintext: Buffer): Pick<Envelope, 'iv' | 'tag' | 'ciphertext'> {
  // A fresh random 96-bit IV per envelope. NIST SP 800-38D allows 2^32 random IVs per key, far
  // more than a person encrypts by hand; reusing an IV would leak the XOR of two plaintexts.
  const iv = randomBytes(IV_BYTES);
  const { ciphertext, tag } = aesGcmSeal(key, iv, plaintext);
  return {
    iv: iv.toString('base64'),
    tag: tag.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

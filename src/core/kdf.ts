import { pbkdf2 } from 'node:crypto';
import { KeysmithError, throwIfAborted } from './errors';
import { encodeUtf8Strict } from './encoding';
import { KEY_BYTES, MAX_PASSWORD_LENGTH } from './limits';

/** Raw PBKDF2-HMAC-SHA256 on libuv's thread pool (never pbkdf2Sync: it would freeze the editor). */
export function pbkdf2Sha256(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    pbkdf2(password, salt, iterations, length, 'sha256', (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** Checks a password and returns the UTF-8 bytes of its NFC form. */
export function passwordBytes(password: unknown): Buffer {
  if (typeof password !== 'string') {
    throw new KeysmithError('INVALID_PASSWORD', 'password must be a string.', 'password');
  }
  if (password.length === 0) {
    throw new KeysmithError('INVALID_PASSWORD', 'password must not be empty.', 'password');
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new KeysmithError(
      'INVALID_PASSWORD',
      `password must be at most ${MAX_PASSWORD_LENGTH} characters.`,
      'password',
    );
  }
  // NFC: the same password typed on macOS (often NFD) and elsewhere must derive the same key.
  return encodeUtf8Strict(password.normalize('NFC'), 'password', 'INVALID_PASSWORD');
}

/**
 * The envelope's key: PBKDF2-HMAC-SHA256(NFC password, salt, iterations, 32 bytes).
 * The derivation itself cannot be interrupted; an aborted signal discards its result.
 */
export async function deriveKey(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  throwIfAborted(signal);
  const key = await pbkdf2Sha256(password, salt, iterations, KEY_BYTES);
  if (signal?.aborted) {
    key.fill(0);
    throwIfAborted(signal);
  }
  return key;
}

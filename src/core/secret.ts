import { KeysmithError } from './errors';
import { decodeHexStrict } from './encoding';
import { passwordBytes } from './kdf';
import { KEY_BYTES } from './limits';

/** What unlocks an envelope: a raw 256-bit key or a password (as NFC UTF-8 bytes). */
export type Secret = { kind: 'key'; key: Buffer } | { kind: 'password'; password: Buffer };

/** Exactly one of `key` (64 hex characters) and `password` (non-empty text). */
export function readSecret(key: unknown, password: unknown): Secret {
  if ((key === undefined) === (password === undefined)) {
    throw new KeysmithError('KEY_OR_PASSWORD', 'Give exactly one of key or password.');
  }
  if (key !== undefined) {
    if (typeof key !== 'string')
      throw new KeysmithError('INVALID_KEY', 'key must be a string of hex characters.', 'key');
    return { kind: 'key', key: decodeHexStrict(key, 'key', KEY_BYTES * 2, 'INVALID_KEY') };
  }
  return { kind: 'password', password: passwordBytes(password) };
}

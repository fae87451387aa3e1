/**
 * AES-256-GCM on node:crypto with its sharp edges filed off. Internal: the public API is
 * `encrypt`/`decrypt`; this is exported for the Wycheproof tests, which need fixed IVs and AAD.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { decryptFailed, KeysmithError } from './errors';
import { IV_BYTES, KEY_BYTES, TAG_BYTES } from './limits';

/**
 * Bytes fed to OpenSSL per update(). One update over a whole 16 MiB text is several times slower
 * than pieces of this size (the cost is allocating one huge output, not the cipher).
 */
const PIECE_BYTES = 128 * 1024;

export interface Sealed {
  ciphertext: Buffer;
  tag: Buffer;
}

function checkSizes(key: Uint8Array, iv: Uint8Array): void {
  if (key.byteLength !== KEY_BYTES) {
    throw new KeysmithError('INVALID_KEY', `key must be ${KEY_BYTES} bytes.`, 'key');
  }
  // Node would accept any IV length and silently GHASH it into a counter block.
  if (iv.byteLength !== IV_BYTES) {
    throw new KeysmithError('MALFORMED_ENVELOPE', `iv must be ${IV_BYTES} bytes.`, 'iv');
  }
}

export function aesGcmSeal(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Sealed {
  checkSizes(key, iv);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  if (aad && aad.byteLength > 0) cipher.setAAD(aad);
  const ciphertext = Buffer.allocUnsafe(plaintext.byteLength);
  let written = 0;
  for (let offset = 0; offset < plaintext.byteLength; offset += PIECE_BYTES) {
    const piece = cipher.update(plaintext.subarray(offset, offset + PIECE_BYTES));
    written += piece.copy(ciphertext, written);
  }
  written += cipher.final().copy(ciphertext, written);
  if (written !== plaintext.byteLength) throw new Error('AES-GCM produced an unexpected length'); // cannot happen: GCM is a stream mode
  return { ciphertext, tag: cipher.getAuthTag() };
}

/**
 * Decrypts and authenticates. Plaintext is collected privately and returned only after final()
 * has verified the tag; on failure it is wiped and one opaque DECRYPT_FAILED is thrown.
 */
export function aesGcmOpen(
  key: Uint8Array,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad?: Uint8Array,
): Buffer {
  checkSizes(key, iv);
  // Pinning the tag length stops a truncated tag (Node accepts 4..16 bytes) from being checked
  // with fewer bits than were produced.
  if (tag.byteLength !== TAG_BYTES) {
    throw new KeysmithError('MALFORMED_ENVELOPE', `tag must be ${TAG_BYTES} bytes.`, 'tag');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  if (aad && aad.byteLength > 0) decipher.setAAD(aad);
  const plaintext = Buffer.allocUnsafe(ciphertext.byteLength);
  let written = 0;
  try {
    for (let offset = 0; offset < ciphertext.byteLength; offset += PIECE_BYTES) {
      written += decipher.update(ciphertext.subarray(offset, offset + PIECE_BYTES)).copy(plaintext, written);
    }
    written += decipher.final().copy(plaintext, written);
  } catch {
    plaintext.fill(0);
    throw decryptFailed();
  }
  return plaintext;
}

/**
 * Strict decoders. Node's own are lenient on purpose: `Buffer.from(s, 'base64')` skips characters
 * it does not know, accepts the URL-safe alphabet and stops quietly at the first `=`, and
 * `Buffer.from(s, 'hex')` truncates at the first non-hex pair. Here every input either decodes to
 * exactly what it says or is refused with the field's name.
 */
import { Buffer, isUtf8 } from 'node:buffer';
import { KeysmithError, type KeysmithErrorCode } from './errors';

const NOT_BASE64 = /[^A-Za-z0-9+/=]/;
const NOT_HEX = /[^0-9a-fA-F]/;

/** Value (0–63) of a standard base64 digit; the caller has already checked the alphabet. */
function base64Value(charCode: number): number {
  if (charCode >= 65 && charCode <= 90) return charCode - 65; // A–Z
  if (charCode >= 97 && charCode <= 122) return charCode - 71; // a–z
  if (charCode >= 48 && charCode <= 57) return charCode + 4; // 0–9
  return charCode === 43 ? 62 : 63; // + /
}

/**
 * Decodes standard padded base64 (RFC 4648 §4) and accepts only the canonical form: the one
 * encoding the decoded bytes would produce again. `code` is the error code to use for bad input.
 */
export function decodeBase64Strict(
  text: string,
  field: string,
  code: KeysmithErrorCode = 'MALFORMED_ENVELOPE',
): Buffer {
  const fail = (why: string) => new KeysmithError(code, `${field} is not valid base64: ${why}.`, field);
  if (text.length % 4 !== 0) throw fail('its length is not a multiple of 4');
  if (NOT_BASE64.test(text)) throw fail('it contains a character outside the standard base64 alphabet');
  const firstPad = text.indexOf('=');
  if (firstPad !== -1) {
    const padding = text.length - firstPad;
    // '=' may only close the text, once or twice.
    if (padding > 2 || (padding === 2 && text[text.length - 1] !== '=')) {
      throw fail("'=' padding appears before the end");
    }
    // Canonical form: the bits the padding discards must be zero, or two texts would decode the same.
    const last = base64Value(text.charCodeAt(firstPad - 1));
    if ((padding === 1 && (last & 0b11) !== 0) || (padding === 2 && (last & 0b1111) !== 0)) {
      throw fail('it is not in canonical form (non-zero padding bits)');
    }
  }
  return Buffer.from(text, 'base64');
}

/** Decodes hex of an exact length in characters (either case). */
export function decodeHexStrict(
  text: string,
  field: string,
  expectedChars: number,
  code: KeysmithErrorCode,
): Buffer {
  if (text.length !== expectedChars) {
    throw new KeysmithError(
      code,
      `${field} must be ${expectedChars} hexadecimal characters (got ${text.length}).`,
      field,
    );
  }
  if (NOT_HEX.test(text)) {
    throw new KeysmithError(code, `${field} must contain only hexadecimal characters 0-9 and a-f.`, field);
  }
  return Buffer.from(text, 'hex');
}

/**
 * Decodes UTF-8 that must be well formed; the bytes are kept exactly (a leading BOM stays a
 * U+FEFF character, nothing is replaced). Returns undefined for malformed input.
 */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  if (!isUtf8(bytes)) return undefined;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * Encodes text to UTF-8, refusing lone surrogates (which `Buffer.from` would silently turn into
 * U+FFFD, so the decrypted text would differ from what was encrypted).
 */
export function encodeUtf8Strict(
  text: string,
  field: string,
  code: KeysmithErrorCode = 'INVALID_PLAINTEXT',
): Buffer {
  if (!text.isWellFormed()) {
    throw new KeysmithError(
      code,
      `${field} contains an unpaired UTF-16 surrogate and cannot be encoded as UTF-8.`,
      field,
    );
  }
  return Buffer.from(text, 'utf8');
}

/**
 * Strict decoders. Node's own are lenient on purpose: `Buffer.from(s, 'base64')` skips characters
 * it does not know, accepts the URL-safe alphabet and stops quietly at the first `=`, and
 * `Buffer.from(s, 'hex')` truncates at the first non-hex pair. Here every input either decodes to
 * exactly what it says or is refused with the field's name.
 */
import { Buffer, isAscii, isUtf8, transcode } from 'node:buffer';
import { KeysmithError, type KeysmithErrorCode } from './errors';

const NOT_BASE64 = /[^A-Za-z0-9+/=]/;
const NOT_HEX = /[^0-9a-fA-F]/;

/** Value (0–63) of a standard base64 digit (meaningless for any other character). */
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
  const decoded = decodeCanonicalBase64(text);
  if (decoded) return decoded;
  // Not canonical: the checks below only find out which rule it breaks, for the message.
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
  throw fail('it is not in canonical form'); // not reached: text passing the rules above is canonical
}

/**
 * The bytes of `text` if it is canonical standard base64 (as {@link decodeBase64Strict} accepts),
 * else undefined: for callers that want no error message.
 */
export function decodeBase64Canonical(text: string): Buffer | undefined {
  return text.length % 4 === 0 ? decodeCanonicalBase64(text) : undefined;
}

/** Base64 characters decoded per step (a multiple of 4): small enough to stay in the CPU's caches. */
const BASE64_STEP_CHARS = 64 * 1024;
/** A UTF-16 unit above 0xFF. V8 answers this at once for a one-byte string (it cannot match). */
const WIDE_UNIT = /[\u0100-\uffff]/;

/**
 * Decodes `text` (length a multiple of 4), or returns undefined unless `text` is exactly the
 * canonical standard base64 of the result (alphabet, padding, zero padding bits); the caller then
 * works out which rule it breaks, for the message.
 *
 * How, without a regex over every character (~12-16 ms for 16 MiB of ciphertext): Node's decoder
 * turns into bits only the characters A-Z a-z 0-9 + / and the URL-safe - _; it skips any other
 * character or stops at it ('=' included), and for a UTF-16 unit above 0xFF it reads the low byte.
 * Each character it does not turn into bits leaves the output at least one byte short of
 * 3/4 of the text less the padding (the length is a multiple of 4). So the text is canonical when
 *   1. no unit is above 0xFF (instant for the one-byte strings an ASCII envelope is made of),
 *   2. neither - nor _ occurs (searched step by step, while the step is in cache),
 *   3. the decoded length is exactly the expected one, and
 *   4. the bits the padding discards are zero (two texts would otherwise decode the same).
 * Measured on 16 MiB: ~4 ms in all, against ~10 ms for decoding, re-encoding and comparing each
 * step, and ~30 ms for the regex plus Buffer.from (which takes a slow path for a sliced string,
 * and the ciphertext is a slice of the envelope text).
 */
function decodeCanonicalBase64(text: string): Buffer | undefined {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const size = (text.length / 4) * 3 - padding;
  if (WIDE_UNIT.test(text)) return undefined;
  if (padding > 0) {
    const last = base64Value(text.charCodeAt(text.length - padding - 1));
    if ((last & (padding === 1 ? 0b11 : 0b1111)) !== 0) return undefined;
  }
  const out = Buffer.allocUnsafe(size);
  let written = 0;
  for (let start = 0; start < text.length; start += BASE64_STEP_CHARS) {
    const step = text.length <= BASE64_STEP_CHARS ? text : text.slice(start, start + BASE64_STEP_CHARS);
    if (step.includes('-') || step.includes('_')) return undefined;
    written += out.write(step, written, 'base64');
  }
  return written === size ? out : undefined;
}

/** Scratch space for {@link isCanonicalBase64}: one step's bytes, reused (nothing secret passes here). */
const SCRATCH = Buffer.allocUnsafe((BASE64_STEP_CHARS / 4) * 3);

/**
 * Whether `text` is canonical standard base64, as {@link decodeBase64Strict} would accept it, by
 * the checks of {@link decodeCanonicalBase64} but decoding into reused scratch space: nothing is
 * allocated, so finding thousands of envelopes in a file does not decode (and keep) each one.
 */
export function isCanonicalBase64(text: string): boolean {
  if (text.length % 4 !== 0) return false;
  const n = text.length;
  const padding = text.charCodeAt(n - 1) !== 0x3d ? 0 : text.charCodeAt(n - 2) !== 0x3d ? 1 : 2;
  if (WIDE_UNIT.test(text)) return false;
  if (padding > 0) {
    const last = base64Value(text.charCodeAt(text.length - padding - 1));
    if ((last & (padding === 1 ? 0b11 : 0b1111)) !== 0) return false;
  }
  for (let start = 0; start < text.length; start += BASE64_STEP_CHARS) {
    const step = text.length <= BASE64_STEP_CHARS ? text : text.slice(start, start + BASE64_STEP_CHARS);
    if (step.includes('-') || step.includes('_')) return false;
    const isLast = start + BASE64_STEP_CHARS >= text.length;
    if (SCRATCH.write(step, 0, 'base64') !== (step.length / 4) * 3 - (isLast ? padding : 0)) return false;
  }
  return true;
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

/** Below this, V8's own UTF-8 decoder is as quick as anything else. */
const TRANSCODE_MIN_BYTES = 4096;

/**
 * Decodes UTF-8 that must be well formed; the bytes are kept exactly (a leading BOM stays a
 * U+FEFF character, nothing is replaced). Returns undefined for malformed input.
 *
 * Speed (16 MiB of mostly-ASCII text): V8's UTF-8 decoder (toString('utf8'), TextDecoder) takes
 * ~35 ms; ICU's transcode to UTF-16 plus a UTF-16 copy ~10 ms, or ~30 ms when the allocator has to
 * fault its two 32 MiB buffers in afresh; pure ASCII is a byte copy (~2 ms). The input is already
 * validated by isUtf8, so transcode has nothing to replace and gives exactly the same text.
 */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // ASCII is well-formed UTF-8, so it needs no isUtf8 scan as well (~2.5 ms for 22 MiB). Text
  // that is not all ASCII usually shows it early: the prefix spares a full scan (~1 ms).
  if (isAscii(buffer.subarray(0, 4096)) && isAscii(buffer)) return buffer.toString('latin1');
  if (!isUtf8(buffer)) return undefined;
  if (buffer.byteLength >= TRANSCODE_MIN_BYTES) {
    try {
      return transcode(buffer, 'utf8', 'utf16le').toString('utf16le');
    } catch {
      // A Node built without ICU has no transcode: V8's decoder below gives the same text.
    }
  }
  return buffer.toString('utf8');
}

function unpairedSurrogate(field: string, code: KeysmithErrorCode): KeysmithError {
  return new KeysmithError(
    code,
    `${field} contains an unpaired UTF-16 surrogate and cannot be encoded as UTF-8.`,
    field,
  );
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
  if (!text.isWellFormed()) throw unpairedSurrogate(field, code);
  return Buffer.from(text, 'utf8');
}

/** Throws the same error as {@link encodeUtf8Strict} (INVALID_PLAINTEXT) for a lone surrogate. */
export function checkWellFormed(text: string, field: string): void {
  if (!text.isWellFormed()) throw unpairedSurrogate(field, 'INVALID_PLAINTEXT');
}

/** UTF-16 units encoded per step by {@link forEachUtf8Piece} (at most 3 bytes each). */
const TEXT_STEP_UNITS = 64 * 1024;
const REPLACEMENT_UTF8 = Buffer.from([0xef, 0xbf, 0xbd]); // U+FFFD
/** Largest scratch buffer kept between calls. */
const SPARE_MAX_BYTES = 2 * 1024 * 1024;
/**
 * The scratch buffer of the last large call, kept (wiped) for the next: a fresh ~1 MiB buffer costs
 * ~0.3 ms of page faults here, a quarter of a 1 MiB encrypt. Taken while in use, so a nested call
 * (there is none) would get its own.
 */
let spare: Buffer | undefined;

/**
 * Encodes text to UTF-8 piece by piece into one reused buffer, refusing lone surrogates like
 * {@link encodeUtf8Strict}. Every piece but the last is at least `minPieceBytes` long and a
 * multiple of 3 bytes, so its base64 can be made alone and the texts joined. `each` gets a view
 * of the buffer: it must use it before returning. The buffer is wiped at the end.
 *
 * Why: Buffer.from(text) on 16 MiB of text costs ~25 ms (it measures the text, then writes into
 * fresh memory) and isWellFormed another ~10-15 ms; writing 64 Ki units at a time into one reused
 * buffer costs ~12-15 ms in all. The surrogate check rides along: encoding turns a lone surrogate
 * into U+FFFD, so a step whose bytes hold no EF BF BD had none, and only a step that does (a lone
 * surrogate, or a real U+FFFD in the text) is checked with isWellFormed. A step never ends between
 * the two halves of a surrogate pair.
 */
export function forEachUtf8Piece(
  text: string,
  field: string,
  minPieceBytes: number,
  each: (bytes: Buffer) => void,
): void {
  // Before each step fewer than minPieceBytes wait in the buffer, and a step adds at most 3 per unit.
  const capacity = Math.min(3 * text.length, minPieceBytes + 3 * TEXT_STEP_UNITS) + 2;
  let scratch: Buffer;
  if (spare && spare.byteLength >= capacity) {
    scratch = spare;
    spare = undefined;
  } else {
    // Small ones come from Node's shared pool; large ones are kept for the next call.
    scratch = capacity < 64 * 1024 ? Buffer.allocUnsafe(capacity) : Buffer.allocUnsafeSlow(capacity);
  }
  let filled = 0;
  let used = 0; // high-water mark, to wipe only what was written
  try {
    let start = 0;
    do {
      let end = Math.min(start + TEXT_STEP_UNITS, text.length);
      const high = text.charCodeAt(end - 1);
      if (end < text.length && high >= 0xd800 && high <= 0xdbff) end--;
      const step = start === 0 && end === text.length ? text : text.slice(start, end);
      const written = scratch.write(step, filled, 'utf8');
      if (scratch.subarray(filled, filled + written).indexOf(REPLACEMENT_UTF8) !== -1) {
        checkWellFormed(step, field);
      }
      filled += written;
      used = Math.max(used, filled);
      start = end;
      if (start === text.length) {
        each(scratch.subarray(0, filled));
      } else if (filled >= minPieceBytes) {
        const take = filled - (filled % 3);
        each(scratch.subarray(0, take));
        scratch.copyWithin(0, take, filled); // the 0-2 bytes left start the next piece
        filled -= take;
      }
    } while (start < text.length);
  } finally {
    scratch.fill(0, 0, used);
    if (scratch.byteLength >= 64 * 1024 && scratch.byteLength <= SPARE_MAX_BYTES) spare = scratch;
  }
}

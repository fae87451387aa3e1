/**
 * Envelope v1 (the README's "The envelope (version 1)"): one JSON object, fields in a fixed
 * order, read strictly.
 *
 *   {"v":1,"algorithm":"AES-256-GCM","kdf":"PBKDF2-SHA256","iterations":600000,
 *    "salt":"<b64 16>","iv":"<b64 12>","tag":"<b64 16>","ciphertext":"<b64>"}
 *
 * Key mode has no kdf/iterations/salt and may carry `kid` (a stored key's name) after `algorithm`.
 */
import { KeysmithError } from './errors';
import { decodeBase64Canonical, decodeBase64Strict } from './encoding';
import {
  IV_BYTES,
  KID_PATTERN,
  MAX_CIPHERTEXT_BASE64_CHARS,
  MAX_ENVELOPE_CHARS,
  MAX_ITERATIONS,
  MAX_PLAINTEXT_BYTES,
  MIN_ITERATIONS,
  SALT_BYTES,
  TAG_BYTES,
  WEAK_ITERATIONS,
} from './limits';

export const ENVELOPE_VERSION = 1;
export const ENVELOPE_ALGORITHM = 'AES-256-GCM';
export const ENVELOPE_KDF = 'PBKDF2-SHA256';

export interface Envelope {
  v: 1;
  algorithm: 'AES-256-GCM';
  /** Key mode only: the name of a stored key, a hint for decrypt (not secret). */
  kid?: string;
  /** Password mode only, with `iterations` and `salt`. */
  kdf?: 'PBKDF2-SHA256';
  iterations?: number;
  salt?: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

/** An envelope checked field by field, with its binary fields decoded. */
export interface DecodedEnvelope {
  envelope: Envelope;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
  /** Present in password mode. */
  kdf?: { salt: Buffer; iterations: number };
}

/** The fields in their written order; anything else is refused. */
const FIELDS = ['v', 'algorithm', 'kid', 'kdf', 'iterations', 'salt', 'iv', 'tag', 'ciphertext'] as const;
type Field = (typeof FIELDS)[number];
const NUMBER_FIELDS: ReadonlySet<string> = new Set(['v', 'iterations']);

function malformed(message: string, field?: string): KeysmithError {
  return new KeysmithError('MALFORMED_ENVELOPE', message, field);
}

/**
 * Reads an envelope from its JSON text and checks every field.
 *
 * @example const envelope = parseEnvelope(editor.document.getText(selection))
 */
export function parseEnvelope(text: string): Envelope {
  return readEnvelope(text).envelope;
}

/** Parses (when given text) and checks an envelope, decoding its binary fields. */
export function readEnvelope(input: unknown): DecodedEnvelope {
  let fields: Map<string, unknown>;
  if (typeof input === 'string') {
    if (input.length > MAX_ENVELOPE_CHARS) {
      throw new KeysmithError(
        'ENVELOPE_TOO_LARGE',
        'The envelope is larger than the 64 MiB plaintext limit allows.',
      );
    }
    // First a quick read that takes the ciphertext to be the text's last string, as
    // serializeEnvelope writes it, and lets the strict base64 check vouch for that guess (the check
    // refuses '"' and '\\', so a slice that passes it is exactly what a careful read finds). It saves
    // two scans of the whole ciphertext (~3.5 ms for 16 MiB). On any doubt or error the envelope is
    // read again the careful way below, which alone decides every result and every error.
    try {
      return checkFields(readFlatJsonObject(input, true), true);
    } catch {
      // read carefully
    }
    fields = readFlatJsonObject(input, false);
  } else if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    fields = new Map();
    for (const name of Object.keys(input)) {
      const value = (input as Record<string, unknown>)[name];
      // An object built in code may spell an absent optional field as undefined.
      if (value === undefined) continue;
      checkFieldName(name, fields);
      fields.set(name, value);
    }
  } else {
    throw malformed('The envelope must be a JSON object.');
  }
  return checkFields(fields);
}

/** `guessed`: the ciphertext was guessed (see readEnvelope); it is used only if canonical. */
function checkFields(fields: Map<string, unknown>, guessed = false): DecodedEnvelope {
  for (const [name, value] of fields) {
    const expected = NUMBER_FIELDS.has(name) ? 'number' : 'string';
    if (typeof value !== expected) throw malformed(`${name} must be a ${expected}.`, name);
  }
  const get = (name: Field) => fields.get(name) as never;
  const require = (name: Field) => {
    if (!fields.has(name)) throw malformed(`The envelope has no ${name} field.`, name);
    return get(name);
  };

  // Version first: a future version may change every other field.
  const v: number = require('v');
  if (v !== ENVELOPE_VERSION) {
    throw new KeysmithError(
      'UNSUPPORTED_VERSION',
      `Envelope version ${v} is not supported (this is version 1).`,
      'v',
    );
  }
  const algorithm: string = require('algorithm');
  if (algorithm !== ENVELOPE_ALGORITHM) {
    throw new KeysmithError('UNSUPPORTED_ALGORITHM', `algorithm must be ${ENVELOPE_ALGORITHM}.`, 'algorithm');
  }

  const ciphertextText: string = require('ciphertext');
  // Refuse oversize input before decoding anything (the text's length alone says how many bytes
  // it can hold); iv, tag and salt are refused by their length in decodeSized, also before decoding.
  const padding = ciphertextText.endsWith('==') ? 2 : ciphertextText.endsWith('=') ? 1 : 0;
  const ciphertextBytes = Math.floor(ciphertextText.length / 4) * 3 - padding;
  if (ciphertextText.length > MAX_CIPHERTEXT_BASE64_CHARS || ciphertextBytes > MAX_PLAINTEXT_BYTES) {
    throw new KeysmithError(
      'ENVELOPE_TOO_LARGE',
      'The ciphertext is larger than the 64 MiB plaintext limit.',
      'ciphertext',
    );
  }

  const kid: string | undefined = get('kid');
  const kdfName: string | undefined = get('kdf');
  const hasIterations = fields.has('iterations');
  const hasSalt = fields.has('salt');
  let kdf: DecodedEnvelope['kdf'];
  if (kdfName !== undefined || hasIterations || hasSalt) {
    if (kdfName === undefined) throw malformed('iterations and salt need a kdf field.', 'kdf');
    if (kdfName !== ENVELOPE_KDF) {
      throw new KeysmithError('UNSUPPORTED_ALGORITHM', `kdf must be ${ENVELOPE_KDF}.`, 'kdf');
    }
    const iterations: number = require('iterations');
    if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw malformed(
        `iterations must be a whole number from ${MIN_ITERATIONS.toLocaleString('en')} to ${MAX_ITERATIONS.toLocaleString('en')}.`,
        'iterations',
      );
    }
    const salt = decodeSized(require('salt'), 'salt', SALT_BYTES);
    if (kid !== undefined)
      throw malformed('kid names a stored key and cannot go with a password (kdf).', 'kid');
    kdf = { salt, iterations };
  }
  if (kid !== undefined && !KID_PATTERN.test(kid)) {
    throw malformed('kid must be 1 to 64 of A-Z a-z 0-9 . _ -', 'kid');
  }
  const iv = decodeSized(require('iv'), 'iv', IV_BYTES);
  const tag = decodeSized(require('tag'), 'tag', TAG_BYTES);
  const ciphertext = guessed
    ? (decodeBase64Canonical(ciphertextText) ?? unguessed())
    : decodeBase64Strict(ciphertextText, 'ciphertext');

  // Rebuilt in the written order, whatever order the input had.
  const envelope: Envelope = {
    v: 1,
    algorithm: 'AES-256-GCM',
    ...(kid !== undefined && { kid }),
    ...(kdf && { kdf: 'PBKDF2-SHA256', iterations: kdf.iterations, salt: get('salt') }),
    iv: get('iv'),
    tag: get('tag'),
    ciphertext: ciphertextText,
  };
  return { envelope, iv, tag, ciphertext, kdf };
}

/** Thrown by a quick read whose guess did not hold; readEnvelope then reads carefully. */
function unguessed(): never {
  throw new Error('guess did not hold');
}

/** Length of the padded base64 text of `bytes` bytes: 12 → 16 characters, 16 → 24. */
export function base64Chars(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

function decodeSized(text: string, field: string, bytes: number): Buffer {
  // Refused by its text's length before anything is decoded (or even scanned): an 80 MB salt costs
  // nothing. Only text of exactly the right length reaches the decoder.
  const chars = base64Chars(bytes);
  if (text.length !== chars) {
    throw malformed(
      `${field} must be ${bytes} bytes: ${chars} base64 characters (got ${text.length} characters).`,
      field,
    );
  }
  const decoded = decodeBase64Strict(text, field);
  if (decoded.byteLength !== bytes)
    throw malformed(`${field} must be ${bytes} bytes (got ${decoded.byteLength}).`, field);
  return decoded;
}

function checkFieldName(name: string, seen: Map<string, unknown>): void {
  if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
    throw malformed(`The envelope has a forbidden field name "${name}".`, name);
  }
  if (!(FIELDS as readonly string[]).includes(name)) {
    // The name is not repeated in the message: it is text from the document, and could be anything.
    throw malformed(
      `The envelope has an unknown field; version 1 has only ${FIELDS.join(', ')}.`,
      printable(name),
    );
  }
  if (seen.has(name)) throw malformed(`The envelope has the field ${name} twice.`, name);
}

/** Field names come from untrusted text: show at most 40 printable characters. */
function printable(name: string): string {
  const clean = name.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

/**
 * Writes an envelope: compact on one line (default) or pretty, fields in the v1 order.
 * Built by concatenation, not JSON.stringify, so a 16 MiB ciphertext is not scanned for escapes
 * it cannot contain (base64 needs none; kid is limited to A–Z a–z 0–9 . _ -).
 */
export function serializeEnvelope(envelope: Envelope, options: { pretty?: boolean } = {}): string {
  // Joined with + rather than Array.join: + makes a rope that points at the ciphertext's string,
  // where join would copy all of it (~10 ms and 22 MB more for 16 MiB of plaintext).
  let out = options.pretty ? '{\n  ' : '{';
  let first = true;
  for (const name of FIELDS) {
    const value = envelope[name];
    if (value === undefined) continue;
    const text =
      typeof value === 'number'
        ? String(value)
        : name === 'ciphertext'
          ? `"${value}"`
          : JSON.stringify(value);
    if (!first) out += options.pretty ? ',\n  ' : ',';
    first = false;
    out += `"${name}":${options.pretty ? ' ' : ''}`;
    out += text;
  }
  return out + (options.pretty ? '\n}' : '}');
}

/** Non-fatal remarks about an envelope, e.g. a weak iteration count. */
export function envelopeWarnings(envelope: Envelope): string[] {
  if (envelope.iterations !== undefined && envelope.iterations < WEAK_ITERATIONS) {
    return [
      `This envelope uses only ${envelope.iterations.toLocaleString('en')} PBKDF2 iterations; re-encrypt it to get ${WEAK_ITERATIONS.toLocaleString('en')} or more.`,
    ];
  }
  return [];
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Reads a JSON object whose values are strings or numbers, refusing duplicate, unknown and
 * prototype keys (JSON.parse keeps the last duplicate silently). Strings are found with indexOf,
 * so a 20 MB ciphertext is sliced, not scanned character by character.
 */
function readFlatJsonObject(text: string, guessCiphertext: boolean): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && WHITESPACE.has(text.charCodeAt(i))) i++;
  };
  const expect = (char: string, what: string) => {
    skipSpace();
    if (text[i] !== char)
      throw malformed(`The envelope is not valid JSON: expected ${what} at character ${i + 1}.`);
    i++;
  };
  const readString = (guessLast = false): string => {
    const start = i; // at the opening quote
    if (guessLast) {
      // See readEnvelope: taken on trust here, checked by the caller.
      const last = text.lastIndexOf('"');
      if (last <= start) throw malformed('The envelope is not valid JSON: a string is not closed.');
      i = last + 1;
      return text.slice(start + 1, last);
    }
    let end = text.indexOf('"', start + 1);
    // Escapes are looked for within the string only, never in the rest of the text.
    if (end !== -1 && text.slice(start + 1, end).includes('\\')) {
      // Escapes: find the quote that is not itself escaped, then let JSON.parse check the escapes.
      while (end !== -1) {
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end === -1) throw malformed('The envelope is not valid JSON: a string is not closed.');
      i = end + 1;
      try {
        return JSON.parse(text.slice(start, end + 1)) as string;
      } catch {
        throw malformed(`The envelope is not valid JSON: bad string at character ${start + 1}.`);
      }
    }
    if (end === -1) throw malformed('The envelope is not valid JSON: a string is not closed.');
    i = end + 1;
    return text.slice(start + 1, end);
  };

  expect('{', "'{'");
  skipSpace();
  if (text[i] === '}') {
    i++;
  } else {
    for (;;) {
      skipSpace();
      if (text[i] !== '"')
        throw malformed(`The envelope is not valid JSON: expected a field name at character ${i + 1}.`);
      const name = readString();
      checkFieldName(name, fields);
      expect(':', "':'");
      skipSpace();
      if (text[i] === '"') {
        fields.set(name, readString(guessCiphertext && name === 'ciphertext'));
      } else {
        NUMBER.lastIndex = i;
        const match = NUMBER.exec(text);
        if (!match) {
          const expected = NUMBER_FIELDS.has(name) ? 'number' : 'string';
          throw malformed(`${name} must be a ${expected}.`, name);
        }
        i += match[0].length;
        fields.set(name, Number(match[0]));
      }
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      expect('}', "',' or '}'");
      break;
    }
  }
  skipSpace();
  if (i !== text.length)
    throw malformed(`The envelope has unexpected text after its closing '}' (character ${i + 1}).`);
  return fields;
}

import { randomBytes, randomUUID } from 'node:crypto';
import { customAlphabet, urlAlphabet } from 'nanoid';
import { KeysmithError } from './errors';
import {
  API_KEY_DEFAULT_PREFIX,
  NANOID_DEFAULT_LENGTH,
  NANOID_MAX_LENGTH,
  NANOID_MIN_LENGTH,
  SECRET_DEFAULT_LENGTH,
  SECRET_MAX_LENGTH,
  SECRET_MIN_LENGTH,
} from './limits';
import { integerInRange, rejectUnknown, requireObject } from './options';

export const KEY_TYPES = ['api-key', 'uuid-v4', 'nanoid', 'secret'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export interface GenerateKeyOptions {
  type: KeyType;
  /** api-key only: 1–32 of A–Z a–z 0–9 _ -, starting with a letter or digit. Default `sk`. */
  prefix?: string;
  /** nanoid: characters (2–256, default 21); secret: hex characters (8–1024, default 64). */
  length?: number;
  /** nanoid only: 2–94 distinct printable ASCII characters. Default A–Z a–z 0–9 _ -. */
  alphabet?: string;
}

/** The reference API's generate-key response. */
export interface GeneratedKey {
  key: string;
  type: KeyType;
  entropy_bits: number;
}

/** nanoid's URL-safe alphabet, A–Z a–z 0–9 _ - (64 characters, 6 bits each). */
export const NANOID_URL_ALPHABET = urlAlphabet;

const PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

const TYPE_OPTIONS: Record<KeyType, readonly string[]> = {
  'api-key': ['type', 'prefix'],
  'uuid-v4': ['type'],
  nanoid: ['type', 'length', 'alphabet'],
  secret: ['type', 'length'],
};

/** A validated, ready-to-run generator: {@link keyGenerator} checks options once for many keys. */
export interface KeyGenerator {
  readonly type: KeyType;
  readonly entropyBits: number;
  next(): string;
}

/**
 * Checks the options once and returns a generator, so inserting at 10,000 cursors validates once.
 *
 * @example keyGenerator({ type: 'nanoid', length: 12 }).next() // 'V1StGXR8_Z5j'
 */
export function keyGenerator(options: GenerateKeyOptions): KeyGenerator {
  const opts = requireObject(options, 'generateKey');
  const type = opts.type;
  if (typeof type !== 'string' || !(KEY_TYPES as readonly string[]).includes(type)) {
    throw new KeysmithError('INVALID_TYPE', `type must be one of ${KEY_TYPES.join(', ')}.`, 'type');
  }
  const keyType = type as KeyType;
  rejectUnknown(opts, TYPE_OPTIONS[keyType], `type ${keyType}`);

  switch (keyType) {
    case 'api-key': {
      // Only undefined means "the default": null or '' are mistakes worth naming.
      const prefix = opts.prefix === undefined ? API_KEY_DEFAULT_PREFIX : opts.prefix;
      if (typeof prefix !== 'string' || !PREFIX_PATTERN.test(prefix)) {
        throw new KeysmithError(
          'INVALID_PREFIX',
          'prefix must be 1 to 32 of A-Z a-z 0-9 _ - and start with a letter or digit.',
          'prefix',
        );
      }
      // 32 random bytes = 256 bits, written as 64 lowercase hex characters.
      return { type: keyType, entropyBits: 256, next: () => `${prefix}_${randomBytes(32).toString('hex')}` };
    }
    case 'uuid-v4':
      // RFC 9562 §5.4: 128 bits less the 4 version and 2 variant bits. Node's randomUUID draws from
      // the same CSPRNG as randomBytes (it buffers entropy for 128 UUIDs at a time).
      return { type: keyType, entropyBits: 122, next: () => randomUUID() };
    case 'nanoid': {
      const length = integerInRange(
        opts.length,
        'length',
        NANOID_MIN_LENGTH,
        NANOID_MAX_LENGTH,
        NANOID_DEFAULT_LENGTH,
        'INVALID_LENGTH',
      );
      const alphabet = validateAlphabet(opts.alphabet);
      // nanoid draws bytes from node:crypto and masks them to the next power of two, then rejects
      // indexes past the alphabet's end: every character is equally likely (no modulo bias).
      const next = customAlphabet(alphabet, length);
      return {
        type: keyType,
        entropyBits: roundBits(length * Math.log2(alphabet.length)),
        next: () => next(),
      };
    }
    case 'secret': {
      const length = integerInRange(
        opts.length,
        'length',
        SECRET_MIN_LENGTH,
        SECRET_MAX_LENGTH,
        SECRET_DEFAULT_LENGTH,
        'INVALID_LENGTH',
      );
      const bytes = Math.ceil(length / 2);
      // Each hex character carries 4 bits; an odd length drops the last half byte.
      return {
        type: keyType,
        entropyBits: 4 * length,
        next: () => randomBytes(bytes).toString('hex').slice(0, length),
      };
    }
  }
}

/**
 * Generates one key, returning the reference API's response object.
 *
 * @example generateKey({ type: 'api-key', prefix: 'tk' }) // { key: 'tk_a3f9…', type: 'api-key', entropy_bits: 256 }
 */
export function generateKey(options: GenerateKeyOptions): GeneratedKey {
  const generator = keyGenerator(options);
  return { key: generator.next(), type: generator.type, entropy_bits: generator.entropyBits };
}

function validateAlphabet(value: unknown): string {
  if (value === undefined) return NANOID_URL_ALPHABET;
  if (typeof value !== 'string' || value.length < 2 || value.length > 94 || !PRINTABLE_ASCII.test(value)) {
    throw new KeysmithError(
      'INVALID_ALPHABET',
      'alphabet must be 2 to 94 printable ASCII characters (no spaces).',
      'alphabet',
    );
  }
  if (new Set(value).size !== value.length) {
    // A repeated character would be drawn twice as often, and the entropy figure would be wrong.
    throw new KeysmithError('INVALID_ALPHABET', 'alphabet must not repeat a character.', 'alphabet');
  }
  return value;
}

/** Entropy is shown to people: two decimals are plenty, and 126 stays 126. */
function roundBits(bits: number): number {
  return Math.round(bits * 100) / 100;
}

/** Every bound the core enforces, in one place (documented in the README). */

/** Plaintext is at most 64 MiB of UTF-8; larger input is refused before any work. */
export const MAX_PLAINTEXT_BYTES = 64 * 1024 * 1024;
/** Length of the base64 text of the largest ciphertext (4 characters per 3 bytes, padded). */
export const MAX_CIPHERTEXT_BASE64_CHARS = Math.ceil(MAX_PLAINTEXT_BYTES / 3) * 4;
/** An envelope's JSON text is the ciphertext plus well under 1 KiB of fields and white space. */
export const MAX_ENVELOPE_CHARS = MAX_CIPHERTEXT_BASE64_CHARS + 4096;

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
export const DEFAULT_ITERATIONS = 600_000;
/** Range accepted on encrypt and decrypt. */
export const MIN_ITERATIONS = 1_000;
export const MAX_ITERATIONS = 10_000_000;
/** Below this, decrypt still works but says the envelope is weakly protected. */
export const WEAK_ITERATIONS = 100_000;

export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const SALT_BYTES = 16;

/** The largest key text readKey reads (a JWKS of hundreds of keys is well under it). */
export const MAX_KEY_TEXT_CHARS = 1024 * 1024;
/**
 * The most bcrypt rounds an OpenSSH private key may ask for (ssh-keygen -a; 16 by default, 100 is
 * the usual "harder" advice). About 14 ms each here: 10 000 is over two minutes, and a file asking
 * for 2^32 would run for years.
 */
export const MAX_BCRYPT_ROUNDS = 10_000;

/** Longest password accepted, in UTF-16 code units (a passphrase, not a document). */
export const MAX_PASSWORD_LENGTH = 4096;

export const NANOID_DEFAULT_LENGTH = 21;
export const NANOID_MIN_LENGTH = 2;
export const NANOID_MAX_LENGTH = 256;
export const SECRET_DEFAULT_LENGTH = 64;
export const SECRET_MIN_LENGTH = 8;
export const SECRET_MAX_LENGTH = 1024;
export const API_KEY_DEFAULT_PREFIX = 'sk';
/** A 256-bit key as text: 64 hexadecimal characters, either case. */
export const HEX_KEY_PATTERN = /^[0-9a-fA-F]{64}$/;
/** Name of a stored key in an envelope's `kid`: 1 to 64 of A–Z a–z 0–9 . _ - */
export const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

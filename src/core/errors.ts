/**
 * Every failure of the core is a {@link KeysmithError} with a stable `code`, so the editor and the
 * CLI can map it to their own words. Messages name the field that is wrong and never contain a
 * secret (no key, password or plaintext, not even a fragment of one).
 *
 * Shape errors are specific ("iv must be 12 bytes"); an authentication failure is deliberately
 * opaque (`DECRYPT_FAILED`) so it does not tell an attacker which part was wrong.
 */
export type KeysmithErrorCode =
  /** An argument has the wrong JavaScript type or the options object is not one. */
  | 'INVALID_ARGUMENT'
  | 'INVALID_TYPE'
  | 'INVALID_LENGTH'
  | 'INVALID_PREFIX'
  | 'INVALID_ALPHABET'
  | 'INVALID_ALGORITHM'
  | 'INVALID_KEY_SIZE'
  | 'INVALID_CURVE'
  /** Not exactly one of `key` and `password` was given. */
  | 'KEY_OR_PASSWORD'
  | 'INVALID_KEY'
  | 'INVALID_PASSWORD'
  | 'INVALID_ITERATIONS'
  | 'INVALID_KID'
  | 'INVALID_PLAINTEXT'
  | 'PLAINTEXT_TOO_LARGE'
  | 'ENVELOPE_TOO_LARGE'
  | 'MALFORMED_ENVELOPE'
  | 'UNSUPPORTED_VERSION'
  | 'UNSUPPORTED_ALGORITHM'
  /** Wrong key, wrong password, or the envelope was modified: which one is not said, on purpose. */
  | 'DECRYPT_FAILED'
  /**
   * The envelope opened (its tag verified) but its plaintext is not strict UTF-8, where text is
   * needed: binary data, for `keysmith decrypt` to a file. `size` holds its length in bytes.
   */
  | 'NOT_TEXT'
  /**
   * A value cannot be written at that place in a file and keep the file valid (e.g. a newline in an
   * unquoted `.env` value, a selection that cuts an escape sequence). The message starts with
   * "line N: " and `line` holds N.
   */
  | 'CANNOT_PLACE'
  /** Not a key in any format Keysmith reads, or a damaged one (truncated PEM, bad base64, ...). */
  | 'MALFORMED_KEY'
  /** A well-formed key of a type Keysmith does not handle (DSA, X25519, an unknown OpenSSH cipher). */
  | 'UNSUPPORTED_KEY'
  /** The key is passphrase-protected and no passphrase was given. */
  | 'PASSPHRASE_REQUIRED'
  /** The passphrase given does not open the key. */
  | 'WRONG_PASSPHRASE'
  | 'ABORTED';

export class KeysmithError extends Error {
  override readonly name = 'KeysmithError';

  constructor(
    readonly code: KeysmithErrorCode,
    message: string,
    /** The input field the error is about (`iv`, `key`, `length`, ...), when there is one. */
    readonly field?: string,
    /** In a batch, the position of the item that failed. */
    readonly index?: number,
    /** NOT_TEXT: how many bytes the plaintext has (its length, which the ciphertext shows anyway). */
    readonly size?: number,
    /** In a text holding envelopes: the 1-based line the error is about. */
    readonly line?: number,
  ) {
    super(message);
  }

  /** The same error, marked with the position of the batch item it came from. */
  atIndex(index: number): KeysmithError {
    return new KeysmithError(this.code, this.message, this.field, index, this.size, this.line);
  }

  /** The same error, marked with the line of the text it is about (the message is unchanged). */
  atLine(line: number): KeysmithError {
    return new KeysmithError(this.code, this.message, this.field, this.index, this.size, line);
  }
}

export function isKeysmithError(value: unknown): value is KeysmithError {
  return value instanceof KeysmithError;
}

/** The one opaque message for every authentication failure. */
export const DECRYPT_FAILED_MESSAGE =
  'Could not decrypt: the key or password is wrong, or the envelope was modified.';

export function decryptFailed(): KeysmithError {
  return new KeysmithError('DECRYPT_FAILED', DECRYPT_FAILED_MESSAGE);
}

/**
 * The tag verified, so "could not decrypt" would be false: the envelope holds bytes that are not
 * UTF-8 text (made by the CLI from a binary file, or by another AES-GCM library).
 */
export function notText(size: number): KeysmithError {
  return new KeysmithError(
    'NOT_TEXT',
    `The envelope holds ${size} bytes of binary data, not text; decrypt it with \`keysmith decrypt\` to a file.`,
    undefined,
    undefined,
    size,
  );
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new KeysmithError('ABORTED', 'The operation was cancelled.');
}

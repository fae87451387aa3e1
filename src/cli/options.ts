/**
 * What the commands share: their parsed options, secrets read from the environment variables the
 * command line names, and core errors turned into one line naming the file and line.
 * (Not in main.ts: that module runs the CLI when it is loaded.)
 */
import { isKeysmithError, limits, type OpenSecret } from '../core';
import { CliError, DecryptFailedError } from './cliError';

export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The two options that name where a secret is: `--key-env` / `--password-env`, or `--to-…`. */
export interface SecretFlags {
  key: string;
  password: string;
}

export const FROM_FLAGS: SecretFlags = { key: 'key-env', password: 'password-env' };
export const TO_FLAGS: SecretFlags = { key: 'to-key-env', password: 'to-password-env' };

/**
 * The key or password in the environment variable named by exactly one of the two flags. Secrets
 * never come from argv (every process on the machine can read it). The value is never printed:
 * messages name the variable only.
 */
export function readSecretFromEnv(
  values: Values,
  command: string,
  flags: SecretFlags = FROM_FLAGS,
): OpenSecret & { variable: string } {
  const keyVar = values[flags.key] as string | undefined;
  const passwordVar = values[flags.password] as string | undefined;
  if ((keyVar === undefined) === (passwordVar === undefined)) {
    throw new CliError(`${command}: give exactly one of --${flags.key} VAR or --${flags.password} VAR`);
  }
  const name = (keyVar ?? passwordVar)!;
  if (name === '')
    throw new CliError(
      `${command}: --${keyVar !== undefined ? flags.key : flags.password} needs a variable name`,
    );
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new CliError(`${command}: environment variable ${name} is not set or empty`);
  }
  if (keyVar !== undefined && !limits.HEX_KEY_PATTERN.test(value.trim())) {
    // Said here so the message names the variable; the value itself is never printed.
    throw new CliError(`${command}: the key in ${name} must be 64 hexadecimal characters`);
  }
  // Trailing newlines sneak in from `$(cat keyfile)`-style exports; a key never contains one.
  return keyVar !== undefined ? { key: value.trim(), variable: name } : { password: value, variable: name };
}

/** The secret alone, as the core takes it (without the variable's name). */
export function secretOf(secret: OpenSecret & { variable: string }): OpenSecret {
  return 'key' in secret ? { key: secret.key } : { password: secret.password };
}

export function parseInteger(text: string, flag: string): number {
  if (!/^\d{1,9}$/.test(text))
    throw new CliError(`${flag} must be a whole number (got '${text.slice(0, 20)}')`);
  return Number(text);
}

/** The 1-based line a core error is about, when it says one. */
function lineOf(error: unknown): number | undefined {
  const line = (error as { line?: unknown } | undefined)?.line;
  return typeof line === 'number' && Number.isInteger(line) && line > 0 ? line : undefined;
}

/**
 * A core error about `file` (a path, or "stdin") as one line: "render: app.env: line 4: …".
 * `line` is used when the error itself does not say one; a message that already starts with
 * "line N:" is not given a second one. Could-not-decrypt stays opaque (exit 1); anything else the
 * core refuses (malformed, cannot place, not text) is exit 2. Other errors pass through.
 */
export function locatedError(command: string, file: string, error: unknown, line?: number): unknown {
  if (!isKeysmithError(error)) return error;
  const at = lineOf(error) ?? line;
  const message =
    at !== undefined && !/^line \d+/.test(error.message) ? `line ${at}: ${error.message}` : error.message;
  const text = `${command}: ${file}: ${message}`;
  return error.code === 'DECRYPT_FAILED' ? new DecryptFailedError(text) : new CliError(text);
}

/** "1 envelope", "3 envelopes". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

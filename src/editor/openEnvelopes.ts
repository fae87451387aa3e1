/**
 * Opening envelopes the way Decrypt Selection does, for every command that needs their plaintext
 * (decrypt, peek, edit, rotate): a command's argument, else the stored key an envelope's `kid`
 * names, else prompts. All or nothing; nothing is shown here (failures are thrown for the caller).
 */
import * as vscode from 'vscode';
import { decryptBatch, isKeysmithError, type Envelope } from '../core';
import { secretFromArgs } from './commandArgs';
import { EditorError, indexedAmong } from './errors';
import type { KeyStore } from './keyStore';
import { withCancellableProgress } from './progress';
import { askForDecryptionKey, askForDecryptionSecrets, askHexKey, askPassword } from './secretPrompts';
import { storedKey, type Secret } from './secrets';

export interface Opened {
  /** Each envelope's plaintext, in order. */
  plaintexts: string[];
  /** What opened each envelope, in order (the same object for envelopes opened by one secret). */
  secrets: Secret[];
}

export interface OpenOptions {
  /** A command's argument `{key} | {password} | {keyName}`: then no prompt at all, no fallback. */
  given?: unknown;
  /** The command's id, for the words of an argument error. */
  command: string;
  /**
   * Rotation's prompts: a typed password or key that opens only some of the envelopes it was
   * asked for is kept for those, and another one is asked for the rest (each distinct secret
   * once); one that opens none of them is refused (INVALID_PASSWORD / INVALID_KEY). Without it,
   * one secret is asked per mode, as Decrypt Selection does, and a wrong one is DECRYPT_FAILED.
   */
  askAgain?: boolean;
  /**
   * Set when the caller already shows a cancellable progress for its whole run: derivations
   * then use this signal instead of a notification of their own.
   */
  signal?: AbortSignal;
}

/**
 * Opens envelopes (all or nothing) the way Decrypt Selection does: with `given` (a command's
 * argument {key}|{password}|{keyName}, checked by secretFromArgs) no prompt at all; otherwise an
 * envelope whose kid names a stored key uses it and the others are asked once per mode
 * (askForDecryptionSecrets). Password derivations run with the cancellable progress, once per
 * distinct (password, salt, iterations). A stored key picked by kid that fails to open its
 * envelope (DECRYPT_FAILED) is not the end: another key is offered (a quick pick, no modal), and
 * tried for exactly the envelopes that stored key failed; with `given` there is no fallback.
 * Returns undefined when the user cancels. Throws EditorError/KeysmithError like
 * decryptSelections does (with the `index` among the envelopes when there are several).
 */
export async function openEnvelopes(
  keys: KeyStore,
  envelopes: readonly Envelope[],
  options: OpenOptions,
): Promise<Opened | undefined> {
  try {
    if (options.given !== undefined) {
      const secret = await secretFromArgs(keys, options.given, options.command);
      const secrets = envelopes.map(() => secret);
      return { plaintexts: await openWithSecrets(envelopes, secrets, options.signal), secrets };
    }
    return await openInteractively(keys, envelopes, options);
  } catch (error) {
    throw indexedAmong(envelopes.length, error);
  }
}

/** The secret each envelope's `kid` names, when that key is stored (key mode only). */
export async function secretsByKid(
  keys: KeyStore,
  envelopes: readonly Envelope[],
): Promise<(Secret | undefined)[]> {
  return Promise.all(
    envelopes.map((envelope) =>
      !envelope.kdf && envelope.kid !== undefined && keys.has(envelope.kid)
        ? storedKey(keys, envelope.kid)
        : undefined,
    ),
  );
}

/**
 * Decrypts `envelopes[i]` with `secrets[i]`, all or nothing. Envelopes are grouped by secret (by
 * value, not by object), so a password is derived once per distinct (password, salt,
 * iterations). Errors carry the `index` among all the envelopes.
 */
export async function openWithSecrets(
  envelopes: readonly Envelope[],
  secrets: readonly Secret[],
  signal?: AbortSignal,
): Promise<string[]> {
  const groups = new Map<string, { secret: Secret; indexes: number[] }>();
  secrets.forEach((secret, index) => {
    const id = secretId(secret);
    const group = groups.get(id);
    if (group) group.indexes.push(index);
    else groups.set(id, { secret, indexes: [index] });
  });
  const plaintexts: string[] = [];
  const run = async (abort?: AbortSignal) => {
    for (const { secret, indexes } of groups.values()) {
      const results = await decryptIndexes(envelopes, indexes, secret, abort);
      results.forEach((plaintext, n) => (plaintexts[indexes[n]!] = plaintext));
    }
    return plaintexts;
  };
  const derives = [...groups.values()].some(({ secret }) => 'password' in secret);
  return derives ? withDerivation(signal, run) : run(signal);
}

/** Password derivations behind the cancellable progress, or under the caller's own progress. */
function withDerivation<T>(
  signal: AbortSignal | undefined,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (signal) return run(signal);
  return Promise.resolve(
    withCancellableProgress(vscode.l10n.t('Keysmith: deriving the key from the password…'), run),
  );
}

/** A group's identity: the secret's value (kept in memory only, like the secret itself). */
function secretId(secret: Secret): string {
  return 'key' in secret ? `key:${secret.key.toLowerCase()}` : `password:${secret.password}`;
}

function unlockOf(secret: Secret): { key: string } | { password: string } {
  return 'key' in secret ? { key: secret.key } : { password: secret.password };
}

/** The plaintexts of `envelopes` at `indexes` (one batch); an error's `index` is among all envelopes. */
async function decryptIndexes(
  envelopes: readonly Envelope[],
  indexes: readonly number[],
  secret: Secret,
  signal?: AbortSignal,
): Promise<string[]> {
  try {
    const results = await decryptBatch({
      envelopes: indexes.map((i) => envelopes[i]!),
      ...unlockOf(secret),
      ...(signal && { signal }),
    });
    return results.map((result) => result.plaintext);
  } catch (error) {
    throw isKeysmithError(error) && error.index !== undefined ? error.atIndex(indexes[error.index]!) : error;
  }
}

function isDecryptFailed(error: unknown): boolean {
  return isKeysmithError(error) && error.code === 'DECRYPT_FAILED';
}

async function openInteractively(
  keys: KeyStore,
  envelopes: readonly Envelope[],
  options: OpenOptions,
): Promise<Opened | undefined> {
  const secrets: (Secret | undefined)[] = options.askAgain
    ? await secretsByKid(keys, envelopes)
    : ((await askForDecryptionSecrets(keys, envelopes)) ?? []);
  if (secrets.length === 0 && envelopes.length > 0) return undefined;
  const plaintexts: string[] = [];

  // 1. The stored keys picked by kid, one envelope at a time (no derivation: a key is cheap), so
  //    exactly the envelopes a stored key fails to open are known.
  const failedBy = new Map<string, number[]>();
  for (const [index, envelope] of envelopes.entries()) {
    const secret = secrets[index];
    const kid = envelope.kid;
    if (!secret || !('key' in secret) || envelope.kdf || kid === undefined || secret.keyName !== kid)
      continue;
    try {
      plaintexts[index] = (await decryptIndexes(envelopes, [index], secret))[0]!;
    } catch (error) {
      if (!isDecryptFailed(error)) throw error;
      failedBy.set(kid, [...(failedBy.get(kid) ?? []), index]);
    }
  }
  // 2. A stored key that no longer fits: offer another key for exactly those envelopes.
  for (const [name, indexes] of failedBy) {
    const other = await askInsteadOfStoredKey(keys, name, indexes.length);
    if (!other) return undefined;
    const opened = await decryptIndexes(envelopes, indexes, other);
    indexes.forEach((i, n) => {
      plaintexts[i] = opened[n]!;
      secrets[i] = other;
    });
  }
  // 3. The rest: what the prompts gave, or (askAgain) asked now, each distinct secret once.
  const rest = envelopes.flatMap((_, index) => (plaintexts[index] === undefined ? [index] : []));
  if (!options.askAgain) {
    const restSecrets = rest.map((i) => secrets[i]!);
    const opened = await openWithSecrets(
      rest.map((i) => envelopes[i]!),
      restSecrets,
      options.signal,
    ).catch((error: unknown) => {
      throw isKeysmithError(error) && error.index !== undefined ? error.atIndex(rest[error.index]!) : error;
    });
    rest.forEach((i, n) => (plaintexts[i] = opened[n]!));
  } else {
    for (const mode of ['password', 'key'] as const) {
      const indexes = rest.filter((i) => (mode === 'password') === Boolean(envelopes[i]!.kdf));
      const done = await askUntilOpened(keys, envelopes, indexes, mode, plaintexts, secrets, options.signal);
      if (!done) return undefined;
    }
  }
  return { plaintexts, secrets: secrets as Secret[] };
}

/**
 * Asks for a password (or key) for the envelopes at `indexes` until all are open: each answer is
 * tried on what is still closed (a password derived once per distinct salt and iterations), kept
 * for what it opens, and the rest asked again. An answer that opens none is refused.
 */
async function askUntilOpened(
  keys: KeyStore,
  envelopes: readonly Envelope[],
  indexes: readonly number[],
  mode: 'password' | 'key',
  plaintexts: string[],
  secrets: (Secret | undefined)[],
  signal?: AbortSignal,
): Promise<boolean> {
  let closed = [...indexes];
  while (closed.length > 0) {
    const secret = mode === 'password' ? await askPassword(false) : await askForDecryptionKey(keys);
    if (!secret) return false;
    const stillClosed: number[] = [];
    const tryOn = async (abort?: AbortSignal) => {
      // One batch per (salt, iterations) for a password, per envelope for a key: a batch is all
      // or nothing, and envelopes that share a salt were made together with one password.
      for (const batch of batchesOf(envelopes, closed, mode)) {
        try {
          const opened = await decryptIndexes(envelopes, batch, secret, abort);
          batch.forEach((i, n) => {
            plaintexts[i] = opened[n]!;
            secrets[i] = secret;
          });
        } catch (error) {
          if (!isDecryptFailed(error)) throw error;
          stillClosed.push(...batch);
        }
      }
    };
    if (mode === 'password') await withDerivation(signal, tryOn);
    else await tryOn(signal);
    if (stillClosed.length === closed.length) {
      throw mode === 'password'
        ? new EditorError(
            'INVALID_PASSWORD',
            vscode.l10n.t(
              'That password opens none of the {0} password envelopes still to open; nothing was changed.',
              closed.length,
            ),
            'password',
          )
        : new EditorError(
            'INVALID_KEY',
            vscode.l10n.t(
              'That key opens none of the {0} key envelopes still to open; nothing was changed.',
              closed.length,
            ),
            'key',
          );
    }
    closed = stillClosed.sort((a, b) => a - b);
  }
  return true;
}

function batchesOf(
  envelopes: readonly Envelope[],
  indexes: readonly number[],
  mode: 'password' | 'key',
): number[][] {
  if (mode === 'key') return indexes.map((i) => [i]);
  const bySalt = new Map<string, number[]>();
  for (const i of indexes) {
    const { salt, iterations } = envelopes[i]!;
    const id = `${iterations}:${salt}`;
    bySalt.set(id, [...(bySalt.get(id) ?? []), i]);
  }
  return [...bySalt.values()];
}

interface InsteadItem extends vscode.QuickPickItem {
  run: () => Promise<Secret | undefined>;
}

/**
 * The stored key `name` (named by the envelopes' kid) does not open `count` of them: offer
 * another stored key or a typed one (a quick pick, not a modal). A password cannot open a
 * key-mode envelope, so none is offered.
 */
async function askInsteadOfStoredKey(
  keys: KeyStore,
  name: string,
  count: number,
): Promise<Secret | undefined> {
  const items: InsteadItem[] = keys
    .names()
    .filter((other) => other !== name)
    .map((other) => ({
      label: `$(key) ${other}`,
      description: vscode.l10n.t('stored key'),
      run: () => storedKey(keys, other),
    }));
  items.push({
    label: `$(edit) ${vscode.l10n.t('Enter another key…')}`,
    detail: vscode.l10n.t('64 hexadecimal characters (a 256-bit key)'),
    run: askHexKey,
  });
  const picked = await vscode.window.showQuickPick(items, {
    title:
      count === 1
        ? vscode.l10n.t('The stored key "{0}" does not open this envelope', name)
        : vscode.l10n.t('The stored key "{0}" does not open {1} of these envelopes', name, count),
    placeHolder: vscode.l10n.t('Open with another key…'),
    ignoreFocusOut: true,
  });
  return picked?.run();
}

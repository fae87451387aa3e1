/**
 * Asking for keys and passwords: password input boxes only (never echoed, never remembered), or a
 * key from the key store. Every function returns undefined when the user cancels.
 */
import * as vscode from 'vscode';
import { limits } from './core';
import { validateKeyName, type KeyStore } from './keyStore';

/** What unlocks envelopes: a stored or entered key (with its stored name), or a password. */
export type Secret = { key: string; keyName?: string } | { password: string };

const HEX_KEY = limits.HEX_KEY_PATTERN;

interface SourceItem extends vscode.QuickPickItem {
  run: () => Promise<Secret | undefined>;
}

/** Reads `{key} | {password} | {keyName}` from a command argument (exactly one of them). */
export async function secretFromArgs(keys: KeyStore, args: unknown, command: string): Promise<Secret> {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new Error(
      vscode.l10n.t('the argument of {0} must be an object with key, password or keyName.', command),
    );
  }
  const { key, password, keyName } = args as Record<string, unknown>;
  const given = [key, password, keyName].filter((value) => value !== undefined).length;
  if (given !== 1) {
    throw new Error(vscode.l10n.t('give exactly one of key, password or keyName to {0}.', command));
  }
  if (key !== undefined) {
    if (typeof key !== 'string' || !HEX_KEY.test(key))
      throw new Error(vscode.l10n.t('key must be 64 hexadecimal characters.'));
    return { key };
  }
  if (password !== undefined) {
    if (typeof password !== 'string' || password.length === 0) {
      throw new Error(vscode.l10n.t('password must be a non-empty string.'));
    }
    return { password };
  }
  const problem = validateKeyName(keyName);
  if (problem) throw new Error(problem);
  return storedKey(keys, keyName as string);
}

export async function storedKey(keys: KeyStore, name: string): Promise<Secret> {
  const key = await keys.get(name);
  if (key === undefined) throw new Error(vscode.l10n.t('no key named "{0}" is stored.', name));
  return { key, keyName: name };
}

/** Asks how to encrypt: a stored key, a key to type, a password (twice), or a new stored key. */
export async function askForEncryptionSecret(keys: KeyStore): Promise<Secret | undefined> {
  const items: SourceItem[] = keys.names().map((name) => ({
    label: `$(key) ${name}`,
    description: vscode.l10n.t('stored key'),
    run: () => storedKey(keys, name),
  }));
  if (items.length > 0)
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator, run: async () => undefined });
  items.push(
    { label: `$(edit) ${vscode.l10n.t('Enter a 64-hex key')}`, run: askHexKey },
    {
      label: `$(lock) ${vscode.l10n.t('Use a password')}`,
      detail: vscode.l10n.t('The key is derived with PBKDF2-HMAC-SHA256; you will type it twice.'),
      run: () => askPassword(true),
    },
    {
      label: `$(add) ${vscode.l10n.t('Generate and store a new key')}`,
      detail: vscode.l10n.t("A random 256-bit key kept in VS Code's secret storage; envelopes name it."),
      run: () => generateAndStore(keys),
    },
  );
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Encrypt Selection'),
    placeHolder: vscode.l10n.t('Encrypt with…'),
  });
  return picked?.run();
}

/** Asks for the key that opens key-mode envelopes: a stored one or one to type. */
export async function askForDecryptionKey(keys: KeyStore): Promise<Secret | undefined> {
  const items: SourceItem[] = keys.names().map((name) => ({
    label: `$(key) ${name}`,
    description: vscode.l10n.t('stored key'),
    run: () => storedKey(keys, name),
  }));
  if (items.length === 0) return askHexKey();
  items.push({ label: `$(edit) ${vscode.l10n.t('Enter a 64-hex key')}`, run: askHexKey });
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Decrypt Selection'),
    placeHolder: vscode.l10n.t('Decrypt with…'),
  });
  return picked?.run();
}

export async function askHexKey(): Promise<Secret | undefined> {
  const key = await vscode.window.showInputBox({
    title: vscode.l10n.t('Key'),
    prompt: vscode.l10n.t('64 hexadecimal characters (a 256-bit key)'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) =>
      HEX_KEY.test(value.trim())
        ? undefined
        : vscode.l10n.t('A key is 64 hexadecimal characters (0-9, a-f).'),
  });
  return key === undefined ? undefined : { key: key.trim() };
}

/** A password; with `confirm`, typed twice and the two must match. */
export async function askPassword(confirm: boolean): Promise<Secret | undefined> {
  const password = await vscode.window.showInputBox({
    title: vscode.l10n.t('Password'),
    prompt: confirm
      ? vscode.l10n.t('The password to encrypt with. It cannot be recovered if you forget it.')
      : vscode.l10n.t('The password the envelope was encrypted with.'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) =>
      value.length === 0 ? vscode.l10n.t('The password cannot be empty.') : undefined,
  });
  if (password === undefined) return undefined;
  if (!confirm) return { password };
  const again = await vscode.window.showInputBox({
    title: vscode.l10n.t('Confirm Password'),
    prompt: vscode.l10n.t('Type the password again.'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value === password ? undefined : vscode.l10n.t('The passwords do not match.')),
  });
  return again === undefined ? undefined : { password };
}

/** Asks for a name no stored key has yet (replacing a key would lose it). */
export async function askKeyName(keys: KeyStore, title: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('A name for the key (written into envelopes so decrypt can find it)'),
    placeHolder: 'prod-config',
    ignoreFocusOut: true,
    validateInput: (value) =>
      validateKeyName(value) ??
      (keys.has(value) ? vscode.l10n.t('A key named "{0}" is already stored.', value) : undefined),
  });
}

async function generateAndStore(keys: KeyStore): Promise<Secret | undefined> {
  const name = await askKeyName(keys, vscode.l10n.t('Generate and Store a Key'));
  if (name === undefined) return undefined;
  await keys.store(name);
  return storedKey(keys, name);
}

/**
 * Asking for keys, passwords and key names: password input boxes only (never echoed, never
 * remembered), or a key from the key store. Every function returns undefined when the user cancels.
 */
import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import { limits, type Envelope } from '../core';
import { validateKeyName, type KeyStore } from './keyStore';
import { storedKey, type Secret } from './secrets';

const HEX_KEY = limits.HEX_KEY_PATTERN;

interface SourceItem extends vscode.QuickPickItem {
  run: () => Promise<Secret | undefined>;
}

/**
 * Asks how to encrypt: a stored key, a key to type, a password (twice), or a new stored key.
 * `title` and `placeHolder` say what for (default: Encrypt Selection's).
 */
export async function askForEncryptionSecret(
  keys: KeyStore,
  title = vscode.l10n.t('Encrypt Selection'),
  placeHolder = vscode.l10n.t('Encrypt with…'),
): Promise<Secret | undefined> {
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
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder });
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

/**
 * What opens these envelopes, without an argument: an envelope whose kid names a stored key uses
 * it; otherwise ask — once for a password if any envelope needs one, once for a key if any needs one.
 */
export async function askForDecryptionSecrets(
  keys: KeyStore,
  envelopes: readonly Envelope[],
): Promise<Secret[] | undefined> {
  const known = await Promise.all(
    envelopes.map((envelope) =>
      !envelope.kdf && envelope.kid !== undefined && keys.has(envelope.kid)
        ? storedKey(keys, envelope.kid)
        : undefined,
    ),
  );
  let password: Secret | undefined;
  if (envelopes.some((envelope) => envelope.kdf)) {
    password = await askPassword(false);
    if (!password) return undefined;
  }
  let key: Secret | undefined;
  if (envelopes.some((envelope, index) => !envelope.kdf && !known[index])) {
    key = await askForDecryptionKey(keys);
    if (!key) return undefined;
  }
  return envelopes.map((envelope, index) => known[index] ?? (envelope.kdf ? password! : key!));
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

/** A stored key's name picked from a list; with none stored, offers to store one. */
export async function pickStoredKey(keys: KeyStore, title: string): Promise<string | undefined> {
  const names = keys.names();
  if (names.length === 0) {
    const store = vscode.l10n.t('Store a Key…');
    const picked = await vscode.window.showInformationMessage(
      vscode.l10n.t('Keysmith: no keys are stored yet.'),
      store,
    );
    if (picked === store) await vscode.commands.executeCommand(CommandId.storeKey);
    return undefined;
  }
  return vscode.window.showQuickPick(names, { title, placeHolder: vscode.l10n.t('Stored keys') });
}

/** The key store's commands: store, remove and copy named keys (material only in SecretStorage). */
import * as vscode from 'vscode';
import { showError } from '../errors';
import { validateKeyName, type KeyStore } from '../keyStore';
import { askHexKey, askKeyName } from '../secretPrompts';

interface NameArgs {
  name: string;
  key?: string;
}

function readNameArgs(args: unknown, command: string): NameArgs {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new Error(
      vscode.l10n.t('the argument of {0} must be an object such as {"name": "prod"}.', command),
    );
  }
  const { name, key } = args as Record<string, unknown>;
  const problem = validateKeyName(name);
  if (problem) throw new Error(problem);
  if (key !== undefined && typeof key !== 'string') throw new Error(vscode.l10n.t('key must be a string.'));
  return { name: name as string, ...(key !== undefined && { key: key as string }) };
}

/**
 * `keysmith.storeKey` `{name, key?}`: stores the given key, or a new random one. An existing name
 * is refused, with or without an argument (replacing a key would lose it).
 * Returns the stored name.
 */
export async function storeKey(keys: KeyStore, args?: unknown): Promise<string | undefined> {
  try {
    if (args !== undefined) {
      const { name, key } = readNameArgs(args, 'keysmith.storeKey');
      if (keys.has(name))
        throw new Error(vscode.l10n.t('a key named "{0}" is already stored; remove it first.', name));
      await keys.store(name, key);
      return name;
    }
    const name = await askKeyName(keys, vscode.l10n.t('Store a Key'));
    if (name === undefined) return undefined;
    const generate = vscode.l10n.t('Generate a new random key');
    const enter = vscode.l10n.t('Enter an existing 64-hex key');
    const choice = await vscode.window.showQuickPick([generate, enter], {
      title: vscode.l10n.t('Store a Key'),
    });
    if (choice === undefined) return undefined;
    let key: string | undefined;
    if (choice === enter) {
      const entered = await askHexKey();
      if (!entered || !('key' in entered)) return undefined;
      key = entered.key;
    }
    await keys.store(name, key);
    const copy = vscode.l10n.t('Copy Key');
    void vscode.window
      .showInformationMessage(
        vscode.l10n.t('Keysmith: stored key "{0}" in VS Code\'s secret storage.', name),
        copy,
      )
      .then((picked) => (picked === copy ? copyStoredKey(keys, { name }) : undefined));
    return name;
  } catch (error) {
    showError(error);
    return undefined;
  }
}

/** `keysmith.removeKey` `{name}`: interactively, picks a key and confirms; returns whether one was removed. */
export async function removeKey(keys: KeyStore, args?: unknown): Promise<boolean> {
  try {
    let name: string | undefined;
    if (args !== undefined) {
      name = readNameArgs(args, 'keysmith.removeKey').name;
    } else {
      name = await pickStoredKey(keys, vscode.l10n.t('Remove a Stored Key'));
      if (name === undefined) return false;
      const remove = vscode.l10n.t('Remove');
      const confirmed = await vscode.window.showWarningMessage(
        vscode.l10n.t('Remove the stored key "{0}"?', name),
        {
          modal: true,
          detail: vscode.l10n.t(
            'Envelopes encrypted with it cannot be decrypted unless you have a copy of the key.',
          ),
        },
        remove,
      );
      if (confirmed !== remove) return false;
    }
    if (!(await keys.remove(name))) throw new Error(vscode.l10n.t('no key named "{0}" is stored.', name));
    return true;
  } catch (error) {
    showError(error);
    return false;
  }
}

/** `keysmith.copyStoredKey` `{name}`: copies a stored key's 64 hex characters to the clipboard. */
export async function copyStoredKey(keys: KeyStore, args?: unknown): Promise<boolean> {
  try {
    const name =
      args !== undefined
        ? readNameArgs(args, 'keysmith.copyStoredKey').name
        : await pickStoredKey(keys, vscode.l10n.t('Copy a Stored Key'));
    if (name === undefined) return false;
    const key = await keys.get(name);
    if (key === undefined) throw new Error(vscode.l10n.t('no key named "{0}" is stored.', name));
    await vscode.env.clipboard.writeText(key);
    clearClipboardLater(key);
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Keysmith: copied the key "{0}" to the clipboard; it will be cleared from there in {1} seconds.',
        name,
        CLIPBOARD_SECONDS,
      ),
    );
    return true;
  } catch (error) {
    showError(error);
    return false;
  }
}

const CLIPBOARD_SECONDS = 45;

/** Like a password manager: a copied key does not stay on the clipboard (unless something replaced it). */
function clearClipboardLater(key: string): void {
  const timer = setTimeout(async () => {
    if ((await vscode.env.clipboard.readText()) === key) await vscode.env.clipboard.writeText('');
  }, CLIPBOARD_SECONDS * 1000);
  timer.unref?.();
}

async function pickStoredKey(keys: KeyStore, title: string): Promise<string | undefined> {
  const names = keys.names();
  if (names.length === 0) {
    const store = vscode.l10n.t('Store a Key…');
    const picked = await vscode.window.showInformationMessage(
      vscode.l10n.t('Keysmith: no keys are stored yet.'),
      store,
    );
    if (picked === store) await vscode.commands.executeCommand('keysmith.storeKey');
    return undefined;
  }
  return vscode.window.showQuickPick(names, { title, placeHolder: vscode.l10n.t('Stored keys') });
}

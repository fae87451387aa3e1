import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import { CLIPBOARD_SECONDS, copySecret } from '../editor/clipboard';
import { readStoredKeyArgs } from '../editor/commandArgs';
import { showFailure } from '../editor/errors';
import type { KeyStore } from '../editor/keyStore';
import { pickStoredKey } from '../editor/secretPrompts';
import { storedKey } from '../editor/secrets';

/**
 * `keysmith.copyStoredKey` `{name}` (or a Stored Keys row): copies a stored key's 64 hex
 * characters to the clipboard, which is cleared again after a while (see {@link copySecret}).
 */
export async function copyStoredKeyCommand(keys: KeyStore, args?: unknown): Promise<boolean> {
  try {
    const name =
      args !== undefined
        ? readStoredKeyArgs(args, CommandId.copyStoredKey).name
        : await pickStoredKey(keys, vscode.l10n.t('Copy a Stored Key'));
    if (name === undefined) return false;
    const { key } = await storedKey(keys, name);
    await copySecret(key);
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Keysmith: copied the key "{0}" to the clipboard; it will be cleared from there in {1} seconds.',
        name,
        CLIPBOARD_SECONDS,
      ),
    );
    return true;
  } catch (error) {
    showFailure(error);
    return false;
  }
}

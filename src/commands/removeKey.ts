import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import { readNameArgs } from '../editor/commandArgs';
import { EditorError, showFailure } from '../editor/errors';
import type { KeyStore } from '../editor/keyStore';
import { pickStoredKey } from '../editor/secretPrompts';

/**
 * `keysmith.removeKey` `{name}`: interactively, picks a key and confirms (modal). Returns whether
 * one was removed.
 */
export async function removeKeyCommand(keys: KeyStore, args?: unknown): Promise<boolean> {
  try {
    let name: string | undefined;
    if (args !== undefined) {
      name = readNameArgs(args, CommandId.removeKey).name;
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
    if (!(await keys.remove(name))) {
      throw new EditorError('UNKNOWN_KEY', vscode.l10n.t('No key named "{0}" is stored.', name), 'name');
    }
    return true;
  } catch (error) {
    showFailure(error);
    return false;
  }
}

import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import { readStoredKeyArgs } from '../editor/commandArgs';
import { EditorError, showFailure } from '../editor/errors';
import type { KeyStore } from '../editor/keyStore';
import { pickStoredKey } from '../editor/secretPrompts';

/**
 * `keysmith.removeKey` `{name}`: removes without asking (an argument never prompts). Interactively,
 * picks a key and confirms (modal); from a Stored Keys row, confirms too, since that is a click.
 * Returns whether one was removed.
 */
export async function removeKeyCommand(keys: KeyStore, args?: unknown): Promise<boolean> {
  try {
    let name: string | undefined;
    if (args !== undefined) {
      const target = readStoredKeyArgs(args, CommandId.removeKey);
      name = target.name;
      if (target.fromView && !(await confirmRemoval(name))) return false;
    } else {
      name = await pickStoredKey(keys, vscode.l10n.t('Remove a Stored Key'));
      if (name === undefined || !(await confirmRemoval(name))) return false;
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

/** The modal question before a key is lost for good. */
async function confirmRemoval(name: string): Promise<boolean> {
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
  return confirmed === remove;
}

import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import { readStoredKeyArgs } from '../editor/commandArgs';
import { showFailure } from '../editor/errors';
import type { KeyStore } from '../editor/keyStore';
import { pickStoredKey } from '../editor/secretPrompts';
import { encryptSelectionCommand } from './encryptSelection';

/**
 * `keysmith.encryptSelectionWithStoredKey`, the lock on a Stored Keys row (a row or `{name}`; with
 * neither, picks a stored key): {@link encryptSelectionCommand} with `{keyName}`, so the envelopes
 * record the key's name as `kid`. Returns whether the document changed.
 */
export async function encryptSelectionWithStoredKeyCommand(keys: KeyStore, args?: unknown): Promise<boolean> {
  let name: string | undefined;
  try {
    name =
      args !== undefined
        ? readStoredKeyArgs(args, CommandId.encryptSelectionWithStoredKey).name
        : await pickStoredKey(keys, vscode.l10n.t('Encrypt Selection with a Stored Key'));
  } catch (error) {
    showFailure(error);
    return false;
  }
  return name !== undefined && encryptSelectionCommand(keys, { keyName: name });
}

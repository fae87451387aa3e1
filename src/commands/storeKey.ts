import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import { readNameArgs } from '../editor/commandArgs';
import { EditorError, showFailure } from '../editor/errors';
import type { KeyStore } from '../editor/keyStore';
import { askHexKey, askKeyName } from '../editor/secretPrompts';

/**
 * `keysmith.storeKey` `{name, key?}`: stores the given key, or a new random one (key material only
 * in SecretStorage). An existing name is refused, with or without an argument (replacing a key
 * would lose it). Returns the stored name.
 */
export async function storeKeyCommand(keys: KeyStore, args?: unknown): Promise<string | undefined> {
  try {
    if (args !== undefined) {
      const { name, key } = readNameArgs(args, CommandId.storeKey);
      if (keys.has(name)) {
        throw new EditorError(
          'KEY_EXISTS',
          vscode.l10n.t('A key named "{0}" is already stored; remove it first.', name),
          'name',
        );
      }
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
      .then((picked) =>
        picked === copy ? vscode.commands.executeCommand(CommandId.copyStoredKey, { name }) : undefined,
      );
    return name;
  } catch (error) {
    showFailure(error);
    return undefined;
  }
}

import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import type { KeyStore } from '../keyStore';
import { decryptSelection } from './decryptSelection';
import { encryptSelection } from './encryptSelection';
import { generateKeyPairCommand } from './generateKeyPair';
import { insertKey, insertKeyOfType } from './insertKey';
import { copyStoredKey, removeKey, storeKey } from './keyStoreCommands';

/** Registers every command in {@link CommandId}; the record type makes a missing one a compile error. */
export function registerAllCommands(context: vscode.ExtensionContext, keys: KeyStore): void {
  const handlers: Record<CommandId, (args?: unknown) => unknown> = {
    [CommandId.insertKey]: insertKey,
    [CommandId.insertApiKey]: insertKeyOfType('api-key'),
    [CommandId.insertUuid]: insertKeyOfType('uuid-v4'),
    [CommandId.insertNanoid]: insertKeyOfType('nanoid'),
    [CommandId.insertSecret]: insertKeyOfType('secret'),
    [CommandId.generateKeyPair]: generateKeyPairCommand,
    [CommandId.encryptSelection]: (args) => encryptSelection(keys, args),
    [CommandId.decryptSelection]: (args) => decryptSelection(keys, args),
    [CommandId.storeKey]: (args) => storeKey(keys, args),
    [CommandId.removeKey]: (args) => removeKey(keys, args),
    [CommandId.copyStoredKey]: (args) => copyStoredKey(keys, args),
  };
  for (const [id, handler] of Object.entries(handlers)) {
    // Menus pass the editor's resource Uri as the first argument: that is not an options object.
    const command = (arg?: unknown) => handler(arg instanceof vscode.Uri ? undefined : arg);
    context.subscriptions.push(vscode.commands.registerCommand(id, command));
  }
}

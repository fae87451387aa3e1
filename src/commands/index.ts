import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import type { KeyStore } from '../editor/keyStore';
import { copyKeyAsCommand } from './copyKeyAs';
import { copyStoredKeyCommand } from './copyStoredKey';
import { decryptSelectionCommand } from './decryptSelection';
import { editEnvelopeCommand } from './editEnvelope';
import { encryptSelectionCommand } from './encryptSelection';
import { encryptSelectionWithStoredKeyCommand } from './encryptSelectionWithStoredKey';
import { envelopeActionCommand } from './envelopeAction';
import { generateKeyPairCommand } from './generateKeyPair';
import { insertKeyCommand, insertKeyOfTypeCommand } from './insertKey';
import { inspectKeyCommand } from './inspectKey';
import { peekEnvelopeCommand } from './peekEnvelope';
import { reencryptEnvelopesCommand } from './reencryptEnvelopes';
import { saveEnvelopeCommand } from './saveEnvelope';
import { removeKeyCommand } from './removeKey';
import { storeKeyCommand } from './storeKey';
import { viewTitleActionCommand, type ViewActionRunner } from './viewTitleActions';

/** Registers every command in {@link CommandId}; the record type makes a missing one a compile error. */
export function registerAllCommands(
  context: vscode.ExtensionContext,
  keys: KeyStore,
  views: ViewActionRunner,
): void {
  const handlers: Record<CommandId, (args?: unknown) => unknown> = {
    [CommandId.insertKey]: insertKeyCommand,
    [CommandId.insertApiKey]: insertKeyOfTypeCommand('api-key'),
    [CommandId.insertUuid]: insertKeyOfTypeCommand('uuid-v4'),
    [CommandId.insertNanoid]: insertKeyOfTypeCommand('nanoid'),
    [CommandId.insertSecret]: insertKeyOfTypeCommand('secret'),
    [CommandId.generateKeyPair]: generateKeyPairCommand,
    [CommandId.encryptSelection]: (args) => encryptSelectionCommand(keys, args),
    [CommandId.decryptSelection]: (args) => decryptSelectionCommand(keys, args),
    [CommandId.storeKey]: (args) => storeKeyCommand(keys, args),
    [CommandId.removeKey]: (args) => removeKeyCommand(keys, args),
    [CommandId.copyStoredKey]: (args) => copyStoredKeyCommand(keys, args),
    [CommandId.encryptSelectionWithStoredKey]: (args) => encryptSelectionWithStoredKeyCommand(keys, args),
    [CommandId.peekEnvelope]: (args) => peekEnvelopeCommand(keys, args),
    [CommandId.editEnvelope]: (args) => editEnvelopeCommand(keys, args),
    [CommandId.saveEnvelope]: saveEnvelopeCommand,
    [CommandId.reencryptEnvelopes]: (args) => reencryptEnvelopesCommand(keys, args),
    [CommandId.envelopeAction]: (args) => envelopeActionCommand(keys, args),
    [CommandId.copyKeyAs]: copyKeyAsCommand,
    [CommandId.inspectKey]: inspectKeyCommand,
    [CommandId.regenerateKeyInView]: viewTitleActionCommand(views, 'generateKey', 'regenerate'),
    [CommandId.insertKeyFromView]: viewTitleActionCommand(views, 'generateKey', 'insert'),
    [CommandId.copyKeyFromView]: viewTitleActionCommand(views, 'generateKey', 'copy'),
    [CommandId.saveKeyPairFromView]: viewTitleActionCommand(views, 'keyPair', 'save'),
    [CommandId.encryptSelectionFromView]: viewTitleActionCommand(views, 'encrypt', 'encryptSelection'),
    [CommandId.decryptSelectionFromView]: viewTitleActionCommand(views, 'decrypt', 'decryptSelection'),
  };
  for (const [id, handler] of Object.entries(handlers)) {
    // Menus pass the editor's resource Uri as the first argument: that is not an options object.
    const command = (arg?: unknown) => handler(arg instanceof vscode.Uri ? undefined : arg);
    context.subscriptions.push(vscode.commands.registerCommand(id, command));
  }
}

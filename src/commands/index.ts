import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import { insertKey, insertKeyOfType } from './insertKey';

/** Registers every command in {@link CommandId}; the record type makes a missing one a compile error. */
export function registerAllCommands(context: vscode.ExtensionContext): void {
  const handlers: Record<CommandId, (...args: unknown[]) => unknown> = {
    [CommandId.insertKey]: insertKey,
    [CommandId.insertApiKey]: insertKeyOfType('api-key'),
    [CommandId.insertUuid]: insertKeyOfType('uuid-v4'),
    [CommandId.insertNanoid]: insertKeyOfType('nanoid'),
    [CommandId.insertSecret]: insertKeyOfType('secret'),
  };
  for (const [id, handler] of Object.entries(handlers)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  }
}

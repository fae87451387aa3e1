import * as vscode from 'vscode';
import { registerAllCommands } from './commands';
import { KeyStore } from './keyStore';

/** Activation only registers; the crypto work happens when a command runs. */
export function activate(context: vscode.ExtensionContext): void {
  const keys = new KeyStore(context.secrets, context.globalState);
  context.subscriptions.push(keys);
  registerAllCommands(context, keys);
}

export function deactivate(): void {}

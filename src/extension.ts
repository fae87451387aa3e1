import type * as vscode from 'vscode';
import { registerAllCommands } from './commands';

/** Activation only registers; the crypto work happens when a command runs. */
export function activate(context: vscode.ExtensionContext): void {
  registerAllCommands(context);
}

export function deactivate(): void {}

import * as vscode from 'vscode';
import { registerAllCommands } from './commands';
import { KeyStore } from './editor/keyStore';
import { SidebarProvider } from './sidebar/sidebarProvider';

/** What activate() returns to the integration tests (and to nobody else: see below). */
export interface KeysmithTestApi {
  sidebar: SidebarProvider;
}

/** Activation only registers; the crypto work happens when a command runs. */
export function activate(context: vscode.ExtensionContext): KeysmithTestApi | undefined {
  const keys = new KeyStore(context.secrets, context.globalState);
  context.subscriptions.push(keys);
  registerAllCommands(context, keys);
  const sidebar = new SidebarProvider(context.extensionUri, keys);
  context.subscriptions.push(
    sidebar,
    vscode.window.registerWebviewViewProvider(SidebarProvider.viewId, sidebar),
  );
  // The sidebar's message handler is handed out only to the tests that run in the extension host;
  // other extensions get no API from Keysmith.
  return context.extensionMode === vscode.ExtensionMode.Test ? { sidebar } : undefined;
}

export function deactivate(): void {}

/** The in-memory plaintext editor of an envelope and the Peek view (stub: being written). */
import type * as vscode from 'vscode';
import type { KeyStore } from './keyStore';

export function registerPlaintextEditor(context: vscode.ExtensionContext, keys: KeyStore): void {
  void context;
  void keys;
}

/** The envelope CodeLens, hover and diagnostics (stub: being written). */
import type * as vscode from 'vscode';
import type { KeyStore } from './keyStore';

export function registerEnvelopeProviders(context: vscode.ExtensionContext, keys: KeyStore): void {
  void context;
  void keys;
}

import type * as vscode from 'vscode';

/** Activation is cheap: commands and views register here; the crypto core loads with them. */
export function activate(_context: vscode.ExtensionContext): void {
  // Editor features arrive with the commands and the sidebar view.
}

export function deactivate(): void {}

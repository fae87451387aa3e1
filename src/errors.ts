/**
 * Maps failures to what the user reads. The core's messages name the field and never contain a
 * secret; anything else (a bug, a file-system error) is shown by its message alone, never with
 * arguments that could hold a key or a password.
 */
import * as vscode from 'vscode';
import { isKeysmithError } from './core';

export function errorMessage(error: unknown, itemNoun?: string): string {
  if (isKeysmithError(error)) {
    // In a batch, say which item failed ("envelope 2: iv must be 12 bytes.").
    if (itemNoun !== undefined && error.index !== undefined) {
      return vscode.l10n.t('Keysmith: {0} {1}: {2}', itemNoun, error.index + 1, error.message);
    }
    return vscode.l10n.t('Keysmith: {0}', error.message);
  }
  const message = error instanceof Error ? error.message : String(error);
  return vscode.l10n.t('Keysmith: {0}', message.split('\n')[0] ?? '');
}

export function showError(error: unknown): void {
  void vscode.window.showErrorMessage(errorMessage(error));
}

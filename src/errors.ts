/**
 * Maps failures to what the user reads. The core's errors carry a code: the ones whose words are
 * fixed are said here through vscode.l10n; the others keep the core's message, which names the
 * field that is wrong. No message ever contains a key, a password or a plaintext; anything else
 * (a bug, a file-system error) is shown by its first line alone.
 */
import * as vscode from 'vscode';
import { isKeysmithError, type KeysmithError, type KeysmithErrorCode } from './core';

const FIXED_MESSAGES: Partial<Record<KeysmithErrorCode, () => string>> = {
  DECRYPT_FAILED: () =>
    vscode.l10n.t('Could not decrypt: the key or password is wrong, or the envelope was modified.'),
  ABORTED: () => vscode.l10n.t('The operation was cancelled.'),
  PLAINTEXT_TOO_LARGE: () => vscode.l10n.t('The text is larger than the 64 MiB Keysmith encrypts.'),
  ENVELOPE_TOO_LARGE: () => vscode.l10n.t('The envelope is larger than the 64 MiB limit allows.'),
  UNSUPPORTED_VERSION: () =>
    vscode.l10n.t('This envelope version is not supported (Keysmith reads version 1).'),
};

/** The user-facing words for a core error (localised where they do not depend on the input). */
export function coreErrorText(error: KeysmithError): string {
  return FIXED_MESSAGES[error.code]?.() ?? error.message;
}

export function errorMessage(error: unknown, itemNoun?: string): string {
  if (isKeysmithError(error)) {
    // In a batch, say which item failed ("envelope 2: iv must be 12 bytes.").
    if (itemNoun !== undefined && error.index !== undefined) {
      return vscode.l10n.t('Keysmith: {0} {1}: {2}', itemNoun, error.index + 1, coreErrorText(error));
    }
    return vscode.l10n.t('Keysmith: {0}', coreErrorText(error));
  }
  const message = error instanceof Error ? error.message : String(error);
  return vscode.l10n.t('Keysmith: {0}', message.split('\n')[0] ?? '');
}

export function showError(error: unknown): void {
  void vscode.window.showErrorMessage(errorMessage(error));
}

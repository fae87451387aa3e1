import * as vscode from 'vscode';
import { isKeysmithError, KeysmithError } from '../core';
import { errorMessage } from '../errors';

export type EditorErrorCode =
  /** No text editor is active. */
  | 'NO_EDITOR'
  /** Nothing is selected to encrypt. */
  | 'NO_SELECTION'
  /** No selection holds an envelope, and no cursor is inside one. */
  | 'NO_ENVELOPE'
  /** The document was edited while the work ran, so its result no longer fits. */
  | 'DOCUMENT_CHANGED'
  /** The edit was refused (a read-only document). */
  | 'READ_ONLY';

/**
 * A selection command's failure that is about the editor rather than the input — the editor-level
 * counterpart of the core's KeysmithError, with a stable code the sidebar can pass on. The message
 * is the user's words, without the "Keysmith: " a notification adds.
 */
export class EditorError extends Error {
  override readonly name = 'EditorError';

  constructor(
    readonly code: EditorErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** Nothing to work on is a warning; a change that could not be made is an error. */
  get isWarning(): boolean {
    return this.code === 'NO_EDITOR' || this.code === 'NO_SELECTION' || this.code === 'NO_ENVELOPE';
  }
}

/** The cancel button of a progress notification (the core's ABORTED). */
export function isCancellation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ABORTED';
}

/**
 * A batch error's `index` says which selection failed; with only one selection it says nothing,
 * so it is dropped — callers then show "envelope 2: …" exactly when there are several.
 */
export function indexedAmong(count: number, error: unknown): unknown {
  return count <= 1 && isKeysmithError(error) && error.index !== undefined
    ? new KeysmithError(error.code, error.message, error.field)
    : error;
}

/**
 * How the selection commands report a failure: nothing for a cancellation, a warning for nothing
 * to work on, an error for an editor that could not be changed, and `describe(error)` for the rest.
 */
export function showSelectionFailure(error: unknown, describe: (error: unknown) => string): void {
  if (isCancellation(error)) return;
  if (error instanceof EditorError) {
    if (error.isWarning) void vscode.window.showWarningMessage(errorMessage(error));
    else void vscode.window.showErrorMessage(errorMessage(error));
    return;
  }
  void vscode.window.showErrorMessage(describe(error));
}

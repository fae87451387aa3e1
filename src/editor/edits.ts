/**
 * Changing the document: always one edit (one undo step), and a refusal is an {@link EditorError}
 * rather than a silent no-op (see the README's "In the editor").
 */
import * as vscode from 'vscode';
import { EditorError } from './errors';

/** The active text editor, or NO_EDITOR saying what it is needed for (`why`, a sentence). */
export function requireEditor(why: string): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new EditorError('NO_EDITOR', why);
  return editor;
}

function readOnly(): EditorError {
  return new EditorError('READ_ONLY', vscode.l10n.t('This editor cannot be changed (it may be read-only).'));
}

/** Replaces each selection (or cursor) with its text, in order; returns how many. */
export async function replaceSelections(
  editor: vscode.TextEditor,
  texts: readonly string[],
): Promise<number> {
  const selections = editor.selections;
  const done = await editor.edit((edit) => selections.forEach((s, i) => edit.replace(s, texts[i]!)));
  if (!done) throw readOnly();
  return selections.length;
}

/**
 * Replaces each range with its text in one edit — only if the document is still the version the
 * texts were computed from (DOCUMENT_CHANGED otherwise; READ_ONLY when the edit is refused).
 * `doing` says what ran meanwhile ("decrypting").
 */
export async function replaceAll(
  editor: vscode.TextEditor,
  version: number,
  ranges: readonly vscode.Range[],
  texts: readonly string[],
  doing: string,
): Promise<void> {
  const { document } = editor;
  if (document.isClosed || document.version !== version) {
    throw new EditorError(
      'DOCUMENT_CHANGED',
      vscode.l10n.t('The document changed while {0}; nothing was replaced. Run the command again.', doing),
    );
  }
  const edit = new vscode.WorkspaceEdit();
  ranges.forEach((range, index) => edit.replace(document.uri, range, texts[index]!));
  // A WorkspaceEdit applies even if the user switched to another editor meanwhile.
  if (!(await vscode.workspace.applyEdit(edit))) {
    throw new EditorError(
      'READ_ONLY',
      vscode.l10n.t('This document cannot be changed (it may be read-only).'),
    );
  }
}

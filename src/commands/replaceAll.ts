import * as vscode from 'vscode';
import { EditorError } from './editorError';

/**
 * Replaces each range with its text in one edit (one undo step) — only if the document is still
 * the version the texts were computed from. Anything else leaves the document unchanged and throws
 * an {@link EditorError} (DOCUMENT_CHANGED or READ_ONLY).
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
      vscode.l10n.t('the document changed while {0}; nothing was replaced. Run the command again.', doing),
    );
  }
  const edit = new vscode.WorkspaceEdit();
  ranges.forEach((range, index) => edit.replace(document.uri, range, texts[index]!));
  // A WorkspaceEdit applies even if the user switched to another editor meanwhile.
  if (!(await vscode.workspace.applyEdit(edit))) {
    throw new EditorError(
      'READ_ONLY',
      vscode.l10n.t('this document cannot be changed (it may be read-only).'),
    );
  }
}

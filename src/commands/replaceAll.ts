import * as vscode from 'vscode';

/**
 * Replaces each range with its text in one edit (one undo step) — only if the document is still
 * the version the texts were computed from. Anything else leaves the document unchanged.
 */
export async function replaceAll(
  editor: vscode.TextEditor,
  version: number,
  ranges: readonly vscode.Range[],
  texts: readonly string[],
  doing: string,
): Promise<boolean> {
  const { document } = editor;
  if (document.isClosed || document.version !== version) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        'Keysmith: the document changed while {0}; nothing was replaced. Run the command again.',
        doing,
      ),
    );
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  ranges.forEach((range, index) => edit.replace(document.uri, range, texts[index]!));
  // A WorkspaceEdit applies even if the user switched to another editor meanwhile.
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Keysmith: this document cannot be changed (it may be read-only).'),
    );
  }
  return applied;
}

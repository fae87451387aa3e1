import * as vscode from 'vscode';

export const EXTENSION_ID = 'keysmith.keysmith';

/** A fresh untitled editor holding `text`, with the given selections (default: cursor at 0:0). */
export async function openEditor(text: string, selections?: vscode.Selection[]): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
  const editor = await vscode.window.showTextDocument(document);
  if (selections) editor.selections = selections;
  return editor;
}

export function at(line: number, character: number): vscode.Selection {
  return new vscode.Selection(line, character, line, character);
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

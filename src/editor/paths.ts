/** How Keysmith shows a file in a message. */
import * as vscode from 'vscode';

/** Workspace-relative when inside the workspace, else the full path. */
export function shortPath(file: string): string {
  return vscode.workspace.asRelativePath(vscode.Uri.file(file), false);
}

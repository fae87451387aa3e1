import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { parseEnvelope } from '../../src/core';

async function editorWith(text: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ content: text });
  const editor = await vscode.window.showTextDocument(document);
  editor.selection = new vscode.Selection(0, 0, 0, text.length);
  return editor;
}

describe('an untrusted workspace (Restricted Mode)', () => {
  it('is untrusted, and Keysmith still runs there (limited support)', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const extension = vscode.extensions.getExtension('keysmith.keysmith')!;
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('honours a harmless workspace setting (the control: the workspace settings are read)', async () => {
    const editor = await editorWith('');
    await vscode.commands.executeCommand('keysmith.insertApiKey');
    assert.match(editor.document.getText(), /^repo_[0-9a-f]{64}$/);
  });

  it('ignores the workspace’s weaker PBKDF2 iteration count', async () => {
    // The fixture sets 100,000; in Restricted Mode VS Code does not even report that value.
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const settings = new TextDecoder().decode(
      await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, '.vscode', 'settings.json')),
    );
    assert.match(settings, /"keysmith\.encryption\.iterations": 100000/);
    const inspected = vscode.workspace.getConfiguration('keysmith').inspect('encryption.iterations');
    assert.equal(inspected?.workspaceValue, undefined);
    const editor = await editorWith('secret');
    assert.equal(await vscode.commands.executeCommand('keysmith.encryptSelection', { password: 'pw' }), true);
    assert.equal(parseEnvelope(editor.document.getText()).iterations, 600000);
  });

  it('ignores the workspace’s shorter secret and nanoid lengths', async () => {
    const editor = await editorWith('');
    await vscode.commands.executeCommand('keysmith.insertSecret');
    assert.match(editor.document.getText(), /^[0-9a-f]{64}$/);
    const second = await editorWith('');
    await vscode.commands.executeCommand('keysmith.insertNanoid');
    assert.match(second.document.getText(), /^[A-Za-z0-9_-]{21}$/);
  });
});

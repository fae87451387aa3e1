import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { at, closeAllEditors, openEditor } from './helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('insert key commands', () => {
  afterEach(closeAllEditors);

  it('inserts a distinct UUID at every cursor in one edit, and one undo restores the document', async () => {
    const original = 'a\r\nb\r\nc';
    const editor = await openEditor(original, [at(0, 1), at(1, 1), at(2, 1)]);
    const changed = await vscode.commands.executeCommand<boolean>('keysmith.insertKey', { type: 'uuid-v4' });
    assert.equal(changed, true);
    const lines = editor.document.getText().split('\r\n');
    const values = lines.map((line) => line.slice(1));
    lines.forEach((line, i) => assert.equal(line[0], 'abc'[i]));
    for (const value of values) assert.match(value, UUID);
    assert.equal(new Set(values).size, 3, 'a distinct value per cursor');

    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), original);
  });

  it('replaces selections, honours arguments, and the shortcuts pick their type', async () => {
    const editor = await openEditor('TOKEN=old\nID=old', [
      new vscode.Selection(0, 6, 0, 9),
      new vscode.Selection(1, 3, 1, 6),
    ]);
    await vscode.commands.executeCommand('keysmith.insertApiKey', { prefix: 'tk' });
    const [token, id] = editor.document.getText().split('\n');
    assert.match(token!, /^TOKEN=tk_[0-9a-f]{64}$/);
    assert.match(id!, /^ID=tk_[0-9a-f]{64}$/);

    const second = await openEditor('', [at(0, 0)]);
    await vscode.commands.executeCommand('keysmith.insertNanoid', { length: 10 });
    assert.match(second.document.getText(), /^[A-Za-z0-9_-]{10}$/);
    await vscode.commands.executeCommand('keysmith.insertSecret');
    assert.match(second.document.getText(), /^[A-Za-z0-9_-]{10}[0-9a-f]{64}$/);
    await vscode.commands.executeCommand('keysmith.insertUuid');
    assert.match(second.document.getText().slice(74), UUID);
  });

  it('settings supply the defaults', async () => {
    const config = vscode.workspace.getConfiguration('keysmith');
    await config.update('apiKey.prefix', 'live', vscode.ConfigurationTarget.Global);
    try {
      const editor = await openEditor('', [at(0, 0)]);
      await vscode.commands.executeCommand('keysmith.insertApiKey');
      assert.match(editor.document.getText(), /^live_[0-9a-f]{64}$/);
    } finally {
      await config.update('apiKey.prefix', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('bad arguments change nothing', async () => {
    const editor = await openEditor('keep', [at(0, 4)]);
    for (const args of [
      { type: 'guid' },
      { type: 'nanoid', length: 1 },
      { type: 'api-key', prefix: 'has space' },
      'uuid-v4',
    ]) {
      const changed = await vscode.commands.executeCommand<boolean>('keysmith.insertKey', args);
      assert.equal(changed, false, JSON.stringify(args));
    }
    assert.equal(editor.document.getText(), 'keep');
  });
});

import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'keysmith.keysmith';

describe('activation', () => {
  it('the extension is present and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });
});

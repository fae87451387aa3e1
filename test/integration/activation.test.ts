import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandId } from '../../src/commandIds';
import { EXTENSION_ID } from './helpers';

describe('activation', () => {
  it('the extension is present and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('every contributed command is registered, and every registered one is contributed', async () => {
    const { contributes } = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> };
    };
    const contributed = contributes.commands.map((c) => c.command);
    // VS Code adds <view id>.focus, .open, ... for each contributed view: those are not ours to register.
    const viewIds = Object.values(contributes.views).flatMap((views) => views.map((view) => `${view.id}.`));
    const registered = (await vscode.commands.getCommands(true)).filter(
      (id) => id.startsWith('keysmith.') && !viewIds.some((view) => id.startsWith(view)),
    );
    assert.deepEqual([...registered].sort(), [...contributed].sort());
    assert.deepEqual([...contributed].sort(), Object.values(CommandId).sort());
  });

  it('the Keysmith container opens in the activity bar', async () => {
    // VS Code registers workbench.view.extension.<container id> for each contributed container and
    // <view id>.focus for each view: both reject when the container or the view does not exist.
    await assert.doesNotReject(
      Promise.resolve(vscode.commands.executeCommand('workbench.view.extension.keysmith')),
    );
    await assert.doesNotReject(Promise.resolve(vscode.commands.executeCommand('keysmith.generateKey.focus')));
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('workbench.view.extension.no-such-container')),
    );
  });
});

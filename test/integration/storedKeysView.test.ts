/**
 * The Stored Keys pane in the real extension host: its rows are the key store's names (and follow
 * the real commands), nothing drawn carries key material, its inline commands work when VS Code
 * hands them a row, and the view with its menus is contributed as the workbench reads it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { decrypt, parseEnvelope } from '../../src/core';
import type { StoredKeyElement } from '../../src/editor/commandArgs';
import type { KeysmithTestApi } from '../../src/extension';
import type { StoredKeysView } from '../../src/sidebar/storedKeysView';
import { closeAllEditors, EXTENSION_ID, notificationsDuring, openEditor } from './helpers';

const VIEW_ID = 'keysmith.storedKeys';
const ROW_WHEN = 'view == keysmith.storedKeys && viewItem == storedKey';
const NAMES = ['tree-it-b', 'tree-it-a'] as const;
const KEYS = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')] as const;
const ENVELOPE = /\{"v":1,"algorithm":"AES-256-GCM",[^{}]*\}/g;

let view: StoredKeysView;
let tree: vscode.TreeView<StoredKeyElement>;

const names = () => view.getChildren().map((row) => row.name);
const row = (name: string) => view.getChildren().find((element) => element.name === name);

/** Runs `change` and resolves once the provider has told VS Code to redraw (within 10 s). */
async function redrawnAfter(change: () => Thenable<unknown>): Promise<void> {
  const redrawn = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the tree was not refreshed')), 10_000);
    const subscription = view.onDidChangeTreeData(() => {
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    });
  });
  await change();
  await redrawn;
}

/** Answers the next modal warning (Remove's confirmation) with `answer`, and records its text. */
async function confirmingWith<T>(
  answer: 'Remove' | undefined,
  run: () => Thenable<T>,
): Promise<{ value: T; asked: string[] }> {
  const window = vscode.window as unknown as Record<string, unknown>;
  const original = window.showWarningMessage;
  const asked: string[] = [];
  window.showWarningMessage = (message: string, options: vscode.MessageOptions, ...items: string[]) => {
    asked.push(`${options?.modal ? 'modal' : 'toast'}: ${message}`);
    return Promise.resolve(answer === undefined ? undefined : items.find((item) => item === answer));
  };
  try {
    return { value: await run(), asked };
  } finally {
    window.showWarningMessage = original;
  }
}

async function removeTestKeys(): Promise<void> {
  for (const name of NAMES) await vscode.commands.executeCommand('keysmith.removeKey', { name });
}

describe('Stored Keys view', () => {
  before(async () => {
    const api = (await vscode.extensions.getExtension<KeysmithTestApi>(EXTENSION_ID)!.activate())!;
    assert.ok(api?.storedKeys && api.storedKeysTree, 'activate() hands the Stored Keys view to the tests');
    view = api.storedKeys;
    tree = api.storedKeysTree;
    await removeTestKeys();
  });
  after(removeTestKeys);
  afterEach(closeAllEditors);

  it('lists exactly the stored names, sorted, and follows Store and Remove', async () => {
    const before = names();
    for (const name of NAMES) assert.ok(!before.includes(name));

    for (const [i, name] of NAMES.entries()) {
      await redrawnAfter(() => vscode.commands.executeCommand('keysmith.storeKey', { name, key: KEYS[i] }));
      assert.ok(names().includes(name), `${name} is listed once stored`);
    }
    assert.deepEqual(names(), [...before, ...NAMES].sort());

    await redrawnAfter(() => vscode.commands.executeCommand('keysmith.removeKey', { name: NAMES[0] }));
    assert.deepEqual(names(), [...before, NAMES[1]].sort());
    await redrawnAfter(() => vscode.commands.executeCommand('keysmith.removeKey', { name: NAMES[1] }));
    assert.deepEqual(names(), before);
  });

  it('draws a flat list of key icons whose rows, labels and tooltips hold no key material', async () => {
    for (const [i, name] of NAMES.entries())
      await vscode.commands.executeCommand('keysmith.storeKey', { name, key: KEYS[i] });
    for (const element of view.getChildren()) {
      assert.deepEqual(Object.keys(element), ['name'], 'a row is its name and nothing else');
      assert.deepEqual(view.getChildren(element), [], 'rows have no children');
      assert.equal(view.getParent(), undefined);
      const item = view.getTreeItem(element);
      assert.equal(item.label, element.name);
      assert.equal(item.id, element.name);
      assert.equal(item.contextValue, 'storedKey');
      assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.None);
      assert.ok(item.iconPath instanceof vscode.ThemeIcon && item.iconPath.id === 'key');
      assert.equal(item.command, undefined, 'a click does not copy or change anything');
      const drawn = JSON.stringify({ element, item, tooltip: String(item.tooltip) });
      for (const key of KEYS) assert.ok(!drawn.includes(key), `no key material in ${element.name}'s row`);
      assert.doesNotMatch(drawn, /[0-9a-f]{64}/i, 'nothing that looks like a 64-hex key');
    }
  });

  it('is the pane VS Code draws: it opens in the Keysmith container and can reveal a stored key', async () => {
    await vscode.commands.executeCommand('keysmith.storeKey', { name: NAMES[0], key: KEYS[0] });
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    const deadline = Date.now() + 10_000;
    while (!tree.visible && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(tree.visible, true, 'the Stored Keys pane is visible after its focus command');
    const element = row(NAMES[0])!;
    await tree.reveal(element, { select: true, focus: true });
    assert.deepEqual(
      tree.selection.map((selected) => selected.name),
      [NAMES[0]],
    );
  });

  describe('the row commands, given the row as VS Code passes it', () => {
    beforeEach(async () => {
      for (const [i, name] of NAMES.entries()) {
        await vscode.commands.executeCommand('keysmith.removeKey', { name });
        await vscode.commands.executeCommand('keysmith.storeKey', { name, key: KEYS[i] });
      }
    });

    it('Copy copies that key', async () => {
      assert.equal(await vscode.commands.executeCommand('keysmith.copyStoredKey', row(NAMES[1])), true);
      assert.equal(await vscode.env.clipboard.readText(), KEYS[1]);
    });

    it('Encrypt Selection with This Key encrypts every selection with it, recording its name', async () => {
      const editor = await openEditor('one two');
      editor.selections = [new vscode.Selection(0, 0, 0, 3), new vscode.Selection(0, 4, 0, 7)];
      assert.equal(
        await vscode.commands.executeCommand('keysmith.encryptSelectionWithStoredKey', row(NAMES[0])),
        true,
      );
      const envelopes = editor.document.getText().match(ENVELOPE) ?? [];
      assert.equal(envelopes.length, 2);
      for (const text of envelopes) assert.equal(parseEnvelope(text).kid, NAMES[0]);
      const plaintexts = await Promise.all(
        envelopes.map(async (envelope) => (await decrypt({ envelope, key: KEYS[0] })).plaintext),
      );
      assert.deepEqual(plaintexts, ['one', 'two']);
    });

    it('Encrypt Selection with This Key also takes {name}, and says when no editor is open', async () => {
      const editor = await openEditor('secret');
      editor.selections = [new vscode.Selection(0, 0, 0, 6)];
      assert.equal(
        await vscode.commands.executeCommand('keysmith.encryptSelectionWithStoredKey', { name: NAMES[1] }),
        true,
      );
      assert.equal(parseEnvelope(editor.document.getText()).kid, NAMES[1]);
      await closeAllEditors();
      const { value, shown } = await notificationsDuring(() =>
        Promise.resolve(
          vscode.commands.executeCommand('keysmith.encryptSelectionWithStoredKey', row(NAMES[1])),
        ),
      );
      assert.equal(value, false);
      assert.equal(shown.length, 1, `one notification: ${JSON.stringify(shown)}`);
      assert.match(shown[0]!, /^warning: Keysmith: open a text editor/);
    });

    it('Remove asks first (modal) and keeps the key when the question is dismissed', async () => {
      const { value, asked } = await confirmingWith(undefined, () =>
        vscode.commands.executeCommand('keysmith.removeKey', row(NAMES[0])),
      );
      assert.equal(value, false);
      assert.deepEqual(asked, [`modal: Remove the stored key "${NAMES[0]}"?`]);
      assert.ok(names().includes(NAMES[0]), 'still stored');
    });

    it('Remove removes the key once confirmed, and the row goes', async () => {
      let result: unknown;
      const { asked } = await confirmingWith('Remove', () =>
        redrawnAfter(async () => {
          result = await vscode.commands.executeCommand('keysmith.removeKey', row(NAMES[0]));
        }),
      );
      assert.equal(result, true);
      assert.equal(asked.length, 1);
      assert.ok(!names().includes(NAMES[0]), 'no longer listed');
      assert.equal(await vscode.commands.executeCommand('keysmith.copyStoredKey', { name: NAMES[0] }), false);
    });

    it('the argument-object form of Remove still removes without asking', async () => {
      const { value, asked } = await confirmingWith(undefined, () =>
        vscode.commands.executeCommand('keysmith.removeKey', { name: NAMES[1] }),
      );
      assert.equal(value, true);
      assert.deepEqual(asked, []);
      assert.ok(!names().includes(NAMES[1]));
    });
  });

  describe('contributions', () => {
    type Menu = { command: string; when?: string; group?: string };
    const pkg = () =>
      vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
        contributes: {
          commands: { command: string; icon?: string }[];
          views: Record<string, Record<string, unknown>[]>;
          viewsWelcome: { view: string; contents: string }[];
          menus: Record<string, Menu[]>;
        };
      };

    it('the view is the first pane of the Keysmith container, a tree', () => {
      const first = pkg().contributes.views.keysmith?.[0];
      assert.equal(first?.id, VIEW_ID);
      assert.equal(first?.type ?? 'tree', 'tree');
      assert.equal(first?.icon, 'media/keysmith.svg');
      // VS Code substitutes package.nls.json's text for the %key%s.
      assert.equal(first?.name, 'Stored Keys');
      assert.equal(first?.contextualTitle, 'Keysmith');
    });

    it('with no keys, the pane welcomes with a Store a Key button', () => {
      const welcome = pkg().contributes.viewsWelcome.filter((entry) => entry.view === VIEW_ID);
      assert.equal(welcome.length, 1);
      assert.match(welcome[0]!.contents, /^\[Store a Key\]\(command:keysmith\.storeKey\)$/m);
    });

    it('Store a Key is in the title bar; Copy, Encrypt and Remove are inline on each row', () => {
      const { menus, commands } = pkg().contributes;
      const icon = (id: string) => commands.find((command) => command.command === id)?.icon;
      assert.deepEqual(
        menus['view/title']?.filter((menu) => menu.when === `view == ${VIEW_ID}`),
        [{ command: 'keysmith.storeKey', when: `view == ${VIEW_ID}`, group: 'navigation' }],
      );
      assert.equal(icon('keysmith.storeKey'), '$(add)');
      const inline = (menus['view/item/context'] ?? []).filter(
        (menu) => menu.when === ROW_WHEN && menu.group?.startsWith('inline'),
      );
      assert.deepEqual(
        inline.map((menu) => [menu.command, icon(menu.command)]),
        [
          ['keysmith.copyStoredKey', '$(copy)'],
          ['keysmith.encryptSelectionWithStoredKey', '$(lock)'],
          ['keysmith.removeKey', '$(trash)'],
        ],
      );
    });

    it('Encrypt Selection with This Key is hidden from the Command Palette', () => {
      const palette = pkg().contributes.menus.commandPalette ?? [];
      assert.deepEqual(
        palette.filter((menu) => menu.command === 'keysmith.encryptSelectionWithStoredKey'),
        [{ command: 'keysmith.encryptSelectionWithStoredKey', when: 'false' }],
      );
    });
  });
});

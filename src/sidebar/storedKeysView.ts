/**
 * The Stored Keys pane: a native tree of the key store's names, one row per key, with its actions
 * (copy, encrypt the selection with it, remove) inline and in the row's context menu, and Store a
 * Key in the pane's title bar (package.json `contributes.menus`). It draws from the non-secret
 * index of names only: nothing here reads key material, so no row, label or tooltip can show it.
 * With no key stored, VS Code shows the pane's `viewsWelcome` (a Store a Key button) instead.
 */
import * as vscode from 'vscode';
import { StoredKeyElement } from '../editor/commandArgs';
import type { KeyStore } from '../editor/keyStore';

/** The `viewItem` of a row, which the menus' `when` clauses test. */
const ROW_CONTEXT = 'storedKey';

export class StoredKeysView implements vscode.TreeDataProvider<StoredKeyElement>, vscode.Disposable {
  static readonly viewId = 'keysmith.storedKeys';

  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [this.changed];

  constructor(private readonly keys: KeyStore) {
    // A key stored or removed anywhere (a command, the sidebar, another extension's call) redraws the tree.
    this.subscriptions.push(keys.onDidChange(() => this.changed.fire()));
  }

  /** The rows: one per stored name, sorted as the key store gives them. The tree is flat. */
  getChildren(element?: StoredKeyElement): StoredKeyElement[] {
    return element ? [] : this.keys.names().map((name) => new StoredKeyElement(name));
  }

  /** Rows have no parent (needed by TreeView.reveal). */
  getParent(): undefined {
    return undefined;
  }

  getTreeItem(element: StoredKeyElement): vscode.TreeItem {
    const item = new vscode.TreeItem(element.name, vscode.TreeItemCollapsibleState.None);
    // The name is unique in the store, so it keeps a row's selection and focus across refreshes.
    item.id = element.name;
    item.iconPath = new vscode.ThemeIcon('key');
    item.contextValue = ROW_CONTEXT;
    item.tooltip = vscode.l10n.t(
      'Stored key "{0}": its value stays in VS Code\'s secret storage; envelopes record only its name.',
      element.name,
    );
    item.accessibilityInformation = {
      label: vscode.l10n.t('Stored key {0}', element.name),
      role: 'treeitem',
    };
    return item;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

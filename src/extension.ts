import * as vscode from 'vscode';
import { registerAllCommands } from './commands';
import type { StoredKeyElement } from './editor/commandArgs';
import { envelopeScans } from './editor/envelopeIndex';
import { registerEnvelopeProviders } from './editor/envelopeProviders';
import { registerKeyHover } from './editor/keyHover';
import { KeyStore } from './editor/keyStore';
import { registerPlaintextEditor, setPlaintextWriteDelay } from './editor/plaintextEditor';
import type { Operation } from './protocol';
import { OperationViews, type OperationViewProvider } from './sidebar/sidebarProvider';
import { StoredKeysView } from './sidebar/storedKeysView';

/** What activate() returns to the integration tests (and to nobody else: see below). */
export interface KeysmithTestApi {
  /** The providers of the four operation views (Generate Key, Key Pair, Encrypt, Decrypt). */
  views: Record<Operation, OperationViewProvider>;
  /** The Stored Keys pane's data provider and the tree view VS Code draws from it. */
  storedKeys: StoredKeysView;
  storedKeysTree: vscode.TreeView<StoredKeyElement>;
  /** How many times the envelopes of a document were searched for (once per version at most). */
  envelopeScans: () => number;
  /** Where this host keeps the extension's files (the plaintext editor's disk scan starts there). */
  storage: { globalStorage: vscode.Uri; logs: vscode.Uri };
  /** Holds each save of a plaintext editor into memory this long (a loaded machine's slow save). */
  plaintextWriteDelay: (ms: number) => void;
}

/**
 * Activation only registers (commands, views, the envelope providers); the crypto work happens when
 * a command runs. It happens once start-up has finished (`onStartupFinished`), so the envelope
 * CodeLens, hover and diagnostics are there in any file opened, without running a command first.
 */
export function activate(context: vscode.ExtensionContext): KeysmithTestApi | undefined {
  const keys = new KeyStore(context.secrets, context.globalState);
  context.subscriptions.push(keys);
  const views = new OperationViews(context.extensionUri, keys);
  context.subscriptions.push(views);
  registerAllCommands(context, keys, views);
  registerEnvelopeProviders(context, keys);
  registerKeyHover(context);
  registerPlaintextEditor(context, keys);
  const storedKeys = new StoredKeysView(keys);
  const storedKeysTree = vscode.window.createTreeView(StoredKeysView.viewId, {
    treeDataProvider: storedKeys,
  });
  context.subscriptions.push(storedKeys, storedKeysTree);
  // The views' message handlers are handed out only to the tests that run in the extension host;
  // other extensions get no API from Keysmith.
  return context.extensionMode === vscode.ExtensionMode.Test
    ? {
        views: views.providers,
        storedKeys,
        storedKeysTree,
        envelopeScans,
        storage: { globalStorage: context.globalStorageUri, logs: context.logUri },
        plaintextWriteDelay: setPlaintextWriteDelay,
      }
    : undefined;
}

export function deactivate(): void {}

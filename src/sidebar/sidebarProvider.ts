import * as vscode from 'vscode';
import type { KeyStore } from '../editor/keyStore';
import {
  OPERATION_REQUESTS,
  OPERATIONS,
  parseFromWebview,
  VIEW_ACTIONS,
  type Operation,
  type RequestType,
  type ToWebviewMessage,
  type ViewAction,
} from '../protocol';
import { handleRequest } from './handlers';
import { initMessage, readDefaults } from './init';
import { renderHtml } from './html';

/** The view id of each operation's webview view, as package.json contributes it. */
export const OPERATION_VIEW_IDS = {
  generateKey: 'keysmith.generateKey',
  keyPair: 'keysmith.keyPair',
  encrypt: 'keysmith.encrypt',
  decrypt: 'keysmith.decrypt',
} as const satisfies Record<Operation, string>;

/**
 * One of the Keysmith container's webview views: the form of one operation (`keysmith.<operation>`;
 * one class for the four, told its operation). The webview holds no secret of ours: it gets the
 * stored keys' names, never their material, and the host does all the crypto.
 *
 * No retainContextWhenHidden: hidden (another container, or the pane collapsed), the page is gone,
 * and with it every secret, plaintext and result typed or shown there. Its non-secret choices are
 * kept by the page itself with the webview's setState (src/webview/vscodeApi.ts), which VS Code
 * keeps while the page is away and hands back to the new page; it then asks again (`ready`). A
 * retained context would keep passwords and plaintexts alive in a page no one sees, and cost a
 * renderer's memory for each of four views.
 */
export class OperationViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  readonly viewId: string;
  private view: vscode.WebviewView | undefined;
  /** Whether the page on show has had its init (it is gone while the view is hidden). */
  private pageReady = false;
  /** A title-bar action asked for while the page was not there: run once the page has its init. */
  private pendingAction: ViewAction | undefined;
  private readonly requests: ReadonlySet<RequestType>;
  private readonly posted = new vscode.EventEmitter<ToWebviewMessage>();
  /** Every message sent to the webview, as it is sent (the integration tests listen). */
  readonly onDidPostMessage = this.posted.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    readonly operation: Operation,
    private readonly extensionUri: vscode.Uri,
    private readonly keys: KeyStore,
  ) {
    this.viewId = OPERATION_VIEW_IDS[operation];
    this.requests = new Set<RequestType>(OPERATION_REQUESTS[operation]);
    this.subscriptions = [
      this.posted,
      keys.onDidChange(() => void this.post({ type: 'keyNames', keyNames: keys.names() })),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('keysmith'))
          void this.post({ type: 'defaults', defaults: readDefaults() });
      }),
    ];
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.pageReady = false;
    view.webview.options = {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(this.extensionUri, 'dist'),
        vscode.Uri.joinPath(this.extensionUri, 'media'),
      ],
    };
    view.webview.html = renderHtml(view.webview, this.extensionUri, this.operation);
    const listener = view.webview.onDidReceiveMessage((data: unknown) => {
      // Requests answer their own failures; what is left (settings or the key index unreadable
      // while building `init`) is logged by the host, not left as an unhandled rejection.
      this.answer(view, data).catch((error: unknown) =>
        console.error('Keysmith view:', (error as Error).message),
      );
    });
    // Hidden, the page is gone; shown again, it says `ready` again.
    const visibility = view.onDidChangeVisibility(() => {
      if (!view.visible) this.pageReady = false;
    });
    view.onDidDispose(() => {
      listener.dispose();
      visibility.dispose();
      if (this.view === view) this.view = undefined;
    });
  }

  private async answer(view: vscode.WebviewView, data: unknown): Promise<void> {
    const reply = await this.handleMessage(data);
    if (!reply || this.view !== view) return;
    await this.post(reply);
    if (reply.type !== 'init') return;
    this.pageReady = true;
    if (this.pendingAction) {
      const action = this.pendingAction;
      this.pendingAction = undefined;
      await this.post({ type: 'runAction', action });
    }
  }

  /**
   * Answers one message as the webview sends it: `init` for `ready`, a result or an error for a
   * request of this view's form, and nothing for anything malformed, unknown or of another view's
   * form (it is ignored, never thrown on).
   */
  async handleMessage(data: unknown): Promise<ToWebviewMessage | undefined> {
    const message = parseFromWebview(data);
    if (!message) return undefined;
    if (message.type === 'ready') return initMessage(this.keys);
    if (!this.requests.has(message.type)) return undefined;
    return handleRequest(message, { keys: this.keys });
  }

  /**
   * A title-bar button: the page presses its own button for `action`. When the page is not there
   * (a keybinding while the view is hidden) the view is shown first and the action waits for it.
   */
  async runAction(action: ViewAction): Promise<void> {
    if (!(VIEW_ACTIONS[this.operation] as readonly ViewAction[]).includes(action)) return;
    if (this.view?.visible && this.pageReady) {
      await this.post({ type: 'runAction', action });
      return;
    }
    this.pendingAction = action;
    await vscode.commands.executeCommand(`${this.viewId}.focus`);
  }

  private async post(message: ToWebviewMessage): Promise<void> {
    this.posted.fire(message);
    // A hidden view has no page: the message is dropped, and `ready` brings the state back.
    await this.view?.webview.postMessage(message).then(undefined, () => false);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

/** The four views' providers, registered with VS Code; `dispose` undoes both. */
export class OperationViews implements vscode.Disposable {
  readonly providers: Record<Operation, OperationViewProvider>;
  private readonly registrations: vscode.Disposable[];

  constructor(extensionUri: vscode.Uri, keys: KeyStore) {
    const entries = OPERATIONS.map((operation) => [
      operation,
      new OperationViewProvider(operation, extensionUri, keys),
    ]);
    this.providers = Object.fromEntries(entries) as Record<Operation, OperationViewProvider>;
    this.registrations = OPERATIONS.map((operation) =>
      vscode.window.registerWebviewViewProvider(OPERATION_VIEW_IDS[operation], this.providers[operation]),
    );
  }

  /** Runs a title-bar action in the view of `operation`. */
  run(operation: Operation, action: ViewAction): Promise<void> {
    return this.providers[operation].runAction(action);
  }

  dispose(): void {
    for (const disposable of [...this.registrations, ...Object.values(this.providers)]) disposable.dispose();
  }
}

import * as vscode from 'vscode';
import type { KeyStore } from '../editor/keyStore';
import { parseFromWebview, type ToWebviewMessage } from '../protocol';
import { handleRequest } from './handlers';
import { initMessage, readDefaults } from './init';
import { renderHtml } from './html';

/**
 * The Keysmith sidebar view (`keysmith.sidebar`): a webview with the four operations as forms.
 * The webview holds no secret of ours: it gets the stored keys' names, never their material, and
 * the host does all the crypto. No retainContextWhenHidden: hidden, the page is gone, and it asks
 * again (`ready`) when it comes back.
 */
export class SidebarProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'keysmith.sidebar';

  private view: vscode.WebviewView | undefined;
  private readonly posted = new vscode.EventEmitter<ToWebviewMessage>();
  /** Every message sent to the webview, as it is sent (the integration tests listen). */
  readonly onDidPostMessage = this.posted.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly keys: KeyStore,
  ) {
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
    view.webview.options = {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(this.extensionUri, 'dist'),
        vscode.Uri.joinPath(this.extensionUri, 'media'),
      ],
    };
    view.webview.html = renderHtml(view.webview, this.extensionUri);
    const listener = view.webview.onDidReceiveMessage(async (data: unknown) => {
      const reply = await this.handleMessage(data);
      if (reply && this.view === view) await this.post(reply);
    });
    view.onDidDispose(() => {
      listener.dispose();
      if (this.view === view) this.view = undefined;
    });
  }

  /**
   * Answers one message as the webview sends it: `init` for `ready`, a result or an error for a
   * request, and nothing for anything malformed or unknown (it is ignored, never thrown on).
   */
  async handleMessage(data: unknown): Promise<ToWebviewMessage | undefined> {
    const message = parseFromWebview(data);
    if (!message) return undefined;
    if (message.type === 'ready') return initMessage(this.keys);
    return handleRequest(message, { keys: this.keys });
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

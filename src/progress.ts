import * as vscode from 'vscode';

/**
 * Runs slow crypto (PBKDF2, RSA generation) behind a cancellable notification. Cancelling aborts
 * the signal; the core then discards whatever the thread pool still produces.
 */
export function withCancellableProgress<T>(
  title: string,
  work: (signal: AbortSignal) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (_progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      return work(controller.signal).finally(() => subscription.dispose());
    },
  );
}

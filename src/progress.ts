import * as vscode from 'vscode';
import { KeysmithError } from './core';

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
      // A derivation already running in the thread pool cannot be stopped: stop waiting for it
      // (the core discards and wipes its result when it arrives).
      const cancelled = new Promise<never>((_, reject) =>
        controller.signal.addEventListener('abort', () =>
          reject(new KeysmithError('ABORTED', 'The operation was cancelled.')),
        ),
      );
      const subscription = token.onCancellationRequested(() => controller.abort());
      const running = work(controller.signal);
      running.catch(() => undefined); // its late ABORTED is expected, not unhandled
      return Promise.race([running, cancelled]).finally(() => subscription.dispose());
    },
  );
}

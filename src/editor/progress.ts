/**
 * Slow crypto (PBKDF2, RSA generation) behind a cancellable notification. The core cannot stop
 * work already running in the thread pool, so cancelling stops the waiting: the signal is aborted,
 * the caller gets ABORTED at once, and the core discards (and wipes) whatever arrives later.
 */
import * as vscode from 'vscode';
import { KeysmithError } from '../core';

/** Runs `work` behind a cancellable progress notification titled `title`. */
export function withCancellableProgress<T>(
  title: string,
  work: (signal: AbortSignal) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (_progress, token) => untilCancelled(token, work),
  );
}

/**
 * `work`'s result, or the core's ABORTED as soon as `token` is cancelled (at once if it already
 * is, without starting the work).
 */
export async function untilCancelled<T>(
  token: vscode.CancellationToken,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const aborted = () => new KeysmithError('ABORTED', 'The operation was cancelled.');
  if (token.isCancellationRequested) throw aborted();
  const controller = new AbortController();
  const cancelled = new Promise<never>((_, reject) =>
    controller.signal.addEventListener('abort', () => reject(aborted()), { once: true }),
  );
  const subscription = token.onCancellationRequested(() => controller.abort());
  const running = work(controller.signal);
  running.catch(() => undefined); // its late ABORTED is expected, not unhandled
  try {
    return await Promise.race([running, cancelled]);
  } finally {
    subscription.dispose();
  }
}

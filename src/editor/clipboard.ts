/**
 * Copying secrets the way a password manager does: a copied key or plaintext does not stay on the
 * clipboard — it is cleared after {@link CLIPBOARD_SECONDS}, unless something else replaced it.
 */
import * as vscode from 'vscode';

export const CLIPBOARD_SECONDS = 45;

/** Copies `secret`; the clipboard is cleared in {@link CLIPBOARD_SECONDS} if it still holds it. */
export async function copySecret(secret: string): Promise<void> {
  await vscode.env.clipboard.writeText(secret);
  const timer = setTimeout(() => clearIfStillThere(secret), CLIPBOARD_SECONDS * 1000);
  timer.unref?.();
}

/**
 * Empties the clipboard if it still holds `secret`. A clipboard that cannot be read or written now
 * (the window closing) is left as it is: nothing to tell anyone, and no unhandled rejection.
 */
async function clearIfStillThere(secret: string): Promise<void> {
  try {
    if ((await vscode.env.clipboard.readText()) === secret) await vscode.env.clipboard.writeText('');
  } catch {
    // nothing to do
  }
}

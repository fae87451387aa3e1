/**
 * Copying secrets the way a password manager does: a copied key or plaintext does not stay on the
 * clipboard — it is cleared after {@link CLIPBOARD_SECONDS}, unless something else replaced it.
 */
import * as vscode from 'vscode';

export const CLIPBOARD_SECONDS = 45;

/** Copies `secret`; the clipboard is cleared in {@link CLIPBOARD_SECONDS} if it still holds it. */
export async function copySecret(secret: string): Promise<void> {
  await vscode.env.clipboard.writeText(secret);
  const timer = setTimeout(async () => {
    if ((await vscode.env.clipboard.readText()) === secret) await vscode.env.clipboard.writeText('');
  }, CLIPBOARD_SECONDS * 1000);
  timer.unref?.();
}

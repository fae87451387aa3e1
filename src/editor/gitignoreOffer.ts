/**
 * After a key pair is written: a non-modal warning with a one-click fix when git would commit the
 * private key (see the README's "In the editor"). Git itself is asked by src/node/gitIgnore.ts.
 */
import * as vscode from 'vscode';
import { addToGitignore, gitIgnoreStatus, gitignoreEntry, gitignoreFor } from '../node/gitIgnore';
import { showFailure } from './errors';
import { shortPath } from './paths';

/** Never awaited by the command: the offer may stay open for long. Failures are shown, not thrown. */
export async function offerGitignore(privatePath: string, root: string | undefined): Promise<void> {
  // Running git in a folder means running what its .git/config and PATH lookups say: only in a
  // workspace the user trusts.
  if (!vscode.workspace.isTrusted) return;
  try {
    if ((await gitIgnoreStatus(privatePath)) !== 'not-ignored') return;
    const gitignore = await gitignoreFor(privatePath, root);
    if (!gitignore) return;
    const entry = await gitignoreEntry(gitignore, privatePath);
    const add = vscode.l10n.t('Add to .gitignore');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Keysmith: git would commit the private key {0}. Add it to {1}?',
        shortPath(privatePath),
        shortPath(gitignore),
      ),
      add,
    );
    if (choice !== add) return;
    await addToGitignore(gitignore, entry);
    // Say what git now says, not what was written: a later `!` rule can still un-ignore the key.
    if ((await gitIgnoreStatus(privatePath)) === 'ignored') {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Keysmith: added {0} to {1}.', entry, shortPath(gitignore)),
      );
    } else {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Keysmith: {0} is in {1}, but git still does not ignore {2}: another rule overrides it.',
          entry,
          shortPath(gitignore),
          shortPath(privatePath),
        ),
      );
    }
  } catch (error) {
    showFailure(error);
  }
}

/**
 * After a key pair is written: a non-modal warning with a one-click fix when git would commit the
 * private key (see the README's "In the editor"). Git itself is asked by src/node/gitIgnore.ts.
 *
 * Two cases, the worse one first: git already tracks the file (a key written over a committed
 * one; no .gitignore line can help, since rules never apply to tracked files), then the offer is
 * to stop tracking it (`git rm --cached`, the file stays) and ignore it; or git would pick the new
 * file up, then the offer is the .gitignore entry. Either way the entry covers the writer's
 * temporary files too.
 */
import * as vscode from 'vscode';
import {
  addToGitignore,
  gitIgnoreStatus,
  gitignoreEntries,
  gitignoreFor,
  gitStopTracking,
  gitTracks,
} from '../node/gitIgnore';
import { EditorError, showFailure } from './errors';
import { shortPath } from './paths';

/** Never awaited by the command: the offer may stay open for long. Failures are shown, not thrown. */
export async function offerGitignore(privatePath: string, root: string | undefined): Promise<void> {
  // Running git in a folder means running what its .git/config and PATH lookups say: only in a
  // workspace the user trusts.
  if (!vscode.workspace.isTrusted) return;
  try {
    const tracked = await gitTracks(privatePath);
    if (tracked === undefined) return;
    if (!tracked && (await gitIgnoreStatus(privatePath)) !== 'not-ignored') return;
    const gitignore = await gitignoreFor(privatePath, root);
    if (!gitignore) return;
    const entries = await gitignoreEntries(gitignore, privatePath);
    const key = shortPath(privatePath);
    if (tracked) {
      const stop = vscode.l10n.t('Stop Tracking and Ignore');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Keysmith: git already tracks {0}, so the next commit would include this private key. Stop tracking it (git rm --cached; the file stays) and add it to {1}?',
          key,
          shortPath(gitignore),
        ),
        stop,
      );
      if (choice !== stop) return;
      // The rules first: if git cannot stop tracking, the .gitignore line is still right to have.
      if ((await gitIgnoreStatus(privatePath, true)) !== 'ignored') await addToGitignore(gitignore, entries);
      const refused = await gitStopTracking(privatePath);
      if (refused !== undefined) {
        throw new EditorError(
          'WRITE_FAILED',
          vscode.l10n.t('git could not stop tracking {0}: {1}', key, refused),
        );
      }
    } else {
      const add = vscode.l10n.t('Add to .gitignore');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Keysmith: git would commit the private key {0}. Add it to {1}?',
          key,
          shortPath(gitignore),
        ),
        add,
      );
      if (choice !== add) return;
      await addToGitignore(gitignore, entries);
    }
    // Say what git now says, not what was written: a later `!` rule can still un-ignore the key.
    if ((await gitIgnoreStatus(privatePath)) === 'ignored') {
      void vscode.window.showInformationMessage(
        tracked
          ? vscode.l10n.t(
              'Keysmith: git no longer tracks {0} and ignores it; commit that change. Earlier commits still hold the key that was there before: treat it as exposed.',
              key,
            )
          : vscode.l10n.t('Keysmith: added {0} to {1}.', entries[0]!, shortPath(gitignore)),
      );
    } else {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Keysmith: {0} is in {1}, but git still does not ignore {2}: another rule overrides it.',
          entries[0]!,
          shortPath(gitignore),
          key,
        ),
      );
    }
  } catch (error) {
    showFailure(error);
  }
}

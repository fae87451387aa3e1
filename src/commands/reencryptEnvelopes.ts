import * as vscode from 'vscode';
import { showFailure } from '../editor/errors';
import type { KeyStore } from '../editor/keyStore';
import { RotationFailure, rotateEnvelopes, type RotateResult } from '../editor/rotate';

/**
 * `keysmith.reencryptEnvelopes`: every envelope of the active file or of the workspace
 * re-encrypted to a new key or password, all or nothing — interactively (scope, summary, the old
 * secrets, the new one), or from `{scope?, from?, to}` without any prompt. Failures and the
 * outcome are notifications. Returns what was done, or undefined when nothing changed.
 */
export async function reencryptEnvelopesCommand(
  keys: KeyStore,
  args?: unknown,
): Promise<RotateResult | undefined> {
  try {
    const done = await rotateEnvelopes(keys, args);
    if (!done) return undefined;
    const what =
      done.count === 1
        ? vscode.l10n.t('Keysmith: re-encrypted 1 envelope with {0}.', done.target)
        : done.files === 1
          ? vscode.l10n.t('Keysmith: re-encrypted {0} envelopes in 1 file with {1}.', done.count, done.target)
          : vscode.l10n.t(
              'Keysmith: re-encrypted {0} envelopes in {1} files with {2}.',
              done.count,
              done.files,
              done.target,
            );
    const notes = [
      ...(done.unsaved > 0
        ? [vscode.l10n.t('{0} file(s) with unsaved changes were left unsaved.', done.unsaved)]
        : []),
      ...(done.tooLarge > 0
        ? [vscode.l10n.t('{0} file(s) too large to read were skipped.', done.tooLarge)]
        : []),
    ];
    void vscode.window.showInformationMessage([what, ...notes].join(' '));
    return done;
  } catch (error) {
    if (error instanceof RotationFailure)
      showFailure(error.failure, { items: error.items, nothingChanged: true });
    else showFailure(error, { nothingChanged: true });
    return undefined;
  }
}

/**
 * The Quick Fix of the weak-iterations Warning: the envelope re-encrypted with the same password
 * and the configured iteration count (a new salt and IV), in its place and form, as one edit.
 */
import * as vscode from 'vscode';
import { decryptBytes, encrypt, envelopeChange, limits, type Envelope } from '../core';
import { readConfig } from './config';
import { envelopeAtOffset, envelopesOf, formatOf } from './envelopeIndex';
import { EditorError } from './errors';
import { withCancellableProgress } from './progress';
import { askPassword } from './secretPrompts';

/** Whether the envelope is one the fix applies to: a password envelope below the weak bound. */
export function isWeak(envelope: Envelope | undefined): envelope is Envelope & { iterations: number } {
  return envelope?.iterations !== undefined && envelope.iterations < limits.WEAK_ITERATIONS;
}

/**
 * Asks for the password once, opens the envelope at `offset` and writes a fresh one of the
 * configured iterations in its place. Resolves false when the prompt is cancelled; throws (the
 * document unchanged) when the envelope is not a password one, the password is wrong, or the
 * document changed meanwhile.
 */
export async function reencryptWeakEnvelope(document: vscode.TextDocument, offset: number): Promise<boolean> {
  const version = document.version;
  const found = envelopeAtOffset(document, offset);
  if (found.error) throw found.error;
  const old = found.envelope!;
  if (old.kdf === undefined) {
    throw new EditorError(
      'NO_ENVELOPE',
      vscode.l10n.t('This envelope is locked with a key, not a password: it has no iterations to raise.'),
    );
  }
  const secret = await askPassword(false);
  if (!secret || !('password' in secret)) return false;
  const { iterations } = readConfig(document.uri);
  const fresh = await withCancellableProgress(
    vscode.l10n.t('Keysmith: deriving the key from the password…'),
    async (signal) => {
      const { plaintext } = await decryptBytes({ envelope: old, password: secret.password, signal });
      try {
        return await encrypt({ plaintext, password: secret.password, iterations, signal });
      } finally {
        plaintext.fill(0); // the plaintext is needed only until it is sealed again
      }
    },
  );
  if (document.isClosed || document.version !== version) throw documentChanged();
  // Found again in this version (the same list, from the cache): `found` is from it already.
  const current = envelopesOf(document).find((other) => other.start === found.start);
  if (!current) throw documentChanged();
  const change = envelopeChange(document.getText(), formatOf(document), current, fresh);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(
    document.uri,
    new vscode.Range(document.positionAt(change.start), document.positionAt(change.end)),
    change.text,
  );
  if (!(await vscode.workspace.applyEdit(edit))) {
    throw new EditorError(
      'READ_ONLY',
      vscode.l10n.t('This document cannot be changed (it may be read-only).'),
    );
  }
  return true;
}

function documentChanged(): EditorError {
  return new EditorError(
    'DOCUMENT_CHANGED',
    vscode.l10n.t(
      'The document changed while {0}; nothing was replaced. Run the command again.',
      vscode.l10n.t('re-encrypting'),
    ),
  );
}

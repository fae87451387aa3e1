import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import { encryptBatch, serializeEnvelope, type Envelope } from '../core';
import { readConfig } from '../config';
import { errorMessage } from '../errors';
import type { KeyStore } from '../keyStore';
import { withCancellableProgress } from '../progress';
import { askForEncryptionSecret, secretFromArgs, type Secret } from '../secretPrompts';
import { EditorError, indexedAmong, showSelectionFailure } from './editorError';
import { replaceAll } from './replaceAll';

/**
 * Encrypt Selection as a command: {@link encryptSelections} with the secret asked for (or read
 * from the argument), and any failure shown as a notification. Returns whether the document changed.
 *
 * Argument (optional, no prompts): `{ key }`, `{ password }` or `{ keyName }`.
 */
export async function encryptSelection(keys: KeyStore, args?: unknown): Promise<boolean> {
  try {
    const done = await encryptSelections(() =>
      args === undefined
        ? askForEncryptionSecret(keys)
        : secretFromArgs(keys, args, CommandId.encryptSelection),
    );
    return done !== undefined;
  } catch (error) {
    showSelectionFailure(error, (failure) => errorMessage(failure, vscode.l10n.t('selection')));
    return false;
  }
}

/**
 * Replaces every non-empty selection of the active editor with an envelope of its text, in one
 * edit. A password is derived once for all of them (with a cancellable progress notification).
 * `getSecret` runs once the editor has something to encrypt; it resolves undefined when the user
 * cancels a prompt, and then so does this.
 *
 * Shows nothing: it throws an {@link EditorError} (NO_EDITOR, NO_SELECTION, DOCUMENT_CHANGED,
 * READ_ONLY), the core's KeysmithError (ABORTED when the derivation is cancelled; an `index` only
 * when there are several selections), or what `getSecret` throws. On any failure the document is
 * left as it was.
 */
export async function encryptSelections(
  getSecret: () => Promise<Secret | undefined>,
): Promise<{ count: number } | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    throw new EditorError('NO_EDITOR', vscode.l10n.t('open a text editor and select the text to encrypt.'));
  }
  const selections = editor.selections.filter((selection) => !selection.isEmpty);
  if (selections.length === 0) {
    throw new EditorError('NO_SELECTION', vscode.l10n.t('select the text to encrypt.'));
  }
  const { document } = editor;
  const version = document.version;
  const plaintexts = selections.map((selection) => document.getText(selection));

  const secret = await getSecret();
  if (!secret) return undefined;
  const config = readConfig(document.uri);
  let envelopes: Envelope[];
  try {
    envelopes = await encryptWith(secret, plaintexts, config.iterations);
  } catch (error) {
    throw indexedAmong(selections.length, error);
  }
  const texts = envelopes.map((envelope) => serializeEnvelope(envelope, { pretty: config.prettyEnvelopes }));
  await replaceAll(editor, version, selections, texts, vscode.l10n.t('encrypting'));
  return { count: selections.length };
}

function encryptWith(secret: Secret, plaintexts: string[], iterations: number): Promise<Envelope[]> {
  if ('key' in secret) {
    return encryptBatch({
      plaintexts,
      key: secret.key,
      ...(secret.keyName !== undefined && { kid: secret.keyName }),
    });
  }
  return Promise.resolve(
    withCancellableProgress(vscode.l10n.t('Keysmith: deriving the key from the password…'), (signal) =>
      encryptBatch({ plaintexts, password: secret.password, iterations, signal }),
    ),
  );
}

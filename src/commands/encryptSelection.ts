import * as vscode from 'vscode';
import { encryptBatch, serializeEnvelope, type Envelope } from '../core';
import { readConfig } from '../config';
import { showError } from '../errors';
import type { KeyStore } from '../keyStore';
import { withCancellableProgress } from '../progress';
import { askForEncryptionSecret, secretFromArgs, type Secret } from '../secretPrompts';
import { replaceAll } from './replaceAll';

/**
 * Replaces every non-empty selection with an envelope of its text, in one edit. A password is
 * derived once for all of them (with a cancellable progress notification). On any failure the
 * document is left as it was.
 *
 * Argument (optional, no prompts): `{ key }`, `{ password }` or `{ keyName }`.
 */
export async function encryptSelection(keys: KeyStore, args?: unknown): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Keysmith: open a text editor and select the text to encrypt.'),
    );
    return false;
  }
  const selections = editor.selections.filter((selection) => !selection.isEmpty);
  if (selections.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Keysmith: select the text to encrypt.'));
    return false;
  }
  const { document } = editor;
  const version = document.version;
  const plaintexts = selections.map((selection) => document.getText(selection));

  let envelopes: Envelope[];
  try {
    const secret =
      args === undefined
        ? await askForEncryptionSecret(keys)
        : await secretFromArgs(keys, args, 'keysmith.encryptSelection');
    if (!secret) return false;
    const config = readConfig(document.uri);
    envelopes = await encryptWith(secret, plaintexts, config.iterations);
    const texts = envelopes.map((envelope) =>
      serializeEnvelope(envelope, { pretty: config.prettyEnvelopes }),
    );
    return await replaceAll(editor, version, selections, texts, vscode.l10n.t('encrypting'));
  } catch (error) {
    if (!isCancellation(error)) showError(error);
    return false;
  }
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

export function isCancellation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ABORTED';
}

import type * as vscode from 'vscode';
import { showFailure } from '../editor/errors';
import type { KeyStore } from '../editor/keyStore';
import { peekEnvelopeAtCursor } from '../editor/plaintextEditor';

/**
 * `keysmith.peekEnvelope`: the plaintext of the envelope at the cursor in VS Code's peek widget,
 * read-only and in memory (the document does not change). `{key}|{password}|{keyName}` opens it
 * without a prompt. Returns the peeked document's URI (no secret in it), or undefined.
 */
export async function peekEnvelopeCommand(keys: KeyStore, args?: unknown): Promise<vscode.Uri | undefined> {
  void keys; // the plaintext editor opens envelopes with the extension's key store
  try {
    return await peekEnvelopeAtCursor(args);
  } catch (error) {
    showFailure(error);
    return undefined;
  }
}

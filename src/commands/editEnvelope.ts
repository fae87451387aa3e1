import type * as vscode from 'vscode';
import { showFailure } from '../editor/errors';
import type { KeyStore } from '../editor/keyStore';
import { editEnvelopeAtCursor } from '../editor/plaintextEditor';

/**
 * `keysmith.editEnvelope`: the plaintext of the envelope at the cursor in an in-memory editor of
 * its own; saving it writes a fresh envelope back (see src/editor/plaintextEditor.ts).
 * `{key}|{password}|{keyName}` opens it without a prompt. Returns the editor's URI, or undefined.
 */
export async function editEnvelopeCommand(keys: KeyStore, args?: unknown): Promise<vscode.Uri | undefined> {
  void keys; // the plaintext editor opens envelopes with the extension's key store
  try {
    return await editEnvelopeAtCursor(args);
  } catch (error) {
    showFailure(error);
    return undefined;
  }
}

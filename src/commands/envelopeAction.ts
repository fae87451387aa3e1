import { showFailure } from '../editor/errors';
import { runEnvelopeAction } from '../editor/envelopeActions';
import type { KeyStore } from '../editor/keyStore';

/**
 * `keysmith.envelopeAction` (what the envelope CodeLens, hover links and Quick Fix run):
 * `{ uri, offset, action: 'decrypt' | 'peek' | 'edit' | 'reencrypt' }` on the envelope at that
 * offset of that open document. Returns what the action's command returns; a bad argument or a
 * failure of the re-encryption is a notification (and undefined).
 */
export async function envelopeActionCommand(keys: KeyStore, args?: unknown): Promise<unknown> {
  void keys; // the actions' own commands use the key store
  try {
    return await runEnvelopeAction(args);
  } catch (error) {
    showFailure(error, { nothingChanged: true });
    return undefined;
  }
}

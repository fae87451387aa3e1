import { CommandId } from '../commandIds';
import { ItemNoun, showFailure } from '../editor/errors';
import type { KeyStore } from '../editor/keyStore';
import { openEnvelopes } from '../editor/openEnvelopes';
import { decryptSelectionsWith, showEnvelopeWarnings } from '../editor/selectionCrypto';

/**
 * `keysmith.decryptSelection`: every selected envelope (or the one around the cursor) becomes its
 * plaintext, written valid for the file's format — a stored key for an envelope whose `kid` names
 * one (another key offered when it no longer fits) and the rest asked for, or one
 * secret from the argument (`{ key }`, `{ password }` or `{ keyName }`, then without prompts) for
 * all. The envelopes' warnings and any failure are notifications. Returns whether the document changed.
 */
export async function decryptSelectionCommand(keys: KeyStore, args?: unknown): Promise<boolean> {
  try {
    const done = await decryptSelectionsWith(async (envelopes) => {
      const opened = await openEnvelopes(keys, envelopes, {
        ...(args !== undefined && { given: args }),
        command: CommandId.decryptSelection,
      });
      return opened?.plaintexts;
    });
    if (!done) return false;
    showEnvelopeWarnings(done.warnings);
    return true;
  } catch (error) {
    showFailure(error, { items: ItemNoun.envelope, nothingChanged: true });
    return false;
  }
}

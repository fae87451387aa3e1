import { CommandId } from '../commandIds';
import { secretFromArgs } from '../editor/commandArgs';
import { ItemNoun, showFailure } from '../editor/errors';
import type { KeyStore } from '../editor/keyStore';
import { askForDecryptionSecrets } from '../editor/secretPrompts';
import { decryptSelections, showEnvelopeWarnings } from '../editor/selectionCrypto';

/**
 * `keysmith.decryptSelection`: every selected envelope (or the one around the cursor) becomes its
 * plaintext — a stored key for an envelope whose `kid` names one and the rest asked for, or one
 * secret from the argument (`{ key }`, `{ password }` or `{ keyName }`, then without prompts) for
 * all. The envelopes' warnings and any failure are notifications. Returns whether the document changed.
 */
export async function decryptSelectionCommand(keys: KeyStore, args?: unknown): Promise<boolean> {
  try {
    const done = await decryptSelections((envelopes) =>
      args === undefined
        ? askForDecryptionSecrets(keys, envelopes)
        : secretFromArgs(keys, args, CommandId.decryptSelection),
    );
    if (!done) return false;
    showEnvelopeWarnings(done.warnings);
    return true;
  } catch (error) {
    showFailure(error, { items: ItemNoun.envelope, nothingChanged: true });
    return false;
  }
}

import { CommandId } from '../commandIds';
import { secretFromArgs } from '../editor/commandArgs';
import { ItemNoun, showFailure } from '../editor/errors';
import type { KeyStore } from '../editor/keyStore';
import { askForEncryptionSecret } from '../editor/secretPrompts';
import { encryptSelections } from '../editor/selectionCrypto';

/**
 * `keysmith.encryptSelection`: every selection becomes an envelope, with the secret asked for (or
 * read from the argument `{ key }`, `{ password }` or `{ keyName }`, then without prompts).
 * Failures are notifications. Returns whether the document changed.
 */
export async function encryptSelectionCommand(keys: KeyStore, args?: unknown): Promise<boolean> {
  try {
    const done = await encryptSelections(() =>
      args === undefined
        ? askForEncryptionSecret(keys)
        : secretFromArgs(keys, args, CommandId.encryptSelection),
    );
    return done !== undefined;
  } catch (error) {
    showFailure(error, { items: ItemNoun.selection });
    return false;
  }
}

import type { KeyInfo } from '../core';
import { showFailure } from '../editor/errors';
import { inspectKeyCommandRun } from '../editor/keyActions';

/**
 * `keysmith.inspectKey` (Inspect Key): what the selected key, the key at the cursor or the file's
 * key is, in a notification with Copy buttons. `{text, passphrase?}` inspects without a prompt.
 * Returns the KeyInfo (an array for a JWKS), or undefined.
 */
export async function inspectKeyCommand(args?: unknown): Promise<KeyInfo | KeyInfo[] | undefined> {
  try {
    return await inspectKeyCommandRun(args);
  } catch (error) {
    showFailure(error);
    return undefined;
  }
}

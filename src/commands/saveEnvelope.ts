import { showFailure } from '../editor/errors';
import { saveActivePlaintext } from '../editor/plaintextEditor';

/**
 * `keysmith.saveEnvelope` (Ctrl+S / Cmd+S in a plaintext editor, and its title-bar button): the
 * editor's text written back into its source as a fresh envelope. Returns whether it was written.
 */
export async function saveEnvelopeCommand(): Promise<boolean> {
  try {
    return await saveActivePlaintext();
  } catch (error) {
    showFailure(error, { nothingChanged: true });
    return false;
  }
}

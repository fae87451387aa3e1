import { showFailure } from '../editor/errors';
import { copyKeyAs } from '../editor/keyActions';

/**
 * `keysmith.copyKeyAs {uri, line, character, to, public?}` (the key hover's Copy links; hidden from
 * the Command Palette): the key at that position, read again from the document, copied as `to`.
 */
export async function copyKeyAsCommand(args?: unknown): Promise<boolean> {
  try {
    return await copyKeyAs(args);
  } catch (error) {
    showFailure(error);
    return false;
  }
}

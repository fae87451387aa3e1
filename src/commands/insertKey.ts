import * as vscode from 'vscode';
import { keyGenerator, type KeyType } from '../core';
import { readInsertKeyArgs } from '../editor/commandArgs';
import { withKeySettings } from '../editor/config';
import { replaceSelections, requireEditor } from '../editor/edits';
import { showFailure } from '../editor/errors';
import { pickKeyType } from '../editor/keyTypePicker';

/**
 * `keysmith.insertKey`: a freshly generated key at every cursor — a distinct value per cursor,
 * selections replaced — in one edit, so one undo removes them all. Without an argument it asks
 * which kind; the argument is the core's key options (`{type, prefix?, length?, alphabet?}`), what
 * it leaves out coming from the settings. Returns whether the document changed.
 */
export async function insertKeyCommand(args?: unknown): Promise<boolean> {
  try {
    const editor = requireEditor(vscode.l10n.t('Open a text editor to insert a key.'));
    const scope = editor.document.uri;
    const request = args === undefined ? await pickKeyType(scope) : readInsertKeyArgs(args);
    if (!request) return false;
    const { next } = keyGenerator(withKeySettings(request, scope));
    await replaceSelections(
      editor,
      editor.selections.map(() => next()),
    );
    return true;
  } catch (error) {
    showFailure(error);
    return false;
  }
}

/** The shortcut commands for one type, e.g. `keysmith.insertUuid`: `insertKey` with that type. */
export function insertKeyOfTypeCommand(type: KeyType): (args?: unknown) => Promise<boolean> {
  return (args?: unknown) => {
    const extra = typeof args === 'object' && args !== null ? args : {};
    return insertKeyCommand({ ...extra, type });
  };
}

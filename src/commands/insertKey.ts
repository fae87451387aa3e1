import * as vscode from 'vscode';
import { KEY_TYPES, keyGenerator, type GenerateKeyOptions, type KeyType } from '../core';
import { readConfig, withKeySettings } from '../config';
import { showError } from '../errors';

/** The argument keybindings, tasks and tests pass to `keysmith.insertKey`: the core's key options. */
export type InsertKeyArgs = GenerateKeyOptions;

interface KeyTypeItem extends vscode.QuickPickItem {
  type: KeyType;
}

/**
 * Inserts a freshly generated key at every cursor — a distinct value per cursor, selections
 * replaced — in one edit, so one undo removes them all. Returns whether the document changed.
 */
export async function insertKey(args?: unknown): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Keysmith: open a text editor to insert a key.'));
    return false;
  }
  const request = args === undefined ? await pickKeyType() : readArgs(args);
  if (!request) return false;

  let next: () => string;
  try {
    next = keyGenerator(withKeySettings(request, editor.document.uri)).next;
  } catch (error) {
    showError(error);
    return false;
  }
  const selections = editor.selections;
  const inserted = await editor.edit((edit) => {
    for (const selection of selections) edit.replace(selection, next());
  });
  if (!inserted) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Keysmith: this editor cannot be changed (it may be read-only).'),
    );
  }
  return inserted;
}

/** A shortcut command for one type, e.g. `keysmith.insertUuid`. */
export function insertKeyOfType(type: KeyType): (args?: unknown) => Promise<boolean> {
  return (args?: unknown) => {
    const extra = typeof args === 'object' && args !== null ? args : {};
    return insertKey({ ...extra, type });
  };
}

function readArgs(args: unknown): InsertKeyArgs | undefined {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    showError(
      new Error(
        vscode.l10n.t('the argument of keysmith.insertKey must be an object such as {"type": "uuid-v4"}.'),
      ),
    );
    return undefined;
  }
  const { type } = args as { type?: unknown };
  if (typeof type !== 'string' || !(KEY_TYPES as readonly string[]).includes(type)) {
    showError(new Error(vscode.l10n.t('type must be one of {0}.', KEY_TYPES.join(', '))));
    return undefined;
  }
  return args as InsertKeyArgs;
}

async function pickKeyType(): Promise<InsertKeyArgs | undefined> {
  const config = readConfig(vscode.window.activeTextEditor?.document.uri);
  const bits = (type: KeyType) => {
    try {
      return keyGenerator(withKeySettings({ type }, vscode.window.activeTextEditor?.document.uri))
        .entropyBits;
    } catch {
      return undefined;
    }
  };
  const describe = (type: KeyType) => {
    const entropy = bits(type);
    return entropy === undefined
      ? vscode.l10n.t('check the keysmith settings for this type')
      : vscode.l10n.t('{0} bits of entropy', entropy);
  };
  const items: KeyTypeItem[] = [
    {
      type: 'api-key',
      label: vscode.l10n.t('API key'),
      description: `${config.apiKeyPrefix}_…`,
      detail: vscode.l10n.t('{0} + 64 hex characters · {1}', `${config.apiKeyPrefix}_`, describe('api-key')),
    },
    {
      type: 'uuid-v4',
      label: vscode.l10n.t('UUID v4'),
      description: 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx',
      detail: vscode.l10n.t('RFC 9562 version 4 · {0}', describe('uuid-v4')),
    },
    {
      type: 'nanoid',
      label: vscode.l10n.t('Nanoid'),
      description: vscode.l10n.t('{0} characters', config.nanoidLength),
      detail: config.nanoidAlphabet
        ? vscode.l10n.t(
            'your alphabet of {0} characters · {1}',
            config.nanoidAlphabet.length,
            describe('nanoid'),
          )
        : vscode.l10n.t('URL-safe A–Z a–z 0–9 _ - · {0}', describe('nanoid')),
    },
    {
      type: 'secret',
      label: vscode.l10n.t('Hex secret'),
      description: vscode.l10n.t('{0} hex characters', config.secretLength),
      detail: vscode.l10n.t('for session secrets and CSRF tokens · {0}', describe('secret')),
    },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Insert Key'),
    placeHolder: vscode.l10n.t('What kind of key? A distinct value goes in at every cursor.'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked && { type: picked.type };
}

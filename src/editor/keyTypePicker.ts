/** Insert Key's question without an argument: which kind of key, each with what the settings make of it. */
import * as vscode from 'vscode';
import { keyGenerator, type GenerateKeyOptions, type KeyType } from '../core';
import { readConfig, withKeySettings } from './config';

interface KeyTypeItem extends vscode.QuickPickItem {
  type: KeyType;
}

export async function pickKeyType(scope?: vscode.Uri): Promise<GenerateKeyOptions | undefined> {
  const config = readConfig(scope);
  const bits = (type: KeyType) => {
    try {
      return keyGenerator(withKeySettings({ type }, scope)).entropyBits;
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

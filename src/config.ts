/**
 * The one typed reader of Keysmith's settings (mirrors `contributes.configuration`). Values are
 * read when used, so a change in Settings applies to the next command without a reload.
 */
import * as vscode from 'vscode';

export interface KeysmithConfig {
  apiKeyPrefix: string;
  nanoidLength: number;
  nanoidAlphabet: string;
  secretLength: number;
}

export function readConfig(scope?: vscode.ConfigurationScope): KeysmithConfig {
  const config = vscode.workspace.getConfiguration('keysmith', scope);
  return {
    apiKeyPrefix: config.get<string>('apiKey.prefix', 'sk'),
    nanoidLength: config.get<number>('nanoid.length', 21),
    nanoidAlphabet: config.get<string>('nanoid.alphabet', ''),
    secretLength: config.get<number>('secret.length', 64),
  };
}

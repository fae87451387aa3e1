/**
 * The answer to the webview's `ready`: the stored keys' names (never their material), the
 * settings' defaults and the strings the page shows by itself, rendered here through vscode.l10n.
 */
import * as vscode from 'vscode';
import { readConfig } from '../editor/config';
import type { KeyStore } from '../editor/keyStore';
import type { Defaults, InitMessage, WebviewStrings } from '../protocol';

export function initMessage(keys: KeyStore): InitMessage {
  return { type: 'init', keyNames: keys.names(), defaults: readDefaults(), strings: webviewStrings() };
}

export function readDefaults(): Defaults {
  // Everything the config holds but what the forms do not use.
  const {
    iterations: _iterations,
    prettyEnvelopes: _pretty,
    ...defaults
  } = readConfig(vscode.window.activeTextEditor?.document.uri);
  return defaults;
}

function webviewStrings(): WebviewStrings {
  return {
    bitsOfEntropy: vscode.l10n.t('{0} bits of entropy'),
    reveal: vscode.l10n.t('Reveal'),
    hide: vscode.l10n.t('Hide'),
    masked: vscode.l10n.t('Hidden. Press Reveal to show it.'),
    working: vscode.l10n.t('Working…'),
    generatingPair: vscode.l10n.t('Generating an {0} key pair…'),
    derivingKey: vscode.l10n.t('Deriving the key from the password…'),
    passwordsDiffer: vscode.l10n.t('The passwords do not match.'),
    needPassword: vscode.l10n.t('Type the password.'),
    needKey: vscode.l10n.t('Type or paste the 64-hex key.'),
    needPlaintext: vscode.l10n.t('Type the text to encrypt.'),
    needEnvelope: vscode.l10n.t('Paste an envelope.'),
    noStoredKeys: vscode.l10n.t('No stored keys yet (Keysmith: Store a Key…)'),
    replace: vscode.l10n.t('Replace them'),
  };
}

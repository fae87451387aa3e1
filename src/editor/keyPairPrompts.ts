/**
 * The questions of Generate Key Pair without an argument: algorithm, size or curve, then the name
 * (with a folder open) or a save dialog (without one), and a modal confirmation before replacing
 * files. Every function returns undefined when the user presses Escape.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { EC_CURVES, RSA_KEY_SIZES, type EcCurve, type RsaKeySize } from '../core';
import { existingPaths, isValidKeyName, keyPairPaths, PRIVATE_SUFFIX } from '../node/keyPairFiles';
import { shortPath } from './paths';

/** What to generate, with every default filled in. */
export type KeySpec = { algorithm: 'RSA'; keySize: RsaKeySize } | { algorithm: 'EC'; curve: EcCurve };
export type Algorithm = KeySpec['algorithm'];

interface AlgorithmItem extends vscode.QuickPickItem {
  algorithm: Algorithm;
}

export async function pickAlgorithm(): Promise<Algorithm | undefined> {
  const items: AlgorithmItem[] = [
    {
      algorithm: 'RSA',
      label: 'RSA',
      description: vscode.l10n.t('2048, 3072 or 4096 bits'),
      detail: vscode.l10n.t(
        'The widest support: RS256 JWTs, older systems. Larger keys, slower to generate.',
      ),
    },
    {
      algorithm: 'EC',
      label: 'EC',
      description: vscode.l10n.t('P-256, P-384 or P-521'),
      detail: vscode.l10n.t('Elliptic curve: small keys, fast; ES256/ES384/ES512 JWTs, modern TLS.'),
    },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Generate Key Pair (1/3)'),
    placeHolder: vscode.l10n.t('Which algorithm?'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.algorithm;
}

interface SpecItem extends vscode.QuickPickItem {
  spec: KeySpec;
}

/** The setting's value first, marked as the default; the others in ascending order. */
export async function pickSizeOrCurve(
  algorithm: Algorithm,
  defaultSize: RsaKeySize,
  defaultCurve: EcCurve,
): Promise<KeySpec | undefined> {
  const isDefault = vscode.l10n.t('default');
  let items: SpecItem[];
  if (algorithm === 'RSA') {
    const detail: Record<RsaKeySize, string> = {
      2048: vscode.l10n.t('The minimum still considered safe; the fastest.'),
      3072: vscode.l10n.t('128-bit security, recommended beyond 2030.'),
      4096: vscode.l10n.t('The most margin; generation takes a second or more.'),
    };
    items = [defaultSize, ...RSA_KEY_SIZES.filter((size) => size !== defaultSize)].map((keySize) => ({
      spec: { algorithm: 'RSA', keySize },
      label: vscode.l10n.t('{0} bits', keySize),
      description: keySize === defaultSize ? isDefault : undefined,
      detail: detail[keySize],
    }));
  } else {
    const detail: Record<EcCurve, string> = {
      'P-256': vscode.l10n.t('secp256r1: ES256 JWTs, the most widely supported.'),
      'P-384': vscode.l10n.t('secp384r1: ES384.'),
      'P-521': vscode.l10n.t('secp521r1: ES512.'),
    };
    items = [defaultCurve, ...EC_CURVES.filter((curve) => curve !== defaultCurve)].map((curve) => ({
      spec: { algorithm: 'EC', curve },
      label: curve,
      description: curve === defaultCurve ? isDefault : undefined,
      detail: detail[curve],
    }));
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Generate Key Pair (2/3)'),
    placeHolder: algorithm === 'RSA' ? vscode.l10n.t('Key size?') : vscode.l10n.t('Curve?'),
  });
  return picked?.spec;
}

/** The pair's name in `folder`, warning (not refusing) when its files exist. */
export async function askKeyPairName(folder: string, suggestion: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('Generate Key Pair (3/3)'),
    prompt: vscode.l10n.t(
      'Name of the key pair: the files are <name>{0} and <name>_public.pem in {1}.',
      PRIVATE_SUFFIX,
      shortPath(folder),
    ),
    value: suggestion,
    validateInput: async (value) => {
      if (!isValidKeyName(value)) {
        return vscode.l10n.t('Use 1 to 64 of A–Z a–z 0–9 . _ -');
      }
      const { privatePath, publicPath } = keyPairPaths(folder, value);
      const existing = await existingPaths([privatePath, publicPath]).catch(() => []);
      if (existing.length === 0) return undefined;
      return {
        message: vscode.l10n.t(
          '{0} exists: you will be asked before it is replaced.',
          existing.map((file) => path.basename(file)).join(', '),
        ),
        severity: vscode.InputBoxValidationSeverity.Warning,
      };
    },
  });
}

/** Without a folder open: where the private key goes (the public key goes next to it). */
export async function askPrivateKeyPath(suggestion: string): Promise<vscode.Uri | undefined> {
  return vscode.window.showSaveDialog({
    title: vscode.l10n.t('Save the private key (the public key goes next to it)'),
    saveLabel: vscode.l10n.t('Save Private Key'),
    defaultUri: vscode.Uri.file(path.join(homedir(), suggestion + PRIVATE_SUFFIX)),
    filters: { [vscode.l10n.t('PEM files')]: ['pem'] },
  });
}

export async function confirmOverwrite(existing: readonly string[]): Promise<boolean> {
  const overwrite = vscode.l10n.t('Overwrite');
  const choice = await vscode.window.showWarningMessage(
    existing.length === 1
      ? vscode.l10n.t('{0} already exists. Replace it with the new key pair?', shortPath(existing[0]!))
      : vscode.l10n.t(
          '{0} already exist. Replace them with the new key pair?',
          existing.map(shortPath).join(', '),
        ),
    { modal: true, detail: vscode.l10n.t('The old keys cannot be recovered afterwards.') },
    overwrite,
  );
  return choice === overwrite;
}

/**
 * The questions of Generate Key Pair without an argument: algorithm, size or curve (not for
 * Ed25519), format (PEM, OpenSSH, JWK), an optional passphrase typed twice (not for JWK), then the
 * name (with a folder open) or a save dialog (without one), and a modal confirmation before
 * replacing files. Every function returns undefined when the user presses Escape.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { EC_CURVES, RSA_KEY_SIZES, type EcCurve, type RsaKeySize } from '../core';
import type { KeyPairFormat } from '../core/keyFormats';
import { existingPaths, isValidKeyName, KEY_PAIR_SUFFIXES, keyPairPaths } from '../node/keyPairFiles';
import { shortPath } from './paths';

/** What to generate, with every default filled in. */
export type KeySpec =
  { algorithm: 'RSA'; keySize: RsaKeySize } | { algorithm: 'EC'; curve: EcCurve } | { algorithm: 'Ed25519' };
export type Algorithm = KeySpec['algorithm'];

const STEPS = 5;
const step = (n: number) => vscode.l10n.t('Generate Key Pair ({0}/{1})', n, STEPS);

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
    {
      algorithm: 'Ed25519',
      label: 'Ed25519',
      description: vscode.l10n.t('one size'),
      detail: vscode.l10n.t('The SSH default today; EdDSA JWTs. The smallest keys and signatures.'),
    },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: step(1),
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
  algorithm: 'RSA' | 'EC',
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
    title: step(2),
    placeHolder: algorithm === 'RSA' ? vscode.l10n.t('Key size?') : vscode.l10n.t('Curve?'),
  });
  return picked?.spec;
}

interface FormatItem extends vscode.QuickPickItem {
  format: KeyPairFormat;
}

/** PEM is today's files (PKCS#8 when `pkcs8`, the setting, says so; Ed25519 has only PKCS#8). */
export async function pickFormat(pkcs8: boolean): Promise<KeyPairFormat | undefined> {
  const items: FormatItem[] = [
    {
      format: pkcs8 ? 'pkcs8' : 'pem',
      label: 'PEM',
      description: pkcs8 ? vscode.l10n.t('PKCS#8 private key') : vscode.l10n.t('PKCS#1 / SEC1 private key'),
      detail: vscode.l10n.t('<name>_private.pem and <name>_public.pem: for TLS, openssl and JWT libraries.'),
    },
    {
      format: 'openssh',
      label: 'OpenSSH',
      description: vscode.l10n.t('as ssh-keygen writes it'),
      detail: vscode.l10n.t('<name> and <name>.pub: for ~/.ssh, authorized_keys and Git hosts.'),
    },
    {
      format: 'jwk',
      label: 'JWK',
      description: vscode.l10n.t('JSON Web Key'),
      detail: vscode.l10n.t(
        '<name>_private.jwk.json and <name>_public.jwks.json (kid = RFC 7638 thumbprint): for JWT issuers.',
      ),
    },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: step(3),
    placeHolder: vscode.l10n.t('Which format?'),
    matchOnDescription: true,
  });
  return picked?.format;
}

/**
 * An optional passphrase for the private key, typed twice in password boxes; a second entry that
 * differs asks both again, saying so. Resolves '' for no passphrase, undefined on Escape.
 */
export async function askPassphrase(): Promise<string | undefined> {
  let mismatch = false;
  for (;;) {
    const first = await vscode.window.showInputBox({
      title: step(4),
      prompt: mismatch
        ? vscode.l10n.t('The passphrases did not match. Passphrase for the private key (empty for none)')
        : vscode.l10n.t('Passphrase for the private key (empty for none)'),
      password: true,
      ignoreFocusOut: true,
    });
    if (first === undefined) return undefined;
    if (first === '') return '';
    const second = await vscode.window.showInputBox({
      title: step(4),
      prompt: vscode.l10n.t('Type the passphrase again'),
      password: true,
      ignoreFocusOut: true,
    });
    if (second === undefined) return undefined;
    if (second === first) return first;
    mismatch = true;
  }
}

/** The pair's name in `folder`, warning (not refusing) when its files exist. */
export async function askKeyPairName(
  folder: string,
  suggestion: string,
  format: KeyPairFormat = 'pem',
): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: step(5),
    prompt: vscode.l10n.t(
      'Name of the key pair: the files are <name>{0} and <name>{1} in {2}.',
      KEY_PAIR_SUFFIXES[format].private,
      KEY_PAIR_SUFFIXES[format].public,
      shortPath(folder),
    ),
    value: suggestion,
    validateInput: async (value) => {
      if (!isValidKeyName(value)) {
        return vscode.l10n.t('Use 1 to 64 of A–Z a–z 0–9 . _ -');
      }
      const { privatePath, publicPath } = keyPairPaths(folder, value, format);
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
export async function askPrivateKeyPath(
  suggestion: string,
  format: KeyPairFormat = 'pem',
): Promise<vscode.Uri | undefined> {
  const filters: Record<string, string[]> =
    format === 'openssh'
      ? { [vscode.l10n.t('All files')]: ['*'] }
      : format === 'jwk'
        ? { [vscode.l10n.t('JSON files')]: ['json'] }
        : { [vscode.l10n.t('PEM files')]: ['pem'] };
  return vscode.window.showSaveDialog({
    title: vscode.l10n.t('Save the private key (the public key goes next to it)'),
    saveLabel: vscode.l10n.t('Save Private Key'),
    defaultUri: vscode.Uri.file(path.join(homedir(), suggestion + KEY_PAIR_SUFFIXES[format].private)),
    filters,
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

/**
 * What locks and opens envelopes, as the selection code and the sidebar take it: a key (stored or
 * typed) or a password. A stored key's material is read from SecretStorage here and goes no
 * further than the core.
 */
import * as vscode from 'vscode';
import { limits } from '../core';
import { assertNever, type KeySource } from '../protocol';
import { EditorError } from './errors';
import type { KeyStore } from './keyStore';

/** What unlocks envelopes: a stored or entered key (with its stored name), or a password. */
export type Secret = { key: string; keyName?: string } | { password: string };

export async function storedKey(keys: KeyStore, name: string): Promise<{ key: string; keyName: string }> {
  const key = await keys.get(name);
  if (key === undefined) {
    throw new EditorError('UNKNOWN_KEY', vscode.l10n.t('No key named "{0}" is stored.', name), 'keyName');
  }
  return { key, keyName: name };
}

/** The sidebar's key source as a secret; a typed key or password is left for the core to check. */
export async function secretOfSource(source: KeySource, keys: KeyStore): Promise<Secret> {
  switch (source.kind) {
    case 'stored':
      return storedKey(keys, source.name);
    case 'key':
      return { key: source.key.trim() };
    case 'password':
      return { password: source.password };
    default:
      return assertNever(source);
  }
}

/**
 * The same, with a typed key or password checked first, so that the form can say which field is
 * wrong before the editor is touched or a password derivation (with its notification) starts.
 */
export async function checkedSecretOfSource(source: KeySource, keys: KeyStore): Promise<Secret> {
  if (source.kind === 'key' && !limits.HEX_KEY_PATTERN.test(source.key.trim())) {
    throw new EditorError(
      'INVALID_KEY',
      vscode.l10n.t('A key is 64 hexadecimal characters (0-9, a-f).'),
      'key',
    );
  }
  if (source.kind === 'password' && source.password.length === 0) {
    throw new EditorError('INVALID_PASSWORD', vscode.l10n.t('Type the password.'), 'password');
  }
  return secretOfSource(source, keys);
}

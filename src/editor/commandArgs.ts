/**
 * What the commands accept as an argument (from keybindings, tasks, other extensions and tests),
 * checked before anything runs. A command given an argument never prompts; a wrong argument is an
 * {@link EditorError} naming the option.
 */
import * as vscode from 'vscode';
import { EC_CURVES, KEY_TYPES, limits, RSA_KEY_SIZES, type GenerateKeyOptions } from '../core';
import { isValidKeyName } from '../node/keyPairFiles';
import type { KeyPairOptions } from '../protocol';
import { EditorError } from './errors';
import { validateKeyName, type KeyStore } from './keyStore';
import { storedKey, type Secret } from './secrets';

/** An argument object's options, not yet checked. */
export type Fields = Record<string, unknown>;

/** Whether a command's argument is an options object (not null, an array or a value). */
export function isFields(args: unknown): args is Fields {
  return typeof args === 'object' && args !== null && !Array.isArray(args);
}

/** A wrong argument (`field`: the option), as every command that takes one reports it. */
export function invalid(message: string, field?: string): EditorError {
  return new EditorError('INVALID_ARGUMENT', message, field);
}

/** `keysmith.insertKey` and its shortcuts: the core's key options (the core checks the values). */
/**
 * Refuses the first member of `args` that is not one of `known` (members set to undefined are
 * left out, as JSON has them), naming it and the options of `command`.
 */
export function rejectUnknownOptions(args: Fields, known: readonly string[], command: string): void {
  const unknown = Object.keys(args).find((name) => args[name] !== undefined && !known.includes(name));
  if (unknown === undefined) return;
  throw invalid(
    vscode.l10n.t('{0} is not an option of {1} (the options are {2}).', unknown, command, known.join(', ')),
    unknown,
  );
}

export function readInsertKeyArgs(args: unknown): GenerateKeyOptions {
  if (!isFields(args)) {
    throw invalid(
      vscode.l10n.t('The argument of keysmith.insertKey must be an object such as {"type": "uuid-v4"}.'),
    );
  }
  if (typeof args.type !== 'string' || !(KEY_TYPES as readonly string[]).includes(args.type)) {
    throw invalid(vscode.l10n.t('type must be one of {0}.', KEY_TYPES.join(', ')), 'type');
  }
  return args as unknown as GenerateKeyOptions;
}

/** `{key} | {password} | {keyName}` for the selection commands (exactly one of them). */
export async function secretFromArgs(keys: KeyStore, args: unknown, command: string): Promise<Secret> {
  if (!isFields(args)) {
    throw invalid(
      vscode.l10n.t('The argument of {0} must be an object with key, password or keyName.', command),
    );
  }
  const { key, password, keyName } = args;
  const given = [key, password, keyName].filter((value) => value !== undefined).length;
  if (given !== 1) {
    throw invalid(vscode.l10n.t('Give exactly one of key, password or keyName to {0}.', command));
  }
  if (key !== undefined) {
    if (typeof key !== 'string' || !limits.HEX_KEY_PATTERN.test(key)) {
      throw new EditorError('INVALID_KEY', vscode.l10n.t('key must be 64 hexadecimal characters.'), 'key');
    }
    return { key };
  }
  if (password !== undefined) {
    if (typeof password !== 'string' || password.length === 0) {
      throw new EditorError(
        'INVALID_PASSWORD',
        vscode.l10n.t('password must be a non-empty string.'),
        'password',
      );
    }
    return { password };
  }
  const problem = validateKeyName(keyName);
  if (problem) throw new EditorError('INVALID_NAME', problem, 'keyName');
  return storedKey(keys, keyName as string);
}

/**
 * A row of the Stored Keys view: only a name, never key material. VS Code hands this very object
 * to the commands of the row's inline and context menus, so they accept it besides `{name}`.
 */
export class StoredKeyElement {
  constructor(readonly name: string) {}
}

/**
 * The stored key a command is about: a Stored Keys row (`fromView`: a click in the view, which
 * confirms what it would confirm interactively) or a `{name}` argument object.
 */
export function readStoredKeyArgs(args: unknown, command: string): { name: string; fromView: boolean } {
  if (args instanceof StoredKeyElement) return { name: args.name, fromView: true };
  return { name: readNameArgs(args, command).name, fromView: false };
}

/** `{name, key?}` for the key store's commands. */
export function readNameArgs(args: unknown, command: string): { name: string; key?: string } {
  if (!isFields(args)) {
    throw invalid(vscode.l10n.t('The argument of {0} must be an object such as {"name": "prod"}.', command));
  }
  const { name, key } = args;
  const problem = validateKeyName(name);
  if (problem) throw new EditorError('INVALID_NAME', problem, 'name');
  if (key !== undefined && typeof key !== 'string') {
    throw invalid(vscode.l10n.t('key must be a string.'), 'key');
  }
  return { name: name as string, ...(key !== undefined && { key }) };
}

const KEY_PAIR_OPTIONS = [
  'algorithm',
  'keySize',
  'curve',
  'name',
  'folder',
  'pkcs8',
  'format',
  'passphrase',
  'comment',
  'overwrite',
] as const;
const KEY_PAIR_FORMATS = ['pem', 'pkcs8', 'openssh', 'jwk'] as const;

/**
 * `keysmith.generateKeyPair`'s argument object (the sidebar's form sends the same): what is
 * missing comes from the settings later, and an existing file is replaced only with
 * `overwrite: true` — a keybinding or a test must never hang on a modal dialog.
 */
export function readKeyPairArgs(args: unknown): KeyPairOptions {
  if (!isFields(args)) {
    throw invalid(
      vscode.l10n.t(
        'The argument of keysmith.generateKeyPair must be an object such as {"algorithm": "EC", "name": "signing"}.',
      ),
    );
  }
  rejectUnknownOptions(args, KEY_PAIR_OPTIONS, 'keysmith.generateKeyPair');
  const { algorithm, keySize, curve, name, folder, pkcs8, format, passphrase, comment, overwrite } = args;
  const option = (field: keyof KeyPairOptions, message: string) => invalid(message, field);
  if (algorithm !== 'RSA' && algorithm !== 'EC' && algorithm !== 'Ed25519') {
    throw option('algorithm', vscode.l10n.t('algorithm must be "RSA", "EC" or "Ed25519".'));
  }
  if (keySize !== undefined) {
    if (algorithm !== 'RSA')
      throw option('keySize', vscode.l10n.t('keySize applies only to algorithm "RSA".'));
    if (!(RSA_KEY_SIZES as readonly unknown[]).includes(keySize)) {
      throw option('keySize', vscode.l10n.t('keySize must be one of {0}.', RSA_KEY_SIZES.join(', ')));
    }
  }
  if (curve !== undefined) {
    if (algorithm !== 'EC') throw option('curve', vscode.l10n.t('curve applies only to algorithm "EC".'));
    if (!(EC_CURVES as readonly unknown[]).includes(curve)) {
      throw option('curve', vscode.l10n.t('curve must be one of {0}.', EC_CURVES.join(', ')));
    }
  }
  if (name !== undefined && (typeof name !== 'string' || !isValidKeyName(name))) {
    throw new EditorError(
      'INVALID_NAME',
      vscode.l10n.t('Name must be 1 to 64 of A–Z a–z 0–9 . _ - (no folders: the folder goes in "folder").'),
      'name',
    );
  }
  if (folder !== undefined && typeof folder !== 'string') {
    throw option('folder', vscode.l10n.t('folder must be a path inside the workspace folder.'));
  }
  if (pkcs8 !== undefined && typeof pkcs8 !== 'boolean') {
    throw option('pkcs8', vscode.l10n.t('pkcs8 must be true or false.'));
  }
  if (format !== undefined) {
    if (!(KEY_PAIR_FORMATS as readonly unknown[]).includes(format)) {
      throw option('format', vscode.l10n.t('format must be one of {0}.', KEY_PAIR_FORMATS.join(', ')));
    }
    if (pkcs8 === true && format !== 'pkcs8') {
      throw option('pkcs8', vscode.l10n.t('pkcs8: true means format "pkcs8"; give one of them.'));
    }
  }
  if (passphrase !== undefined) {
    if (typeof passphrase !== 'string' || passphrase.length === 0) {
      throw option('passphrase', vscode.l10n.t('passphrase must be a non-empty string.'));
    }
    if (format === 'jwk') {
      throw option(
        'passphrase',
        vscode.l10n.t('A JWK cannot be passphrase-protected: leave out passphrase or choose another format.'),
      );
    }
  }
  if (comment !== undefined) {
    if (typeof comment !== 'string' || /\p{Cc}/u.test(comment)) {
      throw option('comment', vscode.l10n.t('comment must be one line of text.'));
    }
    if (format !== 'openssh') {
      throw option('comment', vscode.l10n.t('comment applies only to format "openssh".'));
    }
  }
  if (overwrite !== undefined && typeof overwrite !== 'boolean') {
    throw option('overwrite', vscode.l10n.t('overwrite must be true or false.'));
  }
  return args as unknown as KeyPairOptions;
}

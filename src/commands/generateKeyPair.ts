import * as vscode from 'vscode';
import { homedir } from 'node:os';
import path from 'node:path';
import {
  EC_CURVES,
  RSA_KEY_SIZES,
  generateKeyPair,
  isKeysmithError,
  type EcCurve,
  type GeneratedKeyPair,
  type RsaKeySize,
} from '../core';
import { readConfig } from '../config';
import type { KeyPairOptions } from '../protocol';
import { showError } from '../errors';
import { addToGitignore, gitIgnoreStatus, gitignoreEntry, gitignoreFor } from '../gitIgnore';
import {
  FileExistsError,
  OutsideWorkspaceError,
  PRIVATE_SUFFIX,
  ensureKeyFolder,
  existingPaths,
  isValidKeyName,
  keyPairPaths,
  keyPairPathsFromPrivatePath,
  resolveKeyFolder,
  writeKeyPairFiles,
  type KeyPairPaths,
} from '../keyPairFiles';

/**
 * The argument keybindings, tasks and tests pass to `keysmith.generateKeyPair`. With an argument
 * object the command never prompts: what is missing comes from the settings, and an existing
 * file is replaced only with `overwrite: true` (otherwise it is refused with an error) — a
 * keybinding or a test must never hang on a modal dialog.
 */
export type GenerateKeyPairArgs = KeyPairOptions;

type Algorithm = GenerateKeyPairArgs['algorithm'];

/** What to generate, with every default filled in. */
export type KeySpec = { algorithm: 'RSA'; keySize: RsaKeySize } | { algorithm: 'EC'; curve: EcCurve };

const ARG_NAMES = ['algorithm', 'keySize', 'curve', 'name', 'folder', 'pkcs8', 'overwrite'] as const;

export type KeyPairErrorCode =
  /** An option of the argument object is wrong (`field` names it), or is not an option at all. */
  | 'INVALID_ARGUMENT'
  /** The name is not 1–64 of A–Z a–z 0–9 . _ - (`field`: name). */
  | 'INVALID_NAME'
  /** No workspace folder to write into (`field`: folder). */
  | 'NO_WORKSPACE'
  /** The folder is not on the local file system, where mode 0600 exists (`field`: folder). */
  | 'NOT_LOCAL'
  /** The key folder leaves the workspace folder, by its path or through a symlink (`field`: folder). */
  | 'OUTSIDE_WORKSPACE'
  /** A file of the pair exists and may not be replaced (`field`: name; `paths`: which). */
  | 'FILE_EXISTS'
  /** The file system refused (an errno such as EACCES or ENOSPC). */
  | 'WRITE_FAILED';

/**
 * Why no key pair was written, in the user's words (a notification adds "Keysmith: "), with a
 * stable code and the option it concerns, so the sidebar can show it next to that field.
 */
export class KeyPairError extends Error {
  override readonly name = 'KeyPairError';

  constructor(
    readonly code: KeyPairErrorCode,
    message: string,
    readonly field?: keyof KeyPairOptions,
    /** The files in the way (FILE_EXISTS). */
    readonly paths: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * Generates an RSA or EC key pair into `<folder>/<name>_private.pem` (mode 0600) and
 * `<name>_public.pem`, opens the public key, and offers to git-ignore the private key when git
 * would commit it. Returns `[privateKeyUri, publicKeyUri]`, or undefined when nothing was written
 * (cancelled, refused, or failed — failures are shown, cancellations are not).
 *
 * Without an argument (or with the Uri a menu passes) it asks for everything; with an argument
 * object ({@link GenerateKeyPairArgs}) it asks nothing.
 */
export async function generateKeyPairCommand(args?: unknown): Promise<vscode.Uri[] | undefined> {
  try {
    if (args === undefined || args instanceof vscode.Uri) {
      return await generateKeyPairInteractively(targetWorkspaceFolder());
    }
    return await generateKeyPairFromArgs(args);
  } catch (error) {
    showError(describeFailure(error));
    return undefined;
  }
}

/**
 * The command with an argument object, minus the notification: generates the pair the argument
 * asks for ({@link GenerateKeyPairArgs}; it never asks anything), writes it, opens the public key
 * and offers to git-ignore the private key. Returns `[privateKeyUri, publicKeyUri]`, or undefined
 * when the generation was cancelled. Nothing written, it throws: a {@link KeyPairError} (a bad
 * option, no workspace folder, a folder outside it, files already there, a file-system error), the
 * core's KeysmithError when generation fails, or — for a bug — whatever else was thrown.
 */
export async function generateKeyPairFromArgs(args: unknown): Promise<vscode.Uri[] | undefined> {
  try {
    return await generateFromArgs(args);
  } catch (error) {
    throw describeFailure(error);
  }
}

/** The active editor's workspace folder, else the first one. */
function targetWorkspaceFolder(): vscode.WorkspaceFolder | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  return (active && vscode.workspace.getWorkspaceFolder(active)) || vscode.workspace.workspaceFolders?.[0];
}

async function generateFromArgs(args: unknown): Promise<vscode.Uri[] | undefined> {
  const request = readArgs(args);
  const root = targetWorkspaceFolder();
  if (!root) {
    throw new KeyPairError(
      'NO_WORKSPACE',
      vscode.l10n.t(
        'open a folder to generate a key pair into it, or run Generate Key Pair without arguments to choose where to save it.',
      ),
      'folder',
    );
  }
  requireLocal(root.uri);
  const config = readConfig(root.uri);
  const spec: KeySpec =
    request.algorithm === 'RSA'
      ? { algorithm: 'RSA', keySize: request.keySize ?? config.rsaKeySize }
      : { algorithm: 'EC', curve: request.curve ?? config.curve };
  const folder = await resolveKeyFolder(root.uri.fsPath, request.folder ?? config.keyPairFolder);
  const paths = keyPairPaths(folder, request.name ?? defaultName(spec.algorithm));
  const overwrite = request.overwrite ?? false;
  if (!overwrite) {
    const existing = await existingPaths([paths.privatePath, paths.publicPath]);
    if (existing.length > 0) {
      throw new KeyPairError(
        'FILE_EXISTS',
        vscode.l10n.t(
          '{0} already exists, so nothing was written. Pass "overwrite": true to replace the key pair.',
          existing.map(shortPath).join(', '),
        ),
        'name',
        existing,
      );
    }
  }
  return generateAndWrite(spec, request.pkcs8 ?? config.pkcs8, paths, overwrite, root.uri.fsPath);
}

/**
 * The prompted flow: algorithm, size or curve, then the name (with a folder open) or a save dialog
 * (without one). Escape at any step ends it silently. Exported so the no-folder branch can be
 * tested in a window that has a folder.
 */
export async function generateKeyPairInteractively(
  root: vscode.WorkspaceFolder | undefined,
): Promise<vscode.Uri[] | undefined> {
  if (root) requireLocal(root.uri);
  const config = readConfig(root?.uri);
  // Checked before any question: a folder setting that leaves the workspace is refused at once.
  const folder = root && (await resolveKeyFolder(root.uri.fsPath, config.keyPairFolder));

  const algorithm = await pickAlgorithm();
  if (!algorithm) return undefined;
  const spec = await pickSizeOrCurve(algorithm, config.rsaKeySize, config.curve);
  if (!spec) return undefined;

  let paths: KeyPairPaths | undefined;
  if (folder) {
    const name = await askName(folder, defaultName(algorithm));
    paths = name === undefined ? undefined : keyPairPaths(folder, name);
  } else {
    paths = await askPrivateKeyPath(defaultName(algorithm));
  }
  if (!paths) return undefined;

  const existing = await existingPaths([paths.privatePath, paths.publicPath]);
  if (existing.length > 0 && !(await confirmOverwrite(existing))) return undefined;
  return generateAndWrite(spec, config.pkcs8, paths, existing.length > 0, root?.uri.fsPath);
}

async function generateAndWrite(
  spec: KeySpec,
  pkcs8: boolean,
  paths: KeyPairPaths,
  overwrite: boolean,
  root: string | undefined,
): Promise<vscode.Uri[] | undefined> {
  const pair = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Keysmith: generating an {0} key pair…', describeSpec(spec)),
      cancellable: true,
    },
    (_progress, token) => generateCancellably(spec, pkcs8, token),
  );
  if (!pair) return undefined;

  const folder = path.dirname(paths.privatePath);
  if (root) await ensureKeyFolder(root, folder);
  await writeKeyPairFiles({ ...paths, privatePem: pair.private_key, publicPem: pair.public_key, overwrite });

  const privateUri = vscode.Uri.file(paths.privatePath);
  const publicUri = vscode.Uri.file(paths.publicPath);
  try {
    await vscode.window.showTextDocument(publicUri, { preview: false });
  } catch {
    // The pair is written; an editor that cannot open is no reason to report a failure.
  }
  void vscode.window.showInformationMessage(
    vscode.l10n.t('Keysmith: wrote {0} and {1}.', shortPath(paths.privatePath), shortPath(paths.publicPath)),
  );
  // Never awaited: the command is done when the files are; the offer may stay open for long.
  void offerGitignore(paths.privatePath, root);
  return [privateUri, publicUri];
}

/**
 * Generates the pair; resolves undefined as soon as `token` is cancelled. The core cannot stop a
 * generation once started, so on cancellation its result is simply never used (and the core, seeing
 * the aborted signal, discards it too).
 */
export async function generateCancellably(
  spec: KeySpec,
  pkcs8: boolean,
  token: vscode.CancellationToken,
): Promise<GeneratedKeyPair | undefined> {
  if (token.isCancellationRequested) return undefined;
  const controller = new AbortController();
  const cancelled = new Promise<undefined>((resolve) => {
    controller.signal.addEventListener('abort', () => resolve(undefined), { once: true });
  });
  const subscription = token.onCancellationRequested(() => controller.abort());
  const { signal } = controller;
  const generation =
    spec.algorithm === 'RSA'
      ? generateKeyPair({ algorithm: 'RSA', key_size: spec.keySize, pkcs8, signal })
      : generateKeyPair({ algorithm: 'EC', curve: spec.curve, pkcs8, signal });
  generation.catch(() => undefined); // once cancelled, nobody awaits it: no unhandled rejection
  try {
    const pair = await Promise.race([generation, cancelled]);
    return signal.aborted ? undefined : pair;
  } catch (error) {
    if (signal.aborted || (isKeysmithError(error) && error.code === 'ABORTED')) return undefined;
    throw error;
  } finally {
    subscription.dispose();
  }
}

/** A non-modal warning with a one-click fix when git would commit the private key. */
async function offerGitignore(privatePath: string, root: string | undefined): Promise<void> {
  // Running git in a folder means running what its .git/config and PATH lookups say: only in a
  // workspace the user trusts.
  if (!vscode.workspace.isTrusted) return;
  try {
    if ((await gitIgnoreStatus(privatePath)) !== 'not-ignored') return;
    const gitignore = await gitignoreFor(privatePath, root);
    if (!gitignore) return;
    const entry = await gitignoreEntry(gitignore, privatePath);
    const add = vscode.l10n.t('Add to .gitignore');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Keysmith: git would commit the private key {0}. Add it to {1}?',
        shortPath(privatePath),
        shortPath(gitignore),
      ),
      add,
    );
    if (choice !== add) return;
    await addToGitignore(gitignore, entry);
    // Say what git now says, not what was written: a later `!` rule can still un-ignore the key.
    if ((await gitIgnoreStatus(privatePath)) === 'ignored') {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Keysmith: added {0} to {1}.', entry, shortPath(gitignore)),
      );
    } else {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Keysmith: {0} is in {1}, but git still does not ignore {2}: another rule overrides it.',
          entry,
          shortPath(gitignore),
          shortPath(privatePath),
        ),
      );
    }
  } catch (error) {
    showError(error);
  }
}

function readArgs(args: unknown): GenerateKeyPairArgs {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new KeyPairError(
      'INVALID_ARGUMENT',
      vscode.l10n.t(
        'the argument of keysmith.generateKeyPair must be an object such as {"algorithm": "EC", "name": "signing"}.',
      ),
    );
  }
  const given = args as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (given[key] !== undefined && !(ARG_NAMES as readonly string[]).includes(key)) {
      throw new KeyPairError(
        'INVALID_ARGUMENT',
        vscode.l10n.t(
          '{0} is not an option of keysmith.generateKeyPair (the options are {1}).',
          key,
          ARG_NAMES.join(', '),
        ),
      );
    }
  }
  const { algorithm, keySize, curve, name, folder, pkcs8, overwrite } = given;
  if (algorithm !== 'RSA' && algorithm !== 'EC') {
    throw invalidOption('algorithm', vscode.l10n.t('algorithm must be "RSA" or "EC".'));
  }
  if (keySize !== undefined) {
    if (algorithm !== 'RSA') {
      throw invalidOption('keySize', vscode.l10n.t('keySize applies only to algorithm "RSA".'));
    }
    if (!(RSA_KEY_SIZES as readonly unknown[]).includes(keySize)) {
      throw invalidOption('keySize', vscode.l10n.t('keySize must be one of {0}.', RSA_KEY_SIZES.join(', ')));
    }
  }
  if (curve !== undefined) {
    if (algorithm !== 'EC') {
      throw invalidOption('curve', vscode.l10n.t('curve applies only to algorithm "EC".'));
    }
    if (!(EC_CURVES as readonly unknown[]).includes(curve)) {
      throw invalidOption('curve', vscode.l10n.t('curve must be one of {0}.', EC_CURVES.join(', ')));
    }
  }
  if (name !== undefined && (typeof name !== 'string' || !isValidKeyName(name))) {
    throw new KeyPairError(
      'INVALID_NAME',
      vscode.l10n.t('name must be 1 to 64 of A–Z a–z 0–9 . _ - (no folders: the folder goes in "folder").'),
      'name',
    );
  }
  if (folder !== undefined && typeof folder !== 'string') {
    throw invalidOption('folder', vscode.l10n.t('folder must be a path inside the workspace folder.'));
  }
  if (pkcs8 !== undefined && typeof pkcs8 !== 'boolean') {
    throw invalidOption('pkcs8', vscode.l10n.t('pkcs8 must be true or false.'));
  }
  if (overwrite !== undefined && typeof overwrite !== 'boolean') {
    throw invalidOption('overwrite', vscode.l10n.t('overwrite must be true or false.'));
  }
  return given as unknown as GenerateKeyPairArgs;
}

function invalidOption(field: keyof KeyPairOptions, message: string): KeyPairError {
  return new KeyPairError('INVALID_ARGUMENT', message, field);
}

/** Key pairs need a real file system: a private key must get mode 0600. */
function requireLocal(uri: vscode.Uri): void {
  if (uri.scheme !== 'file') {
    throw new KeyPairError(
      'NOT_LOCAL',
      vscode.l10n.t(
        'key pairs are written only to local folders, where the private key can be given mode 0600. This folder is "{0}".',
        uri.scheme,
      ),
      'folder',
    );
  }
}

function defaultName(algorithm: Algorithm): string {
  return algorithm === 'RSA' ? 'id_rsa' : 'id_ec';
}

function describeSpec(spec: KeySpec): string {
  return spec.algorithm === 'RSA' ? `RSA-${spec.keySize}` : `EC ${spec.curve}`;
}

/** Workspace-relative when inside the workspace, else the full path. */
function shortPath(file: string): string {
  return vscode.workspace.asRelativePath(vscode.Uri.file(file), false);
}

/**
 * The user's words for a failure — never a key, only paths and error codes: a KeyPairError, or the
 * core's KeysmithError (or, for a bug, the error itself) as it was.
 */
function describeFailure(error: unknown): unknown {
  if (error instanceof KeyPairError) return error;
  if (error instanceof OutsideWorkspaceError) {
    return new KeyPairError(
      'OUTSIDE_WORKSPACE',
      vscode.l10n.t(
        'the folder "{0}" is outside the workspace folder; key pairs are written only inside it. Nothing was written.',
        error.message,
      ),
      'folder',
    );
  }
  if (error instanceof FileExistsError) {
    return new KeyPairError(
      'FILE_EXISTS',
      vscode.l10n.t('{0} appeared meanwhile, so nothing was written.', error.paths.map(shortPath).join(', ')),
      'name',
      error.paths,
    );
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && !isKeysmithError(error)) {
    const file = (error as NodeJS.ErrnoException).path;
    return new KeyPairError(
      'WRITE_FAILED',
      file
        ? vscode.l10n.t(
            'could not write the key pair: {0} on {1}. Nothing was written.',
            code,
            shortPath(file),
          )
        : vscode.l10n.t('could not write the key pair: {0}. Nothing was written.', code),
    );
  }
  return error;
}

interface AlgorithmItem extends vscode.QuickPickItem {
  algorithm: Algorithm;
}

async function pickAlgorithm(): Promise<Algorithm | undefined> {
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
async function pickSizeOrCurve(
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

async function askName(folder: string, suggestion: string): Promise<string | undefined> {
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

/** Without a folder open: where the private key goes; the public key goes next to it. */
async function askPrivateKeyPath(suggestion: string): Promise<KeyPairPaths | undefined> {
  const uri = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Save the private key (the public key goes next to it)'),
    saveLabel: vscode.l10n.t('Save Private Key'),
    defaultUri: vscode.Uri.file(path.join(homedir(), suggestion + PRIVATE_SUFFIX)),
    filters: { [vscode.l10n.t('PEM files')]: ['pem'] },
  });
  if (!uri) return undefined;
  requireLocal(uri);
  return keyPairPathsFromPrivatePath(uri.fsPath);
}

async function confirmOverwrite(existing: string[]): Promise<boolean> {
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

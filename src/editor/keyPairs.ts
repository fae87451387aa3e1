/**
 * Creating a key pair in the workspace — the code Generate Key Pair and the sidebar's Key Pair form
 * share. The pair becomes `<folder>/<name>_private.pem` (mode 0600) and `<name>_public.pem` (or, by
 * format, `<name>` and `<name>.pub`, `<name>_private.jwk.json` and `<name>_public.jwks.json`), never
 * outside the workspace folder and never over a file without an explicit yes; the public key is
 * opened, and git-ignoring the private key is offered (see the README's "In the editor").
 *
 * Nothing is shown on failure: it throws an {@link EditorError} (a bad option, no workspace folder,
 * a folder outside it or not local, files in the way, a file-system error) or the core's
 * KeysmithError; a cancellation resolves undefined.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { generateKeyPair, isKeysmithError, type GeneratedKeyPair } from '../core';
import type { KeyPairFormat } from '../core/keyFormats';
import {
  ensureKeyFolder,
  existingPaths,
  keyPairPaths,
  keyPairPathsFromPrivatePath,
  publicFileText,
  resolveKeyFolder,
  writeKeyPairFiles,
  type KeyPairPaths,
} from '../node/keyPairFiles';
import { readKeyPairArgs } from './commandArgs';
import { readConfig } from './config';
import { EditorError } from './errors';
import { offerGitignore } from './gitignoreOffer';
import {
  askKeyPairName,
  askPassphrase,
  askPrivateKeyPath,
  confirmOverwrite,
  pickAlgorithm,
  pickFormat,
  pickSizeOrCurve,
  type Algorithm,
  type KeySpec,
} from './keyPairPrompts';
import { shortPath } from './paths';
import { untilCancelled } from './progress';

export type { KeySpec } from './keyPairPrompts';

/**
 * Who asked, for the two refusals whose advice depends on it: a command's argument can say
 * `"overwrite": true` or be left out for the prompts; the panel has its own Replace button.
 */
export type KeyPairOrigin = 'command' | 'panel';

/** `[privateKeyUri, publicKeyUri]` of a written pair. */
export type WrittenPair = [vscode.Uri, vscode.Uri];

/** How the pair is written: the format, and what protects or labels the private key. */
export interface OutputSpec {
  format: KeyPairFormat;
  /** Never stored, logged or shown; undefined: no passphrase. */
  passphrase?: string;
  /** The OpenSSH comment. */
  comment?: string;
}

/**
 * The pair an argument object asks for ({@link readKeyPairArgs}; it never asks anything):
 * what the argument leaves out comes from the settings, the name from the algorithm. Resolves
 * undefined when the generation was cancelled.
 */
export async function generateKeyPairFromArgs(
  args: unknown,
  origin: KeyPairOrigin = 'command',
): Promise<WrittenPair | undefined> {
  try {
    const request = readKeyPairArgs(args);
    const root = targetWorkspaceFolder();
    if (!root) throw noWorkspace(origin);
    requireLocal(root.uri);
    const config = readConfig(root.uri);
    const spec: KeySpec =
      request.algorithm === 'RSA'
        ? { algorithm: 'RSA', keySize: request.keySize ?? config.rsaKeySize }
        : request.algorithm === 'EC'
          ? { algorithm: 'EC', curve: request.curve ?? config.curve }
          : { algorithm: 'Ed25519' };
    const output: OutputSpec = {
      format: request.format ?? ((request.pkcs8 ?? config.pkcs8) ? 'pkcs8' : 'pem'),
      ...(request.passphrase !== undefined && { passphrase: request.passphrase }),
      ...(request.comment !== undefined && { comment: request.comment }),
    };
    const folderSetting = request.folder ?? config.keyPairFolder;
    const folder = await resolveKeyFolder(root.uri.fsPath, folderSetting);
    if (folder === undefined) throw outsideWorkspace(folderSetting);
    const paths = keyPairPaths(folder, request.name ?? defaultName(spec.algorithm), output.format);
    const overwrite = request.overwrite ?? false;
    if (!overwrite) {
      const existing = await existingPaths([paths.privatePath, paths.publicPath]);
      if (existing.length > 0) throw filesExist(existing, origin, 'before');
    }
    return await generateAndWrite(spec, output, paths, overwrite, root.uri.fsPath, origin);
  } catch (error) {
    throw asWriteFailure(error);
  }
}

/**
 * The prompted flow: algorithm, size or curve, then the name (with a folder open) or a save dialog
 * (without one). Escape at any step ends it silently. Takes the folder so the no-folder branch can
 * be tested in a window that has one.
 */
export async function generateKeyPairInteractively(
  root: vscode.WorkspaceFolder | undefined,
): Promise<WrittenPair | undefined> {
  try {
    if (root) requireLocal(root.uri);
    const config = readConfig(root?.uri);
    // Checked before any question: a folder setting that leaves the workspace is refused at once.
    const folder = root && (await resolveKeyFolder(root.uri.fsPath, config.keyPairFolder));
    if (root && folder === undefined) throw outsideWorkspace(config.keyPairFolder);

    const algorithm = await pickAlgorithm();
    if (!algorithm) return undefined;
    const spec: KeySpec | undefined =
      algorithm === 'Ed25519'
        ? { algorithm }
        : await pickSizeOrCurve(algorithm, config.rsaKeySize, config.curve);
    if (!spec) return undefined;
    const format = await pickFormat(config.pkcs8);
    if (!format) return undefined;
    // JWK has no encrypted form: no passphrase is offered for it.
    const passphrase = format === 'jwk' ? '' : await askPassphrase();
    if (passphrase === undefined) return undefined;
    const output: OutputSpec = { format, ...(passphrase !== '' && { passphrase }) };

    let paths: KeyPairPaths | undefined;
    if (folder) {
      const name = await askKeyPairName(folder, defaultName(algorithm), format);
      paths = name === undefined ? undefined : keyPairPaths(folder, name, format);
    } else {
      const chosen = await askPrivateKeyPath(defaultName(algorithm), format);
      if (chosen) requireLocal(chosen);
      paths = chosen && keyPairPathsFromPrivatePath(chosen.fsPath, format);
    }
    if (!paths) return undefined;

    const existing = await existingPaths([paths.privatePath, paths.publicPath]);
    if (existing.length > 0 && !(await confirmOverwrite(existing))) return undefined;
    return await generateAndWrite(spec, output, paths, existing.length > 0, root?.uri.fsPath, 'command');
  } catch (error) {
    throw asWriteFailure(error);
  }
}

/** The active editor's workspace folder, else the first one. */
export function targetWorkspaceFolder(): vscode.WorkspaceFolder | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  return (active && vscode.workspace.getWorkspaceFolder(active)) || vscode.workspace.workspaceFolders?.[0];
}

async function generateAndWrite(
  spec: KeySpec,
  output: OutputSpec,
  paths: KeyPairPaths,
  overwrite: boolean,
  root: string | undefined,
  origin: KeyPairOrigin,
): Promise<WrittenPair | undefined> {
  const pair = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Keysmith: generating an {0} key pair…', describeSpec(spec)),
      cancellable: true,
    },
    (_progress, token) => generatePairUntilCancelled(spec, output, token),
  );
  if (!pair) return undefined;

  const folder = path.dirname(paths.privatePath);
  if (root && !(await ensureKeyFolder(root, folder))) throw outsideWorkspace(folder);
  const outcome = await writeKeyPairFiles({
    ...paths,
    privatePem: pair.private_key,
    publicPem: await publicFileText(pair.public_key, output.format),
    overwrite,
  });
  if (!outcome.written) throw filesExist(outcome.existing, origin, 'meanwhile');

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
  void offerGitignore(paths.privatePath, root);
  return [privateUri, publicUri];
}

/**
 * Generates the pair; resolves undefined as soon as `token` is cancelled (the core, seeing the
 * aborted signal, discards the pair it cannot stop generating).
 */
export async function generatePairUntilCancelled(
  spec: KeySpec,
  output: OutputSpec | boolean,
  token: vscode.CancellationToken,
): Promise<GeneratedKeyPair | undefined> {
  // `true`/`false`: the old pkcs8 switch (PEM files).
  const out: OutputSpec = typeof output === 'boolean' ? { format: output ? 'pkcs8' : 'pem' } : output;
  const options = {
    format: out.format,
    ...(out.passphrase !== undefined && { passphrase: out.passphrase }),
    ...(out.comment !== undefined && { comment: out.comment }),
  };
  try {
    return await untilCancelled(token, (signal) =>
      spec.algorithm === 'RSA'
        ? generateKeyPair({ algorithm: 'RSA', key_size: spec.keySize, ...options, signal })
        : spec.algorithm === 'EC'
          ? generateKeyPair({ algorithm: 'EC', curve: spec.curve, ...options, signal })
          : generateKeyPair({ algorithm: 'Ed25519', ...options, signal }),
    );
  } catch (error) {
    if (isKeysmithError(error) && error.code === 'ABORTED') return undefined;
    throw error;
  }
}

/** Key pairs need a real file system: a private key must get mode 0600. */
function requireLocal(uri: vscode.Uri): void {
  if (uri.scheme !== 'file') {
    throw new EditorError(
      'NOT_LOCAL',
      vscode.l10n.t(
        'Key pairs are written only to local folders, where the private key can be given mode 0600. This folder is "{0}".',
        uri.scheme,
      ),
      'folder',
    );
  }
}

function defaultName(algorithm: Algorithm): string {
  return algorithm === 'RSA' ? 'id_rsa' : algorithm === 'EC' ? 'id_ec' : 'id_ed25519';
}

function describeSpec(spec: KeySpec): string {
  return spec.algorithm === 'RSA'
    ? `RSA-${spec.keySize}`
    : spec.algorithm === 'EC'
      ? `EC ${spec.curve}`
      : 'Ed25519';
}

function noWorkspace(origin: KeyPairOrigin): EditorError {
  const message =
    origin === 'panel'
      ? vscode.l10n.t('Open a folder: key pairs are saved inside the workspace folder.')
      : vscode.l10n.t(
          'Open a folder to generate a key pair into it, or run Generate Key Pair without arguments to choose where to save it.',
        );
  return new EditorError('NO_WORKSPACE', message, 'folder');
}

function outsideWorkspace(folder: string): EditorError {
  return new EditorError(
    'OUTSIDE_WORKSPACE',
    vscode.l10n.t(
      'The folder "{0}" is outside the workspace folder; key pairs are written only inside it. Nothing was written.',
      folder.replace(/\0/g, ''),
    ),
    'folder',
  );
}

/** Files in the way, found `before` anything was generated or appeared `meanwhile`. */
function filesExist(
  existing: readonly string[],
  origin: KeyPairOrigin,
  when: 'before' | 'meanwhile',
): EditorError {
  const files = existing.map(shortPath).join(', ');
  const message =
    origin === 'panel'
      ? vscode.l10n.t('{0} already exists.', files) // the form offers to replace them
      : when === 'before'
        ? vscode.l10n.t(
            '{0} already exists, so nothing was written. Pass "overwrite": true to replace the key pair.',
            files,
          )
        : vscode.l10n.t('{0} appeared meanwhile, so nothing was written.', files);
  return new EditorError('FILE_EXISTS', message, 'name', existing);
}

/** A file-system error (an errno) in the user's words — only its code and path, never a key. */
function asWriteFailure(error: unknown): unknown {
  if (error instanceof EditorError || isKeysmithError(error)) return error;
  const { code, path: file } = (error ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== 'string') return error;
  return new EditorError(
    'WRITE_FAILED',
    file
      ? vscode.l10n.t('Could not write the key pair: {0} on {1}. Nothing was written.', code, shortPath(file))
      : vscode.l10n.t('Could not write the key pair: {0}. Nothing was written.', code),
  );
}

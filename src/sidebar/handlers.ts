/**
 * What the sidebar's requests do: one function per request type. All crypto goes through the
 * core; selections and key-pair files go through the same commands the palette runs. A stored
 * key's material is read here and used here — it is never part of a reply.
 */
import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import { readConfig, withKeySettings } from '../config';
import {
  decrypt,
  encrypt,
  envelopeWarnings,
  isKeysmithError,
  keyGenerator,
  parseEnvelope,
  serializeEnvelope,
} from '../core';
import {
  existingPaths,
  isValidKeyName,
  keyPairPaths,
  OutsideWorkspaceError,
  resolveKeyFolder,
} from '../keyPairFiles';
import type { KeyStore } from '../keyStore';
import {
  assertNever,
  type Defaults,
  type KeyOptions,
  type KeyPairOptions,
  type KeySource,
  type ReplyError,
  type ReplyMessage,
  type RequestMessage,
  type Results,
  type WebviewStrings,
  type InitMessage,
} from '../protocol';

export interface HandlerContext {
  keys: KeyStore;
}

/** Failures of the editor glue, shaped like the core's KeysmithError (a code and the field). */
export class SidebarError extends Error {
  override readonly name = 'SidebarError';
  constructor(
    readonly code: SidebarErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export type SidebarErrorCode =
  | 'NO_EDITOR'
  | 'NO_SELECTION'
  | 'READ_ONLY'
  | 'UNKNOWN_KEY'
  | 'INVALID_KEY'
  | 'INVALID_PASSWORD'
  | 'INVALID_PLAINTEXT'
  | 'NO_ENVELOPE'
  | 'INVALID_NAME'
  | 'NO_WORKSPACE'
  | 'OUTSIDE_WORKSPACE'
  | 'FILE_EXISTS'
  | 'NOT_WRITTEN'
  | 'NOT_CHANGED';

const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/** Answers one request: its result, or an error with a code, a message and the field it concerns. */
export async function handleRequest(request: RequestMessage, context: HandlerContext): Promise<ReplyMessage> {
  try {
    return await runRequest(request, context);
  } catch (error) {
    return { type: 'error', requestId: request.requestId, request: request.type, error: toReplyError(error) };
  }
}

async function runRequest(request: RequestMessage, { keys }: HandlerContext): Promise<ReplyMessage> {
  const { requestId } = request;
  switch (request.type) {
    case 'generateKey':
      return { type: 'result', requestId, request: request.type, result: generateKey(request.options) };
    case 'insertKey':
      return {
        type: 'result',
        requestId,
        request: request.type,
        result: await insertKey(request.key, request.options),
      };
    case 'insertText':
      return { type: 'result', requestId, request: request.type, result: await insertText(request.text) };
    case 'copy':
      return { type: 'result', requestId, request: request.type, result: await copy(request.text) };
    case 'generateKeyPair':
      return {
        type: 'result',
        requestId,
        request: request.type,
        result: await generateKeyPair(request.options),
      };
    case 'encryptSelection':
      return {
        type: 'result',
        requestId,
        request: request.type,
        result: await encryptSelection(request.source, keys),
      };
    case 'encryptText':
      return {
        type: 'result',
        requestId,
        request: request.type,
        result: await encryptText(request.plaintext, request.source, keys),
      };
    case 'decryptSelection':
      return {
        type: 'result',
        requestId,
        request: request.type,
        result: await decryptSelection(request.source, keys),
      };
    case 'decryptText':
      return {
        type: 'result',
        requestId,
        request: request.type,
        result: await decryptText(request.envelope, request.source, keys),
      };
    default:
      return assertNever(request);
  }
}

/** The core's and the glue's errors keep their code and field; anything else says only its first line. */
export function toReplyError(error: unknown): ReplyError {
  if (isKeysmithError(error) || error instanceof SidebarError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.field !== undefined && { field: error.field }),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: message.split('\n')[0] ?? '' };
}

// ---------------------------------------------------------------------------------------------
// The handshake

/** The answer to `ready`: names of the stored keys (never their material), defaults and strings. */
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

// ---------------------------------------------------------------------------------------------
// Generate key

export function generateKey(options: KeyOptions): Results['generateKey'] {
  const generator = keyGenerator(withKeySettings(options, vscode.window.activeTextEditor?.document.uri));
  return { key: generator.next(), type: generator.type, entropy_bits: generator.entropyBits };
}

/**
 * The key the panel shows goes in at the primary cursor; every other cursor gets a fresh key of
 * the same options (a key is never repeated). One edit, so one undo removes them all.
 */
async function insertKey(key: string, options: KeyOptions): Promise<Results['insertKey']> {
  const editor = requireEditor(vscode.l10n.t('Open a text editor to insert the key into.'));
  const generator = keyGenerator(withKeySettings(options, vscode.window.activeTextEditor?.document.uri));
  const texts = editor.selections.map((_, index) => (index === 0 ? key : generator.next()));
  const cursors = await replaceSelections(editor, texts);
  return {
    cursors,
    message:
      cursors === 1
        ? vscode.l10n.t('Inserted at the cursor.')
        : vscode.l10n.t('Inserted at {0} cursors, a different key at each.', cursors),
  };
}

async function insertText(text: string): Promise<Results['insertText']> {
  const editor = requireEditor(vscode.l10n.t('Open a text editor to insert the envelope into.'));
  const cursors = await replaceSelections(
    editor,
    editor.selections.map(() => text),
  );
  return {
    cursors,
    message:
      cursors === 1
        ? vscode.l10n.t('Inserted at the cursor.')
        : vscode.l10n.t('Inserted at {0} cursors.', cursors),
  };
}

async function copy(text: string): Promise<Results['copy']> {
  await vscode.env.clipboard.writeText(text);
  return { message: vscode.l10n.t('Copied.') };
}

function requireEditor(why: string): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new SidebarError('NO_EDITOR', why);
  return editor;
}

async function replaceSelections(editor: vscode.TextEditor, texts: string[]): Promise<number> {
  const selections = editor.selections;
  const done = await editor.edit((edit) => selections.forEach((s, i) => edit.replace(s, texts[i]!)));
  if (!done) {
    throw new SidebarError(
      'READ_ONLY',
      vscode.l10n.t('This editor cannot be changed (it may be read-only).'),
    );
  }
  return selections.length;
}

// ---------------------------------------------------------------------------------------------
// Key pair

/**
 * Checks what the form can be told inline (name, folder, files already there), then runs
 * `keysmith.generateKeyPair` with an argument object — the palette's code path, which asks
 * nothing — and returns the public key it wrote (the private key stays in its file).
 */
async function generateKeyPair(options: KeyPairOptions): Promise<Results['generateKeyPair']> {
  const active = vscode.window.activeTextEditor?.document.uri;
  // The workspace folder the command writes into (the same rule as the command's).
  const root =
    (active && vscode.workspace.getWorkspaceFolder(active)) || vscode.workspace.workspaceFolders?.[0];
  if (!root) {
    throw new SidebarError(
      'NO_WORKSPACE',
      vscode.l10n.t('Open a folder: key pairs are saved inside the workspace folder.'),
      'folder',
    );
  }
  const name = options.name || (options.algorithm === 'RSA' ? 'id_rsa' : 'id_ec');
  if (!isValidKeyName(name)) {
    throw new SidebarError('INVALID_NAME', vscode.l10n.t('Use 1 to 64 of A–Z a–z 0–9 . _ -'), 'name');
  }
  const folder = options.folder || readConfig(root.uri).keyPairFolder;
  if (root.uri.scheme === 'file') {
    let target: string;
    try {
      target = await resolveKeyFolder(root.uri.fsPath, folder);
    } catch (error) {
      if (!(error instanceof OutsideWorkspaceError)) throw error;
      throw new SidebarError(
        'OUTSIDE_WORKSPACE',
        vscode.l10n.t('The folder must be inside the workspace folder.'),
        'folder',
      );
    }
    const { privatePath, publicPath } = keyPairPaths(target, name);
    const existing = await existingPaths([privatePath, publicPath]);
    if (existing.length > 0 && !options.overwrite) {
      throw new SidebarError(
        'FILE_EXISTS',
        vscode.l10n.t(
          '{0} already exists.',
          existing.map((file) => vscode.workspace.asRelativePath(vscode.Uri.file(file), false)).join(', '),
        ),
        'name',
      );
    }
  }
  const args = {
    algorithm: options.algorithm,
    ...(options.algorithm === 'RSA' && options.keySize !== undefined && { keySize: options.keySize }),
    ...(options.algorithm === 'EC' && options.curve !== undefined && { curve: options.curve }),
    name,
    folder,
    ...(options.pkcs8 !== undefined && { pkcs8: options.pkcs8 }),
    overwrite: options.overwrite ?? false,
  };
  const uris = await vscode.commands.executeCommand<vscode.Uri[] | undefined>(
    CommandId.generateKeyPair,
    args,
  );
  if (!uris || uris.length !== 2) {
    throw new SidebarError(
      'NOT_WRITTEN',
      vscode.l10n.t('No key pair was written. The notification says why.'),
    );
  }
  const [privateUri, publicUri] = uris as [vscode.Uri, vscode.Uri];
  const publicKey = new TextDecoder().decode(await vscode.workspace.fs.readFile(publicUri));
  const privateFile = vscode.workspace.asRelativePath(privateUri, false);
  const publicFile = vscode.workspace.asRelativePath(publicUri, false);
  return {
    privateFile,
    publicFile,
    publicKey,
    message: vscode.l10n.t('Saved {0} and {1}.', privateFile, publicFile),
  };
}

// ---------------------------------------------------------------------------------------------
// Encrypt and decrypt

/** The argument of the encrypt/decrypt selection commands, checked here so the form can say which field is wrong. */
function commandArgs(
  source: KeySource,
  keys: KeyStore,
): { keyName: string } | { key: string } | { password: string } {
  switch (source.kind) {
    case 'stored':
      if (!keys.has(source.name)) throw unknownKey(source.name);
      return { keyName: source.name };
    case 'key': {
      const key = source.key.trim();
      if (!HEX_KEY.test(key)) {
        throw new SidebarError(
          'INVALID_KEY',
          vscode.l10n.t('A key is 64 hexadecimal characters (0-9, a-f).'),
          'key',
        );
      }
      return { key };
    }
    case 'password':
      if (source.password.length === 0) {
        throw new SidebarError('INVALID_PASSWORD', vscode.l10n.t('Type the password.'), 'password');
      }
      return { password: source.password };
    default:
      return assertNever(source);
  }
}

/** The core's unlock options; a stored key is read from SecretStorage here and goes no further. */
async function coreSecret(
  source: KeySource,
  keys: KeyStore,
): Promise<{ key: string; kid?: string } | { password: string }> {
  switch (source.kind) {
    case 'stored': {
      const key = await keys.get(source.name);
      if (key === undefined) throw unknownKey(source.name);
      return { key, kid: source.name };
    }
    case 'key':
      return { key: source.key.trim() };
    case 'password':
      return { password: source.password };
    default:
      return assertNever(source);
  }
}

function unknownKey(name: string): SidebarError {
  return new SidebarError('UNKNOWN_KEY', vscode.l10n.t('No key named "{0}" is stored.', name), 'keyName');
}

async function encryptSelection(source: KeySource, keys: KeyStore): Promise<Results['encryptSelection']> {
  const editor = requireEditor(vscode.l10n.t('Open a text editor and select the text to encrypt.'));
  const count = editor.selections.filter((selection) => !selection.isEmpty).length;
  if (count === 0)
    throw new SidebarError('NO_SELECTION', vscode.l10n.t('Select the text to encrypt in the editor.'));
  const changed = await vscode.commands.executeCommand<boolean>(
    CommandId.encryptSelection,
    commandArgs(source, keys),
  );
  if (!changed) throw notChanged();
  return {
    count,
    message:
      count === 1
        ? vscode.l10n.t('Encrypted the selection.')
        : vscode.l10n.t('Encrypted {0} selections.', count),
  };
}

async function decryptSelection(source: KeySource, keys: KeyStore): Promise<Results['decryptSelection']> {
  requireEditor(vscode.l10n.t('Open a text editor with an envelope to decrypt.'));
  const changed = await vscode.commands.executeCommand<boolean>(
    CommandId.decryptSelection,
    commandArgs(source, keys),
  );
  if (!changed) throw notChanged();
  return { message: vscode.l10n.t('Decrypted in the editor.') };
}

/** The commands report their own failures (a notification); the panel says that nothing changed. */
function notChanged(): SidebarError {
  return new SidebarError('NOT_CHANGED', vscode.l10n.t('Nothing was changed. The notification says why.'));
}

async function encryptText(
  plaintext: string,
  source: KeySource,
  keys: KeyStore,
): Promise<Results['encryptText']> {
  if (plaintext.length === 0) {
    throw new SidebarError('INVALID_PLAINTEXT', vscode.l10n.t('Type the text to encrypt.'), 'plaintext');
  }
  const config = readConfig(vscode.window.activeTextEditor?.document.uri);
  const secret = await coreSecret(source, keys);
  const envelope = await encrypt({
    plaintext,
    ...secret,
    ...('password' in secret && { iterations: config.iterations }),
  });
  return { envelope: serializeEnvelope(envelope, { pretty: config.prettyEnvelopes }) };
}

/** The plaintext goes to the panel only, which shows it masked and never stores it. */
async function decryptText(text: string, source: KeySource, keys: KeyStore): Promise<Results['decryptText']> {
  const trimmed = text.trim();
  if (trimmed.length === 0) {
    throw new SidebarError('NO_ENVELOPE', vscode.l10n.t('Paste an envelope.'), 'envelope');
  }
  const envelope = parseEnvelope(trimmed);
  const secret = await coreSecret(source, keys);
  const { plaintext } = await decrypt({
    envelope,
    ...('password' in secret ? { password: secret.password } : { key: secret.key }),
  });
  return { plaintext, warnings: envelopeWarnings(envelope) };
}

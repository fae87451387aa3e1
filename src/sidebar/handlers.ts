/**
 * What the sidebar's requests do: one function per request type. All crypto goes through the
 * core; selections and key-pair files go through the same code as the palette's commands — the
 * functions the commands wrap, which throw where a command shows a notification, so the panel can
 * show the very error next to the field it concerns. A stored key's material is read here and
 * used here — it is never part of a reply.
 */
import * as vscode from 'vscode';
import { decryptSelections, showEnvelopeWarnings } from '../commands/decryptSelection';
import { EditorError } from '../commands/editorError';
import { encryptSelections } from '../commands/encryptSelection';
import { generateKeyPairFromArgs, KeyPairError } from '../commands/generateKeyPair';
import { readConfig, withKeySettings } from '../config';
import {
  decrypt,
  encrypt,
  envelopeWarnings,
  isKeysmithError,
  keyGenerator,
  parseEnvelope,
  serializeEnvelope,
  limits,
} from '../core';
import { coreErrorText } from '../errors';
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
  type RequestType,
  type Results,
  type WebviewStrings,
  type InitMessage,
} from '../protocol';
import type { Secret } from '../secretPrompts';

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
  | 'READ_ONLY'
  | 'UNKNOWN_KEY'
  | 'INVALID_KEY'
  | 'INVALID_PASSWORD'
  | 'INVALID_PLAINTEXT'
  | 'NO_ENVELOPE'
  | 'NO_WORKSPACE'
  | 'FILE_EXISTS'
  | 'CANCELLED';

const HEX_KEY = limits.HEX_KEY_PATTERN;

/** Answers one request: its result, or an error with a code, a message and the field it concerns. */
export async function handleRequest(request: RequestMessage, context: HandlerContext): Promise<ReplyMessage> {
  try {
    return await runRequest(request, context);
  } catch (error) {
    return {
      type: 'error',
      requestId: request.requestId,
      request: request.type,
      error: toReplyError(error, ITEM_NOUNS[request.type]),
    };
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

/**
 * What the items of a batch are called, for an error that says which one failed ("Envelope 2: …").
 * The selection code paths give a core error an index only when there are several selections.
 */
const ITEM_NOUNS: Partial<Record<RequestType, (n: number) => string>> = {
  encryptSelection: (n) => vscode.l10n.t('Selection {0}', n),
  decryptSelection: (n) => vscode.l10n.t('Envelope {0}', n),
};

/**
 * The core's, the commands' and the glue's errors keep their code and field; anything else says
 * only its first line. The commands word their messages to follow "Keysmith: " in a notification;
 * on their own in the panel they start with a capital.
 */
export function toReplyError(error: unknown, itemNoun?: (n: number) => string): ReplyError {
  if (isKeysmithError(error)) {
    const text = coreErrorText(error);
    return {
      code: error.code,
      message:
        itemNoun && error.index !== undefined
          ? vscode.l10n.t('{0}: {1}', itemNoun(error.index + 1), text)
          : text,
      ...(error.field !== undefined && { field: error.field }),
    };
  }
  if (error instanceof SidebarError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.field !== undefined && { field: error.field }),
    };
  }
  if (error instanceof EditorError) return { code: error.code, message: asSentence(error.message) };
  if (error instanceof KeyPairError) {
    return {
      code: error.code,
      message: asSentence(error.message),
      ...(error.field !== undefined && { field: error.field }),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: message.split('\n')[0] ?? '' };
}

function asSentence(message: string): string {
  return message.charAt(0).toLocaleUpperCase() + message.slice(1);
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
 * Saves the pair as `keysmith.generateKeyPair` with an argument object does — the same function,
 * which asks nothing and throws instead of showing a notification — and returns the public key it
 * wrote (the private key stays in its file). Its errors name the form's field: files already there
 * and a bad name → name (the form then offers to replace the files), no workspace folder or one
 * outside it → folder.
 */
async function generateKeyPair(options: KeyPairOptions): Promise<Results['generateKeyPair']> {
  // An empty name or folder means the default, as the form's placeholders say.
  const { name, folder, ...rest } = options;
  let uris: vscode.Uri[] | undefined;
  try {
    uris = await generateKeyPairFromArgs({ ...rest, ...(name && { name }), ...(folder && { folder }) });
  } catch (error) {
    throw error instanceof KeyPairError ? inPanelWords(error) : error;
  }
  if (!uris || uris.length !== 2) {
    throw new SidebarError('CANCELLED', vscode.l10n.t('Cancelled: no key pair was written.'));
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

/**
 * The two refusals whose command wording is about the argument object ("pass overwrite: true",
 * "run it without arguments"), in the panel's terms: the form offers Replace itself, and has no
 * save dialog to fall back on. The others are shown as the command words them.
 */
function inPanelWords(error: KeyPairError): unknown {
  switch (error.code) {
    case 'FILE_EXISTS': {
      const files = error.paths.map((file) => vscode.workspace.asRelativePath(vscode.Uri.file(file), false));
      return new SidebarError('FILE_EXISTS', vscode.l10n.t('{0} already exists.', files.join(', ')), 'name');
    }
    case 'NO_WORKSPACE':
      return new SidebarError(
        'NO_WORKSPACE',
        vscode.l10n.t('Open a folder: key pairs are saved inside the workspace folder.'),
        'folder',
      );
    default:
      return error;
  }
}

// ---------------------------------------------------------------------------------------------
// Encrypt and decrypt

/**
 * What locks or opens envelopes, as the selection commands take it: a stored key is read from
 * SecretStorage here and goes no further than the core.
 */
async function secretOf(source: KeySource, keys: KeyStore): Promise<Secret> {
  switch (source.kind) {
    case 'stored': {
      const key = await keys.get(source.name);
      if (key === undefined) throw unknownKey(source.name);
      return { key, keyName: source.name };
    }
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
async function checkedSecretOf(source: KeySource, keys: KeyStore): Promise<Secret> {
  if (source.kind === 'key' && !HEX_KEY.test(source.key.trim())) {
    throw new SidebarError(
      'INVALID_KEY',
      vscode.l10n.t('A key is 64 hexadecimal characters (0-9, a-f).'),
      'key',
    );
  }
  if (source.kind === 'password' && source.password.length === 0) {
    throw new SidebarError('INVALID_PASSWORD', vscode.l10n.t('Type the password.'), 'password');
  }
  return secretOf(source, keys);
}

function unknownKey(name: string): SidebarError {
  return new SidebarError('UNKNOWN_KEY', vscode.l10n.t('No key named "{0}" is stored.', name), 'keyName');
}

/**
 * Encrypt Selection's own code path (the command's, minus its notifications): a failure comes back
 * as the error itself — no editor, nothing selected, the document changed or is read-only.
 */
async function encryptSelection(source: KeySource, keys: KeyStore): Promise<Results['encryptSelection']> {
  const done = await encryptSelections(() => checkedSecretOf(source, keys));
  if (!done) throw cancelled();
  const { count } = done;
  return {
    count,
    message:
      count === 1
        ? vscode.l10n.t('Encrypted the selection.')
        : vscode.l10n.t('Encrypted {0} selections.', count),
  };
}

/**
 * Decrypt Selection's own code path (the command's, minus its notifications): all or nothing, and
 * a failure comes back as the error itself — DECRYPT_FAILED, KEY_OR_PASSWORD, a malformed envelope
 * naming its field, no envelope here… An envelope's warnings (few iterations) are notifications,
 * as with the command.
 */
async function decryptSelection(source: KeySource, keys: KeyStore): Promise<Results['decryptSelection']> {
  const done = await decryptSelections(() => checkedSecretOf(source, keys));
  if (!done) throw cancelled();
  showEnvelopeWarnings(done.warnings);
  return { message: vscode.l10n.t('Decrypted in the editor.') };
}

/** Only a prompt can be cancelled, and the panel's requests never prompt; still, say so. */
function cancelled(): SidebarError {
  return new SidebarError('CANCELLED', vscode.l10n.t('Cancelled: nothing was changed.'));
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
  const secret = await secretOf(source, keys);
  const envelope = await encrypt({
    plaintext,
    ...('key' in secret
      ? { key: secret.key, ...(secret.keyName !== undefined && { kid: secret.keyName }) }
      : { password: secret.password, iterations: config.iterations }),
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
  const secret = await secretOf(source, keys);
  const { plaintext } = await decrypt({
    envelope,
    ...('password' in secret ? { password: secret.password } : { key: secret.key }),
  });
  return { plaintext, warnings: envelopeWarnings(envelope) };
}

/**
 * What the sidebar's requests do: one handler per request type, in one table (as commands/index.ts
 * has one for the commands), so a request type without a handler is a compile error. All crypto
 * goes through the core; selections and key-pair files go through the editor layer the commands
 * use, which throws where a command shows a notification — so the panel shows the very error, in
 * the very words, next to the field it concerns. A stored key's material is read on the host and
 * used there: it is never part of a reply.
 */
import * as vscode from 'vscode';
import { decrypt, encrypt, envelopeWarnings, keyGenerator, parseEnvelope, serializeEnvelope } from '../core';
import { CLIPBOARD_SECONDS, copySecret } from '../editor/clipboard';
import { readConfig, withKeySettings } from '../editor/config';
import { replaceSelections, requireEditor } from '../editor/edits';
import { describeFailure, EditorError, ItemNoun } from '../editor/errors';
import { generateKeyPairFromArgs } from '../editor/keyPairs';
import type { KeyStore } from '../editor/keyStore';
import { checkedSecretOfSource, secretOfSource } from '../editor/secrets';
import { decryptSelections, encryptSelections, showEnvelopeWarnings } from '../editor/selectionCrypto';
import type {
  KeyOptions,
  KeyPairOptions,
  KeySource,
  ReplyError,
  ReplyMessage,
  RequestMessage,
  RequestType,
  ResultMessage,
  Results,
} from '../protocol';

export interface HandlerContext {
  keys: KeyStore;
}

type RequestOf<K extends RequestType> = Extract<RequestMessage, { type: K }>;
type Handler<K extends RequestType> = (
  request: RequestOf<K>,
  context: HandlerContext,
) => Results[K] | Promise<Results[K]>;

const HANDLERS: { [K in RequestType]: Handler<K> } = {
  generateKey: ({ options }) => keyToShow(options),
  insertKey: ({ key, options }) => insertShownKey(key, options),
  insertText: ({ text }) => insertAtEveryCursor(text),
  copy: ({ text }) => copyToClipboard(text),
  generateKeyPair: ({ options }) => saveKeyPair(options),
  encryptSelection: ({ source }, { keys }) => encryptInEditor(source, keys),
  encryptText: ({ plaintext, source }, { keys }) => envelopeOf(plaintext, source, keys),
  decryptSelection: ({ source }, { keys }) => decryptInEditor(source, keys),
  decryptText: ({ envelope, source }, { keys }) => plaintextOf(envelope, source, keys),
};

/**
 * What the items of a batch are called, for an error that says which one failed ("Envelope 2: …"),
 * as the commands say it. The selection code gives a core error an index only when there are several.
 */
const ITEM_NOUNS: Partial<Record<RequestType, ItemNoun>> = {
  encryptSelection: ItemNoun.selection,
  decryptSelection: ItemNoun.envelope,
};

/** Answers one request: its result, or an error with a code, a message and the field it concerns. */
export async function handleRequest(request: RequestMessage, context: HandlerContext): Promise<ReplyMessage> {
  const { requestId, type } = request;
  try {
    // The table pairs each type with its handler; TypeScript cannot follow that through a union.
    const handler = HANDLERS[type] as Handler<RequestType>;
    const result = await handler(request as never, context);
    return { type: 'result', requestId, request: type, result } as ResultMessage;
  } catch (error) {
    return { type: 'error', requestId, request: type, error: toReplyError(error, ITEM_NOUNS[type]) };
  }
}

/** A failure as a reply: the same mapping, and the same sentence, as a command's notification. */
export function toReplyError(error: unknown, items?: ItemNoun): ReplyError {
  const { code, sentence, field } = describeFailure(error, items);
  return { code, message: sentence, ...(field !== undefined && { field }) };
}

// ---------------------------------------------------------------------------------------------
// Keys, text and the clipboard

function keyToShow(options: KeyOptions): Results['generateKey'] {
  const generator = keyGenerator(withKeySettings(options, vscode.window.activeTextEditor?.document.uri));
  return { key: generator.next(), type: generator.type, entropy_bits: generator.entropyBits };
}

/**
 * The key the panel shows goes in at the primary cursor; every other cursor gets a fresh key of
 * the same options (a key is never repeated). One edit, so one undo removes them all.
 */
async function insertShownKey(key: string, options: KeyOptions): Promise<Results['insertKey']> {
  const editor = requireEditor(vscode.l10n.t('Open a text editor to insert the key into.'));
  const generator = keyGenerator(withKeySettings(options, editor.document.uri));
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

async function insertAtEveryCursor(text: string): Promise<Results['insertText']> {
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

/**
 * The panel copies four things: an envelope and a public key, which are meant to be shared, and a
 * generated key or a decrypted plaintext, which are secrets — those leave the clipboard again as a
 * stored key copied by Copy a Stored Key does.
 */
async function copyToClipboard(text: string): Promise<Results['copy']> {
  if (isShareable(text)) {
    await vscode.env.clipboard.writeText(text);
    return { message: vscode.l10n.t('Copied.') };
  }
  await copySecret(text);
  return {
    message: vscode.l10n.t(
      'Copied; it will be cleared from the clipboard in {0} seconds.',
      CLIPBOARD_SECONDS,
    ),
  };
}

function isShareable(text: string): boolean {
  const trimmed = text.trim();
  if (/^-----BEGIN PUBLIC KEY-----\r?\n[\s\S]*-----END PUBLIC KEY-----$/.test(trimmed)) return true;
  try {
    parseEnvelope(trimmed);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Key pair

/**
 * Saves the pair as `keysmith.generateKeyPair` with an argument object does — the same code, which
 * asks nothing — and returns the public key it wrote (the private key stays in its file).
 */
async function saveKeyPair(options: KeyPairOptions): Promise<Results['generateKeyPair']> {
  // An empty name or folder means the default, as the form's placeholders say.
  const { name, folder, ...rest } = options;
  const written = await generateKeyPairFromArgs(
    { ...rest, ...(name && { name }), ...(folder && { folder }) },
    'panel',
  );
  if (!written) throw new EditorError('CANCELLED', vscode.l10n.t('Cancelled: no key pair was written.'));
  const [privateUri, publicUri] = written;
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

/** Only a prompt can be cancelled, and the panel's requests never prompt; still, say so. */
function nothingChanged(): EditorError {
  return new EditorError('CANCELLED', vscode.l10n.t('Cancelled: nothing was changed.'));
}

/** Encrypt Selection's own code path (the command's, minus its notifications). */
async function encryptInEditor(source: KeySource, keys: KeyStore): Promise<Results['encryptSelection']> {
  const done = await encryptSelections(() => checkedSecretOfSource(source, keys));
  if (!done) throw nothingChanged();
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
 * Decrypt Selection's own code path (the command's, minus its failure notifications): all or
 * nothing. An envelope's warnings (few iterations) are notifications, as with the command.
 */
async function decryptInEditor(source: KeySource, keys: KeyStore): Promise<Results['decryptSelection']> {
  const done = await decryptSelections(() => checkedSecretOfSource(source, keys));
  if (!done) throw nothingChanged();
  showEnvelopeWarnings(done.warnings);
  return { message: vscode.l10n.t('Decrypted in the editor.') };
}

async function envelopeOf(
  plaintext: string,
  source: KeySource,
  keys: KeyStore,
): Promise<Results['encryptText']> {
  if (plaintext.length === 0) {
    throw new EditorError('INVALID_PLAINTEXT', vscode.l10n.t('Type the text to encrypt.'), 'plaintext');
  }
  const config = readConfig(vscode.window.activeTextEditor?.document.uri);
  const secret = await secretOfSource(source, keys);
  const envelope = await encrypt({
    plaintext,
    ...('key' in secret
      ? { key: secret.key, ...(secret.keyName !== undefined && { kid: secret.keyName }) }
      : { password: secret.password, iterations: config.iterations }),
  });
  return { envelope: serializeEnvelope(envelope, { pretty: config.prettyEnvelopes }) };
}

/** The plaintext goes to the panel only, which shows it masked and never stores it. */
async function plaintextOf(text: string, source: KeySource, keys: KeyStore): Promise<Results['decryptText']> {
  const trimmed = text.trim();
  if (trimmed.length === 0) {
    throw new EditorError('NO_ENVELOPE', vscode.l10n.t('Paste an envelope.'), 'envelope');
  }
  const envelope = parseEnvelope(trimmed);
  const secret = await secretOfSource(source, keys);
  const { plaintext } = await decrypt({
    envelope,
    ...('password' in secret ? { password: secret.password } : { key: secret.key }),
  });
  return { plaintext, warnings: envelopeWarnings(envelope) };
}

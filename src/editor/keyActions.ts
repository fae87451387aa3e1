/**
 * What the key hover's links and Inspect Key do: copy a key in another format (`keysmith.copyKeyAs`,
 * the key read again from the document at the link's position) and tell what a key is
 * (`keysmith.inspectKey`, on the selection, the key at the cursor or the whole file).
 *
 * Passphrases: asked in a password box only when the key is encrypted and what is wanted cannot be
 * had without it (the public half of an encrypted OpenSSH key is in the clear); held only until
 * the key is read, never logged, never in a message. The KDF runs behind a cancellable progress.
 * Public keys go to the clipboard as they are; a private key goes through copySecret (cleared
 * after CLIPBOARD_SECONDS) and the notification says so.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import { convertKey, isKeysmithError, readKey, type KeyInfo, type ReadKey } from '../core';
import { openSshPublicLineOf, type FoundKey } from '../core/keysInText';
import { CLIPBOARD_SECONDS, copySecret } from './clipboard';
import { invalid, isFields, rejectUnknownOptions } from './commandArgs';
import { EditorError, notificationText } from './errors';
import {
  atDocumentLine,
  COPY_FORMATS,
  documentKeyAt,
  formatText,
  keyTitle,
  type CopyFormat,
} from './keyHover';
import { withCancellableProgress } from './progress';

const FORMAT_NAMES: Record<CopyFormat, string> = {
  jwk: 'JWK',
  openssh: 'OpenSSH',
  pem: 'PEM',
  pkcs8: 'PKCS#8',
};

/** A key's text and where it starts in its document (0-based line), for the messages. */
interface KeySource {
  text: string;
  firstLine: number;
  found?: FoundKey;
  /** Whether a passphrase may be asked (not when the command was given the text to automate). */
  mayAsk: boolean;
}

function openDocument(uri: unknown): vscode.TextDocument {
  if (typeof uri !== 'string') throw invalid(vscode.l10n.t('uri must be a string.'), 'uri');
  const document = vscode.workspace.textDocuments.find((open) => open.uri.toString() === uri);
  if (!document) throw invalid(vscode.l10n.t('uri must name an open document.'), 'uri');
  return document;
}

function positionIn(document: vscode.TextDocument, line: unknown, character: unknown): vscode.Position {
  if (typeof line !== 'number' || !Number.isInteger(line) || line < 0 || line >= document.lineCount) {
    throw invalid(
      vscode.l10n.t('line must be a whole number from 0 to {0}.', document.lineCount - 1),
      'line',
    );
  }
  if (typeof character !== 'number' || !Number.isInteger(character) || character < 0) {
    throw invalid(vscode.l10n.t('character must be a whole number from 0.'), 'character');
  }
  return document.validatePosition(new vscode.Position(line, character));
}

/** The key at a position of an open document, as the hover found it. */
function keyAtPosition(document: vscode.TextDocument, position: vscode.Position): KeySource {
  const found = documentKeyAt(document, position);
  if (!found) {
    throw invalid(vscode.l10n.t('There is no key at line {0} (any more).', position.line + 1), 'line');
  }
  return { text: found.text, firstLine: document.positionAt(found.start).line, found, mayAsk: true };
}

const isCode = (error: unknown, code: string) => isKeysmithError(error) && error.code === code;

/**
 * Reads the key, asking its passphrase when it is encrypted and `source.mayAsk`: a wrong one says
 * so and offers Try Again. Undefined when the user cancels.
 */
async function readAsking(source: KeySource, passphrase?: string): Promise<ReadKey | ReadKey[] | undefined> {
  try {
    return await readKey(source.text, passphrase === undefined ? undefined : { passphrase });
  } catch (error) {
    if (!isCode(error, 'PASSPHRASE_REQUIRED') || !source.mayAsk || passphrase !== undefined) {
      throw atDocumentLine(error, source.firstLine);
    }
  }
  for (;;) {
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Key Passphrase'),
      prompt: vscode.l10n.t('The passphrase of the private key at line {0}.', source.firstLine + 1),
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) =>
        value.length === 0 ? vscode.l10n.t('The passphrase cannot be empty.') : undefined,
    });
    if (typed === undefined) return undefined;
    try {
      return await withCancellableProgress(vscode.l10n.t('Keysmith: opening the key…'), (signal) =>
        readKey(source.text, { passphrase: typed, signal }),
      );
    } catch (error) {
      if (!isCode(error, 'WRONG_PASSPHRASE')) throw atDocumentLine(error, source.firstLine);
      const again = vscode.l10n.t('Try Again');
      const choice = await vscode.window.showErrorMessage(notificationText(error), again);
      if (choice !== again) return undefined;
    }
  }
}

/** The text of a read key that convertKey takes without a passphrase (in memory only). */
function plainText(read: ReadKey, asPublic: boolean): string {
  const key = asPublic ? publicOf(read.key) : read.key;
  return key.type === 'public'
    ? (key.export({ type: 'spki', format: 'pem' }) as string)
    : (key.export({ type: 'pkcs8', format: 'pem' }) as string);
}

/** node's createPublicKey takes a private KeyObject only. */
function publicOf(key: KeyObject): KeyObject {
  return key.type === 'private' ? createPublicKey(key) : key;
}

function one(read: ReadKey | ReadKey[]): ReadKey | undefined {
  return Array.isArray(read) ? (read.length === 1 ? read[0] : undefined) : read;
}

/** `to` in convertKey's terms, with the input's OpenSSH comment kept. */
async function convertRead(read: ReadKey, to: CopyFormat, asPublic: boolean): Promise<string> {
  const comment = to === 'openssh' ? read.info.comment : undefined;
  return convertKey(plainText(read, asPublic), {
    to,
    public: asPublic,
    ...(comment !== undefined ? { comment } : {}),
  });
}

/** Copies `text`: a private key through copySecret, and says what was copied. */
async function copyAndTell(text: string, to: CopyFormat, isPrivate: boolean): Promise<void> {
  const name = FORMAT_NAMES[to];
  if (isPrivate) {
    await copySecret(text);
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Keysmith: copied the private key as {0}; it will be cleared from the clipboard in {1} seconds.',
        name,
        CLIPBOARD_SECONDS,
      ),
    );
  } else {
    await vscode.env.clipboard.writeText(text);
    void vscode.window.showInformationMessage(vscode.l10n.t('Keysmith: copied the public key as {0}.', name));
  }
}

/**
 * `keysmith.copyKeyAs {uri, line, character, to, public?}`: the key at that position of the open
 * document, in `to`, copied (the public half unless `public: false`). True when copied.
 */
export async function copyKeyAs(args: unknown): Promise<boolean> {
  if (!isFields(args)) {
    throw invalid(
      vscode.l10n.t(
        'The argument of {0} must be an object such as {"uri": "…", "line": 0, "character": 0, "to": "jwk"}.',
        CommandId.copyKeyAs,
      ),
    );
  }
  rejectUnknownOptions(args, ['uri', 'line', 'character', 'to', 'public'], CommandId.copyKeyAs);
  const document = openDocument(args.uri);
  const position = positionIn(document, args.line, args.character);
  const to = args.to;
  if (typeof to !== 'string' || !(COPY_FORMATS as readonly string[]).includes(to)) {
    throw invalid(vscode.l10n.t('to must be one of {0}.', COPY_FORMATS.join(', ')), 'to');
  }
  if (args.public !== undefined && typeof args.public !== 'boolean') {
    throw invalid(vscode.l10n.t('public must be true or false.'), 'public');
  }
  const format = to as CopyFormat;
  const wantPublic = args.public !== false;
  const source = keyAtPosition(document, position);

  let read: ReadKey | ReadKey[] | undefined;
  try {
    read = await readKey(source.text); // no passphrase: no KDF unless one is needed below
  } catch (error) {
    if (!isCode(error, 'PASSPHRASE_REQUIRED')) throw atDocumentLine(error, source.firstLine);
    const publicLine = wantPublic ? openSshPublicLineOf(source.text) : undefined;
    read = publicLine !== undefined ? await readKey(publicLine) : await readAsking(source);
  }
  if (read === undefined) return false;
  const key = one(read);
  if (!key) {
    throw invalid(vscode.l10n.t('The JWKS holds several keys: hover one of them to copy it.'), 'line');
  }
  const asPublic = wantPublic || key.info.kind === 'public';
  const text = await convertRead(key, format, asPublic);
  await copyAndTell(text, format, !asPublic);
  return true;
}

/** What one key is, in a sentence. */
function keySentence(info: KeyInfo, found?: FoundKey): string {
  const details = [formatText(info, found)];
  if (info.encrypted) details.push(vscode.l10n.t('encrypted'));
  if (info.comment !== undefined) details.push(vscode.l10n.t('comment "{0}"', info.comment));
  return vscode.l10n.t(
    '{0} ({1}). SSH fingerprint {2}, SHA-256 {3}, JWK thumbprint {4}.',
    keyTitle(info),
    details.join(', '),
    info.fingerprints.ssh,
    info.fingerprints.sha256,
    info.fingerprints.jwk_thumbprint,
  );
}

/**
 * `keysmith.inspectKey`: the key of `{text}` (with `passphrase` if encrypted; never a prompt), of
 * `{uri, line, character}` (the hover's Inspect…), or of the active editor — its selection, else
 * the key at the cursor, else the whole file. Shows what it is with Copy buttons (public halves)
 * and returns its KeyInfo (an array for a JWKS), or undefined when cancelled.
 */
export async function inspectKeyCommandRun(args?: unknown): Promise<KeyInfo | KeyInfo[] | undefined> {
  let source: KeySource;
  let passphrase: string | undefined;
  if (args !== undefined) {
    if (!isFields(args)) {
      throw invalid(
        vscode.l10n.t(
          'The argument of {0} must be an object such as {"text": "-----BEGIN PUBLIC KEY-----…"}.',
          CommandId.inspectKey,
        ),
      );
    }
    rejectUnknownOptions(args, ['text', 'passphrase', 'uri', 'line', 'character'], CommandId.inspectKey);
    if (args.passphrase !== undefined && typeof args.passphrase !== 'string') {
      throw invalid(vscode.l10n.t('passphrase must be a string.'), 'passphrase');
    }
    passphrase = args.passphrase as string | undefined;
    if (args.text !== undefined) {
      if (typeof args.text !== 'string') throw invalid(vscode.l10n.t('text must be a string.'), 'text');
      source = { text: args.text, firstLine: 0, mayAsk: false };
    } else if (args.uri !== undefined) {
      const document = openDocument(args.uri);
      source = keyAtPosition(document, positionIn(document, args.line, args.character));
    } else {
      throw invalid(vscode.l10n.t('Give text, or uri, line and character, to {0}.', CommandId.inspectKey));
    }
  } else {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      throw new EditorError(
        'NO_EDITOR',
        vscode.l10n.t('Open a file with a key, or select a key, to inspect it.'),
      );
    }
    const { document, selection } = editor;
    const found = selection.isEmpty ? documentKeyAt(document, selection.active) : undefined;
    if (!selection.isEmpty) {
      source = { text: document.getText(selection), firstLine: selection.start.line, mayAsk: true };
    } else if (found) {
      source = { text: found.text, firstLine: document.positionAt(found.start).line, found, mayAsk: true };
    } else {
      source = { text: document.getText(), firstLine: 0, mayAsk: true };
    }
  }
  const read = await readAsking(source, passphrase);
  if (read === undefined) return undefined;
  const infos = Array.isArray(read) ? read.map((r) => r.info) : read.info;
  showInspection(read, source.found);
  return infos;
}

/** The non-modal notification: what the key is, and Copy buttons (not awaited). */
function showInspection(read: ReadKey | ReadKey[], found?: FoundKey): void {
  // Only the public half waits for a button (a notification may stay open for long).
  const found1 = one(read);
  const single = found1 && { key: publicOf(found1.key), info: found1.info };
  const text = Array.isArray(read)
    ? vscode.l10n.t(
        'Keysmith: a JWKS of {0} key(s): {1}',
        read.length,
        read.map((r, i) => `${i + 1}. ${keySentence(r.info)}`).join(' '),
      )
    : vscode.l10n.t('Keysmith: {0}', keySentence(read.info, found));
  if (!single) {
    void vscode.window.showInformationMessage(text);
    return;
  }
  const buttons: [string, CopyFormat][] = [
    [vscode.l10n.t('Copy as JWK'), 'jwk'],
    [vscode.l10n.t('Copy as OpenSSH'), 'openssh'],
    [vscode.l10n.t('Copy public PEM'), 'pem'],
  ];
  void vscode.window.showInformationMessage(text, ...buttons.map(([title]) => title)).then(async (choice) => {
    const picked = buttons.find(([title]) => title === choice);
    if (!picked) return;
    try {
      await copyAndTell(await convertRead(single, picked[1], true), picked[1], false);
    } catch (error) {
      void vscode.window.showErrorMessage(notificationText(error));
    }
  });
}

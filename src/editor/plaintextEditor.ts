/**
 * Peek and Edit of the envelope at the cursor, with the plaintext kept off disk (DESIGN.md
 * "Plaintext stays off disk"; /work/notes/hot-exit.md has the research this rests on).
 *
 * - Peek shows the plaintext in VS Code's peek widget from a TextDocumentContentProvider
 *   (`keysmith-peek`): read-only, not a working copy, so never dirty, never backed up. Keysmith
 *   holds one peeked plaintext at a time, dropped when its document closes or another is peeked.
 * - Edit opens it in a text editor of its own (`keysmith-plaintext`, a FileSystemProvider over a
 *   Map). VS Code backs up every dirty text document 1 s after its last change (the working-copy
 *   backup tracker; `files.hotExit` does not stop it), whatever its scheme, into
 *   `<user data>/…/Backups`. So this editor is never left dirty: each change is saved into the Map
 *   within FLUSH_DELAY_MS, without save participants, which cancels the pending backup. Only the
 *   user's own save (Ctrl+S = keysmith.saveEnvelope; File > Save, a manual save Keysmith did not
 *   start) writes a fresh envelope back into the source, as one edit, in the envelope's form,
 *   keeping its kid.
 * - Closing the editor drops the plaintext (the Map's bytes zeroed) and the session's secret.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import {
  encrypt,
  envelopeAt,
  envelopeChange,
  findEnvelopes,
  KeysmithError,
  type Envelope,
  type FoundEnvelope,
} from '../core';
import { readConfig } from './config';
import { envelopesOf, formatOf } from './envelopeIndex';
import { requireEditor } from './edits';
import { EditorError, showFailure } from './errors';
import type { KeyStore } from './keyStore';
import { openEnvelopes } from './openEnvelopes';
import { PLAINTEXT_SCHEME, PlaintextFileSystem } from './plaintextFileSystem';
import { withCancellableProgress } from './progress';
import type { Secret } from './secrets';

export { PLAINTEXT_SCHEME } from './plaintextFileSystem';
export const PEEK_SCHEME = 'keysmith-peek';

/**
 * How long a change may wait before it is saved into the Map. VS Code's backup tracker writes a
 * dirty document's backup 1000 ms after its last change (2000 with a short auto-save delay): the
 * save lands long before, and a few keystrokes still make one undo step (each save ends one).
 */
export const FLUSH_DELAY_MS = 150;

/** One plaintext being edited: where its envelope is, and what opened it (memory only). */
interface EditSession {
  readonly uri: vscode.Uri;
  readonly source: vscode.Uri;
  /** "config.json, line 12": how messages name the envelope. */
  readonly label: string;
  /** The envelope's text as it stands in the source, to find it again if it moved. */
  envelopeText: string;
  start: number;
  envelope: Envelope;
  secret: Secret | undefined;
  /** The plaintext differs from what the source's envelope holds. */
  unwritten: boolean;
  /** The user saved (Ctrl+S, File > Save): the envelope is written once the save is done. */
  saveAsked: boolean;
  flushTimer: NodeJS.Timeout | undefined;
  flushing: boolean;
  /** The document version the last of Keysmith's saves into the Map started from. */
  flushedVersion: number | undefined;
  /** Write-backs run one after another. */
  writing: Promise<void>;
  /** Its editor was shown (before that, no tab is no reason to end it); being ended. */
  shown: boolean;
  ending: boolean;
}

/** The envelope at the cursor of the active editor. */
interface Target {
  document: vscode.TextDocument;
  found: FoundEnvelope;
  envelope: Envelope;
  text: string;
}

let instance: PlaintextEditors | undefined;

export function registerPlaintextEditor(context: vscode.ExtensionContext, keys: KeyStore): void {
  instance = new PlaintextEditors(keys);
  context.subscriptions.push(instance, { dispose: () => (instance = undefined) });
}

function editors(): PlaintextEditors {
  if (!instance) throw new Error('The plaintext editor is not registered.');
  return instance;
}

/** Tests only: how long each save into memory is held before it lands (see PlaintextFileSystem). */
export function setPlaintextWriteDelay(ms: number): void {
  editors().setWriteDelay(ms);
}

/** `keysmith.peekEnvelope`: the URI of the peeked plaintext, or undefined when cancelled. */
export function peekEnvelopeAtCursor(args?: unknown): Promise<vscode.Uri | undefined> {
  return editors().peek(args);
}

/** `keysmith.editEnvelope`: the URI of the plaintext editor, or undefined when cancelled. */
export function editEnvelopeAtCursor(args?: unknown): Promise<vscode.Uri | undefined> {
  return editors().edit(args);
}

/**
 * `keysmith.saveEnvelope`: the active plaintext editor saved into memory and written back as a
 * fresh envelope (errors thrown: DOCUMENT_CHANGED when its envelope is gone…).
 */
export function saveActivePlaintext(): Promise<boolean> {
  return editors().saveActive();
}

/** The language the plaintext is shown in: JSON when it is a JSON object or array, else plain text. */
export function guessLanguage(plaintext: string): string {
  const text = plaintext.trim();
  if (/^(\{[^]*\}|\[[^]*\])$/.test(text)) {
    try {
      JSON.parse(text);
      return 'json';
    } catch {
      // not JSON after all
    }
  }
  return 'plaintext';
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

class PlaintextEditors implements vscode.Disposable {
  private readonly fs = new PlaintextFileSystem();
  private readonly sessions = new Map<string, EditSession>();
  /** The peeked plaintext (one at a time), by its URI. */
  private readonly peeks = new Map<string, string>();
  private readonly decorationsChanged = new vscode.EventEmitter<vscode.Uri[]>();
  private readonly disposables: vscode.Disposable[] = [];
  /** The plaintext editor that was active last (by URI). */
  private lastActive: string | undefined;

  constructor(private readonly keys: KeyStore) {
    this.disposables.push(
      this.fs,
      this.decorationsChanged,
      vscode.workspace.registerFileSystemProvider(PLAINTEXT_SCHEME, this.fs, { isCaseSensitive: true }),
      vscode.workspace.registerTextDocumentContentProvider(PEEK_SCHEME, {
        provideTextDocumentContent: (uri) =>
          this.peeks.get(uri.toString()) ??
          vscode.l10n.t('(Keysmith dropped this plaintext when its peek closed.)'),
      }),
      vscode.window.registerFileDecorationProvider({
        onDidChangeFileDecorations: this.decorationsChanged.event,
        provideFileDecoration: (uri) => this.decoration(uri),
      }),
      vscode.workspace.onDidChangeTextDocument((event) => this.onDidChange(event)),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        const uri = editor?.document.uri.toString();
        if (uri !== undefined && this.sessions.has(uri)) this.lastActive = uri;
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document.uri.scheme === PEEK_SCHEME) this.peeks.delete(document.uri.toString());
      }),
      vscode.window.tabGroups.onDidChangeTabs((event) => {
        if (event.closed.length > 0) void this.endClosedSessions();
      }),
      // File > Save and the like (Ctrl+S is keysmith.saveEnvelope): the user's save runs the save
      // participants, ours included; Keysmith's own saves do not (or say so), so a manual save of
      // a plaintext editor is the user's, and once it is written, so is the envelope.
      vscode.workspace.onWillSaveTextDocument((event) => {
        const session = this.sessions.get(event.document.uri.toString());
        const manual = event.reason === vscode.TextDocumentSaveReason.Manual;
        if (session && manual && !this.fs.isOwnSave(session.uri)) session.saveAsked = true;
      }),
      vscode.workspace.onDidSaveTextDocument((document) => {
        const session = this.sessions.get(document.uri.toString());
        if (!session?.saveAsked) return;
        session.saveAsked = false;
        this.writeBackLater(session);
      }),
    );
  }

  async peek(args: unknown): Promise<vscode.Uri | undefined> {
    const editor = requireEditor(vscode.l10n.t('Open a text editor with an envelope to peek at.'));
    const target = envelopeAtCursor(editor);
    const opened = await openEnvelopes(this.keys, [target.envelope], {
      given: args,
      command: CommandId.peekEnvelope,
    });
    if (!opened) return undefined;
    const uri = vscode.Uri.from({ scheme: PEEK_SCHEME, path: `/${newId()}/${fileName(target)}` });
    this.peeks.clear(); // one peeked plaintext at a time
    this.peeks.set(uri.toString(), opened.plaintexts[0]!);
    const at = target.document.positionAt(target.found.start);
    await vscode.commands.executeCommand(
      'editor.action.peekLocations',
      target.document.uri,
      at,
      [new vscode.Location(uri, new vscode.Position(0, 0))],
      'peek',
    );
    return uri;
  }

  async edit(args: unknown): Promise<vscode.Uri | undefined> {
    const editor = requireEditor(vscode.l10n.t('Open a text editor with an envelope to edit.'));
    const target = envelopeAtCursor(editor);
    const source = target.document.uri.toString();
    const envelopeText = target.text.slice(target.found.start, target.found.end);
    const open = [...this.sessions.values()].find(
      (session) => session.source.toString() === source && session.envelopeText === envelopeText,
    );
    if (open) {
      await vscode.window.showTextDocument(open.uri, { preview: false });
      return open.uri;
    }
    const opened = await openEnvelopes(this.keys, [target.envelope], {
      given: args,
      command: CommandId.editEnvelope,
    });
    if (!opened) return undefined;
    const plaintext = opened.plaintexts[0]!;
    const uri = vscode.Uri.from({ scheme: PLAINTEXT_SCHEME, path: `/${newId()}/${fileName(target)}` });
    const session: EditSession = {
      uri,
      source: target.document.uri,
      label: vscode.l10n.t('{0}, line {1}', baseName(target.document.uri), target.found.line),
      envelopeText,
      start: target.found.start,
      envelope: target.envelope,
      secret: opened.secrets[0]!,
      unwritten: false,
      saveAsked: false,
      flushTimer: undefined,
      flushing: false,
      flushedVersion: undefined,
      writing: Promise.resolve(),
      shown: false,
      ending: false,
    };
    const bytes = utf8.encode(plaintext);
    this.fs.create(uri, bytes);
    bytes.fill(0);
    this.sessions.set(uri.toString(), session);
    try {
      let document = await vscode.workspace.openTextDocument(uri);
      const language = guessLanguage(plaintext);
      if (document.languageId !== language) {
        document = await vscode.languages.setTextDocumentLanguage(document, language);
      }
      await vscode.window.showTextDocument(document, {
        viewColumn: vscode.ViewColumn.Beside,
        preview: false,
      });
      this.lastActive = uri.toString();
      session.shown = true;
    } catch (error) {
      this.end(session);
      throw error;
    }
    return uri;
  }

  setWriteDelay(ms: number): void {
    this.fs.writeDelayMs = ms;
  }

  async saveActive(): Promise<boolean> {
    // Ctrl+S is bound to plaintext editors only, but by the time the command runs another editor
    // may be active already: then it is the plaintext editor that was active last.
    const active = vscode.window.activeTextEditor?.document.uri.toString();
    const last = this.lastActive && this.sessions.get(this.lastActive);
    const session = (active !== undefined && this.sessions.get(active)) || last;
    if (!session) {
      throw new EditorError(
        'NO_EDITOR',
        vscode.l10n.t('Open the plaintext editor of an envelope to save it.'),
      );
    }
    const document = vscode.workspace.textDocuments.find(
      (doc) => doc.uri.toString() === session.uri.toString(),
    );
    // What the editor shows now (the extension host's copy may lag behind the typing): VS Code's
    // own save, with its participants as for any explicit save; Keysmith's, so not written twice.
    if (document && !document.isClosed) await this.fs.ownSave(session.uri, () => document.save());
    // Thrown, not shown: the command shows it.
    const written = session.writing.then(() => this.writeBack(session));
    session.writing = written.catch(() => undefined);
    await written;
    return true;
  }

  /** A change in a plaintext editor: saved into the Map before VS Code would back it up. */
  private onDidChange(event: vscode.TextDocumentChangeEvent): void {
    const session = this.sessions.get(event.document.uri.toString());
    if (!session) return;
    if (event.contentChanges.length > 0 && !session.unwritten) {
      session.unwritten = true;
      this.decorationsChanged.fire([session.uri]);
    }
    // Not only when dirty: a change that reached the workbench while a save was running leaves
    // the workbench's copy dirty while this host, told "saved", holds the document clean.
    if (event.document.isDirty || event.contentChanges.length > 0) this.flushSoon(session);
  }

  private flushSoon(session: EditSession): void {
    if (session.flushTimer || session.flushing) return;
    session.flushTimer = setTimeout(() => {
      session.flushTimer = undefined;
      void this.flush(session);
    }, FLUSH_DELAY_MS);
  }

  /**
   * Saves the plaintext editor into the Map, without save participants (they would trim or
   * format the text being typed): "Save without Formatting" when it is the active editor (the
   * command saves only that one), else the document's own save. These writes are Keysmith's, so
   * they write nothing back to the source.
   */
  private async flush(session: EditSession): Promise<void> {
    const key = session.uri.toString();
    const document = vscode.workspace.textDocuments.find((doc) => doc.uri.toString() === key);
    if (!document || document.isClosed || !this.sessions.has(key)) return;
    // Clean here and no change since the last save started: nothing the workbench could back up.
    if (!document.isDirty && document.version === session.flushedVersion) return;
    session.flushing = true;
    const version = document.version;
    try {
      // No save participants, so no onWillSaveTextDocument: a manual save seen meanwhile is the user's.
      if (vscode.window.activeTextEditor?.document.uri.toString() === key) {
        await vscode.commands.executeCommand('workbench.action.files.saveWithoutFormatting');
      } else if (!document.isClosed) {
        // Not the active editor (an edit from elsewhere): its own save, known as Keysmith's.
        await this.fs.ownSave(session.uri, () => document.save());
      }
      if (document.isDirty && !document.isClosed) await this.fs.ownSave(session.uri, () => document.save());
      session.flushedVersion = version;
    } catch {
      // The next change tries again.
    } finally {
      session.flushing = false;
    }
    // Typed while the save ran: save again. The workbench saved the text it had when the save
    // began and keeps what came later dirty, yet this host hears "saved" and calls the document
    // clean, so a version that moved on is what tells; a save with nothing to save does nothing.
    if (!document.isClosed && (document.isDirty || document.version !== version)) this.flushSoon(session);
  }

  private writeBackLater(session: EditSession): void {
    session.writing = session.writing
      .then(() => this.writeBack(session))
      .catch((error: unknown) => showFailure(error, { nothingChanged: true }));
  }

  /**
   * Writes the saved plaintext back into the source as a fresh envelope (new IV; new salt for a
   * password), in place of the session's envelope, in its form, as one edit. The envelope is
   * found again by its text if the source changed; if it is gone, nothing is written (DOCUMENT_CHANGED).
   */
  private async writeBack(session: EditSession): Promise<void> {
    const bytes = this.fs.read(session.uri);
    const secret = session.secret;
    if (!bytes || !secret) return; // dropped meanwhile
    let plaintext: string;
    try {
      plaintext = strictUtf8.decode(bytes);
    } finally {
      bytes.fill(0);
    }
    const document = await vscode.workspace.openTextDocument(session.source);
    const shown = isShownInTab(session.source);
    for (let attempt = 0; attempt < 3; attempt++) {
      const version = document.version;
      const text = document.getText();
      const found = locate(session, text);
      const envelope = await encryptAgain(session, secret, plaintext);
      if (document.isClosed || document.version !== version) continue; // edited meanwhile: again
      const change = envelopeChange(text, formatOf(document), found, envelope);
      const edit = new vscode.WorkspaceEdit();
      const range = new vscode.Range(document.positionAt(change.start), document.positionAt(change.end));
      edit.replace(session.source, range, change.text);
      if (!(await vscode.workspace.applyEdit(edit))) {
        throw new EditorError(
          'READ_ONLY',
          vscode.l10n.t('{0} cannot be changed (it may be read-only).', session.label),
        );
      }
      this.remember(session, document.getText(), change.start);
      // A source that no editor shows is saved, so that the change reaches its file.
      if (!shown && !document.isUntitled) await document.save();
      const current = this.fs.read(session.uri);
      session.unwritten = !current || strictUtf8.decode(current) !== plaintext;
      current?.fill(0);
      this.decorationsChanged.fire([session.uri]);
      vscode.window.setStatusBarMessage(
        vscode.l10n.t('Keysmith: a new envelope was written to {0}.', session.label),
        5000,
      );
      return;
    }
    throw new EditorError(
      'DOCUMENT_CHANGED',
      vscode.l10n.t('{0} kept changing while the envelope was written; save again.', session.label),
    );
  }

  /** After a write-back: where the new envelope is now (found by where the change started). */
  private remember(session: EditSession, text: string, start: number): void {
    const found = envelopeAt(findEnvelopes(text), start);
    if (!found?.envelope) return;
    session.envelopeText = text.slice(found.start, found.end);
    session.start = found.start;
    session.envelope = found.envelope;
  }

  /** Ends the sessions whose editor is no longer in any tab (asking first about unwritten changes). */
  private async endClosedSessions(): Promise<void> {
    for (const session of [...this.sessions.values()]) {
      if (!session.shown || session.ending || isShownInTab(session.uri)) continue;
      session.ending = true;
      try {
        await session.writing;
        if (!this.sessions.has(session.uri.toString())) continue;
        if (session.unwritten && !isShownInTab(session.uri) && (await this.askToWrite(session))) {
          this.writeBackLater(session);
          await session.writing;
        }
        if (isShownInTab(session.uri)) continue; // reopened meanwhile
        this.end(session);
      } finally {
        session.ending = false;
      }
    }
  }

  /** Closed with changes the source does not have: write them back? (No answer is a no.) */
  private async askToWrite(session: EditSession): Promise<boolean> {
    const write = vscode.l10n.t('Write Envelope');
    try {
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t(
          'The plaintext of {0} was changed but not saved. Write it back as a new envelope?',
          session.label,
        ),
        { modal: true, detail: vscode.l10n.t('Otherwise the changes are dropped with the plaintext.') },
        write,
      );
      return answer === write;
    } catch {
      return false; // no dialog can be shown (e.g. while the window closes)
    }
  }

  /** Drops the plaintext (its bytes zeroed) and the secret that opened it. */
  private end(session: EditSession): void {
    clearTimeout(session.flushTimer);
    session.secret = undefined;
    this.fs.drop(session.uri);
    this.sessions.delete(session.uri.toString());
    if (this.lastActive === session.uri.toString()) this.lastActive = undefined;
    this.decorationsChanged.fire([session.uri]);
  }

  private decoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    const session = uri.scheme === PLAINTEXT_SCHEME ? this.sessions.get(uri.toString()) : undefined;
    if (!session?.unwritten) return undefined;
    return new vscode.FileDecoration(
      '●',
      vscode.l10n.t('Not yet written to {0}: save to write a new envelope.', session.label),
      new vscode.ThemeColor('gitDecoration.modifiedResourceForeground'),
    );
  }

  dispose(): void {
    for (const session of [...this.sessions.values()]) this.end(session);
    this.peeks.clear();
    this.disposables.forEach((disposable) => disposable.dispose());
  }
}

function newId(): string {
  return randomBytes(6).toString('hex');
}

function baseName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.path;
}

/** The plaintext's file name: the source's name and the envelope's line (no secret in it). */
function fileName(target: Target): string {
  return vscode.l10n.t('{0} — line {1}', baseName(target.document.uri), target.found.line);
}

function isShownInTab(uri: vscode.Uri): boolean {
  const key = uri.toString();
  return vscode.window.tabGroups.all.some((group) =>
    group.tabs.some(
      (tab) =>
        (tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === key) ||
        (tab.input instanceof vscode.TabInputTextDiff &&
          (tab.input.modified.toString() === key || tab.input.original.toString() === key)),
    ),
  );
}

/** The envelope at the active editor's cursor (a broken one is refused, naming its line). */
function envelopeAtCursor(editor: vscode.TextEditor): Target {
  const { document } = editor;
  const text = document.getText();
  const found = envelopeAt(envelopesOf(document), document.offsetAt(editor.selection.active));
  if (!found) {
    throw new EditorError('NO_ENVELOPE', vscode.l10n.t('No envelope here. Put the cursor inside one.'));
  }
  if (!found.envelope) {
    const error = found.error;
    throw new KeysmithError(
      error?.code ?? 'MALFORMED_ENVELOPE',
      vscode.l10n.t('Line {0}: {1}', found.line, error?.message ?? ''),
      error?.field,
    );
  }
  return { document, found, envelope: found.envelope, text };
}

/**
 * The session's envelope in the source's text now: where it was, else the same text elsewhere
 * (the nearest one), else DOCUMENT_CHANGED.
 */
function locate(session: EditSession, text: string): FoundEnvelope {
  const same = findEnvelopes(text).filter(
    (found) => found.envelope && text.slice(found.start, found.end) === session.envelopeText,
  );
  const nearest = same.sort(
    (a, b) => Math.abs(a.start - session.start) - Math.abs(b.start - session.start),
  )[0];
  if (!nearest) {
    throw new EditorError(
      'DOCUMENT_CHANGED',
      vscode.l10n.t(
        'The envelope of {0} is no longer in the file (it was changed or removed), so nothing was written. The plaintext editor stays open.',
        session.label,
      ),
    );
  }
  return nearest;
}

/** A fresh envelope of `plaintext` with the session's secret: a new IV, and a new salt for a password. */
async function encryptAgain(session: EditSession, secret: Secret, plaintext: string): Promise<Envelope> {
  const { kid, iterations } = session.envelope;
  if ('key' in secret) {
    return encrypt({ plaintext, key: secret.key, ...(kid !== undefined && { kid }) });
  }
  // The envelope's own count, never fewer than the setting asks for.
  const count = Math.max(iterations ?? 0, readConfig(session.source).iterations);
  return withCancellableProgress(vscode.l10n.t('Keysmith: deriving the key from the password…'), (signal) =>
    encrypt({ plaintext, password: secret.password, iterations: count, signal }),
  );
}

/**
 * Rotation (`keysmith.reencryptEnvelopes`, the README's "Rotating keys"): every envelope of the
 * active file or of the workspace re-encrypted from what opens it to a new key or password, in
 * one WorkspaceEdit — all or nothing: a broken envelope, one that does not open, or a file that
 * changed meanwhile, and no file changes at all.
 *
 * The workspace is what `files.exclude` and `.gitignore` leave (git decides in a trusted
 * workspace; elsewhere the .gitignore files are read with git's rules), without files larger than
 * {@link MAX_SCAN_BYTES} or binary ones; only files that hold an envelope's marker are opened as
 * documents. An open document is read as it is in the editor (unsaved changes included).
 *
 * Files are saved after the edit when they had no unsaved changes before it (closed files, and
 * open ones that were saved): a rotation is expected to reach the disk, and saving a file whose
 * other unsaved changes are the user's business would write them behind their back, so those stay
 * unsaved (the message says how many). Undo (one step per file) still works after saving.
 */
import * as vscode from 'vscode';
import {
  encryptBatch,
  envelopeChange,
  isKeysmithError,
  KeysmithError,
  type Envelope,
  type FoundEnvelope,
  type TextChange,
  type TextFormat,
} from '../core';
import { gitIgnoredIn, gitignoreMatcher } from '../node/ignoredFiles';
import { invalid, isFields, rejectUnknownOptions, secretFromArgs, type Fields } from './commandArgs';
import { readConfig } from './config';
import { envelopesOf, formatOf } from './envelopeIndex';
import { EditorError, type ItemNoun } from './errors';
import type { KeyStore } from './keyStore';
import { openEnvelopes, openWithSecrets, secretsByKid } from './openEnvelopes';
import { untilCancelled } from './progress';
import { askForEncryptionSecret } from './secretPrompts';
import type { Secret } from './secrets';

const COMMAND = 'keysmith.reencryptEnvelopes';
/** Files larger than this are not read when the workspace is scanned (they are counted). */
export const MAX_SCAN_BYTES = 16 * 1024 * 1024;
/** What every envelope's text holds: its first field, plain or JSON-escaped, and its algorithm. */
const MARKERS = ['"v"', '\\"v\\"', 'AES-256-GCM'].map((marker) => Buffer.from(marker, 'utf8'));
const READ_AT_ONCE = 8;

export type RotateScope = 'file' | 'workspace';

const OPTIONS = ['scope', 'from', 'to'] as const;
const SECRET_OPTIONS = ['key', 'password', 'keyName'] as const;

export interface RotateArgs {
  scope: RotateScope;
  from?: Fields;
  to: Fields;
}

/** The argument object, checked strictly (unknown options named) before anything runs. */
export function readRotateArgs(args: unknown): RotateArgs {
  if (!isFields(args)) {
    throw invalid(
      vscode.l10n.t(
        'The argument of {0} must be an object such as {"to": {"keyName": "prod-2025"}}.',
        COMMAND,
      ),
    );
  }
  rejectUnknownOptions(args, OPTIONS, COMMAND);
  const { scope, from, to } = args;
  if (scope !== undefined && scope !== 'file' && scope !== 'workspace') {
    throw invalid(vscode.l10n.t('scope must be "file" or "workspace".'), 'scope');
  }
  if (to === undefined) {
    throw invalid(
      vscode.l10n.t(
        'to is required: what to re-encrypt with, {"key": …}, {"password": …} or {"keyName": …}.',
      ),
      'to',
    );
  }
  return {
    scope: scope ?? 'file',
    ...(from !== undefined && { from: secretFields(from, 'from') }),
    to: secretFields(to, 'to'),
  };
}

function secretFields(value: unknown, option: 'from' | 'to'): Fields {
  if (!isFields(value)) {
    throw invalid(
      vscode.l10n.t('{0} must be an object with exactly one of key, password or keyName.', option),
      option,
    );
  }
  for (const name of Object.keys(value)) {
    if (!(SECRET_OPTIONS as readonly string[]).includes(name)) {
      throw invalid(
        vscode.l10n.t(
          '{0}.{1} is not an option (give exactly one of key, password or keyName).',
          option,
          name,
        ),
        `${option}.${name}`,
      );
    }
  }
  return value;
}

/** `from`/`to` as a secret; what secretFromArgs refuses is said with the option's name. */
async function secretOfOption(keys: KeyStore, fields: Fields, option: 'from' | 'to'): Promise<Secret> {
  try {
    return await secretFromArgs(keys, fields, COMMAND);
  } catch (error) {
    if (!(error instanceof EditorError)) throw error;
    return Promise.reject(
      new EditorError(
        error.code,
        vscode.l10n.t('{0}: {1}', option, error.message),
        error.field === undefined ? option : `${option}.${error.field}`,
      ),
    );
  }
}

/** A failure about one of the envelopes: `items` says where each is ("config/app.json:12"). */
export class RotationFailure extends Error {
  override readonly name = 'RotationFailure';
  constructor(
    readonly failure: unknown,
    readonly items: ItemNoun,
  ) {
    super(failure instanceof Error ? failure.message : String(failure));
  }
}

export interface RotateResult {
  count: number;
  files: number;
  /** Files written to disk after the edit (they had no unsaved changes before it). */
  saved: number;
  /** Files left with unsaved changes (they had some before the rotation). */
  unsaved: number;
  /** Files of the workspace not read: larger than {@link MAX_SCAN_BYTES}. */
  tooLarge: number;
  /** What the envelopes were re-encrypted to, in words ("key \"prod-2025\""). */
  target: string;
}

interface ScannedFile {
  document: vscode.TextDocument;
  label: string;
  version: number;
  text: string;
  format: TextFormat;
  found: readonly FoundEnvelope[];
  wasDirty: boolean;
}

interface Item {
  file: ScannedFile;
  found: FoundEnvelope;
}

/**
 * Runs a rotation: with `args` (checked by {@link readRotateArgs}) without any prompt, otherwise
 * interactively (scope, summary and confirmation, the old secrets, the new one). Everything runs
 * behind one cancellable progress notification; cancelling it before the edit changes nothing.
 * Resolves undefined when the user cancels; throws an EditorError, the core's KeysmithError, or a
 * {@link RotationFailure} for one envelope.
 */
export async function rotateEnvelopes(keys: KeyStore, args?: unknown): Promise<RotateResult | undefined> {
  const given = args === undefined ? undefined : readRotateArgs(args);
  // The secrets of an argument are checked before any file is read.
  const from = given?.from && (await secretOfOption(keys, given.from, 'from'));
  const to = given && (await secretOfOption(keys, given.to, 'to'));
  const scope = given?.scope ?? (await pickScope());
  if (!scope) return undefined;
  if (scope === 'file') {
    if (!vscode.window.activeTextEditor) {
      throw new EditorError(
        'NO_EDITOR',
        vscode.l10n.t('Open a file with envelopes to re-encrypt (or give "scope": "workspace").'),
      );
    }
  } else if (!vscode.workspace.workspaceFolders?.length) {
    throw new EditorError(
      'NO_WORKSPACE',
      vscode.l10n.t('Open a folder to re-encrypt the envelopes of a workspace.'),
    );
  }
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Keysmith: re-encrypting envelopes'),
      cancellable: true,
    },
    (progress, token) =>
      untilCancelled(token, (signal) =>
        rotate(keys, { scope, interactive: given === undefined, from, to }, progress, signal),
      ),
  );
}

interface Plan {
  scope: RotateScope;
  interactive: boolean;
  from?: Secret;
  to?: Secret;
}

async function rotate(
  keys: KeyStore,
  plan: Plan,
  progress: vscode.Progress<{ message?: string }>,
  signal: AbortSignal,
): Promise<RotateResult | undefined> {
  const aborted = () => {
    if (signal.aborted) throw new KeysmithError('ABORTED', 'The operation was cancelled.');
  };
  progress.report({ message: vscode.l10n.t('finding envelopes…') });
  const { files, tooLarge } =
    plan.scope === 'file'
      ? { files: [scanDocument(vscode.window.activeTextEditor!.document)], tooLarge: 0 }
      : await scanWorkspace(signal);
  aborted();
  const items: Item[] = files.flatMap((file) => file.found.map((found) => ({ file, found })));
  const where: ItemNoun = (n) => `${items[n - 1]!.file.label}:${items[n - 1]!.found.line}`;
  const broken = items.flatMap((item, index) => (item.found.error ? [index] : []));
  if (broken.length > 0) {
    const first = broken[0]!;
    const noun: ItemNoun = (n) =>
      broken.length === 1
        ? where(n)
        : vscode.l10n.t('{0} (the first of {1} broken envelopes)', where(n), broken.length);
    throw new RotationFailure(items[first]!.found.error!.atIndex(first), noun);
  }
  if (items.length === 0) {
    throw new EditorError(
      'NO_ENVELOPE',
      plan.scope === 'file'
        ? vscode.l10n.t('No envelopes in this file.')
        : vscode.l10n.t('No envelopes in the workspace (files.exclude and .gitignore respected).'),
    );
  }
  const envelopes = items.map((item) => item.found.envelope!);
  const used = files.filter((file) => file.found.length > 0);

  if (plan.interactive) {
    const go = vscode.l10n.t('Re-encrypt');
    const answer = await vscode.window.showInformationMessage(
      envelopes.length === 1
        ? vscode.l10n.t('Re-encrypt 1 envelope in {0}?', used[0]!.label)
        : used.length === 1
          ? vscode.l10n.t('Re-encrypt {0} envelopes in {1}?', envelopes.length, used[0]!.label)
          : vscode.l10n.t('Re-encrypt {0} envelopes in {1} files?', envelopes.length, used.length),
      { modal: true, detail: summary(keys, items, tooLarge).join('\n') },
      go,
    );
    if (answer !== go) return undefined;
    aborted();
  }

  progress.report({ message: vscode.l10n.t('opening the envelopes…') });
  const plaintexts = await openAll(keys, plan, items, envelopes, where, signal);
  if (!plaintexts) return undefined;
  aborted();

  const to =
    plan.to ??
    (await askForEncryptionSecret(
      keys,
      vscode.l10n.t('Re-encrypt Envelopes'),
      vscode.l10n.t('Re-encrypt with…'),
    ));
  if (!to) return undefined;
  aborted();

  progress.report({ message: vscode.l10n.t('encrypting…') });
  const config = readConfig(plan.scope === 'file' ? used[0]!.document.uri : undefined);
  const fresh = await encryptBatch(
    'key' in to
      ? { plaintexts, key: to.key, ...(to.keyName !== undefined && { kid: to.keyName }), signal }
      : { plaintexts, password: to.password, iterations: config.iterations, signal },
  );
  aborted();

  const edit = new vscode.WorkspaceEdit();
  let index = 0;
  for (const file of used) {
    const changes: TextChange[] = [];
    for (const found of file.found) {
      try {
        changes.push(envelopeChange(file.text, file.format, found, fresh[index]!));
      } catch (error) {
        throw new RotationFailure(isKeysmithError(error) ? error.atIndex(index) : error, where);
      }
      index++;
    }
    const document = await currentDocument(file);
    for (const change of changes) {
      edit.replace(
        document.uri,
        new vscode.Range(document.positionAt(change.start), document.positionAt(change.end)),
        change.text,
      );
    }
  }
  // The last moment a cancel changes nothing.
  aborted();
  if (!(await vscode.workspace.applyEdit(edit))) {
    throw new EditorError(
      'READ_ONLY',
      vscode.l10n.t('The files could not be changed (one may be read-only).'),
    );
  }

  let saved = 0;
  const unsaved = used.filter((file) => file.wasDirty || file.document.isUntitled).length;
  const failed: string[] = [];
  for (const file of used) {
    if (file.wasDirty || file.document.isUntitled) continue;
    if (await file.document.save()) saved++;
    else failed.push(file.label);
  }
  if (failed.length > 0) {
    throw new EditorError(
      'WRITE_FAILED',
      vscode.l10n.t(
        'The envelopes were re-encrypted, but {0} could not be saved; save it before closing it.',
        failed.join(', '),
      ),
    );
  }
  return {
    count: envelopes.length,
    files: used.length,
    saved,
    unsaved,
    tooLarge,
    target: describeTarget(to),
  };
}

/** The file's document now, if its text is still the text that was scanned (DOCUMENT_CHANGED otherwise). */
async function currentDocument(file: ScannedFile): Promise<vscode.TextDocument> {
  const same = !file.document.isClosed && file.document.version === file.version;
  const document = same ? file.document : await vscode.workspace.openTextDocument(file.document.uri);
  if (!same && document.getText() !== file.text) {
    throw new EditorError(
      'DOCUMENT_CHANGED',
      vscode.l10n.t(
        '{0} changed while the envelopes were re-encrypted; nothing was changed. Run the command again.',
        file.label,
      ),
    );
  }
  file.document = document;
  return document;
}

/** The plaintexts of every envelope, in order: all open, or undefined (cancelled), or a throw. */
async function openAll(
  keys: KeyStore,
  plan: Plan,
  items: readonly Item[],
  envelopes: readonly Envelope[],
  where: ItemNoun,
  signal: AbortSignal,
): Promise<string[] | undefined> {
  try {
    if (plan.from)
      return await openWithSecrets(
        envelopes,
        envelopes.map(() => plan.from!),
        signal,
      );
    if (plan.interactive) {
      const opened = await openEnvelopes(keys, envelopes, { command: COMMAND, askAgain: true, signal });
      return opened?.plaintexts;
    }
    // Without "from", each envelope's kid picks its stored key; the first that cannot is named.
    const byKid = await secretsByKid(keys, envelopes);
    const missing = byKid.findIndex((secret) => secret === undefined);
    if (missing !== -1) {
      const envelope = envelopes[missing]!;
      const at = where(missing + 1);
      throw envelope.kdf
        ? invalid(
            vscode.l10n.t('{0}: this envelope was encrypted with a password; give it as "from".', at),
            'from',
          )
        : envelope.kid === undefined
          ? invalid(
              vscode.l10n.t('{0}: this envelope names no stored key (no kid); give its key as "from".', at),
              'from',
            )
          : new EditorError(
              'UNKNOWN_KEY',
              vscode.l10n.t(
                '{0}: no key named "{1}" (the envelope\'s kid) is stored; give its key as "from".',
                at,
                envelope.kid,
              ),
              'from',
            );
    }
    return await openWithSecrets(envelopes, byKid as Secret[], signal);
  } catch (error) {
    if (!isKeysmithError(error)) throw error;
    // One envelope: openEnvelopes drops the index ("Envelope 1" says nothing), but its place does.
    const located = error.index === undefined && items.length === 1 ? error.atIndex(0) : error;
    throw located.index === undefined ? located : new RotationFailure(located, where);
  }
}

function describeTarget(to: Secret): string {
  if ('password' in to) return vscode.l10n.t('a password');
  return to.keyName !== undefined ? vscode.l10n.t('key "{0}"', to.keyName) : vscode.l10n.t('a key');
}

/** What opens the envelopes, grouped: each stored key by name, passwords by salts, unnamed keys. */
function summary(keys: KeyStore, items: readonly Item[], tooLarge: number): string[] {
  const groups = new Map<string, { count: number; files: Set<string>; salts: Set<string> }>();
  for (const { file, found } of items) {
    const envelope = found.envelope!;
    const group = envelope.kdf ? '\0password' : (envelope.kid ?? '\0key');
    const entry = groups.get(group) ?? { count: 0, files: new Set(), salts: new Set() };
    entry.count++;
    entry.files.add(file.label);
    if (envelope.kdf) entry.salts.add(`${envelope.iterations}:${envelope.salt}`);
    groups.set(group, entry);
  }
  const lines = [...groups].map(([group, { count, files, salts }]) => {
    const what =
      group === '\0password'
        ? salts.size === 1
          ? vscode.l10n.t('password (1 salt)')
          : vscode.l10n.t('password ({0} distinct salts)', salts.size)
        : group === '\0key'
          ? vscode.l10n.t('key without a name')
          : keys.has(group)
            ? vscode.l10n.t('stored key "{0}"', group)
            : vscode.l10n.t('key "{0}" (not stored)', group);
    return files.size === 1
      ? vscode.l10n.t('{0}: {1} in {2}', what, envelopeCount(count), [...files][0]!)
      : vscode.l10n.t('{0}: {1} in {2} files', what, envelopeCount(count), files.size);
  });
  if (tooLarge > 0) {
    lines.push(
      vscode.l10n.t('Not read: {0} files larger than {1} MiB.', tooLarge, MAX_SCAN_BYTES / 1024 / 1024),
    );
  }
  return lines;
}

function envelopeCount(count: number): string {
  return count === 1 ? vscode.l10n.t('1 envelope') : vscode.l10n.t('{0} envelopes', count);
}

interface ScopeItem extends vscode.QuickPickItem {
  scope: RotateScope;
}

/** File or workspace: asked when a folder is open, else the active file. */
async function pickScope(): Promise<RotateScope | undefined> {
  if (!vscode.workspace.workspaceFolders?.length) return 'file';
  const editor = vscode.window.activeTextEditor;
  const items: ScopeItem[] = [
    ...(editor
      ? [
          {
            label: `$(file) ${vscode.l10n.t('This file')}`,
            description: vscode.workspace.asRelativePath(editor.document.uri),
            scope: 'file' as const,
          },
        ]
      : []),
    {
      label: `$(folder) ${vscode.l10n.t('The whole workspace')}`,
      description: vscode.l10n.t('files.exclude and .gitignore respected'),
      scope: 'workspace',
    },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Re-encrypt Envelopes'),
    placeHolder: vscode.l10n.t('Re-encrypt the envelopes of…'),
  });
  return picked?.scope;
}

function scanDocument(document: vscode.TextDocument): ScannedFile {
  const text = document.getText();
  return {
    document,
    label: document.isUntitled ? document.fileName : vscode.workspace.asRelativePath(document.uri),
    version: document.version,
    text,
    format: formatOf(document),
    found: envelopesOf(document),
    wasDirty: document.isDirty,
  };
}

function hasMarker(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return MARKERS.some((marker) => buffer.includes(marker));
}

/** Every file of the workspace that holds envelopes (or broken ones), as documents. */
async function scanWorkspace(signal: AbortSignal): Promise<{ files: ScannedFile[]; tooLarge: number }> {
  const cancel = new vscode.CancellationTokenSource();
  signal.addEventListener('abort', () => cancel.cancel(), { once: true });
  try {
    // exclude undefined: files.exclude applies (search.exclude does not: it is about search).
    const listed = await vscode.workspace.findFiles('**/*', undefined, undefined, cancel.token);
    const ignored = await ignoredTest();
    const uris = listed.filter((uri) => !ignored(uri));
    const open = new Map(
      vscode.workspace.textDocuments.map((document) => [document.uri.toString(), document]),
    );
    const candidates: vscode.Uri[] = [];
    let tooLarge = 0;
    for (let at = 0; at < uris.length; at += READ_AT_ONCE) {
      if (signal.aborted) break;
      const batch = uris.slice(at, at + READ_AT_ONCE);
      const verdicts = await Promise.all(
        batch.map(async (uri): Promise<'yes' | 'no' | 'large'> => {
          const document = open.get(uri.toString());
          if (document)
            return MARKERS.some((m) => document.getText().includes(m.toString('utf8'))) ? 'yes' : 'no';
          try {
            const stat = await vscode.workspace.fs.stat(uri);
            if (stat.type & vscode.FileType.Directory) return 'no';
            if (stat.size > MAX_SCAN_BYTES) return 'large';
            const bytes = await vscode.workspace.fs.readFile(uri);
            // A NUL byte: a binary file, where no envelope is text.
            return bytes.includes(0) || !hasMarker(bytes) ? 'no' : 'yes';
          } catch {
            return 'no'; // gone or unreadable since it was listed: nothing to rotate there
          }
        }),
      );
      verdicts.forEach((verdict, n) => {
        if (verdict === 'yes') candidates.push(batch[n]!);
        if (verdict === 'large') tooLarge++;
      });
    }
    const files: ScannedFile[] = [];
    for (const uri of candidates) {
      if (signal.aborted) break;
      let document: vscode.TextDocument;
      try {
        document = await vscode.workspace.openTextDocument(uri);
      } catch {
        continue; // VS Code does not open it as text (binary, too large for it)
      }
      const file = scanDocument(document);
      if (file.found.length > 0) files.push(file);
    }
    files.sort((a, b) => a.label.localeCompare(b.label));
    return { files, tooLarge };
  } finally {
    cancel.dispose();
  }
}

/**
 * What .gitignore leaves out, per workspace folder: git's answer in a trusted workspace (git reads
 * the repository's config, so only there), the .gitignore files read with git's rules where git
 * cannot answer (untrusted, git missing, not a repository).
 */
async function ignoredTest(): Promise<(uri: vscode.Uri) => boolean> {
  const tests = new Map<string, (relativePath: string) => boolean>();
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    let test =
      vscode.workspace.isTrusted && folder.uri.scheme === 'file'
        ? await gitIgnoredIn(folder.uri.fsPath)
        : undefined;
    if (!test) {
      const gitignores = await vscode.workspace.findFiles(
        new vscode.RelativePattern(folder, '**/.gitignore'),
      );
      const rules = await Promise.all(
        gitignores.map(async (uri) => ({
          folder: relativeTo(folder, uri).split('/').slice(0, -1).join('/'),
          text: new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)),
        })),
      );
      test = gitignoreMatcher(rules);
    }
    tests.set(folder.uri.toString(), test);
  }
  return (uri) => {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const test = folder && tests.get(folder.uri.toString());
    return test ? test(relativeTo(folder, uri)) : false;
  };
}

/** The path of `uri` inside `folder`, posix (`a/b.json`). */
function relativeTo(folder: vscode.WorkspaceFolder, uri: vscode.Uri): string {
  const base = folder.uri.path.endsWith('/') ? folder.uri.path : `${folder.uri.path}/`;
  return uri.path.startsWith(base) ? uri.path.slice(base.length) : uri.path;
}

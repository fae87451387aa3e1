/**
 * Peek and Edit Envelope in the real host, and the proof that no plaintext reaches the disk: the
 * user-data folder (with User/Backups, User/workspaceStorage, logs), the workspace folder, the
 * host's temporary folder and the browser's profile are searched byte by byte for a random
 * marker (as UTF-8, UTF-16LE and base64) at every step of a Peek and an Edit. Two controls show
 * the search can fail: a marker written to a file on purpose, and a real VS Code backup of a
 * dirty document of a plain in-memory FileSystemProvider (the same kind as Keysmith's, without
 * its save-on-change), which the host does write to User/Backups.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { decrypt, encrypt, parseEnvelope, serializeEnvelope, type Envelope } from '../../src/core';
import type { KeyStore } from '../../src/editor/keyStore';
import { PLAINTEXT_SCHEME, PEEK_SCHEME } from '../../src/editor/plaintextEditor';
import { PlaintextFileSystem } from '../../src/editor/plaintextFileSystem';
import type { KeysmithTestApi } from '../../src/extension';
import { EXTENSION_ID, keysmithKeyStore, notificationsDuring, replaceInWindow } from './helpers';

const KEY = randomBytes(32).toString('hex');
const KEY_NAME = 'it-plaintext-editor';
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
const ITERATIONS = 100_000; // the setting's minimum: fast, and what a new envelope gets here
/** VS Code's backup tracker writes 1 s after the last change: wait three times that. */
const BEYOND_BACKUP_DELAY_MS = 3000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test host opens a workspace folder');
  return folder.uri.fsPath;
}

/** Writes `text` to a file of the workspace and opens it, the cursor inside the envelope at `at`. */
/** The files openSource wrote into the workspace, removed after the suite (other suites scan it). */
const written = new Set<string>();

async function openSource(name: string, text: string, at: string): Promise<vscode.TextEditor> {
  const file = path.join(workspaceFolder(), name);
  writeFileSync(file, text);
  written.add(file);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
  const offset = text.indexOf(at) + 5;
  editor.selection = new vscode.Selection(document.positionAt(offset), document.positionAt(offset));
  return editor;
}

function envelopeIn(text: string): { text: string; envelope: Envelope } {
  const match = /\{"v":1,[^{}]*\}/.exec(text) ?? /\{\\"v\\":1,[^{}]*\}/.exec(text);
  assert.ok(match, `an envelope in ${text}`);
  const raw = match[0].includes('\\"') ? (JSON.parse(`"${match[0]}"`) as string) : match[0];
  return { text: match[0], envelope: parseEnvelope(raw) };
}

function documentOf(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
}

function editorOf(uri: vscode.Uri): vscode.TextEditor | undefined {
  return vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === uri.toString());
}

async function closeEditorsOf(uri: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((group) =>
    group.tabs.filter(
      (tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === uri.toString(),
    ),
  );
  await vscode.window.tabGroups.close(tabs);
}

async function closeEverything(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.files.saveAll');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

// --- the disk scan ---

interface Hit {
  file: string;
  as: string;
}

/** The marker as bytes a file could hold it in: UTF-8, UTF-16LE, and base64 at each alignment. */
function needles(marker: string): { as: string; bytes: Buffer }[] {
  const bytes = Buffer.from(marker, 'utf8');
  const found = [
    { as: 'utf-8', bytes },
    { as: 'utf-16le', bytes: Buffer.from(marker, 'utf16le') },
  ];
  // Base64 of the marker starting at each of the 3 byte alignments (the last group, which
  // depends on what follows, left out).
  for (let skip = 0; skip < 3; skip++) {
    const encoded = bytes.subarray(skip).toString('base64').replace(/=+$/, '');
    found.push({ as: `base64/${skip}`, bytes: Buffer.from(encoded.slice(0, encoded.length - 4), 'latin1') });
  }
  return found;
}

function scan(roots: readonly string[], markers: readonly string[]): Hit[] {
  const wanted = markers.flatMap(needles);
  const hits: Hit[] = [];
  const seen = new Set<string>();
  const walk = (entry: string) => {
    if (seen.has(entry)) return;
    seen.add(entry);
    let stat;
    try {
      stat = lstatSync(entry);
    } catch {
      return; // gone meanwhile (a log rotated, a lock file)
    }
    if (stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(entry);
      } catch {
        return;
      }
      for (const name of names) walk(path.join(entry, name));
      return;
    }
    if (!stat.isFile()) return;
    let content: Buffer;
    try {
      content = readFileSync(entry);
    } catch {
      return;
    }
    for (const needle of wanted) {
      if (content.includes(needle.bytes)) hits.push({ file: entry, as: needle.as });
    }
  };
  roots.forEach(walk);
  return hits;
}

/**
 * The browser's profile folder(s): the Chromium processes started by an ancestor of this
 * extension host (the harness starts both code-server and the browser). Linux /proc only.
 */
function browserProfiles(): string[] {
  const parentOf = (pid: number): number | undefined => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return undefined;
    }
  };
  const ancestors = new Set<number>();
  for (let pid = parentOf(process.pid); pid && pid > 1; pid = parentOf(pid)) ancestors.add(pid);
  const profiles = new Set<string>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  for (const pid of pids) {
    const parent = parentOf(Number(pid));
    if (parent === undefined || !ancestors.has(parent)) continue;
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const dir = args.find((arg) => arg.startsWith('--user-data-dir='))?.slice('--user-data-dir='.length);
      if (dir) profiles.add(dir);
    } catch {
      // not ours to read
    }
  }
  return [...profiles];
}

describe('peek and edit envelope', function () {
  this.timeout(120_000);
  let keys: KeyStore;
  let api: KeysmithTestApi;
  let userData: string;
  let roots: string[];
  const config = () => vscode.workspace.getConfiguration('keysmith');
  const files = () => vscode.workspace.getConfiguration('files');

  before(async () => {
    api = (await vscode.extensions.getExtension<KeysmithTestApi>(EXTENSION_ID)!.activate())!;
    keys = await keysmithKeyStore();
    await keys.store(KEY_NAME, KEY);
    await config().update('encryption.iterations', ITERATIONS, vscode.ConfigurationTarget.Global);
    // Desktop VS Code's default (the web's is afterDelay, which would save the controls itself).
    await files().update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    // <user data>/User/globalStorage/<extension id>
    let dir = api.storage.globalStorage.fsPath;
    while (path.basename(dir) !== 'User' && path.dirname(dir) !== dir) dir = path.dirname(dir);
    userData = path.dirname(dir);
    assert.ok(readdirSync(userData).includes('User'), `${userData} is the user-data folder`);
    roots = [userData, workspaceFolder(), tmpdir(), ...browserProfiles()];
    console.log(`    disk scan roots: ${roots.join(', ')}`);
  });
  // A test that failed with a plaintext editor open must not leave its question (write it back?)
  // to the next: closing answers no, and the files go only once no write-back can recreate them.
  const closeAll = () =>
    notificationsDuring(async () => {
      await closeEverything();
      await sleep(300);
    });
  after(async () => {
    await closeAll();
    for (const file of written) rmSync(file, { force: true });
    await keys.remove(KEY_NAME);
    await config().update('encryption.iterations', undefined, vscode.ConfigurationTarget.Global);
    await files().update('autoSave', undefined, vscode.ConfigurationTarget.Global);
  });
  afterEach(closeAll);

  it('peek shows the plaintext without changing the document', async () => {
    const plaintext = `peeked ${randomBytes(6).toString('hex')}`;
    const envelope = serializeEnvelope(await encrypt({ plaintext, key: KEY }));
    const text = `{\n  "db": ${envelope}\n}\n`;
    const editor = await openSource('peek.json', text, envelope);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('keysmith.peekEnvelope', { key: KEY });
    assert.equal(uri.scheme, PEEK_SCHEME);
    assert.equal(path.posix.basename(uri.path), 'peek.json — line 2');
    assert.equal(uri.query, '');
    const peeked = await until('the peek document', () => documentOf(uri));
    assert.equal(peeked.getText(), plaintext);
    assert.equal(editor.document.getText(), text);
    assert.equal(editor.document.isDirty, false);
    assert.equal(readFileSync(editor.document.uri.fsPath, 'utf8'), text);
    // Closing the peek closes its document, and Keysmith drops the plaintext.
    await vscode.commands.executeCommand('closeReferenceSearch');
    await until('the peek document closed', () => !documentOf(uri) || undefined, 20_000);
    const reopened = await vscode.workspace.openTextDocument(uri);
    assert.doesNotMatch(reopened.getText(), new RegExp(plaintext));
  });

  it('edit, type, save: a fresh envelope (new iv, same kid) opens to the new text; one undo restores the old', async () => {
    const envelope = await encrypt({
      plaintext: '{"user": "app", "password": "old"}',
      key: KEY,
      kid: KEY_NAME,
    });
    const before = serializeEnvelope(envelope);
    const text = `{\n  "name": "demo",\n  "db": ${before}\n}\n`;
    const source = await openSource('config.json', text, before);
    // The kid names a stored key: no prompt, no argument.
    const uri = await vscode.commands.executeCommand<vscode.Uri>('keysmith.editEnvelope');
    assert.equal(uri.scheme, PLAINTEXT_SCHEME);
    assert.equal(path.posix.basename(uri.path), 'config.json — line 3');
    assert.doesNotMatch(uri.toString(), new RegExp(KEY));
    const editor = await until('the plaintext editor', () => editorOf(uri));
    assert.equal(editor.document.getText(), '{"user": "app", "password": "old"}');
    assert.equal(editor.document.languageId, 'json');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());

    const old = editor.document.getText().indexOf('old');
    editor.selection = new vscode.Selection(0, old, 0, old + 3);
    await vscode.commands.executeCommand('type', { text: 'new and longer' });
    assert.equal(editor.document.getText(), '{"user": "app", "password": "new and longer"}');
    assert.equal(source.document.getText(), text, 'typing alone writes nothing back');
    assert.equal(await vscode.commands.executeCommand('keysmith.saveEnvelope'), true);
    const written = await until('the new envelope', () =>
      source.document.getText() !== text ? source.document.getText() : undefined,
    );
    const after = envelopeIn(written);
    assert.equal(written, text.replace(before, after.text), 'only the envelope changed, in its compact form');
    assert.notEqual(after.envelope.iv, envelope.iv);
    assert.equal(after.envelope.kid, KEY_NAME);
    assert.equal(
      (await decrypt({ envelope: after.envelope, key: KEY })).plaintext,
      editor.document.getText(),
    );

    await vscode.window.showTextDocument(source.document, vscode.ViewColumn.One);
    await vscode.commands.executeCommand('undo');
    assert.equal(source.document.getText(), text, 'one undo restores the old envelope');
  });

  it('password mode: a new salt and iv, the same password opens the new text', async () => {
    const envelope = await encrypt({
      plaintext: 'line one\nline two',
      password: PASSWORD,
      iterations: ITERATIONS,
    });
    const before = JSON.stringify(serializeEnvelope(envelope)).slice(1, -1); // escaped in a string
    const text = `{\n  "secret": "${before}"\n}\n`;
    const source = await openSource('escaped.json', text, before);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('keysmith.editEnvelope', {
      password: PASSWORD,
    });
    const editor = await until('the plaintext editor', () => editorOf(uri));
    assert.equal(editor.document.languageId, 'plaintext');
    editor.selection = new vscode.Selection(1, 8, 1, 8);
    await vscode.commands.executeCommand('type', { text: ' and three' });
    // File > Save (not Ctrl+S, which is keysmith.saveEnvelope here): seen as the user's save.
    await until('the change saved into memory', () => !editor.document.isDirty || undefined);
    await vscode.commands.executeCommand('workbench.action.files.save');
    const written = await until('the new envelope', () =>
      source.document.getText() !== text ? source.document.getText() : undefined,
    );
    const after = envelopeIn(written);
    assert.ok(written.startsWith('{\n  "secret": "{\\"v\\":1,'), 'still escaped in its string');
    assert.notEqual(after.envelope.salt, envelope.salt);
    assert.notEqual(after.envelope.iv, envelope.iv);
    assert.equal(after.envelope.iterations, ITERATIONS);
    const opened = await decrypt({ envelope: after.envelope, password: PASSWORD });
    assert.equal(opened.plaintext, 'line one\nline two and three');
  });

  it('an envelope that moved is found by its text; one that is gone is refused and the editor stays open', async () => {
    const envelope = serializeEnvelope(await encrypt({ plaintext: 'v1', key: KEY }));
    const text = `A=1\nB=${envelope}\n`;
    const source = await openSource('moved.env', text, envelope);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('keysmith.editEnvelope', { key: KEY });
    const editor = await until('the plaintext editor', () => editorOf(uri));
    // The source changes above the envelope meanwhile.
    const grow = new vscode.WorkspaceEdit();
    grow.insert(source.document.uri, new vscode.Position(0, 0), '# moved down\n');
    assert.ok(await vscode.workspace.applyEdit(grow));
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('editor.action.selectAll');
    await vscode.commands.executeCommand('type', { text: 'v2' });
    await vscode.commands.executeCommand('keysmith.saveEnvelope');
    const written = await until('the new envelope', () =>
      source.document.getText().includes(envelope) ? undefined : source.document.getText(),
    );
    assert.ok(written.startsWith('# moved down\nA=1\nB={"v":1,'));
    assert.equal((await decrypt({ envelope: envelopeIn(written).envelope, key: KEY })).plaintext, 'v2');

    // Now the envelope goes away altogether.
    const gone = new vscode.WorkspaceEdit();
    gone.replace(
      source.document.uri,
      new vscode.Range(2, 2, 2, source.document.lineAt(2).text.length),
      'nothing',
    );
    assert.ok(await vscode.workspace.applyEdit(gone));
    const left = source.document.getText();
    await vscode.window.showTextDocument(editor.document);
    const shown: string[] = [];
    const restore = replaceInWindow('showErrorMessage', (message: string) => {
      shown.push(`error: ${message}`);
      return Promise.resolve(undefined);
    });
    try {
      await vscode.commands.executeCommand('type', { text: '!' });
      await vscode.commands.executeCommand('keysmith.saveEnvelope');
      await until('the refusal', () => shown.length > 0 || undefined);
    } finally {
      restore();
    }
    assert.equal(shown.length, 1, `one error: ${shown.join(' | ')}`);
    assert.match(shown[0]!, /^error: Keysmith: the envelope of moved\.env, line 2 is no longer in the file/);
    assert.equal(source.document.getText(), left, 'nothing was written');
    assert.ok(editorOf(uri), 'the plaintext editor stays open');
    assert.equal(editor.document.getText(), 'v2!');
  });

  it('closing the plaintext editor drops its content; a closed source gets the envelope through its file', async () => {
    const envelope = serializeEnvelope(await encrypt({ plaintext: 'to close', key: KEY }));
    const text = `token: ${envelope}\n`;
    const source = await openSource('closed.yaml', text, envelope);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('keysmith.editEnvelope', { key: KEY });
    const editor = await until('the plaintext editor', () => editorOf(uri));
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), 'to close');
    // The source's editor is closed; the plaintext editor saves into its file.
    await closeEditorsOf(source.document.uri);
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('editor.action.selectAll');
    await vscode.commands.executeCommand('type', { text: 'reopened' });
    await vscode.commands.executeCommand('keysmith.saveEnvelope');
    const onDisk = await until('the file on disk', () => {
      const now = readFileSync(source.document.uri.fsPath, 'utf8');
      return now !== text ? now : undefined;
    });
    assert.equal((await decrypt({ envelope: envelopeIn(onDisk).envelope, key: KEY })).plaintext, 'reopened');

    await closeEditorsOf(uri);
    await until('the content dropped', async () =>
      vscode.workspace.fs.readFile(uri).then(
        () => undefined,
        (error: unknown) => error instanceof vscode.FileSystemError && error.code === 'FileNotFound',
      ),
    );
  });

  it('closing with changes not written asks first; "no" drops them and the source is untouched', async () => {
    const envelope = serializeEnvelope(await encrypt({ plaintext: 'keep', key: KEY }));
    const text = `x = ${envelope}\n`;
    const source = await openSource('ask.txt', text, envelope);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('keysmith.editEnvelope', { key: KEY });
    await until('the plaintext editor', () => editorOf(uri));
    await vscode.commands.executeCommand('type', { text: 'changed ' });
    const asked: string[] = [];
    const restore = replaceInWindow('showWarningMessage', (message: string) => {
      asked.push(message);
      return Promise.resolve(undefined); // the modal's Cancel / Escape
    });
    try {
      await closeEditorsOf(uri);
      await until('the content dropped', async () =>
        vscode.workspace.fs.readFile(uri).then(
          () => undefined,
          () => true,
        ),
      );
    } finally {
      restore();
    }
    assert.deepEqual(asked, [
      'The plaintext of ask.txt, line 1 was changed but not saved. Write it back as a new envelope?',
    ]);
    assert.equal(source.document.getText(), text);
  });

  describe('no plaintext on disk', () => {
    it('control: the scan finds a marker written on purpose (UTF-8, UTF-16LE, base64)', () => {
      const marker = `ksmark-${randomBytes(16).toString('hex')}`;
      const files = ['utf8', 'utf16', 'b64'].map((kind) =>
        path.join(userData, 'User', `keysmith-scan-${kind}.txt`),
      );
      writeFileSync(files[0]!, `before ${marker} after`);
      writeFileSync(files[1]!, Buffer.from(`xx${marker}yy`, 'utf16le'));
      writeFileSync(files[2]!, Buffer.from(`q${marker}`).toString('base64'));
      try {
        const hits = scan(roots, [marker]).map((hit) => `${path.basename(hit.file)} ${hit.as}`);
        assert.ok(hits.includes('keysmith-scan-utf8.txt utf-8'), hits.join(', '));
        assert.ok(hits.includes('keysmith-scan-utf16.txt utf-16le'), hits.join(', '));
        assert.ok(hits.includes('keysmith-scan-b64.txt base64/2'), hits.join(', '));
      } finally {
        files.forEach((file) => rmSync(file, { force: true }));
      }
      assert.deepEqual(scan(roots, [marker]), []);
    });

    it('control: VS Code does back up a dirty document of an in-memory FileSystemProvider after ~1 s', async () => {
      const scheme = 'keysmith-scan-control';
      const memory = new PlaintextFileSystem();
      const registration = vscode.workspace.registerFileSystemProvider(scheme, memory, {
        isCaseSensitive: true,
      });
      const marker = `ksctl-${randomBytes(16).toString('hex')}`;
      const uri = vscode.Uri.from({ scheme, path: '/control/notes.txt' });
      memory.create(uri, new TextEncoder().encode('start\n'));
      try {
        const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
        await vscode.commands.executeCommand('type', { text: marker });
        assert.equal(editor.document.isDirty, true);
        const hits = await until(
          'the backup of the dirty control document',
          () => {
            const found = scan([path.join(userData, 'User', 'Backups')], [marker]);
            return found.length > 0 ? found : undefined;
          },
          8000,
        );
        assert.ok(
          hits.some((hit) => hit.file.includes(`${path.sep}${scheme}${path.sep}`)),
          JSON.stringify(hits),
        );
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
        await until(
          'the control backup discarded',
          () => scan(roots, [marker]).length === 0 || undefined,
          8000,
        );
      } finally {
        registration.dispose();
        memory.dispose();
      }
    });

    it('a change that lands while a save into memory runs is saved too, and never backed up', async () => {
      const marker = `ksheld-${randomBytes(16).toString('hex')}`;
      const late = `kslate-${randomBytes(16).toString('hex')}`;
      const envelope = serializeEnvelope(await encrypt({ plaintext: marker, key: KEY }));
      const source = await openSource('held.env', `TOKEN=${envelope}\n`, envelope);
      const uri = await vscode.commands.executeCommand<vscode.Uri>('keysmith.editEnvelope', { key: KEY });
      const editor = await until('the plaintext editor', () => editorOf(uri));
      // Each save into memory is held 600 ms, as on a loaded machine: the second change reaches the
      // workbench while the first save runs, so the workbench saves the text without it.
      api.plaintextWriteDelay(600);
      try {
        editor.selection = new vscode.Selection(0, marker.length, 0, marker.length);
        await vscode.commands.executeCommand('type', { text: ' ' });
        await sleep(400);
        await vscode.commands.executeCommand('type', { text: late });
        await sleep(BEYOND_BACKUP_DELAY_MS);
      } finally {
        api.plaintextWriteDelay(0);
      }
      assert.equal(editor.document.getText(), `${marker} ${late}`);
      assert.deepEqual(scan(roots, [marker, late]), [], 'no backup of the plaintext');
      // What the workbench saved into memory is the whole text, the late change included.
      const saved = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
      assert.equal(saved, `${marker} ${late}`);
      assert.equal(
        source.document.getText(),
        `TOKEN=${envelope}\n`,
        "Keysmith's own saves write nothing back",
      );
    });

    it('peek and edit leave no trace of the plaintext on disk, at every step', async () => {
      const marker = `ksplain-${randomBytes(16).toString('hex')}`;
      const typed = `kstyped-${randomBytes(16).toString('hex')}`;
      const check = (step: string) => {
        const hits = scan(roots, [marker, typed]);
        assert.deepEqual(hits, [], `${step}: ${JSON.stringify(hits)}`);
      };
      const envelope = serializeEnvelope(await encrypt({ plaintext: marker, key: KEY }));
      const source = await openSource('secret.env', `TOKEN=${envelope}\n`, envelope);
      check('before');

      await vscode.commands.executeCommand('keysmith.peekEnvelope', { key: KEY });
      await sleep(BEYOND_BACKUP_DELAY_MS);
      check('after peeking');
      await vscode.commands.executeCommand('closeReferenceSearch');

      await vscode.window.showTextDocument(source.document, vscode.ViewColumn.One);
      const uri = await vscode.commands.executeCommand<vscode.Uri>('keysmith.editEnvelope', { key: KEY });
      const editor = await until('the plaintext editor', () => editorOf(uri));
      check('after opening for edit');

      // Typing for a while (dirty, again and again), then waiting well past the backup delay.
      editor.selection = new vscode.Selection(0, marker.length, 0, marker.length);
      for (const char of ` ${typed}`) {
        await vscode.commands.executeCommand('type', { text: char });
        await sleep(40);
      }
      assert.equal(editor.document.getText(), `${marker} ${typed}`);
      await sleep(BEYOND_BACKUP_DELAY_MS);
      assert.equal(editor.document.isDirty, false, 'the plaintext editor was saved into memory');
      check('after typing and waiting 3 s');

      // A change made while another editor is active (an extension's WorkspaceEdit): saved too.
      await vscode.window.showTextDocument(source.document, vscode.ViewColumn.One);
      const third = `ksthird-${randomBytes(16).toString('hex')}`;
      const insert = new vscode.WorkspaceEdit();
      insert.insert(uri, new vscode.Position(0, 0), `${third} `);
      assert.ok(await vscode.workspace.applyEdit(insert));
      await sleep(BEYOND_BACKUP_DELAY_MS);
      assert.equal(editor.document.isDirty, false, 'saved into memory while not the active editor');
      assert.equal(
        source.document.getText(),
        `TOKEN=${envelope}\n`,
        "Keysmith's own saves write nothing back",
      );
      assert.deepEqual(scan(roots, [third]), [], 'after an edit from elsewhere');
      await vscode.window.showTextDocument(editor.document);

      await vscode.commands.executeCommand('keysmith.saveEnvelope');
      await until('the new envelope', () =>
        source.document.getText().includes(envelope) ? undefined : true,
      );
      await vscode.window.showTextDocument(source.document, vscode.ViewColumn.One);
      await vscode.commands.executeCommand('workbench.action.files.save');
      await sleep(BEYOND_BACKUP_DELAY_MS);
      check('after saving (the source too)');

      await closeEditorsOf(uri);
      await sleep(BEYOND_BACKUP_DELAY_MS);
      check('after closing');
      // The source file holds only the envelope, which opens to what was typed.
      const onDisk = readFileSync(source.document.uri.fsPath, 'utf8');
      assert.equal(
        (await decrypt({ envelope: envelopeIn(onDisk).envelope, key: KEY })).plaintext,
        `${third} ${marker} ${typed}`,
      );
    });
  });
});

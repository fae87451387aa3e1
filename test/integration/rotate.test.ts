/**
 * `keysmith.reencryptEnvelopes` in the real host, on files it writes into the workspace folder the
 * host opened (removed after each test): a file with a key to a new key (one undo), passwords to
 * a stored key (derivations counted on the real crypto.pbkdf2, prompts scripted), the workspace
 * with files.exclude and .gitignore (git's answer in a repository, the .gitignore reader outside
 * one), all or nothing, broken envelopes, argument errors and cancelling.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto, { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import {
  decrypt,
  DECRYPT_FAILED_MESSAGE,
  encrypt,
  encryptBatch,
  findEnvelopes,
  serializeEnvelope,
  type Envelope,
} from '../../src/core';
import {
  closeAllEditors,
  keysmithKeyStore,
  notificationsDuring,
  replaceInWindow,
  scriptPrompts,
} from './helpers';

const COMMAND = 'keysmith.reencryptEnvelopes';
const OLD = randomBytes(32).toString('hex');
const NEW = randomBytes(32).toString('hex');
const STORED_OLD = 'it-rot-old';
const STORED_NEW = 'it-rot-new';

function root(): string {
  return vscode.workspace.workspaceFolders![0]!.uri.fsPath;
}

const compact = (envelope: Envelope) => serializeEnvelope(envelope);
/** The envelope as it is written inside a JSON string literal. */
const escaped = (envelope: Envelope) => JSON.stringify(serializeEnvelope(envelope)).slice(1, -1);

/** The text with every envelope replaced by a placeholder: what must not change. */
function outsideEnvelopes(text: string): string {
  let out = '';
  let at = 0;
  for (const found of findEnvelopes(text)) {
    out += text.slice(at, found.start) + '<envelope>';
    at = found.end;
  }
  return out + text.slice(at);
}

/** Every envelope of the text opened with `secret`; throws if any does not open. */
async function openAllWith(text: string, secret: { key: string } | { password: string }): Promise<string[]> {
  const found = findEnvelopes(text);
  assert.ok(
    found.every((f) => f.envelope),
    'no broken envelope',
  );
  return Promise.all(found.map(async (f) => (await decrypt({ envelope: f.envelope!, ...secret })).plaintext));
}

async function opensWith(text: string, secret: { key: string } | { password: string }): Promise<boolean> {
  return openAllWith(text, secret).then(
    () => true,
    () => false,
  );
}

/** Runs a command that must not prompt: a prompt would block, so a time limit turns it into a failure. */
async function runWithoutPrompt<T>(args?: unknown): Promise<T> {
  return Promise.race([
    Promise.resolve(vscode.commands.executeCommand<T>(COMMAND, args)),
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${COMMAND} waited for input`)), 20_000)),
  ]);
}

interface Result {
  count: number;
  files: number;
  saved: number;
  unsaved: number;
}

describe('re-encrypt envelopes (rotate)', () => {
  let dir = '';
  const restores: (() => void)[] = [];
  const config = () => vscode.workspace.getConfiguration('keysmith');
  let asked: { kind: string; title?: string; detail?: string; labels?: string[] }[] = [];

  /**
   * Scripted answers: quick picks by a label containing the text, input boxes with the texts,
   * the modal confirmation with its button (or undefined). Error and warning notifications are
   * recorded by notificationsDuring; information messages here.
   */
  function answer(script: {
    picks?: (string | undefined)[];
    inputs?: (string | undefined)[];
    confirm?: boolean;
  }) {
    const picks = [...(script.picks ?? [])];
    const inputs = [...(script.inputs ?? [])];
    restores.push(
      ...scriptPrompts(asked, picks, inputs),
      replaceInWindow('showInformationMessage', async (message: string, ...rest: unknown[]) => {
        const options = rest[0] as vscode.MessageOptions | undefined;
        if (options && typeof options === 'object' && options.modal) {
          asked.push({ kind: 'confirm', title: message, detail: options.detail });
          return script.confirm ? rest[1] : undefined;
        }
        asked.push({ kind: 'info', title: message });
        return undefined;
      }),
    );
  }

  function write(relative: string, text: string): string {
    const file = path.join(dir, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  }

  async function show(file: string): Promise<vscode.TextEditor> {
    return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
  }

  before(async () => {
    await config().update('encryption.iterations', 100_000, vscode.ConfigurationTarget.Global);
    // code-server saves after a delay by default: what is unsaved must stay so for these tests.
    await vscode.workspace
      .getConfiguration('files')
      .update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    const keys = await keysmithKeyStore();
    await keys.store(STORED_OLD, OLD);
    await keys.store(STORED_NEW, NEW);
  });
  after(async () => {
    await config().update('encryption.iterations', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace
      .getConfiguration('files')
      .update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    const keys = await keysmithKeyStore();
    await keys.remove(STORED_OLD);
    await keys.remove(STORED_NEW);
  });
  beforeEach(() => {
    dir = path.join(root(), `rot-${randomBytes(4).toString('hex')}`);
    asked = [];
    mkdirSync(dir, { recursive: true });
  });
  afterEach(async () => {
    while (restores.length > 0) restores.pop()!();
    // Unsaved documents of this test are reverted, so no later test sees them dirty.
    for (const document of vscode.workspace.textDocuments) {
      if (!document.isDirty || !document.uri.fsPath.startsWith(dir)) continue;
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await closeAllEditors();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a file, key to new key: the old key no longer opens, the new one does, the rest is unchanged; one undo', async () => {
    const [a, b] = await encryptBatch({ plaintexts: ['alpha', 'béta 🔑'], key: OLD });
    const original = `{\r\n  "a": ${compact(a!)},\r\n  "nested": { "b": "${escaped(b!)}" },\r\n  "plain": "x"\r\n}\r\n`;
    const file = write('app.json', original);
    const editor = await show(file);
    answer({});
    const result = await runWithoutPrompt<Result>({ from: { key: OLD }, to: { key: NEW } });
    assert.deepEqual(
      { count: result.count, files: result.files, saved: result.saved, unsaved: result.unsaved },
      { count: 2, files: 1, saved: 1, unsaved: 0 },
    );
    const rotated = editor.document.getText();
    assert.notEqual(rotated, original);
    assert.equal(
      outsideEnvelopes(rotated),
      outsideEnvelopes(original),
      'byte for byte outside the envelopes',
    );
    assert.deepEqual(
      findEnvelopes(rotated).map((f) => f.form),
      ['compact', 'escaped'],
    );
    assert.deepEqual(await openAllWith(rotated, { key: NEW }), ['alpha', 'béta 🔑']);
    assert.equal(await opensWith(rotated, { key: OLD }), false);
    assert.equal(JSON.parse(rotated).plain, 'x', 'still JSON');
    assert.equal(readFileSync(file, 'utf8'), rotated, 'saved: the file had no unsaved changes');
    assert.deepEqual(
      asked.filter((a) => a.kind !== 'info'),
      [],
      'no prompt',
    );

    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), original, 'one undo restores the file');
  });

  describe('password derivations', () => {
    const real = crypto.pbkdf2;
    let iterations: number[] = [];
    beforeEach(() => {
      iterations = [];
      (crypto as { pbkdf2: unknown }).pbkdf2 = (...args: unknown[]) => {
        iterations.push(args[2] as number);
        return (real as (...a: unknown[]) => void)(...args);
      };
    });
    afterEach(() => {
      (crypto as { pbkdf2: unknown }).pbkdf2 = real;
    });

    async function fourPasswordEnvelopes(): Promise<string> {
      const shared = await encryptBatch({
        plaintexts: ['one', 'two', 'three'],
        password: 'old pw',
        iterations: 1000,
      });
      const other = await encrypt({ plaintext: 'four', password: 'old pw', iterations: 2000 });
      return `A=${compact(shared[0]!)}\nB=${compact(other)}\nC=${compact(shared[1]!)}\nD=${compact(shared[2]!)}\n`;
    }

    it('interactively: summary, one password prompt, two derivations (two salts), to a stored key with kid', async () => {
      const file = write('prod.env', await fourPasswordEnvelopes());
      const editor = await show(file);
      iterations = [];
      answer({ picks: ['This file', STORED_NEW], inputs: ['old pw'], confirm: true });
      const { value, shown } = await notificationsDuring(() =>
        Promise.resolve(vscode.commands.executeCommand<Result>(COMMAND)),
      );
      assert.deepEqual(shown, []);
      assert.equal(value?.count, 4);
      assert.deepEqual(
        asked.map((a) => a.kind),
        ['pick', 'confirm', 'input', 'pick', 'info'],
      );
      const confirm = asked[1]!;
      assert.match(confirm.title!, /^Re-encrypt 4 envelopes in rot-[0-9a-f]+\/prod\.env\?$/);
      assert.match(
        confirm.detail!,
        /^password \(2 distinct salts\): 4 envelopes in rot-[0-9a-f]+\/prod\.env$/,
      );
      assert.deepEqual([...iterations].sort(), [1000, 2000], 'one derivation per (salt, iterations)');

      const text = editor.document.getText();
      const found = findEnvelopes(text);
      assert.deepEqual(
        found.map((f) => f.envelope!.kid),
        [STORED_NEW, STORED_NEW, STORED_NEW, STORED_NEW],
      );
      assert.deepEqual(await openAllWith(text, { key: NEW }), ['one', 'four', 'two', 'three']);
      assert.equal(outsideEnvelopes(text), 'A=<envelope>\nB=<envelope>\nC=<envelope>\nD=<envelope>\n');
    });

    it('with arguments, to a password: one derivation per old salt and one for the new batch', async () => {
      const file = write('prod.env', await fourPasswordEnvelopes());
      const editor = await show(file);
      answer({});
      iterations = [];
      const result = await runWithoutPrompt<Result>({
        from: { password: 'old pw' },
        to: { password: 'new pw' },
      });
      assert.equal(result.count, 4);
      assert.deepEqual(
        [...iterations].sort((x, y) => x - y),
        [1000, 2000, 100_000],
      );
      const envelopes = findEnvelopes(editor.document.getText()).map((f) => f.envelope!);
      assert.equal(new Set(envelopes.map((e) => e.salt)).size, 1, 'one salt for the batch');
      assert.ok(
        envelopes.every((e) => e.iterations === 100_000),
        'the setting’s iterations',
      );
      assert.deepEqual(await openAllWith(editor.document.getText(), { password: 'new pw' }), [
        'one',
        'four',
        'two',
        'three',
      ]);
    });
  });

  it('the workspace: every file that files.exclude and .gitignore leave, open ones as they are in the editor', async function () {
    const git = (() => {
      try {
        execFileSync('git', ['--version'], { stdio: 'ignore', timeout: 5_000 });
        return true;
      } catch {
        return false;
      }
    })();
    if (!git) this.skip();
    const made = await encryptBatch({
      plaintexts: ['1', '2', '3', '4', '5', '6', '7'],
      key: OLD,
      kid: STORED_OLD,
    });
    const texts = made.map(compact);
    // A repository: git decides what is ignored.
    execFileSync('git', ['init', '-q', path.join(dir, 'repo')], { timeout: 10_000 });
    const one = write('repo/one.json', `{"token": ${texts[0]}}\n`);
    const ignoredByGit = write('repo/local.json', `{"token": ${texts[1]}}\n`);
    write('repo/.gitignore', 'local.json\n');
    // No repository: the .gitignore is read with git's rules.
    const two = write('plain/two.env', `T=${texts[2]}\n`);
    const three = write('plain/three.yaml', `t: ${texts[3]}\n`);
    const ignoredByRule = write('plain/cache/x.json', `{"t": ${texts[4]}}\n`);
    write('plain/.gitignore', 'cache/\n');
    const excluded = write('excluded/x.json', `{"t": ${texts[5]}}\n`);
    const exclude = vscode.workspace.getConfiguration('files');
    await exclude.update(
      'exclude',
      { [`${path.basename(dir)}/excluded/**`]: true },
      vscode.ConfigurationTarget.Workspace,
    );
    try {
      // two.env open and saved; three.yaml open with an unsaved envelope added in the editor.
      await show(two);
      const threeEditor = await show(three);
      await threeEditor.edit((edit) => edit.insert(new vscode.Position(1, 0), `u: ${texts[6]}\n`));
      const before = new Map(
        [one, ignoredByGit, two, three, ignoredByRule, excluded].map((f) => [f, readFileSync(f, 'utf8')]),
      );

      answer({});
      const { value, shown } = await notificationsDuring(() =>
        runWithoutPrompt<Result>({ scope: 'workspace', to: { keyName: STORED_NEW } }),
      );
      assert.deepEqual(shown, []);
      assert.deepEqual(
        { count: value.count, files: value.files, saved: value.saved, unsaved: value.unsaved },
        { count: 4, files: 3, saved: 2, unsaved: 1 },
      );
      for (const file of [one, two]) {
        const text = readFileSync(file, 'utf8');
        assert.equal(await opensWith(text, { key: NEW }), true, `${file} rotated and saved`);
        assert.equal(outsideEnvelopes(text), outsideEnvelopes(before.get(file)!));
      }
      assert.equal(readFileSync(three, 'utf8'), before.get(three), 'unsaved before, so not saved');
      assert.ok(threeEditor.document.isDirty);
      assert.deepEqual(await openAllWith(threeEditor.document.getText(), { key: NEW }), ['4', '7']);
      for (const file of [ignoredByGit, ignoredByRule, excluded]) {
        assert.equal(readFileSync(file, 'utf8'), before.get(file), `${file} untouched`);
      }
    } finally {
      await exclude.update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('the summary groups what opens them; declining it asks nothing more and changes nothing', async () => {
    const named = await encryptBatch({ plaintexts: ['1', '2'], key: OLD, kid: STORED_OLD });
    const unnamed = await encrypt({ plaintext: '3', key: OLD });
    const unknown = await encrypt({ plaintext: '4', key: OLD, kid: 'it-rot-nobody' });
    const passwords = await encryptBatch({ plaintexts: ['5', '6'], password: 'pw', iterations: 1000 });
    const a = write('a.env', `A=${compact(named[0]!)}\nB=${compact(passwords[0]!)}\n`);
    const b = write(
      'b.json',
      `[${compact(named[1]!)}, ${compact(unnamed)}, ${compact(unknown)}, ${compact(passwords[1]!)}]`,
    );
    const before = [readFileSync(a, 'utf8'), readFileSync(b, 'utf8')];
    answer({ picks: ['The whole workspace'], confirm: false });
    const { value, shown } = await notificationsDuring(() =>
      Promise.resolve(vscode.commands.executeCommand<Result | undefined>(COMMAND)),
    );
    assert.equal(value, undefined);
    assert.deepEqual(shown, []);
    assert.deepEqual(
      asked.map((x) => x.kind),
      ['pick', 'confirm'],
    );
    assert.equal(asked[1]!.title, 'Re-encrypt 6 envelopes in 2 files?');
    assert.deepEqual(asked[1]!.detail!.split('\n'), [
      `stored key "${STORED_OLD}": 2 envelopes in 2 files`,
      'password (1 salt): 2 envelopes in 2 files',
      `key without a name: 1 envelope in ${path.basename(dir)}/b.json`,
      `key "it-rot-nobody" (not stored): 1 envelope in ${path.basename(dir)}/b.json`,
    ]);
    assert.deepEqual([readFileSync(a, 'utf8'), readFileSync(b, 'utf8')], before);
  });

  it('the workspace scan skips binary files and files larger than 16 MiB (counted), untouched', async () => {
    const [small, big, binary] = (await encryptBatch({ plaintexts: ['s', 'b', 'x'], key: OLD })).map(compact);
    const smallFile = write('small.env', `S=${small}\n`);
    const bigFile = write('big.txt', `${' '.repeat(16 * 1024 * 1024)}\n${big}\n`);
    const binaryFile = path.join(dir, 'blob.bin');
    writeFileSync(binaryFile, Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(binary!)]));
    const before = [readFileSync(bigFile), readFileSync(binaryFile)];
    answer({});
    const result = await runWithoutPrompt<Result & { tooLarge: number }>({
      scope: 'workspace',
      from: { key: OLD },
      to: { key: NEW },
    });
    assert.deepEqual(
      { count: result.count, files: result.files, tooLarge: result.tooLarge },
      { count: 1, files: 1, tooLarge: 1 },
    );
    assert.equal(await opensWith(readFileSync(smallFile, 'utf8'), { key: NEW }), true);
    assert.ok(readFileSync(bigFile).equals(before[0]!), 'the large file is untouched');
    assert.ok(readFileSync(binaryFile).equals(before[1]!), 'the binary file is untouched');
    assert.match(
      asked.find((x) => x.kind === 'info')!.title!,
      /^Keysmith: re-encrypted 1 envelope with a key\. 1 file\(s\) too large to read were skipped\.$/,
    );
  });

  it('all or nothing: one envelope another password made changes no file, and the message names it', async () => {
    const good = await encryptBatch({ plaintexts: ['a', 'b'], password: 'old pw', iterations: 1000 });
    const bad = await encrypt({ plaintext: 'c', password: 'another', iterations: 1000 });
    const first = write('first.env', `A=${compact(good[0]!)}\n`);
    const second = write('second.json', `{\n  "b": ${compact(good[1]!)},\n  "c": ${compact(bad)}\n}\n`);
    const before = [readFileSync(first, 'utf8'), readFileSync(second, 'utf8')];
    answer({});
    const { value, shown } = await notificationsDuring(() =>
      runWithoutPrompt<Result | undefined>({
        scope: 'workspace',
        from: { password: 'old pw' },
        to: { key: NEW },
      }),
    );
    assert.equal(value, undefined);
    assert.deepEqual(shown, [
      `error: Keysmith: ${path.basename(dir)}/second.json:3: ${DECRYPT_FAILED_MESSAGE} Nothing was changed.`,
    ]);
    assert.deepEqual([readFileSync(first, 'utf8'), readFileSync(second, 'utf8')], before);
    const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.fsPath);
    assert.deepEqual(
      dirty.filter((file) => file.startsWith(dir)),
      [],
      'no document was changed either',
    );
  });

  it('interactively, a password that opens none of the envelopes left is refused, and nothing changes', async () => {
    const a = await encrypt({ plaintext: 'a', password: 'first', iterations: 1000 });
    const b = await encrypt({ plaintext: 'b', password: 'second', iterations: 1000 });
    const original = `A=${compact(a)}\nB=${compact(b)}\n`;
    const editor = await show(write('two.env', original));
    answer({ picks: ['This file'], inputs: ['first', 'wrong'], confirm: true });
    const { value, shown } = await notificationsDuring(() =>
      Promise.resolve(vscode.commands.executeCommand<Result | undefined>(COMMAND)),
    );
    assert.equal(value, undefined);
    assert.deepEqual(shown, [
      'error: Keysmith: that password opens none of the 1 password envelopes still to open; nothing was changed.',
    ]);
    assert.equal(editor.document.getText(), original);
    assert.equal(editor.document.isDirty, false);
  });

  it('a broken envelope is refused before anything is asked, naming the file, the line and the field', async () => {
    const good = compact(await encrypt({ plaintext: 'ok', key: OLD }));
    const broken =
      '{"v":1,"algorithm":"AES-256-GCM","iv":"AAAA","tag":"AAAAAAAAAAAAAAAAAAAAAA==","ciphertext":""}';
    const original = `{\n  "good": ${good},\n  "broken": ${broken}\n}\n`;
    const editor = await show(write('broken.json', original));
    answer({ picks: ['This file'], inputs: [OLD], confirm: true });
    const { value, shown } = await notificationsDuring(() =>
      Promise.resolve(vscode.commands.executeCommand<Result | undefined>(COMMAND)),
    );
    assert.equal(value, undefined);
    assert.equal(shown.length, 1);
    assert.match(
      shown[0]!,
      new RegExp(
        `^error: Keysmith: ${path.basename(dir)}/broken\\.json:3: .*\\biv\\b.* Nothing was changed\\.$`,
      ),
    );
    assert.deepEqual(
      asked.map((a) => a.kind),
      ['pick'],
      'only the scope was asked',
    );
    assert.equal(editor.document.getText(), original);
  });

  it('without "from", each kid picks its stored key; an envelope without a usable kid fails clearly', async () => {
    const named = await encrypt({ plaintext: 'named', key: OLD, kid: STORED_OLD });
    const file = write('kid.env', `A=${compact(named)}\n`);
    const editor = await show(file);
    answer({});
    const result = await runWithoutPrompt<Result>({ to: { key: NEW } });
    assert.equal(result.count, 1);
    assert.deepEqual(await openAllWith(editor.document.getText(), { key: NEW }), ['named']);
    assert.equal(
      findEnvelopes(editor.document.getText())[0]!.envelope!.kid,
      undefined,
      'a typed key has no name',
    );

    const unnamed = await encrypt({ plaintext: 'unnamed', key: OLD });
    const unknown = await encrypt({ plaintext: 'unknown', key: OLD, kid: 'it-rot-nobody' });
    const original = `A=${compact(named)}\nB=${compact(unnamed)}\nC=${compact(unknown)}\n`;
    const other = await show(write('mixed.env', original));
    const { value, shown } = await notificationsDuring(() =>
      runWithoutPrompt<Result | undefined>({ to: { key: NEW } }),
    );
    assert.equal(value, undefined);
    assert.deepEqual(shown, [
      `error: Keysmith: ${path.basename(dir)}/mixed.env:2: this envelope names no stored key (no kid); give its key as "from".`,
    ]);
    assert.equal(other.document.getText(), original);
  });

  it('bad arguments are refused by name, without a prompt, and nothing changes', async () => {
    const original = `A=${compact(await encrypt({ plaintext: 'x', key: OLD }))}\n`;
    const editor = await show(write('args.env', original));
    answer({});
    const cases: [unknown, RegExp][] = [
      ['workspace', /must be an object such as/],
      [[], /must be an object such as/],
      [{}, /to is required/],
      [
        { to: { key: NEW }, scopes: 'file' },
        /scopes is not an option of keysmith\.reencryptEnvelopes \(the options are scope, from, to\)/,
      ],
      [{ scope: 'all', to: { key: NEW } }, /scope must be "file" or "workspace"/],
      [{ to: 'abc' }, /to must be an object with exactly one of key, password or keyName/],
      [{ to: { key: NEW, kid: 'x' } }, /to\.kid is not an option/],
      [{ to: { key: NEW, password: 'pw' } }, /to: Give exactly one of key, password or keyName/i],
      [{ to: { key: 'short' } }, /to: key must be 64 hexadecimal characters/],
      [{ from: { password: '' }, to: { key: NEW } }, /from: password must be a non-empty string/],
      [{ to: { keyName: 'it-rot-missing' } }, /to: No key named "it-rot-missing" is stored/i],
    ];
    for (const [args, expected] of cases) {
      const { value, shown } = await notificationsDuring(() => runWithoutPrompt<Result | undefined>(args));
      assert.equal(value, undefined, JSON.stringify(args));
      assert.equal(shown.length, 1, JSON.stringify(args));
      assert.match(shown[0]!, expected, JSON.stringify(args));
    }
    assert.equal(editor.document.getText(), original);
    assert.deepEqual(asked, []);
  });

  it('cancelling the progress before the edit changes nothing', async () => {
    const original = `A=${compact(await encrypt({ plaintext: 'x', key: OLD }))}\n`;
    const editor = await show(write('cancel.env', original));
    const source = new vscode.CancellationTokenSource();
    restores.push(
      replaceInWindow(
        'withProgress',
        (
          _options: unknown,
          task: (progress: vscode.Progress<unknown>, token: vscode.CancellationToken) => unknown,
        ) => task({ report: () => undefined }, source.token),
      ),
    );
    // The user cancels while the new key is asked (the old one already opened the envelope).
    answer({ picks: ['This file', STORED_OLD], inputs: [NEW], confirm: true });
    const pick = vscode.window.showQuickPick;
    restores.push(
      replaceInWindow('showQuickPick', (items: unknown, options?: vscode.QuickPickOptions) => {
        if (options?.title === 'Re-encrypt Envelopes' && options.placeHolder === 'Re-encrypt with…') {
          source.cancel();
          return Promise.resolve(items).then((list) =>
            (list as vscode.QuickPickItem[]).find((item) => item.label.includes('Enter a 64-hex key')),
          );
        }
        return (pick as (...a: unknown[]) => unknown)(items, options);
      }),
    );
    const { value, shown } = await notificationsDuring(() =>
      Promise.resolve(vscode.commands.executeCommand<Result | undefined>(COMMAND)),
    );
    assert.equal(value, undefined);
    assert.deepEqual(shown, []);
    // Let the work that was waiting on the prompt run to its end.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(editor.document.getText(), original);
    assert.equal(editor.document.isDirty, false);
    source.dispose();
  });
});

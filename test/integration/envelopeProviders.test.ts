/**
 * The envelope CodeLens, hover, diagnostics and Quick Fix in the real host, asked for through
 * VS Code's own commands (vscode.executeCodeLensProvider, …) as the editor asks for them, and
 * keysmith.envelopeAction. Prompts are answered by replacing vscode.window's functions (the tests
 * run in Keysmith's own extension host).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import {
  decrypt,
  encrypt,
  encryptBatch,
  parseEnvelope,
  serializeEnvelope,
  type Envelope,
} from '../../src/core';
import type { KeysmithTestApi } from '../../src/extension';
import type { KeyStore } from '../../src/editor/keyStore';
import {
  closeEverything,
  EXTENSION_ID,
  keysmithKeyStore,
  notificationsDuring,
  openUntitled,
  replaceInWindow,
} from './helpers';

const KEY = randomBytes(32).toString('hex');
const KID = 'it-lens-prod';
const PASSWORD = 'lens password';
const ACTION = 'keysmith.envelopeAction';

const config = () => vscode.workspace.getConfiguration('keysmith');

/** Changes a setting and waits until this extension host has seen the change. */
async function setting(name: string, value: unknown): Promise<void> {
  if (config().inspect(name)?.globalValue === value) return;
  const seen = new Promise<void>((resolve) => {
    const watch = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`keysmith.${name}`)) {
        watch.dispose();
        resolve();
      }
    });
  });
  await config().update(name, value, vscode.ConfigurationTarget.Global);
  await seen;
}

async function open(text: string, language = 'plaintext'): Promise<vscode.TextEditor> {
  const document = await openUntitled(text, language);
  return vscode.window.showTextDocument(document);
}

async function lensesOf(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>(
    'vscode.executeCodeLensProvider',
    document.uri,
  ))!.filter((lens) => lens.command !== undefined);
}

/** Keysmith's lens titles, line by line. */
async function lensTitles(document: vscode.TextDocument): Promise<Record<number, string[]>> {
  const titles: Record<number, string[]> = {};
  for (const lens of await lensesOf(document)) {
    (titles[lens.range.start.line] ??= []).push(lens.command!.title);
  }
  return titles;
}

async function hoverAt(document: vscode.TextDocument, offset: number): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    'vscode.executeHoverProvider',
    document.uri,
    document.positionAt(offset),
  );
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

function keysmithDiagnostics(document: vscode.TextDocument): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'Keysmith');
}

/** Waits until the document's Keysmith diagnostics satisfy `ok` (they are debounced by 300 ms). */
async function diagnosticsWhen(
  document: vscode.TextDocument,
  ok: (diagnostics: vscode.Diagnostic[]) => boolean,
): Promise<vscode.Diagnostic[]> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    const diagnostics = keysmithDiagnostics(document);
    if (ok(diagnostics)) return diagnostics;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`diagnostics never settled: ${JSON.stringify(keysmithDiagnostics(document))}`);
}

function offsetOf(document: vscode.TextDocument, needle: string): number {
  const offset = document.getText().indexOf(needle);
  assert.notEqual(
    offset,
    -1,
    `${needle.slice(0, 40)} is in ${document.uri.toString()}: ${document.getText().slice(0, 60)}`,
  );
  return offset;
}

describe('envelope CodeLens, hover and diagnostics', () => {
  let keys: KeyStore;
  const restores: (() => void)[] = [];
  let keyed: string;
  let unnamed: string;
  let passworded: string;

  before(async () => {
    keys = await keysmithKeyStore();
    await keys.store(KID, KEY);
    await setting('encryption.iterations', 100_000);
    keyed = serializeEnvelope(await encrypt({ plaintext: 'keyed secret', key: KEY, kid: KID }));
    unnamed = serializeEnvelope(await encrypt({ plaintext: 'unnamed', key: KEY }));
    passworded = serializeEnvelope(
      await encrypt({ plaintext: 'hello', password: PASSWORD, iterations: 600_000 }),
    );
  });
  after(async () => {
    await keys.remove(KID);
    await config().update('encryption.iterations', undefined, vscode.ConfigurationTarget.Global);
    await config().update('envelopes.codeLens', undefined, vscode.ConfigurationTarget.Global);
  });
  afterEach(async () => {
    while (restores.length > 0) restores.pop()!();
    await closeEverything();
  });

  it('a CodeLens names what opens each envelope, then Decrypt · Peek · Edit; a broken one says so', async () => {
    const broken = keyed.replace(/"iv":"[^"]*"/, '"iv":"AAAA"');
    const editor = await open(
      [`A=${keyed}`, `B=${unnamed}`, '# no envelope on this line', `C=${passworded}`, `D=${broken}`].join(
        '\n',
      ),
    );
    const titles = await lensTitles(editor.document);
    assert.deepEqual(titles[0], [`🔒 key "${KID}"`, 'Decrypt', 'Peek', 'Edit']);
    assert.deepEqual(titles[1], ['🔒 key', 'Decrypt', 'Peek', 'Edit']);
    assert.equal(titles[2], undefined);
    assert.deepEqual(titles[3], ['🔒 password, 600,000 iterations', 'Decrypt', 'Peek', 'Edit']);
    assert.equal(titles[4]!.length, 1);
    assert.match(titles[4]![0]!, /^⚠ broken envelope: .*\biv\b/);

    const lenses = await lensesOf(editor.document);
    const decryptLens = lenses.find(
      (lens) => lens.range.start.line === 3 && lens.command!.title === 'Decrypt',
    )!;
    assert.equal(decryptLens.command!.command, ACTION);
    const [args] = decryptLens.command!.arguments as [{ uri: string; offset: number; action: string }];
    assert.equal(args.uri, editor.document.uri.toString());
    assert.equal(args.action, 'decrypt');
    const start = offsetOf(editor.document, passworded);
    assert.ok(
      args.offset > start && args.offset < start + passworded.length,
      'the offset is inside the envelope',
    );
    // The label lenses are not clickable.
    assert.ok(
      lenses.filter((lens) => lens.command!.title.startsWith('🔒')).every((lens) => !lens.command!.command),
    );
  });

  it('the setting keysmith.envelopes.codeLens turns the lenses off and on again', async () => {
    const editor = await open(`A=${keyed}`);
    assert.equal((await lensesOf(editor.document)).length, 4);
    await setting('envelopes.codeLens', false);
    assert.deepEqual(await lensesOf(editor.document), []);
    await setting('envelopes.codeLens', undefined);
    assert.equal((await lensesOf(editor.document)).length, 4);
  });

  it('documents of other schemes (such as the plaintext editor’s) get no lens, hover or diagnostic', async () => {
    const scheme = 'keysmith-lens-test';
    const registration = vscode.workspace.registerTextDocumentContentProvider(scheme, {
      provideTextDocumentContent: () => `A=${keyed}\nB=${unnamed.replace(/"iv":"[^"]*"/, '"iv":"AAAA"')}\n`,
    });
    try {
      const document = await vscode.workspace.openTextDocument(
        vscode.Uri.from({ scheme, path: '/virtual.env' }),
      );
      await vscode.window.showTextDocument(document);
      assert.deepEqual(await lensesOf(document), []);
      assert.equal(await hoverAt(document, offsetOf(document, keyed) + 5), '');
      await new Promise((resolve) => setTimeout(resolve, 500)); // past the diagnostics' delay
      assert.deepEqual(keysmithDiagnostics(document), []);
    } finally {
      registration.dispose();
    }
  });

  it('a hover shows the mode, kid, iterations, shared salt and size, with trusted action links', async () => {
    const batch = (
      await encryptBatch({ plaintexts: ['hello', 'world!!'], password: PASSWORD, iterations: 100_000 })
    ).map((envelope) => serializeEnvelope(envelope));
    const editor = await open(`K=${keyed}\nP=${passworded}\nX=${batch[0]}\nY=${batch[1]}\nplain text`);
    const { document } = editor;

    const keyHover = await hoverAt(document, offsetOf(document, keyed) + 10);
    assert.match(keyHover, /Mode: key "it-lens-prod"/);
    assert.match(keyHover, /Ciphertext: 12 bytes/, '"keyed secret" is 12 bytes');
    assert.doesNotMatch(keyHover, /Salt|Iterations/);

    const passwordHover = await hoverAt(document, offsetOf(document, passworded) + 10);
    assert.match(passwordHover, /Mode: password \(PBKDF2-SHA256\)/);
    assert.match(passwordHover, /Iterations: 600,000/);
    assert.match(passwordHover, /Salt: its own/);
    assert.match(passwordHover, /Ciphertext: 5 bytes/);
    for (const action of ['decrypt', 'peek', 'edit']) {
      const link = new RegExp(`\\(command:${ACTION}\\?([^ )]+)`, 'g');
      const targets = [...passwordHover.matchAll(link)].map(
        (match) => (JSON.parse(decodeURIComponent(match[1]!)) as [{ action: string; offset: number }])[0],
      );
      const target = targets.find((t) => t.action === action);
      assert.ok(target, `a link for ${action}`);
      assert.equal(target.offset, offsetOf(document, passworded) + 1);
    }

    const sharedHover = await hoverAt(document, offsetOf(document, batch[1]!) + 10);
    assert.match(sharedHover, /Salt: shared with 1 other envelope/);
    assert.match(sharedHover, /Ciphertext: 7 bytes/);

    assert.equal(await hoverAt(document, offsetOf(document, 'plain text')), '', 'no hover off an envelope');

    // The hover's Markdown trusts the envelope action and nothing else.
    const [hover] = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      document.positionAt(offsetOf(document, passworded) + 10),
    );
    const markdown = hover!.contents.find((content) => content instanceof vscode.MarkdownString);
    assert.ok(markdown instanceof vscode.MarkdownString);
    assert.deepEqual(markdown.isTrusted, { enabledCommands: [ACTION] });
  });

  it('diagnostics: a broken iv is an Error naming the field; 50,000 iterations a Warning', async () => {
    const weak = serializeEnvelope(
      await encrypt({ plaintext: 'weak', password: PASSWORD, iterations: 50_000 }),
    );
    const broken = unnamed.replace(/"iv":"[^"]*"/, '"iv":"AAAA"');
    const editor = await open(`fine=${keyed}\nbroken=${broken}\nweak=${weak}\n`);
    const diagnostics = await diagnosticsWhen(editor.document, (d) => d.length === 2);
    const [error, warning] = [...diagnostics].sort((a, b) => a.range.start.line - b.range.start.line);
    assert.equal(error!.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(error!.range.start.line, 1);
    assert.match(error!.message, /\biv\b/);
    assert.equal(warning!.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(warning!.range.start.line, 2);
    assert.match(warning!.message, /50,000/);

    // Fixing the text by hand clears the Error (after the debounce).
    await editor.edit((edit) => {
      const start = offsetOf(editor.document, broken);
      edit.replace(
        new vscode.Range(
          editor.document.positionAt(start),
          editor.document.positionAt(start + broken.length),
        ),
        unnamed,
      );
    });
    await diagnosticsWhen(
      editor.document,
      (d) => d.length === 1 && d[0]!.severity === vscode.DiagnosticSeverity.Warning,
    );
  });

  it('the Quick Fix re-encrypts a weak envelope with the configured iterations, asking the password once, in one edit', async () => {
    const weakEnvelope = await encrypt({
      plaintext: 'weak but dear',
      password: PASSWORD,
      iterations: 50_000,
    });
    const weak = serializeEnvelope(weakEnvelope);
    const original = `{\n  "token": ${weak}\n}\n`;
    const editor = await open(original, 'json');
    const { document } = editor;
    await diagnosticsWhen(document, (d) => d.length === 1);
    const start = document.positionAt(offsetOf(document, weak) + 5);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      new vscode.Range(start, start),
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((action) => action.title === 'Re-encrypt with 100,000 iterations');
    assert.ok(fix, `offered: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);

    let asked = 0;
    restores.push(
      replaceInWindow('showInputBox', async (options: vscode.InputBoxOptions) => {
        asked++;
        assert.equal(options.password, true);
        return PASSWORD;
      }),
    );
    await vscode.commands.executeCommand(fix.command!.command, ...(fix.command!.arguments ?? []));
    assert.equal(asked, 1, 'the password is asked once');
    const text = document.getText();
    assert.doesNotMatch(text, /weak but dear/);
    const fresh = parseEnvelope(JSON.stringify((JSON.parse(text) as { token: Envelope }).token));
    assert.equal(fresh.iterations, 100_000);
    assert.notEqual(fresh.salt, weakEnvelope.salt, 'a new salt');
    assert.equal((await decrypt({ envelope: fresh, password: PASSWORD })).plaintext, 'weak but dear');
    assert.ok(
      text.startsWith('{\n  "token": {"v":1,') && text.endsWith('}\n}\n'),
      'in place, compact as it was',
    );
    await diagnosticsWhen(document, (d) => d.length === 0);

    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), original, 'one undo step');
  });

  it('the Quick Fix with a wrong password changes nothing and says so', async () => {
    const weak = serializeEnvelope(await encrypt({ plaintext: 'x', password: PASSWORD, iterations: 50_000 }));
    const editor = await open(`W=${weak}`);
    restores.push(replaceInWindow('showInputBox', async () => 'not the password'));
    const { shown } = await notificationsDuring(() =>
      Promise.resolve(
        vscode.commands.executeCommand(ACTION, {
          uri: editor.document.uri.toString(),
          offset: 4,
          action: 'reencrypt',
        }),
      ),
    );
    assert.equal(shown.length, 1);
    assert.match(shown[0]!, /^error: Keysmith: Could not decrypt/);
    assert.equal(editor.document.getText(), `W=${weak}`);
  });

  it('keysmith.envelopeAction decrypts the envelope at the offset, in that document’s editor', async () => {
    const target = await open(`first\nSECRET=${keyed}\n`);
    const other = await open('another editor is active');
    assert.equal(vscode.window.activeTextEditor, other);
    const offset = offsetOf(target.document, keyed) + 1;
    const done = await vscode.commands.executeCommand(ACTION, {
      uri: target.document.uri.toString(),
      offset,
      action: 'decrypt',
    });
    assert.equal(done, true, 'the stored key the kid names opened it without a prompt');
    assert.equal(target.document.getText(), 'first\nSECRET=keyed secret\n');
    assert.equal(vscode.window.activeTextEditor?.document, target.document);
  });

  it('keysmith.envelopeAction puts the cursor inside the envelope before Peek and Edit run', async () => {
    const target = await open(`x\n  ${unnamed}`);
    await open('elsewhere');
    const offset = offsetOf(target.document, unnamed) + 1;
    await vscode.commands.executeCommand(ACTION, {
      uri: target.document.uri.toString(),
      offset,
      action: 'peek',
    });
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document, target.document);
    assert.deepEqual(editor.selection.active, target.document.positionAt(offset));
    assert.ok(editor.selection.isEmpty);
  });

  it('keysmith.envelopeAction refuses bad arguments by name and changes nothing', async () => {
    const editor = await open(`S=${keyed}`);
    const uri = editor.document.uri.toString();
    const cases: [unknown, RegExp][] = [
      [undefined, /argument of keysmith\.envelopeAction must be an object/],
      ['decrypt', /argument of keysmith\.envelopeAction must be an object/],
      [{ uri, offset: 3, action: 'shred' }, /action must be one of decrypt, peek, edit, reencrypt/],
      [{ uri, offset: -1, action: 'decrypt' }, /offset must be a whole number/],
      [{ uri, offset: 1.5, action: 'decrypt' }, /offset must be a whole number/],
      [{ uri, offset: 10_000, action: 'decrypt' }, /offset must be a whole number/],
      [{ uri: 'untitled:Nowhere-9', offset: 3, action: 'decrypt' }, /uri must name an open document/],
      [{ uri: 42, offset: 3, action: 'decrypt' }, /uri must be a string/],
      [{ uri, offset: 3, action: 'decrypt', extra: 1 }, /extra is not an option/],
      [{ uri, offset: 0, action: 'decrypt' }, /no envelope here/i],
    ];
    for (const [args, message] of cases) {
      const { value, shown } = await notificationsDuring(() =>
        Promise.resolve(vscode.commands.executeCommand(ACTION, args)),
      );
      assert.equal(value, undefined, JSON.stringify(args));
      assert.equal(shown.length, 1, JSON.stringify(args));
      assert.match(shown[0]!, message);
    }
    assert.equal(editor.document.getText(), `S=${keyed}`);
  });
});

describe('envelope providers on a large document', () => {
  it('5 MiB with 5,000 envelopes: one scan per document version, however many providers ask', async () => {
    const api = (await vscode.extensions.getExtension<KeysmithTestApi>(EXTENSION_ID)!.activate())!;
    const envelopes = await encryptBatch({
      plaintexts: Array.from({ length: 5_000 }, (_, i) => `value ${i}`),
      key: KEY,
    });
    const filler = '# ' + 'x'.repeat(1000) + '\n';
    const lines = envelopes.map((envelope, i) => `KEY_${i}=${serializeEnvelope(envelope)}\n${filler}`);
    const text = lines.join('');
    assert.ok(text.length >= 5 * 1024 * 1024, `${text.length} characters`);
    const editor = await open(text);
    const { document } = editor;
    try {
      const scansAtStart = api.envelopeScans();
      const versionAtStart = document.version;
      const askAll = async () => {
        const lenses = await lensesOf(document);
        assert.equal(lenses.length, 4 * 5_000);
        await hoverAt(document, offsetOf(document, 'KEY_4999=') + 15);
        await vscode.commands.executeCommand(
          'vscode.executeCodeActionProvider',
          document.uri,
          new vscode.Range(0, 0, 0, 5),
        );
        keysmithDiagnostics(document);
      };
      await askAll();
      await askAll();
      assert.ok(api.envelopeScans() - scansAtStart <= 1, 'at most one scan for the version opened');

      for (let i = 0; i < 5; i++) {
        await editor.edit((edit) => edit.insert(new vscode.Position(1, 0), 'y'));
        await askAll();
      }
      // A burst of keystrokes: the debounced diagnostics run once, after it.
      for (let i = 0; i < 10; i++) await editor.edit((edit) => edit.insert(new vscode.Position(1, 0), 'z'));
      await new Promise((resolve) => setTimeout(resolve, 700));
      await askAll();
      const versions = document.version - versionAtStart + 1;
      const scans = api.envelopeScans() - scansAtStart;
      assert.ok(scans <= versions, `${scans} scans for ${versions} versions`);
      // 1 (opened) + 5 (asked after each edit) + 1 (after the burst) = 7; VS Code's own CodeLens
      // and light-bulb requests during the burst may add a few, but not one per keystroke.
      assert.ok(scans <= 10, `${scans} scans: the 10 quick keystrokes did not cost one each`);
    } finally {
      await closeEverything();
    }
  });
});

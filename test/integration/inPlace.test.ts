/**
 * Encrypt and decrypt in place keep the file valid (issue 11): JSON, YAML and .env documents are
 * encrypted in the real host, read back by the parsers applications use (JSON.parse, the `yaml`
 * package, the `dotenv` package), and decrypted to the original bytes; a plaintext that cannot be
 * written where its envelope is refuses, names the line, and changes nothing.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as dotenv from 'dotenv';
import * as vscode from 'vscode';
import { parse as parseYaml } from 'yaml';
import { encrypt, findEnvelopes, parseEnvelope, serializeEnvelope, type Envelope } from '../../src/core';
import { closeEverything, notificationsDuring, openUntitled } from './helpers';

const KEY = randomBytes(32).toString('hex');

async function run(command: string, args: unknown): Promise<unknown> {
  return Promise.race([
    Promise.resolve(vscode.commands.executeCommand(command, args)),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`${command} waited for input`)), 10_000)),
  ]);
}

function selectText(editor: vscode.TextEditor, needle: string, from = 0): void {
  const text = editor.document.getText();
  const start = text.indexOf(needle, from);
  assert.notEqual(start, -1, `${needle} is in ${editor.document.uri.toString()}: ${text}`);
  editor.selection = new vscode.Selection(
    editor.document.positionAt(start),
    editor.document.positionAt(start + needle.length),
  );
}

/** The cursor just inside the document's first envelope (compact, pretty or escaped). */
function cursorInFirstEnvelope(editor: vscode.TextEditor): void {
  const [first] = findEnvelopes(editor.document.getText());
  assert.ok(first, 'an envelope is in the document');
  const position = editor.document.positionAt(first.start + 1);
  editor.selection = new vscode.Selection(position, position);
}

function isEnvelopeText(value: unknown): Envelope {
  assert.equal(typeof value, 'string');
  return parseEnvelope(value as string);
}

/** A file of the workspace (so VS Code picks its language from its name, as for a user's file). */
async function openFile(name: string, text: string): Promise<{ editor: vscode.TextEditor; file: string }> {
  const file = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, name);
  writeFileSync(file, text);
  const document = await vscode.workspace.openTextDocument(file);
  return { editor: await vscode.window.showTextDocument(document), file };
}

describe('encrypt and decrypt in place keep the file valid', () => {
  const files: string[] = [];
  afterEach(async () => {
    await closeEverything();
    while (files.length > 0) rmSync(files.pop()!, { force: true });
  });

  it('JSON: a value inside a string becomes an escaped envelope JSON.parse reads; decrypt restores the bytes', async () => {
    const original = '{\n  "db": { "password": "hunter2", "note": "say \\"hi\\" now" },\n  "n": 1\n}\n';
    const document = await openUntitled(original, 'json');
    const editor = await vscode.window.showTextDocument(document);

    selectText(editor, 'hunter2');
    assert.equal(await run('keysmith.encryptSelection', { key: KEY }), true);
    const parsed = JSON.parse(document.getText()) as { db: { password: string; note: string } };
    const envelope = isEnvelopeText(parsed.db.password);
    assert.equal(envelope.kdf, undefined);
    assert.equal(parsed.db.note, 'say "hi" now');

    // Part of a string with escapes in it: what is encrypted is what the string means there.
    selectText(editor, 'say \\"hi\\"');
    assert.equal(await run('keysmith.encryptSelection', { key: KEY }), true);
    const twice = JSON.parse(document.getText()) as { db: { password: string; note: string } };
    assert.ok(twice.db.note.endsWith(' now'));
    isEnvelopeText(twice.db.note.slice(0, -' now'.length));

    for (let n = 0; n < 2; n++) {
      cursorInFirstEnvelope(editor);
      assert.equal(await run('keysmith.decryptSelection', { key: KEY }), true);
    }
    assert.equal(document.getText(), original, 'byte for byte');
  });

  it('JSON: a selected escaped envelope (with or without its quotes) decrypts', async () => {
    const envelope = serializeEnvelope(await encrypt({ plaintext: 'line1\nline2 "q"', key: KEY }));
    const literal = JSON.stringify(envelope);
    const document = await openUntitled(`{"a": ${literal}, "b": ${literal}}`, 'json');
    const editor = await vscode.window.showTextDocument(document);
    selectText(editor, literal.slice(1, -1));
    assert.equal(await run('keysmith.decryptSelection', { key: KEY }), true);
    selectText(editor, literal);
    assert.equal(await run('keysmith.decryptSelection', { key: KEY }), true);
    assert.deepEqual(JSON.parse(document.getText()), { a: 'line1\nline2 "q"', b: 'line1\nline2 "q"' });
  });

  it('YAML: an unquoted value becomes a string the yaml package reads as the envelope; decrypt restores it', async () => {
    const original = 'db:\n  user: admin\n  password: hunter2 # rotate yearly\nlist:\n  - one\n';
    const document = await openUntitled(original, 'yaml');
    const editor = await vscode.window.showTextDocument(document);
    selectText(editor, 'hunter2');
    assert.equal(await run('keysmith.encryptSelection', { key: KEY }), true);
    const parsed = parseYaml(document.getText()) as {
      db: { user: string; password: string };
      list: string[];
    };
    isEnvelopeText(parsed.db.password);
    assert.equal(parsed.db.user, 'admin');
    assert.deepEqual(parsed.list, ['one']);

    cursorInFirstEnvelope(editor);
    assert.equal(await run('keysmith.decryptSelection', { key: KEY }), true);
    assert.equal(document.getText(), original, 'byte for byte');
  });

  it('.env (a workspace file): the value becomes one dotenv reads as the envelope; decrypt restores it', async () => {
    const original = '# settings\nexport USER=admin\nSECRET=hunter2\nQUOTED="two words"\n';
    const { editor, file } = await openFile(`lens-${randomBytes(3).toString('hex')}.env`, original);
    files.push(file);
    assert.equal(editor.document.languageId, 'dotenv', 'code-server knows .env files');

    selectText(editor, 'hunter2');
    assert.equal(await run('keysmith.encryptSelection', { key: KEY }), true);
    selectText(editor, 'two words');
    assert.equal(await run('keysmith.encryptSelection', { key: KEY }), true);
    const parsed = dotenv.parse(editor.document.getText());
    isEnvelopeText(parsed['SECRET']);
    isEnvelopeText(parsed['QUOTED']);
    assert.equal(parsed['USER'], 'admin');

    for (let n = 0; n < 2; n++) {
      cursorInFirstEnvelope(editor);
      assert.equal(await run('keysmith.decryptSelection', { key: KEY }), true);
    }
    assert.equal(editor.document.getText(), original, 'byte for byte');
  });

  it('.env: a line break is written quoted; a plaintext no quoting holds is refused with its line, nothing changed', async () => {
    const multiLine = serializeEnvelope(await encrypt({ plaintext: 'two\nlines', key: KEY }));
    // Both quote characters and a line break: neither bare, '…' nor "…" reads back the same in
    // dotenv and python-dotenv.
    const unwritable = serializeEnvelope(await encrypt({ plaintext: `it's "two\nlines"`, key: KEY }));
    const original = `A=1\nMULTI=${multiLine}\nSECRET=${unwritable}\n`;
    const { editor, file } = await openFile(`lens-${randomBytes(3).toString('hex')}.env`, original);
    files.push(file);

    cursorInFirstEnvelope(editor);
    assert.equal(await run('keysmith.decryptSelection', { key: KEY }), true);
    assert.equal(dotenv.parse(editor.document.getText())['MULTI'], 'two\nlines');
    const before = editor.document.getText();

    cursorInFirstEnvelope(editor);
    const { value, shown } = await notificationsDuring(
      () => run('keysmith.decryptSelection', { key: KEY }) as Promise<unknown>,
    );
    assert.equal(value, false);
    assert.equal(shown.length, 1);
    assert.match(shown[0]!, /^error: Keysmith: line 3: .* Nothing was changed\.$/);
    assert.doesNotMatch(shown[0]!, /two|lines/, 'the plaintext is not in the message');
    assert.equal(editor.document.getText(), before);
  });

  it('.env: a selection that is not a value is refused with its line before any prompt', async () => {
    const original = 'A=1\nNAME=value\n';
    const { editor, file } = await openFile(`lens-${randomBytes(3).toString('hex')}.env`, original);
    files.push(file);
    selectText(editor, 'NAME');
    const { value, shown } = await notificationsDuring(
      () => run('keysmith.encryptSelection', { key: KEY }) as Promise<unknown>,
    );
    assert.equal(value, false);
    assert.equal(shown.length, 1);
    assert.match(shown[0]!, /^error: Keysmith: line 2: /);
    assert.equal(editor.document.getText(), original);
  });

  it('plain text is written as it is (as before): selection and envelope trade places exactly', async () => {
    const original = 'token: "abc" \\n raw\r\n';
    const document = await openUntitled(original, 'plaintext');
    const editor = await vscode.window.showTextDocument(document);
    selectText(editor, '"abc" \\n');
    assert.equal(await run('keysmith.encryptSelection', { key: KEY }), true);
    assert.match(document.getText(), /^token: \{"v":1,[^\n]*\} raw\r\n$/);
    cursorInFirstEnvelope(editor);
    assert.equal(await run('keysmith.decryptSelection', { key: KEY }), true);
    assert.equal(document.getText(), original);
  });
});

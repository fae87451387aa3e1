import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { DECRYPT_FAILED_MESSAGE, encrypt, parseEnvelope, serializeEnvelope } from '../../src/core';
import { closeAllEditors, notificationsDuring, openEditor } from './helpers';

const KEY = randomBytes(32).toString('hex');
const OTHER_KEY = randomBytes(32).toString('hex');
const ENVELOPE = /\{"v":1,"algorithm":"AES-256-GCM",[^{}]*\}/g;

function select(editor: vscode.TextEditor, ...texts: string[]): void {
  const text = editor.document.getText();
  editor.selections = texts.map((needle) => {
    const start = text.indexOf(needle);
    assert.notEqual(start, -1, `${needle} is in the document`);
    return new vscode.Selection(
      editor.document.positionAt(start),
      editor.document.positionAt(start + needle.length),
    );
  });
}

function envelopesIn(editor: vscode.TextEditor): string[] {
  return editor.document.getText().match(ENVELOPE) ?? [];
}

/** Runs a command that must not prompt: a prompt would block, so a time limit turns it into a failure. */
async function runWithoutPrompt<T>(command: string, args?: unknown): Promise<T> {
  return Promise.race([
    Promise.resolve(vscode.commands.executeCommand<T>(command, args)),
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${command} waited for input`)), 10_000)),
  ]);
}

describe('encrypt and decrypt selection', () => {
  const config = () => vscode.workspace.getConfiguration('keysmith');

  before(async () => {
    // Fast but within the setting's bounds (100,000 is its minimum).
    await config().update('encryption.iterations', 100_000, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await config().update('encryption.iterations', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands
      .executeCommand('keysmith.removeKey', { name: 'it-stored' })
      .then(undefined, () => undefined);
  });
  afterEach(closeAllEditors);

  it('encrypts every selection with a key (CRLF, non-ASCII) and decrypts them back exactly', async () => {
    const original = 'user: ünïcödé 🔑\r\nsecond\r\npassword: hunter2\r\ntail';
    const editor = await openEditor(original);
    select(editor, 'ünïcödé 🔑\r\nsecond', 'hunter2');
    assert.equal(await runWithoutPrompt('keysmith.encryptSelection', { key: KEY }), true);
    const envelopes = envelopesIn(editor);
    assert.equal(envelopes.length, 2);
    assert.ok(editor.document.getText().startsWith('user: {"v":1'));
    assert.ok(editor.document.getText().endsWith('}\r\ntail'));
    assert.doesNotMatch(editor.document.getText(), /hunter2|ünïcödé/);
    for (const text of envelopes) assert.equal(parseEnvelope(text).kdf, undefined);

    select(editor, ...envelopes);
    assert.equal(await runWithoutPrompt('keysmith.decryptSelection', { key: KEY }), true);
    assert.equal(editor.document.getText(), original);
  });

  it('one undo restores the document after encrypting several selections', async () => {
    const original = 'a=1\nb=2\nc=3';
    const editor = await openEditor(original);
    select(editor, '1', '2', '3');
    await runWithoutPrompt('keysmith.encryptSelection', { key: KEY });
    assert.equal(envelopesIn(editor).length, 3);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), original);
  });

  it('one undo restores the envelopes after decrypting', async () => {
    const editor = await openEditor('k=v\nx=y');
    select(editor, 'v', 'y');
    await runWithoutPrompt('keysmith.encryptSelection', { key: KEY });
    const encrypted = editor.document.getText();
    select(editor, ...envelopesIn(editor));
    assert.equal(await runWithoutPrompt('keysmith.decryptSelection', { key: KEY }), true);
    assert.equal(editor.document.getText(), 'k=v\nx=y');
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), encrypted);
  });

  it('a password encrypts a batch with one derivation (one salt) and the setting’s iterations', async () => {
    const editor = await openEditor('one two');
    select(editor, 'one', 'two');
    assert.equal(await runWithoutPrompt('keysmith.encryptSelection', { password: 'correct horse' }), true);
    const envelopes = envelopesIn(editor).map(parseEnvelope);
    assert.equal(envelopes.length, 2);
    assert.equal(envelopes[0]!.iterations, 100_000);
    assert.equal(envelopes[0]!.salt, envelopes[1]!.salt, 'one salt, so one derivation, for the batch');
    assert.notEqual(envelopes[0]!.iv, envelopes[1]!.iv);

    select(editor, ...envelopesIn(editor));
    assert.equal(await runWithoutPrompt('keysmith.decryptSelection', { password: 'correct horse' }), true);
    assert.equal(editor.document.getText(), 'one two');
  });

  it('decrypts the envelope around the cursor when nothing is selected', async () => {
    const editor = await openEditor('SECRET=plain');
    select(editor, 'plain');
    await runWithoutPrompt('keysmith.encryptSelection', { key: KEY });
    const text = editor.document.getText();
    const inside = editor.document.positionAt(text.indexOf('"iv"'));
    editor.selections = [new vscode.Selection(inside, inside)];
    assert.equal(await runWithoutPrompt('keysmith.decryptSelection', { key: KEY }), true);
    assert.equal(editor.document.getText(), 'SECRET=plain');
  });

  it('a wrong key changes nothing, in any selection', async () => {
    const editor = await openEditor('x y');
    select(editor, 'x', 'y');
    await runWithoutPrompt('keysmith.encryptSelection', { key: KEY });
    const encrypted = editor.document.getText();
    select(editor, ...envelopesIn(editor));
    assert.equal(await runWithoutPrompt('keysmith.decryptSelection', { key: OTHER_KEY }), false);
    assert.equal(editor.document.getText(), encrypted);
  });

  it('one tampered envelope among several changes nothing', async () => {
    const editor = await openEditor('x y z');
    select(editor, 'x', 'y', 'z');
    await runWithoutPrompt('keysmith.encryptSelection', { key: KEY });
    const [first, second, third] = envelopesIn(editor);
    const envelope = parseEnvelope(second!);
    const bytes = Buffer.from(envelope.ciphertext, 'base64');
    bytes[0]! ^= 0x01;
    const tampered = second!.replace(envelope.ciphertext, bytes.toString('base64'));
    await editor.edit((edit) => {
      const start = editor.document.getText().indexOf(second!);
      edit.replace(
        new vscode.Range(
          editor.document.positionAt(start),
          editor.document.positionAt(start + second!.length),
        ),
        tampered,
      );
    });
    const before = editor.document.getText();
    select(editor, first!, tampered, third!);
    assert.equal(await runWithoutPrompt('keysmith.decryptSelection', { key: KEY }), false);
    assert.equal(editor.document.getText(), before);
  });

  it('a malformed envelope is refused and nothing changes', async () => {
    const bad =
      '{"v":1,"algorithm":"AES-256-GCM","iv":"AAAA","tag":"AAAAAAAAAAAAAAAAAAAAAA==","ciphertext":""}';
    const editor = await openEditor(bad);
    select(editor, bad);
    assert.equal(await runWithoutPrompt('keysmith.decryptSelection', { key: KEY }), false);
    assert.equal(editor.document.getText(), bad);
  });

  it('with the cursor inside a broken envelope, says what is wrong with it (not "no envelope here")', async () => {
    const bad = 'SECRET={"v":2,"algorithm":"AES-256-GCM","iv":"AAAA","tag":"AAAA","ciphertext":""}';
    const editor = await openEditor(bad, [new vscode.Selection(0, 20, 0, 20)]);
    const { value, shown } = await notificationsDuring(() =>
      runWithoutPrompt<boolean>('keysmith.decryptSelection', { key: KEY }),
    );
    assert.equal(value, false);
    assert.equal(shown.length, 1);
    assert.match(shown[0]!, /^error: Keysmith: .*version 1.* Nothing was changed\.$/);
    assert.equal(editor.document.getText(), bad);
  });

  it('a failure is a notification: a warning for nothing to do, an error that names the envelope', async () => {
    const run = (command: string, args: unknown) =>
      notificationsDuring(() => runWithoutPrompt<boolean>(command, args));
    const editor = await openEditor('x y', [new vscode.Selection(0, 1, 0, 1)]);
    assert.deepEqual(await run('keysmith.encryptSelection', { key: KEY }), {
      value: false,
      shown: ['warning: Keysmith: select the text to encrypt.'],
    });
    assert.deepEqual(await run('keysmith.decryptSelection', { key: KEY }), {
      value: false,
      shown: ['warning: Keysmith: no envelope here. Select one, or put the cursor inside one.'],
    });

    select(editor, 'x', 'y');
    await runWithoutPrompt('keysmith.encryptSelection', { key: KEY });
    const encrypted = editor.document.getText();
    const [first, second] = envelopesIn(editor);
    select(editor, first!);
    assert.deepEqual(await run('keysmith.decryptSelection', { key: OTHER_KEY }), {
      value: false,
      shown: [`error: Keysmith: ${DECRYPT_FAILED_MESSAGE} Nothing was changed.`],
    });
    select(editor, first!, second!);
    assert.deepEqual(await run('keysmith.decryptSelection', { key: OTHER_KEY }), {
      value: false,
      shown: [`error: Keysmith: envelope 1: ${DECRYPT_FAILED_MESSAGE} Nothing was changed.`],
    });
    assert.equal(editor.document.getText(), encrypted);
  });

  it('NOT_TEXT: decrypting an envelope of binary (non-UTF-8) bytes says so and changes nothing', async () => {
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0xc3]);
    const envelope = serializeEnvelope(await encrypt({ plaintext: bytes, key: KEY }));
    const original = `token: ${envelope}\n`;
    const editor = await openEditor(original);
    select(editor, envelope);
    const outcome = await notificationsDuring(() =>
      runWithoutPrompt<boolean>('keysmith.decryptSelection', { key: KEY }),
    );
    assert.deepEqual(outcome, {
      value: false,
      shown: [
        'error: Keysmith: The envelope holds 5 bytes of binary data, not text; decrypt it with `keysmith decrypt` to a file. Nothing was changed.',
      ],
    });
    assert.doesNotMatch(outcome.shown.join('\n'), /Could not decrypt/);
    assert.equal(editor.document.getText(), original);
  });

  it('bad arguments are refused without prompting and change nothing', async () => {
    const editor = await openEditor('text');
    select(editor, 'text');
    for (const args of [
      { key: 'abc' },
      { key: KEY, password: 'pw' },
      { password: '' },
      { keyName: 'no such key' },
      { keyName: 'missing' },
      {},
    ]) {
      assert.equal(await runWithoutPrompt('keysmith.encryptSelection', args), false, JSON.stringify(args));
    }
    assert.equal(editor.document.getText(), 'text');
  });

  it('a stored key is named in the envelope (kid) and decrypt uses it without asking', async () => {
    assert.equal(await runWithoutPrompt('keysmith.storeKey', { name: 'it-stored' }), 'it-stored');
    const editor = await openEditor('API_TOKEN=abc123');
    select(editor, 'abc123');
    assert.equal(await runWithoutPrompt('keysmith.encryptSelection', { keyName: 'it-stored' }), true);
    const [text] = envelopesIn(editor);
    assert.equal(parseEnvelope(text!).kid, 'it-stored');
    assert.match(text!, /^\{"v":1,"algorithm":"AES-256-GCM","kid":"it-stored",/);

    select(editor, text!);
    assert.equal(await runWithoutPrompt('keysmith.decryptSelection'), true);
    assert.equal(editor.document.getText(), 'API_TOKEN=abc123');
  });

  it('the envelope layout setting writes pretty envelopes', async () => {
    await config().update('encryption.envelopeLayout', 'pretty', vscode.ConfigurationTarget.Global);
    try {
      const editor = await openEditor('pretty please');
      select(editor, 'please');
      await runWithoutPrompt('keysmith.encryptSelection', { key: KEY });
      assert.match(editor.document.getText(), /^pretty \{\n {2}"v": 1,\n {2}"algorithm": "AES-256-GCM",\n/);
      select(editor, editor.document.getText().slice('pretty '.length));
      await runWithoutPrompt('keysmith.decryptSelection', { key: KEY });
      assert.equal(editor.document.getText(), 'pretty please');
    } finally {
      await config().update('encryption.envelopeLayout', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

describe('key store', () => {
  afterEach(async () => {
    for (const name of ['it-roundtrip', 'it-given'])
      await vscode.commands.executeCommand('keysmith.removeKey', { name });
  });

  it('stores, copies and removes a key', async () => {
    const key = randomBytes(32).toString('hex');
    assert.equal(await runWithoutPrompt('keysmith.storeKey', { name: 'it-given', key }), 'it-given');
    assert.equal(await runWithoutPrompt('keysmith.copyStoredKey', { name: 'it-given' }), true);
    assert.equal(await vscode.env.clipboard.readText(), key);
    assert.equal(await runWithoutPrompt('keysmith.removeKey', { name: 'it-given' }), true);
    assert.equal(await runWithoutPrompt('keysmith.copyStoredKey', { name: 'it-given' }), false);
    assert.equal(await runWithoutPrompt('keysmith.removeKey', { name: 'it-given' }), false);
  });

  it('a generated key is 64 hex characters, and an existing name is not replaced by an argument', async () => {
    await runWithoutPrompt('keysmith.storeKey', { name: 'it-roundtrip' });
    await runWithoutPrompt('keysmith.copyStoredKey', { name: 'it-roundtrip' });
    const first = await vscode.env.clipboard.readText();
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.equal(await runWithoutPrompt('keysmith.storeKey', { name: 'it-roundtrip' }), undefined);
    await runWithoutPrompt('keysmith.copyStoredKey', { name: 'it-roundtrip' });
    assert.equal(await vscode.env.clipboard.readText(), first);
  });

  it('bad names and keys are refused', async () => {
    for (const args of [
      { name: '../x' },
      { name: '' },
      { name: 'ok', key: 'short' },
      { name: 'a'.repeat(65) },
    ]) {
      assert.equal(await runWithoutPrompt('keysmith.storeKey', args), undefined, JSON.stringify(args));
    }
  });
});

/**
 * The sidebar views' protocol and handlers, in the real extension host: messages are fed to the
 * very providers Keysmith registered (activate() hands them to tests; each request to the view
 * whose form sends it), exactly as the webview posts them,
 * and the replies are checked — plus one real round trip through the webview page itself.
 */
import { malformedRequests } from '../shared/malformedRequests';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { decrypt, DECRYPT_FAILED_MESSAGE, encrypt, parseEnvelope, serializeEnvelope } from '../../src/core';
import type { KeysmithTestApi } from '../../src/extension';
import {
  OPERATION_REQUESTS,
  OPERATIONS,
  parseToWebview,
  WEBVIEW_STRING_KEYS,
  type ErrorMessage,
  type Operation,
  type ReplyError,
  type RequestMessage,
  type RequestType,
  type Results,
  type ToWebviewMessage,
} from '../../src/protocol';
import type { OperationViewProvider } from '../../src/sidebar/sidebarProvider';
import { at, closeAllEditors, EXTENSION_ID, notificationsDuring, openEditor } from './helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const STORED_NAME = 'sidebar-it';
const STORED_KEY = randomBytes(32).toString('hex');
const HEX_KEY = randomBytes(32).toString('hex');
const ENVELOPE = /\{"v":1,"algorithm":"AES-256-GCM",[^{}]*\}/g;

let views: Record<Operation, OperationViewProvider>;

/** The view whose form sends requests of this type (each view answers only its form's requests). */
function viewFor(type: RequestType): OperationViewProvider {
  const operation = OPERATIONS.find((o) => (OPERATION_REQUESTS[o] as readonly RequestType[]).includes(type));
  assert.ok(operation, `a view sends ${type}`);
  return views[operation];
}
let nextId = 1;

type Params<K extends RequestType> = Omit<Extract<RequestMessage, { type: K }>, 'type' | 'requestId'>;

/** Sends a request as the webview would and returns the reply, which must answer it. */
async function reply<K extends RequestType>(type: K, params: Params<K>): Promise<ToWebviewMessage> {
  const requestId = nextId++;
  const answer = await viewFor(type).handleMessage({ type, requestId, ...params });
  assert.ok(answer, `${type} was answered`);
  assert.ok(answer.type === 'result' || answer.type === 'error', `a reply, not ${answer.type}`);
  assert.equal(answer.requestId, requestId);
  assert.equal(answer.request, type);
  return answer;
}

async function result<K extends RequestType>(type: K, params: Params<K>): Promise<Results[K]> {
  const answer = await reply(type, params);
  assert.equal(answer.type, 'result', `${type} failed: ${JSON.stringify((answer as ErrorMessage).error)}`);
  return (answer as Extract<ToWebviewMessage, { type: 'result' }>).result as Results[K];
}

async function failure<K extends RequestType>(type: K, params: Params<K>): Promise<ReplyError> {
  const answer = await reply(type, params);
  assert.equal(answer.type, 'error', `${type} should have failed: ${JSON.stringify(answer)}`);
  return (answer as ErrorMessage).error;
}

/** A request answered with an error, and no notification (the panel shows the error). */
async function quietFailure<K extends RequestType>(type: K, params: Params<K>): Promise<ReplyError> {
  const { value, shown } = await notificationsDuring(() => failure(type, params));
  assert.deepEqual(shown, [], `${type} failed without a notification`);
  return value;
}

function select(editor: vscode.TextEditor, ...texts: string[]): void {
  editor.selections = texts.map((text) => {
    const range = rangeOf(editor, text);
    return new vscode.Selection(range.start, range.end);
  });
}

function rangeOf(editor: vscode.TextEditor, text: string): vscode.Range {
  const start = editor.document.getText().indexOf(text);
  assert.notEqual(start, -1, `${text} is in the document`);
  return new vscode.Range(editor.document.positionAt(start), editor.document.positionAt(start + text.length));
}

function envelopesIn(editor: vscode.TextEditor): string[] {
  return editor.document.getText().match(ENVELOPE) ?? [];
}

/** Resolves with the first message the provider posts to the webview that matches. */
function nextPost(
  match: (message: ToWebviewMessage) => boolean,
  timeoutMs = 30_000,
  view: OperationViewProvider = views.encrypt,
): Promise<ToWebviewMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no matching message was posted within ${timeoutMs} ms`));
    }, timeoutMs);
    const subscription = view.onDidPostMessage((message) => {
      if (!match(message)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(message);
    });
  });
}

describe('sidebar: protocol and handlers', () => {
  const config = () => vscode.workspace.getConfiguration('keysmith');

  before(async () => {
    const api = (await vscode.extensions.getExtension<KeysmithTestApi>(EXTENSION_ID)!.activate())!;
    assert.ok(api?.views, 'activate() hands the views’ providers to the tests');
    views = api.views;
    assert.deepEqual(Object.keys(views).sort(), [...OPERATIONS].sort());
    // Fast but within the setting's bounds (100,000 is its minimum).
    await config().update('encryption.iterations', 100_000, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('keysmith.removeKey', { name: STORED_NAME });
    assert.equal(
      await vscode.commands.executeCommand('keysmith.storeKey', { name: STORED_NAME, key: STORED_KEY }),
      STORED_NAME,
    );
  });

  after(async () => {
    await config().update('encryption.iterations', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('keysmith.removeKey', { name: STORED_NAME });
  });

  afterEach(closeAllEditors);

  it('answers ready with init: key names, setting defaults and strings — no key material', async () => {
    await config().update('apiKey.prefix', 'live', vscode.ConfigurationTarget.Global);
    try {
      const init = await views.generateKey.handleMessage({ type: 'ready' });
      assert.ok(init && init.type === 'init');
      assert.ok(init.keyNames.includes(STORED_NAME));
      assert.equal(init.defaults.apiKeyPrefix, 'live');
      assert.equal(init.defaults.nanoidLength, 21);
      assert.deepEqual(Object.keys(init.strings).sort(), [...WEBVIEW_STRING_KEYS].sort());
      assert.doesNotMatch(JSON.stringify(init), new RegExp(STORED_KEY, 'i'));
      assert.deepEqual(parseToWebview(init), init, 'the webview accepts what the host sends');
    } finally {
      await config().update('apiKey.prefix', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('ignores malformed and unknown messages: no reply, no throw, no effect', async () => {
    const editor = await openEditor('keep', [at(0, 4)]);
    const source = { kind: 'key', key: HEX_KEY };
    const malformed = malformedRequests(source);
    for (const message of malformed) {
      for (const operation of OPERATIONS) {
        assert.equal(
          await views[operation].handleMessage(message),
          undefined,
          `${operation}: ${JSON.stringify(message) ?? String(message)}`,
        );
      }
    }
    assert.equal(editor.document.getText(), 'keep');
  });

  it('each view answers only the requests of its own form', async () => {
    const editor = await openEditor('keep', [at(0, 4)]);
    const source = { kind: 'key', key: HEX_KEY };
    const requests: Record<RequestType, unknown> = {
      generateKey: { type: 'generateKey', requestId: 1, options: { type: 'uuid-v4' } },
      insertKey: { type: 'insertKey', requestId: 1, key: 'k', options: { type: 'uuid-v4' } },
      insertText: { type: 'insertText', requestId: 1, text: 'x' },
      copy: { type: 'copy', requestId: 1, text: 'x' },
      generateKeyPair: { type: 'generateKeyPair', requestId: 1, options: { algorithm: 'EC', folder: '..' } },
      encryptSelection: { type: 'encryptSelection', requestId: 1, source },
      encryptText: { type: 'encryptText', requestId: 1, plaintext: 'x', source },
      decryptSelection: { type: 'decryptSelection', requestId: 1, source },
      decryptText: { type: 'decryptText', requestId: 1, envelope: '{}', source },
    };
    for (const operation of OPERATIONS) {
      const own = OPERATION_REQUESTS[operation] as readonly RequestType[];
      for (const [type, message] of Object.entries(requests) as [RequestType, unknown][]) {
        if (own.includes(type) || type === 'copy') continue;
        assert.equal(
          await views[operation].handleMessage(message),
          undefined,
          `${operation} ignores ${type}`,
        );
      }
    }
    assert.equal(editor.document.getText(), 'keep');
  });

  it('generates each key type with the reference API’s fields', async () => {
    const apiKey = await result('generateKey', { options: { type: 'api-key', prefix: 'tk' } });
    assert.match(apiKey.key, /^tk_[0-9a-f]{64}$/);
    assert.deepEqual(
      { type: apiKey.type, entropy_bits: apiKey.entropy_bits },
      { type: 'api-key', entropy_bits: 256 },
    );

    const uuid = await result('generateKey', { options: { type: 'uuid-v4' } });
    assert.match(uuid.key, UUID);
    assert.equal(uuid.entropy_bits, 122);

    const nanoid = await result('generateKey', { options: { type: 'nanoid', length: 10 } });
    assert.match(nanoid.key, /^[A-Za-z0-9_-]{10}$/);
    assert.equal(nanoid.entropy_bits, 60);
    const binary = await result('generateKey', { options: { type: 'nanoid', length: 12, alphabet: '01' } });
    assert.match(binary.key, /^[01]{12}$/);
    assert.equal(binary.entropy_bits, 12);

    const secret = await result('generateKey', { options: { type: 'secret', length: 32 } });
    assert.match(secret.key, /^[0-9a-f]{32}$/);
    assert.deepEqual(Object.keys(secret).sort(), ['entropy_bits', 'key', 'type']);
    assert.equal(secret.entropy_bits, 128);
  });

  it('fills options the form left empty from the settings', async () => {
    await config().update('secret.length', 16, vscode.ConfigurationTarget.Global);
    try {
      const secret = await result('generateKey', { options: { type: 'secret' } });
      assert.match(secret.key, /^[0-9a-f]{16}$/);
      const apiKey = await result('generateKey', { options: { type: 'api-key' } });
      assert.match(apiKey.key, /^sk_[0-9a-f]{64}$/);
    } finally {
      await config().update('secret.length', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('error replies carry the core’s code and the field they concern', async () => {
    assert.deepEqual(pick(await failure('generateKey', { options: { type: 'nanoid', length: 1 } })), {
      code: 'INVALID_LENGTH',
      field: 'length',
    });
    assert.deepEqual(pick(await failure('generateKey', { options: { type: 'api-key', prefix: '-x' } })), {
      code: 'INVALID_PREFIX',
      field: 'prefix',
    });
    assert.deepEqual(pick(await failure('generateKey', { options: { type: 'nanoid', alphabet: 'aab' } })), {
      code: 'INVALID_ALPHABET',
      field: 'alphabet',
    });
    const badKey = await failure('encryptText', { plaintext: 'x', source: { kind: 'key', key: 'abc' } });
    assert.deepEqual(pick(badKey), { code: 'INVALID_KEY', field: 'key' });
    assert.match(badKey.message, /64/);
  });

  it('inserts the shown key at the primary cursor and a fresh one at every other, in one edit', async () => {
    const editor = await openEditor('a\nb\nc', [at(0, 1), at(1, 1), at(2, 1)]);
    const shown = await result('generateKey', { options: { type: 'uuid-v4' } });
    const inserted = await result('insertKey', { key: shown.key, options: { type: 'uuid-v4' } });
    assert.equal(inserted.cursors, 3);
    const lines = editor.document.getText().split('\n');
    assert.equal(lines[0], `a${shown.key}`);
    const values = lines.map((line) => line.slice(1));
    for (const value of values) assert.match(value, UUID);
    assert.equal(new Set(values).size, 3, 'a distinct key per cursor');
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), 'a\nb\nc');
  });

  it('inserts text at every cursor, copies to the clipboard, and says when no editor is open', async () => {
    const editor = await openEditor('x y', [at(0, 1), at(0, 3)]);
    assert.equal((await result('insertText', { text: '!' })).cursors, 2);
    assert.equal(editor.document.getText(), 'x! y!');

    const text = `copied ${randomBytes(4).toString('hex')}`;
    await result('copy', { text });
    assert.equal(await vscode.env.clipboard.readText(), text);

    await closeAllEditors();
    assert.equal((await failure('insertKey', { key: 'k', options: { type: 'uuid-v4' } })).code, 'NO_EDITOR');
    assert.equal(
      (await failure('encryptSelection', { source: { kind: 'key', key: HEX_KEY } })).code,
      'NO_EDITOR',
    );
  });

  describe('copying', () => {
    /**
     * Sends `copy` with the host's 45-second timers caught instead of started (the tests run in
     * Keysmith's own extension host, so its setTimeout is this one): returns the reply and the
     * caught timers' callbacks, to be run by hand.
     */
    async function copyCatchingTimers(text: string): Promise<{ message: string; clears: (() => unknown)[] }> {
      const original = globalThis.setTimeout;
      const clears: (() => unknown)[] = [];
      globalThis.setTimeout = ((callback: () => unknown, ms?: number, ...rest: unknown[]) => {
        if (ms === 45_000) {
          clears.push(callback);
          return { unref: () => undefined, ref: () => undefined } as unknown as NodeJS.Timeout;
        }
        return (original as (...args: unknown[]) => NodeJS.Timeout)(callback, ms, ...rest);
      }) as typeof setTimeout;
      try {
        const { message } = await result('copy', { text });
        return { message, clears };
      } finally {
        globalThis.setTimeout = original;
      }
    }

    it('a generated key leaves the clipboard after 45 s, as Copy a Stored Key does, and says so', async () => {
      const { key } = await result('generateKey', { options: { type: 'api-key' } });
      const { message, clears } = await copyCatchingTimers(key);
      assert.equal(await vscode.env.clipboard.readText(), key);
      assert.match(message, /cleared from the clipboard in 45 seconds/);
      assert.equal(clears.length, 1, 'one clearing scheduled, 45 s later');
      await clears[0]!();
      assert.equal(await vscode.env.clipboard.readText(), '');
    });

    it('a decrypted plaintext too — but not what replaced it on the clipboard meanwhile', async () => {
      const plaintext = `plaintext ${randomBytes(4).toString('hex')}`;
      const { envelope } = await result('encryptText', { plaintext, source: { kind: 'key', key: HEX_KEY } });
      const opened = await result('decryptText', { envelope, source: { kind: 'key', key: HEX_KEY } });
      const { message, clears } = await copyCatchingTimers(opened.plaintext);
      assert.match(message, /cleared from the clipboard in 45 seconds/);
      assert.equal(clears.length, 1);
      await vscode.env.clipboard.writeText('copied by someone else');
      await clears[0]!();
      assert.equal(await vscode.env.clipboard.readText(), 'copied by someone else');
    });

    it('an envelope and a public key are meant to be shared: they stay', async () => {
      const { envelope } = await result('encryptText', {
        plaintext: 'p',
        source: { kind: 'key', key: HEX_KEY },
      });
      const publicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString();
      for (const text of [envelope, publicKey]) {
        const { message, clears } = await copyCatchingTimers(text);
        assert.equal(await vscode.env.clipboard.readText(), text);
        assert.equal(message, 'Copied.');
        assert.deepEqual(clears, []);
      }
    });
  });

  it('encryptText → decryptText round trips with a key and with a password', async () => {
    const plaintext = 'db_password: ünïcödé 🔑\r\nline two';
    const withKey = await result('encryptText', { plaintext, source: { kind: 'key', key: HEX_KEY } });
    const envelope = parseEnvelope(withKey.envelope);
    assert.equal(envelope.kdf, undefined);
    assert.equal(envelope.kid, undefined);
    const opened = await result('decryptText', {
      envelope: withKey.envelope,
      source: { kind: 'key', key: HEX_KEY },
    });
    assert.deepEqual(opened, { plaintext, warnings: [] });

    const withPassword = await result('encryptText', {
      plaintext,
      source: { kind: 'password', password: 'correct horse' },
    });
    assert.equal(parseEnvelope(withPassword.envelope).iterations, 100_000, 'the setting’s iterations');
    const again = await result('decryptText', {
      envelope: `\n  ${withPassword.envelope}\n`,
      source: { kind: 'password', password: 'correct horse' },
    });
    assert.equal(again.plaintext, plaintext);
  });

  it('decryptText of an envelope of binary (non-UTF-8) bytes replies NOT_TEXT, not DECRYPT_FAILED', async () => {
    const envelope = serializeEnvelope(
      await encrypt({ plaintext: Buffer.from([0xff, 0x00, 0xfe]), key: HEX_KEY }),
    );
    const error = await failure('decryptText', { envelope, source: { kind: 'key', key: HEX_KEY } });
    assert.deepEqual(error, {
      code: 'NOT_TEXT',
      message:
        'The envelope holds 3 bytes of binary data, not text; decrypt it with `keysmith decrypt` to a file.',
    });
  });

  it('a wrong password or key is DECRYPT_FAILED with no plaintext; a damaged envelope names its field', async () => {
    const plaintext = `secret-${randomBytes(8).toString('hex')}`;
    const { envelope } = await result('encryptText', {
      plaintext,
      source: { kind: 'password', password: 'right' },
    });
    const wrong = await reply('decryptText', { envelope, source: { kind: 'password', password: 'wrong' } });
    assert.equal(wrong.type, 'error');
    assert.equal((wrong as ErrorMessage).error.code, 'DECRYPT_FAILED');
    assert.doesNotMatch(JSON.stringify(wrong), new RegExp(plaintext));

    const { envelope: keyed } = await result('encryptText', {
      plaintext,
      source: { kind: 'key', key: HEX_KEY },
    });
    const otherKey = randomBytes(32).toString('hex');
    assert.equal(
      (await failure('decryptText', { envelope: keyed, source: { kind: 'key', key: otherKey } })).code,
      'DECRYPT_FAILED',
    );

    const mode = await failure('decryptText', {
      envelope: keyed,
      source: { kind: 'password', password: 'x' },
    });
    assert.equal(mode.code, 'KEY_OR_PASSWORD');

    const damaged = keyed.replace(/"iv":"[^"]*"/, '"iv":"AAAA"');
    assert.deepEqual(
      pick(await failure('decryptText', { envelope: damaged, source: { kind: 'key', key: HEX_KEY } })),
      {
        code: 'MALFORMED_ENVELOPE',
        field: 'iv',
      },
    );
    assert.deepEqual(
      pick(await failure('decryptText', { envelope: '  ', source: { kind: 'key', key: HEX_KEY } })),
      {
        code: 'NO_ENVELOPE',
        field: 'envelope',
      },
    );
  });

  it('a stored key is used by name on the host: the envelope’s kid is the name, no reply holds the key', async () => {
    const plaintext = 'stored-key plaintext';
    const answer = await reply('encryptText', { plaintext, source: { kind: 'stored', name: STORED_NAME } });
    assert.equal(answer.type, 'result');
    assert.doesNotMatch(JSON.stringify(answer), new RegExp(STORED_KEY, 'i'));
    const { envelope } = (answer as Extract<ToWebviewMessage, { type: 'result' }>)
      .result as Results['encryptText'];
    assert.equal(parseEnvelope(envelope).kid, STORED_NAME);
    // It really is the stored key that locked it.
    assert.equal((await decrypt({ envelope, key: STORED_KEY })).plaintext, plaintext);

    const opened = await reply('decryptText', { envelope, source: { kind: 'stored', name: STORED_NAME } });
    assert.equal(opened.type, 'result');
    assert.doesNotMatch(JSON.stringify(opened), new RegExp(STORED_KEY, 'i'));

    assert.deepEqual(
      pick(await failure('encryptText', { plaintext, source: { kind: 'stored', name: 'no-such-key' } })),
      {
        code: 'UNKNOWN_KEY',
        field: 'keyName',
      },
    );
  });

  it('encrypts and decrypts the editor’s selections on the commands’ own code path', async () => {
    const original = 'user: alice\npassword: hunter2';
    const editor = await openEditor(original);
    select(editor, 'hunter2');
    const encrypted = await result('encryptSelection', { source: { kind: 'stored', name: STORED_NAME } });
    assert.equal(encrypted.count, 1);
    const [envelope] = envelopesIn(editor);
    assert.doesNotMatch(editor.document.getText(), /hunter2/);
    assert.equal(parseEnvelope(envelope!).kid, STORED_NAME);

    select(editor, envelope!);
    await result('decryptSelection', { source: { kind: 'stored', name: STORED_NAME } });
    assert.equal(editor.document.getText(), original);
  });

  it('a wrong password or key in the editor is the core’s own error, on the field it concerns, and changes nothing', async () => {
    const editor = await openEditor('token: abc');
    select(editor, 'abc');
    await result('encryptSelection', { source: { kind: 'password', password: 'right' } });
    const encrypted = editor.document.getText();
    const [envelope] = envelopesIn(editor);

    select(editor, envelope!);
    const wrong = await quietFailure('decryptSelection', { source: { kind: 'password', password: 'wrong' } });
    assert.deepEqual(wrong, { code: 'DECRYPT_FAILED', message: DECRYPT_FAILED_MESSAGE });
    assert.equal(editor.document.getText(), encrypted);

    const mode = await quietFailure('decryptSelection', { source: { kind: 'key', key: HEX_KEY } });
    assert.deepEqual(pick(mode), { code: 'KEY_OR_PASSWORD', field: 'kdf' });
    assert.match(mode.message, /encrypted with a password/);
    assert.equal(editor.document.getText(), encrypted);

    // What the form can check is refused before the editor is touched.
    assert.deepEqual(
      pick(await quietFailure('decryptSelection', { source: { kind: 'password', password: '' } })),
      { code: 'INVALID_PASSWORD', field: 'password' },
    );
    assert.deepEqual(pick(await quietFailure('encryptSelection', { source: { kind: 'key', key: 'xyz' } })), {
      code: 'INVALID_KEY',
      field: 'key',
    });
    assert.deepEqual(
      pick(await quietFailure('decryptSelection', { source: { kind: 'stored', name: 'no-such-key' } })),
      { code: 'UNKNOWN_KEY', field: 'keyName' },
    );
    assert.equal(editor.document.getText(), encrypted);
  });

  it('a tampered or malformed envelope among several: all or nothing, and the error says which', async () => {
    const editor = await openEditor('x y z');
    select(editor, 'x', 'y', 'z');
    assert.equal((await result('encryptSelection', { source: { kind: 'key', key: HEX_KEY } })).count, 3);
    const [first, second, third] = envelopesIn(editor) as [string, string, string];
    const { ciphertext } = parseEnvelope(second);
    const bytes = Buffer.from(ciphertext, 'base64');
    bytes[0]! ^= 0x01;
    const tampered = second.replace(ciphertext, bytes.toString('base64'));
    const malformed = third.replace(/"iv":"[^"]*"/, '"iv":"AAAA"');
    await editor.edit((edit) => {
      edit.replace(rangeOf(editor, second), tampered);
      edit.replace(rangeOf(editor, third), malformed);
    });
    const before = editor.document.getText();

    select(editor, first, tampered);
    const failed = await quietFailure('decryptSelection', { source: { kind: 'key', key: HEX_KEY } });
    assert.deepEqual(failed, { code: 'DECRYPT_FAILED', message: `Envelope 2: ${DECRYPT_FAILED_MESSAGE}` });
    assert.equal(editor.document.getText(), before, 'the good envelope is not decrypted either');

    select(editor, first, tampered, malformed);
    const several = await quietFailure('decryptSelection', { source: { kind: 'key', key: HEX_KEY } });
    assert.deepEqual(pick(several), { code: 'MALFORMED_ENVELOPE', field: 'iv' });
    assert.match(several.message, /^Envelope 3: iv /);
    assert.equal(editor.document.getText(), before);

    select(editor, malformed);
    const alone = await quietFailure('decryptSelection', { source: { kind: 'key', key: HEX_KEY } });
    assert.deepEqual(pick(alone), { code: 'MALFORMED_ENVELOPE', field: 'iv' });
    assert.match(alone.message, /^iv /, 'one envelope needs no number');
    assert.equal(editor.document.getText(), before);
  });

  it('nothing to work on has a code of its own: no selection, no envelope here, no editor', async () => {
    const editor = await openEditor('plain text', [at(0, 3)]);
    const source = { kind: 'key', key: HEX_KEY } as const;
    assert.deepEqual(await quietFailure('encryptSelection', { source }), {
      code: 'NO_SELECTION',
      message: 'Select the text to encrypt.',
    });
    assert.deepEqual(await quietFailure('decryptSelection', { source }), {
      code: 'NO_ENVELOPE',
      message: 'No envelope here. Select one, or put the cursor inside one.',
    });
    assert.equal(editor.document.getText(), 'plain text');

    await closeAllEditors();
    assert.equal((await quietFailure('encryptSelection', { source })).code, 'NO_EDITOR');
    assert.equal((await quietFailure('decryptSelection', { source })).code, 'NO_EDITOR');
  });

  it('an edit while the password is derived: DOCUMENT_CHANGED, and the document holds only that edit', async () => {
    // Slow enough (a second or so) for an edit to land while the key is derived.
    const envelope = serializeEnvelope(
      await encrypt({ plaintext: 'slow', password: 'pw', iterations: 3_000_000 }),
    );
    const editor = await openEditor(`a ${envelope}`);
    select(editor, envelope);
    const pending = notificationsDuring(() =>
      failure('decryptSelection', { source: { kind: 'password', password: 'pw' } }),
    );
    assert.ok(await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '!')));
    const { value: changed, shown } = await pending;
    assert.equal(changed.code, 'DOCUMENT_CHANGED');
    assert.match(changed.message, /^The document changed while decrypting; nothing was replaced/);
    assert.deepEqual(shown, []);
    assert.equal(editor.document.getText(), `!a ${envelope}`);
  });

  describe('key pairs', () => {
    const folder = 'sidebar-keys';
    const root = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    after(() => rmSync(path.join(root(), folder), { recursive: true, force: true }));

    it('saves through keysmith.generateKeyPair and returns the public key only', async () => {
      const answer = await reply('generateKeyPair', {
        options: { algorithm: 'EC', curve: 'P-384', name: 'signing', folder },
      });
      assert.equal(answer.type, 'result', JSON.stringify(answer));
      const saved = (answer as Extract<ToWebviewMessage, { type: 'result' }>)
        .result as Results['generateKeyPair'];
      assert.equal(saved.privateFile, `${folder}/signing_private.pem`);
      assert.equal(saved.publicFile, `${folder}/signing_public.pem`);
      const publicPath = path.join(root(), folder, 'signing_public.pem');
      assert.equal(saved.publicKey, readFileSync(publicPath, 'utf8'));
      assert.equal(createPublicKey(saved.publicKey).asymmetricKeyDetails?.namedCurve, 'secp384r1');
      assert.ok(existsSync(path.join(root(), folder, 'signing_private.pem')));
      assert.doesNotMatch(JSON.stringify(answer), /PRIVATE KEY/);
    });

    it('existing files, a bad name, a folder outside the workspace: the command’s own errors, on their field', async () => {
      const before = readFileSync(path.join(root(), folder, 'signing_public.pem'), 'utf8');
      const exists = await quietFailure('generateKeyPair', {
        options: { algorithm: 'EC', name: 'signing', folder },
      });
      assert.deepEqual(exists, {
        code: 'FILE_EXISTS',
        message: `${folder}/signing_private.pem, ${folder}/signing_public.pem already exists.`,
        field: 'name',
      });
      assert.equal(readFileSync(path.join(root(), folder, 'signing_public.pem'), 'utf8'), before);

      const replaced = await result('generateKeyPair', {
        options: { algorithm: 'EC', name: 'signing', folder, overwrite: true },
      });
      assert.notEqual(replaced.publicKey, before);

      const badName = await quietFailure('generateKeyPair', {
        options: { algorithm: 'EC', name: 'a/b', folder },
      });
      assert.deepEqual(pick(badName), { code: 'INVALID_NAME', field: 'name' });
      assert.match(badName.message, /^Name must be 1 to 64 of/);

      const outside = await quietFailure('generateKeyPair', {
        options: { algorithm: 'EC', name: 'x', folder: '../outside' },
      });
      assert.deepEqual(pick(outside), { code: 'OUTSIDE_WORKSPACE', field: 'folder' });
      assert.match(outside.message, /^The folder "\.\.\/outside" is outside the workspace folder/);
      assert.ok(!existsSync(path.join(root(), '..', 'outside')));
    });

    it('a file-system failure is WRITE_FAILED with its errno, and nothing is written', async () => {
      // A file where the key folder should be.
      writeFileSync(path.join(root(), folder, 'not-a-folder'), '');
      const failed = await quietFailure('generateKeyPair', {
        options: { algorithm: 'EC', name: 'x', folder: `${folder}/not-a-folder` },
      });
      assert.equal(failed.code, 'WRITE_FAILED');
      assert.equal(failed.field, undefined);
      assert.match(failed.message, /^Could not write the key pair: ENOTDIR\b/);
      assert.equal(readFileSync(path.join(root(), folder, 'not-a-folder'), 'utf8'), '');
    });
  });

  it('posts the new key names when the key store changes', async () => {
    const name = 'sidebar-pushed';
    const key = randomBytes(32).toString('hex');
    const added = nextPost((m) => m.type === 'keyNames' && m.keyNames.includes(name));
    await vscode.commands.executeCommand('keysmith.storeKey', { name, key });
    try {
      assert.doesNotMatch(JSON.stringify(await added), new RegExp(key, 'i'));
    } finally {
      const removed = nextPost((m) => m.type === 'keyNames' && !m.keyNames.includes(name));
      await vscode.commands.executeCommand('keysmith.removeKey', { name });
      await removed;
    }
  });

  it('the real page loads under its CSP, says ready, gets init, and generates a key', async () => {
    // Another container first: a hidden webview view loses its page, so showing it loads it afresh.
    await vscode.commands.executeCommand('workbench.view.explorer');
    const init = nextPost((m) => m.type === 'init', 30_000, views.generateKey);
    const generated = nextPost(
      (m) => m.type === 'result' && m.request === 'generateKey',
      30_000,
      views.generateKey,
    );
    await vscode.commands.executeCommand('keysmith.generateKey.focus');
    const message = await init;
    assert.ok(message.type === 'init' && message.keyNames.includes(STORED_NAME));
    // The form asks for a first key as soon as it has the defaults: the page's script runs.
    const first = await generated;
    assert.ok(first.type === 'result' && first.request === 'generateKey');
    assert.match((first.result as Results['generateKey']).key, /^sk_[0-9a-f]{64}$/);
  });

  it('a title-bar command asks its view’s page to press its button: Regenerate gives a new key', async () => {
    // Shown (the previous test showed it); the command waits for the page when it is not ready.
    await vscode.commands.executeCommand('keysmith.generateKey.focus');
    const asked = nextPost((m) => m.type === 'runAction', 30_000, views.generateKey);
    const regenerated = nextPost(
      (m) => m.type === 'result' && m.request === 'generateKey',
      30_000,
      views.generateKey,
    );
    await vscode.commands.executeCommand('keysmith.view.regenerateKey');
    assert.deepEqual(await asked, { type: 'runAction', action: 'regenerate' });
    const answer = await regenerated;
    assert.ok(answer.type === 'result' && answer.request === 'generateKey');
  });

  it('a title-bar command of a hidden view shows the view first, then runs the action there', async () => {
    await closeAllEditors();
    await vscode.commands.executeCommand('workbench.view.explorer');
    const init = nextPost((m) => m.type === 'init', 30_000, views.decrypt);
    const asked = nextPost((m) => m.type === 'runAction', 30_000, views.decrypt);
    // The page starts with a stored key chosen (there is one), so its Decrypt Selection sends the
    // request, which finds no editor.
    const answered = nextPost(
      (m) => (m.type === 'result' || m.type === 'error') && m.request === 'decryptSelection',
      30_000,
      views.decrypt,
    );
    await vscode.commands.executeCommand('keysmith.view.decryptSelection');
    await init;
    assert.deepEqual(await asked, { type: 'runAction', action: 'decryptSelection' });
    const answer = await answered;
    assert.ok(answer.type === 'error' && answer.error.code === 'NO_EDITOR', JSON.stringify(answer));
  });

  it('the webview’s validator drops malformed host messages', () => {
    const good = {
      type: 'error',
      requestId: 3,
      request: 'decryptText',
      error: { code: 'DECRYPT_FAILED', message: 'no' },
    };
    assert.deepEqual(parseToWebview(good), good);
    for (const bad of [
      { ...good, requestId: '3' },
      { ...good, request: 'format' },
      { ...good, error: { code: 1, message: 'no' } },
      { ...good, error: { code: 'X', message: 'no', field: 3 } },
      {
        type: 'result',
        requestId: 1,
        request: 'generateKey',
        result: { key: 'k', type: 'guid', entropy_bits: 1 },
      },
      { type: 'result', requestId: 1, request: 'decryptText', result: { plaintext: 'p' } },
      { type: 'result', requestId: 1, request: 'encryptText', result: { envelope: 5 } },
      { type: 'keyNames', keyNames: ['a', 1] },
      { type: 'init', keyNames: [], defaults: {}, strings: {} },
      { type: 'ready' },
      { type: 'constructor' },
      { type: 'runAction' },
      { type: 'runAction', action: 'format' },
    ]) {
      assert.equal(parseToWebview(bad), undefined, JSON.stringify(bad));
    }
  });
});

function pick(error: ReplyError): { code: string; field?: string } {
  return { code: error.code, ...(error.field !== undefined && { field: error.field }) };
}

/**
 * The sidebar's protocol and handlers, in the real extension host: messages are fed to the very
 * provider Keysmith registered (activate() hands it to tests), exactly as the webview posts them,
 * and the replies are checked — plus one real round trip through the webview page itself.
 */
import assert from 'node:assert/strict';
import { createPublicKey, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { decrypt, parseEnvelope } from '../../src/core';
import type { KeysmithTestApi } from '../../src/extension';
import {
  parseToWebview,
  WEBVIEW_STRING_KEYS,
  type ErrorMessage,
  type ReplyError,
  type RequestMessage,
  type RequestType,
  type Results,
  type ToWebviewMessage,
} from '../../src/protocol';
import type { SidebarProvider } from '../../src/sidebar/sidebarProvider';
import { at, closeAllEditors, EXTENSION_ID, openEditor } from './helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const STORED_NAME = 'sidebar-it';
const STORED_KEY = randomBytes(32).toString('hex');
const HEX_KEY = randomBytes(32).toString('hex');

let sidebar: SidebarProvider;
let nextId = 1;

type Params<K extends RequestType> = Omit<Extract<RequestMessage, { type: K }>, 'type' | 'requestId'>;

/** Sends a request as the webview would and returns the reply, which must answer it. */
async function reply<K extends RequestType>(type: K, params: Params<K>): Promise<ToWebviewMessage> {
  const requestId = nextId++;
  const answer = await sidebar.handleMessage({ type, requestId, ...params });
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

/** Resolves with the first message the provider posts to the webview that matches. */
function nextPost(
  match: (message: ToWebviewMessage) => boolean,
  timeoutMs = 30_000,
): Promise<ToWebviewMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no matching message was posted within ${timeoutMs} ms`));
    }, timeoutMs);
    const subscription = sidebar.onDidPostMessage((message) => {
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
    assert.ok(api?.sidebar, 'activate() hands the sidebar provider to the tests');
    sidebar = api.sidebar;
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
      const init = await sidebar.handleMessage({ type: 'ready' });
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
    const malformed: unknown[] = [
      undefined,
      null,
      'ready',
      42,
      [],
      [{ type: 'ready' }],
      {},
      { type: 'nope', requestId: 1 },
      { type: 'toString', requestId: 1 },
      { type: '__proto__', requestId: 1 },
      { type: 'result', requestId: 1, request: 'copy', result: { message: 'x' } },
      { type: 'generateKey', options: { type: 'uuid-v4' } }, // no requestId
      { type: 'generateKey', requestId: '1', options: { type: 'uuid-v4' } },
      { type: 'generateKey', requestId: -1, options: { type: 'uuid-v4' } },
      { type: 'generateKey', requestId: 1.5, options: { type: 'uuid-v4' } },
      { type: 'generateKey', requestId: 1 },
      { type: 'generateKey', requestId: 1, options: { type: 'guid' } },
      { type: 'generateKey', requestId: 1, options: { type: 'nanoid', length: '21' } },
      { type: 'generateKey', requestId: 1, options: { type: 'nanoid', length: Number.NaN } },
      { type: 'generateKey', requestId: 1, options: { type: 'api-key', prefix: 7 } },
      { type: 'insertKey', requestId: 1, key: 5, options: { type: 'uuid-v4' } },
      { type: 'insertKey', requestId: 1, key: '', options: { type: 'uuid-v4' } },
      { type: 'insertText', requestId: 1, text: ['x'] },
      { type: 'copy', requestId: 1, text: { toString: () => 'x' } },
      { type: 'encryptText', requestId: 1, plaintext: 1, source },
      { type: 'encryptText', requestId: 1, plaintext: 'x', source: { kind: 'stored' } },
      { type: 'encryptText', requestId: 1, plaintext: 'x', source: { kind: 'magic', key: HEX_KEY } },
      { type: 'encryptText', requestId: 1, plaintext: 'x', source: { kind: 'password', password: 1234 } },
      { type: 'encryptSelection', requestId: 1 },
      { type: 'decryptText', requestId: 1, envelope: {}, source },
      { type: 'generateKeyPair', requestId: 1, options: { algorithm: 'DSA' } },
      { type: 'generateKeyPair', requestId: 1, options: { algorithm: 'RSA', keySize: 1024 } },
      { type: 'generateKeyPair', requestId: 1, options: { algorithm: 'EC', keySize: 2048 } },
      { type: 'generateKeyPair', requestId: 1, options: { algorithm: 'EC', name: 42 } },
      { type: 'generateKeyPair', requestId: 1, options: { algorithm: 'EC', overwrite: 'yes' } },
    ];
    for (const message of malformed) {
      assert.equal(
        await sidebar.handleMessage(message),
        undefined,
        JSON.stringify(message) ?? String(message),
      );
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

  it('encrypts and decrypts the editor’s selections through the commands; a wrong password changes nothing', async () => {
    const original = 'user: alice\npassword: hunter2';
    const editor = await openEditor(original);
    const start = original.indexOf('hunter2');
    editor.selections = [
      new vscode.Selection(editor.document.positionAt(start), editor.document.positionAt(start + 7)),
    ];
    const encrypted = await result('encryptSelection', { source: { kind: 'stored', name: STORED_NAME } });
    assert.equal(encrypted.count, 1);
    const text = editor.document.getText();
    assert.doesNotMatch(text, /hunter2/);
    const envelopeText = text.slice(text.indexOf('{'));
    assert.equal(parseEnvelope(envelopeText).kid, STORED_NAME);

    const selectEnvelope = () => {
      const at = editor.document.getText().indexOf('{');
      editor.selections = [
        new vscode.Selection(
          editor.document.positionAt(at),
          editor.document.positionAt(editor.document.getText().length),
        ),
      ];
    };
    selectEnvelope();
    const wrong = await failure('decryptSelection', { source: { kind: 'key', key: HEX_KEY } });
    assert.equal(wrong.code, 'NOT_CHANGED');
    assert.equal(editor.document.getText(), text);

    selectEnvelope();
    await result('decryptSelection', { source: { kind: 'stored', name: STORED_NAME } });
    assert.equal(editor.document.getText(), original);

    editor.selections = [at(0, 0)];
    assert.equal(
      (await failure('encryptSelection', { source: { kind: 'key', key: HEX_KEY } })).code,
      'NO_SELECTION',
    );
    editor.selections = [new vscode.Selection(0, 0, 0, 4)];
    assert.deepEqual(
      pick(await failure('encryptSelection', { source: { kind: 'password', password: '' } })),
      {
        code: 'INVALID_PASSWORD',
        field: 'password',
      },
    );
    assert.deepEqual(pick(await failure('encryptSelection', { source: { kind: 'key', key: 'xyz' } })), {
      code: 'INVALID_KEY',
      field: 'key',
    });
    assert.equal(editor.document.getText(), original);
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

    it('existing files, a bad name and a folder outside the workspace are errors on their field', async () => {
      const before = readFileSync(path.join(root(), folder, 'signing_public.pem'), 'utf8');
      const exists = await failure('generateKeyPair', {
        options: { algorithm: 'EC', name: 'signing', folder },
      });
      assert.deepEqual(pick(exists), { code: 'FILE_EXISTS', field: 'name' });
      assert.equal(readFileSync(path.join(root(), folder, 'signing_public.pem'), 'utf8'), before);

      const replaced = await result('generateKeyPair', {
        options: { algorithm: 'EC', name: 'signing', folder, overwrite: true },
      });
      assert.notEqual(replaced.publicKey, before);

      assert.deepEqual(
        pick(await failure('generateKeyPair', { options: { algorithm: 'EC', name: 'a/b', folder } })),
        {
          code: 'INVALID_NAME',
          field: 'name',
        },
      );
      assert.deepEqual(
        pick(
          await failure('generateKeyPair', { options: { algorithm: 'EC', name: 'x', folder: '../outside' } }),
        ),
        { code: 'OUTSIDE_WORKSPACE', field: 'folder' },
      );
      assert.ok(!existsSync(path.join(root(), '..', 'outside')));
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
    const init = nextPost((m) => m.type === 'init');
    const generated = nextPost((m) => m.type === 'result' && m.request === 'generateKey');
    await vscode.commands.executeCommand('keysmith.sidebar.focus');
    const message = await init;
    assert.ok(message.type === 'init' && message.keyNames.includes(STORED_NAME));
    // The form asks for a first key as soon as it has the defaults: the page's script runs.
    const first = await generated;
    assert.ok(first.type === 'result' && first.request === 'generateKey');
    assert.match((first.result as Results['generateKey']).key, /^sk_[0-9a-f]{64}$/);
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
    ]) {
      assert.equal(parseToWebview(bad), undefined, JSON.stringify(bad));
    }
  });
});

function pick(error: ReplyError): { code: string; field?: string } {
  return { code: error.code, ...(error.field !== undefined && { field: error.field }) };
}

/**
 * The validators of src/protocol.ts, in plain Node: each side accepts exactly the messages the
 * other may send — a fresh object with only the known fields — and ignores anything else. (The
 * integration suite sends the same kinds of messages through the real provider.)
 */
import { malformedRequests } from '../shared/malformedRequests';
import assert from 'node:assert/strict';
import {
  parseFromWebview,
  parseToWebview,
  REPLY_ERROR_CODES,
  WEBVIEW_STRING_KEYS,
  type Defaults,
} from '../../src/protocol';

const SOURCE = { kind: 'key', key: 'ab'.repeat(32) };
const DEFAULTS: Defaults = {
  apiKeyPrefix: 'sk',
  nanoidLength: 21,
  nanoidAlphabet: '',
  secretLength: 64,
  keyPairFolder: 'keys',
  rsaKeySize: 3072,
  curve: 'P-256',
  pkcs8: false,
};
const STRINGS = Object.fromEntries(WEBVIEW_STRING_KEYS.map((key) => [key, `text of ${key}`]));

describe('protocol: webview → host (parseFromWebview)', () => {
  it('accepts every request type with its fields, and ready', () => {
    const good: unknown[] = [
      { type: 'ready' },
      { type: 'generateKey', requestId: 0, options: { type: 'uuid-v4' } },
      { type: 'generateKey', requestId: 1, options: { type: 'nanoid', length: 10, alphabet: '01' } },
      { type: 'generateKey', requestId: 2, options: { type: 'api-key', prefix: 'tk' } },
      { type: 'insertKey', requestId: 3, key: 'k', options: { type: 'secret', length: 32 } },
      { type: 'insertText', requestId: 4, text: '' },
      { type: 'copy', requestId: 5, text: 'x' },
      { type: 'generateKeyPair', requestId: 6, options: { algorithm: 'RSA', keySize: 4096, pkcs8: true } },
      {
        type: 'generateKeyPair',
        requestId: 7,
        options: { algorithm: 'EC', curve: 'P-521', name: 'n', folder: 'f', overwrite: false },
      },
      { type: 'encryptSelection', requestId: 8, source: { kind: 'stored', name: 'prod' } },
      { type: 'encryptText', requestId: 9, plaintext: 'p', source: { kind: 'password', password: 'pw' } },
      { type: 'decryptSelection', requestId: 10, source: SOURCE },
      { type: 'decryptText', requestId: Number.MAX_SAFE_INTEGER, envelope: '{}', source: SOURCE },
    ];
    for (const message of good) assert.deepEqual(parseFromWebview(message), message, JSON.stringify(message));
  });

  it('keeps only the known fields (nothing unexpected rides along)', () => {
    const parsed = parseFromWebview({
      type: 'encryptText',
      requestId: 1,
      plaintext: 'p',
      source: { kind: 'key', key: 'k', password: 'extra' },
      extra: true,
      __proto__: { polluted: true },
    });
    assert.deepEqual(parsed, {
      type: 'encryptText',
      requestId: 1,
      plaintext: 'p',
      source: { kind: 'key', key: 'k' },
    });
    assert.deepEqual(parseFromWebview({ type: 'ready', requestId: 4, more: 1 }), { type: 'ready' });
    assert.deepEqual(
      parseFromWebview({
        type: 'generateKey',
        requestId: 1,
        options: { type: 'uuid-v4', prefix: undefined },
      }),
      {
        type: 'generateKey',
        requestId: 1,
        options: { type: 'uuid-v4' },
      },
    );
  });

  it('ignores anything malformed or unknown', () => {
    const bad = malformedRequests(SOURCE);
    for (const message of bad) {
      assert.equal(parseFromWebview(message), undefined, JSON.stringify(message) ?? String(message));
    }
  });
});

describe('protocol: host → webview (parseToWebview)', () => {
  it('accepts init, keyNames, defaults, results and errors as the host sends them', () => {
    const good: unknown[] = [
      { type: 'init', keyNames: ['a', 'b'], defaults: DEFAULTS, strings: STRINGS },
      { type: 'keyNames', keyNames: [] },
      { type: 'defaults', defaults: { ...DEFAULTS, rsaKeySize: 4096, curve: 'P-384', pkcs8: true } },
      {
        type: 'result',
        requestId: 1,
        request: 'generateKey',
        result: { key: 'k', type: 'nanoid', entropy_bits: 126 },
      },
      { type: 'result', requestId: 2, request: 'insertKey', result: { cursors: 2, message: 'm' } },
      { type: 'result', requestId: 3, request: 'copy', result: { message: 'm' } },
      {
        type: 'result',
        requestId: 4,
        request: 'generateKeyPair',
        result: { privateFile: 'a', publicFile: 'b', publicKey: 'c', message: 'm' },
      },
      { type: 'result', requestId: 5, request: 'encryptSelection', result: { count: 3, message: 'm' } },
      { type: 'result', requestId: 6, request: 'encryptText', result: { envelope: '{}' } },
      { type: 'result', requestId: 7, request: 'decryptText', result: { plaintext: 'p', warnings: ['w'] } },
      {
        type: 'error',
        requestId: 8,
        request: 'decryptText',
        error: { code: 'DECRYPT_FAILED', message: 'no' },
      },
      {
        type: 'error',
        requestId: 9,
        request: 'generateKeyPair',
        error: { code: 'FILE_EXISTS', message: 'm', field: 'name' },
      },
    ];
    for (const message of good) assert.deepEqual(parseToWebview(message), message, JSON.stringify(message));
  });

  it('accepts every reply error code, and only those', () => {
    for (const code of REPLY_ERROR_CODES) {
      const message = { type: 'error', requestId: 1, request: 'copy', error: { code, message: 'm' } };
      assert.deepEqual(parseToWebview(message), message, code);
    }
    assert.equal(new Set(REPLY_ERROR_CODES).size, REPLY_ERROR_CODES.length, 'no code listed twice');
    for (const code of ['X', 'decrypt_failed', 'toString', '', 1]) {
      const message = { type: 'error', requestId: 1, request: 'copy', error: { code, message: 'm' } };
      assert.equal(parseToWebview(message), undefined, String(code));
    }
  });

  it('drops a result that does not fit its request, and anything else malformed', () => {
    const error = {
      type: 'error',
      requestId: 3,
      request: 'decryptText',
      error: { code: 'DECRYPT_FAILED', message: 'no' },
    };
    const bad: unknown[] = [
      { ...error, requestId: '3' },
      { ...error, request: 'format' },
      { ...error, error: { code: 'DECRYPT_FAILED' } },
      { ...error, error: { code: 'DECRYPT_FAILED', message: 'no', field: 3 } },
      {
        type: 'result',
        requestId: 1,
        request: 'generateKey',
        result: { key: 'k', type: 'guid', entropy_bits: 1 },
      },
      { type: 'result', requestId: 1, request: 'decryptText', result: { plaintext: 'p' } },
      { type: 'result', requestId: 1, request: 'decryptText', result: { plaintext: 'p', warnings: [1] } },
      { type: 'result', requestId: 1, request: 'encryptText', result: { envelope: 5 } },
      { type: 'result', requestId: 1, request: 'insertText', result: { cursors: Number.NaN, message: 'm' } },
      { type: 'keyNames', keyNames: ['a', 1] },
      { type: 'init', keyNames: [], defaults: {}, strings: {} },
      { type: 'init', keyNames: [], defaults: DEFAULTS, strings: { ...STRINGS, reveal: 1 } },
      { type: 'init', keyNames: [], defaults: { ...DEFAULTS, rsaKeySize: 1024 }, strings: STRINGS },
      { type: 'defaults', defaults: { ...DEFAULTS, pkcs8: 'no' } },
      { type: 'ready' },
      { type: 'constructor' },
      null,
      'init',
    ];
    for (const message of bad) assert.equal(parseToWebview(message), undefined, JSON.stringify(message));
  });

  it('keeps only the known fields of what it accepts', () => {
    const parsed = parseToWebview({
      type: 'result',
      requestId: 1,
      request: 'copy',
      result: { message: 'm', secret: 's' },
      extra: 1,
    });
    assert.deepEqual(parsed, { type: 'result', requestId: 1, request: 'copy', result: { message: 'm' } });
    const init = parseToWebview({
      type: 'init',
      keyNames: [],
      defaults: { ...DEFAULTS, x: 1 },
      strings: { ...STRINGS, y: 'z' },
    });
    assert.deepEqual(init, { type: 'init', keyNames: [], defaults: DEFAULTS, strings: STRINGS });
  });
});

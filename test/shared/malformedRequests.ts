/**
 * Messages a webview could post that are not requests Keysmith sends: wrong shapes, unknown or
 * prototype types, bad ids, options out of range. The protocol's validator must refuse each (unit
 * test) and the host must ignore each without a reply or an effect (integration test): one list.
 */
export function malformedRequests(source: unknown): unknown[] {
  return [
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
    { type: 'generateKey', options: { type: 'uuid-v4' } },
    { type: 'generateKey', requestId: '1', options: { type: 'uuid-v4' } },
    { type: 'generateKey', requestId: -1, options: { type: 'uuid-v4' } },
    { type: 'generateKey', requestId: 1.5, options: { type: 'uuid-v4' } },
    { type: 'generateKey', requestId: 2 ** 53, options: { type: 'uuid-v4' } },
    { type: 'generateKey', requestId: 1, options: { type: 'guid' } },
    { type: 'generateKey', requestId: 1, options: { type: 'nanoid', length: '21' } },
    { type: 'generateKey', requestId: 1, options: { type: 'nanoid', length: Number.POSITIVE_INFINITY } },
    { type: 'generateKey', requestId: 1, options: { type: 'api-key', prefix: 7 } },
    { type: 'insertKey', requestId: 1, key: '', options: { type: 'uuid-v4' } },
    { type: 'insertKey', requestId: 1, key: 'k' },
    { type: 'insertText', requestId: 1, text: ['x'] },
    { type: 'copy', requestId: 1, text: { toString: () => 'x' } },
    { type: 'encryptText', requestId: 1, plaintext: 1, source },
    { type: 'encryptText', requestId: 1, plaintext: 'x', source: { kind: 'stored' } },
    { type: 'encryptText', requestId: 1, plaintext: 'x', source: { kind: 'magic', key: 'k' } },
    { type: 'encryptText', requestId: 1, plaintext: 'x', source: [source] },
    { type: 'encryptSelection', requestId: 1 },
    { type: 'decryptText', requestId: 1, envelope: {}, source },
    { type: 'generateKeyPair', requestId: 1, options: { algorithm: 'DSA' } },
    { type: 'generateKeyPair', requestId: 1, options: { algorithm: 'RSA', keySize: 1024 } },
    { type: 'generateKeyPair', requestId: 1, options: { algorithm: 'RSA', curve: 'P-256' } },
    { type: 'generateKeyPair', requestId: 1, options: { algorithm: 'EC', keySize: 2048 } },
    { type: 'generateKeyPair', requestId: 1, options: { algorithm: 'EC', name: 42 } },
    { type: 'generateKeyPair', requestId: 1, options: { algorithm: 'EC', overwrite: 'yes' } },
    { type: 'generateKey', requestId: 1 },
    { type: 'generateKey', requestId: 1, options: { type: 'nanoid', length: Number.NaN } },
    { type: 'insertKey', requestId: 1, key: 5, options: { type: 'uuid-v4' } },
    { type: 'encryptText', requestId: 1, plaintext: 'x', source: { kind: 'password', password: 1234 } },
  ];
}

/**
 * The core's bytes path (issue 10): encrypt takes a Uint8Array, decryptBytes / decryptBatchBytes
 * give the exact bytes back, and the text path (decrypt, decryptBatch) says NOT_TEXT — never
 * DECRYPT_FAILED — for an envelope that opens but holds bytes that are not strict UTF-8.
 */
import assert from 'node:assert/strict';
import { createDecipheriv, randomBytes } from 'node:crypto';
import {
  decrypt,
  decryptBatch,
  decryptBatchBytes,
  decryptBytes,
  encrypt,
  encryptBatch,
  KeysmithError,
  limits,
  parseEnvelope,
  serializeEnvelope,
} from '../../src/core';

const KEY = randomBytes(32).toString('hex');
const PASSWORD = 'bytes ☃ password';
const ITERATIONS = 1000;
const EVERY_BYTE = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

function isNotText(size: number, index?: number) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof KeysmithError, String(error));
    assert.equal(error.code, 'NOT_TEXT');
    assert.equal(error.size, size);
    assert.equal(error.index, index);
    assert.equal(
      error.message,
      `The envelope holds ${size} bytes of binary data, not text; decrypt it with \`keysmith decrypt\` to a file.`,
    );
    return true;
  };
}

describe('bytes path', () => {
  it('every byte value 0..255 round-trips exactly, with a key and with a password', async () => {
    for (const secret of [{ key: KEY }, { password: PASSWORD, iterations: ITERATIONS }]) {
      const envelope = await encrypt({ plaintext: EVERY_BYTE, ...secret });
      const { iterations: _iterations, ...unlock } = secret as { iterations?: number };
      const { plaintext, algorithm } = await decryptBytes({
        envelope: serializeEnvelope(envelope),
        ...unlock,
      });
      assert.equal(algorithm, 'AES-256-GCM');
      assert.deepEqual(plaintext, EVERY_BYTE);
    }
  });

  it('the envelope is plain AES-256-GCM over the exact bytes (node:crypto opens it by the README rules)', async () => {
    const bytes = randomBytes(1024 * 1024 + 1); // several pieces, and not a multiple of 3
    const envelope = await encrypt({ plaintext: bytes, key: KEY });
    const decipher = createDecipheriv(
      'aes-256-gcm',
      Buffer.from(KEY, 'hex'),
      Buffer.from(envelope.iv, 'base64'),
    );
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    const opened = Buffer.concat([
      decipher.update(Buffer.from(envelope.ciphertext, 'base64')),
      decipher.final(),
    ]);
    assert.deepEqual(opened, bytes);
    assert.deepEqual((await decryptBytes({ envelope, key: KEY })).plaintext, bytes);
  });

  it('a Uint8Array view (offset into a larger buffer) encrypts only its own bytes', async () => {
    const backing = randomBytes(100);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 10, 20);
    const envelope = await encrypt({ plaintext: view, key: KEY });
    assert.deepEqual((await decryptBytes({ envelope, key: KEY })).plaintext, Buffer.from(view));
  });

  it('text and its UTF-8 bytes give interchangeable envelopes', async () => {
    const text = '\uFEFFkey: 🔑 ünïcödé\r\n';
    const fromBytes = await encrypt({ plaintext: Buffer.from(text, 'utf8'), key: KEY });
    assert.equal((await decrypt({ envelope: fromBytes, key: KEY })).plaintext, text);
    const fromText = await encrypt({ plaintext: text, key: KEY });
    assert.deepEqual(
      (await decryptBytes({ envelope: fromText, key: KEY })).plaintext,
      Buffer.from(text, 'utf8'),
    );
  });

  it('empty bytes encrypt and decrypt to empty bytes', async () => {
    const envelope = await encrypt({ plaintext: new Uint8Array(0), key: KEY });
    assert.equal(envelope.ciphertext, '');
    assert.equal((await decryptBytes({ envelope, key: KEY })).plaintext.byteLength, 0);
  });

  it('bytes over 64 MiB → PLAINTEXT_TOO_LARGE', async () => {
    await assert.rejects(
      encrypt({ plaintext: Buffer.alloc(limits.MAX_PLAINTEXT_BYTES + 1), key: KEY }),
      (error: unknown) => error instanceof KeysmithError && error.code === 'PLAINTEXT_TOO_LARGE',
    );
  });

  it('decrypt of an envelope of non-UTF-8 bytes → NOT_TEXT with the byte count, not DECRYPT_FAILED', async () => {
    const envelope = await encrypt({ plaintext: EVERY_BYTE, key: KEY });
    await assert.rejects(decrypt({ envelope, key: KEY }), isNotText(256));
    const lone = await encrypt({
      plaintext: Buffer.from([0x61, 0xc3]),
      password: PASSWORD,
      iterations: ITERATIONS,
    });
    await assert.rejects(decrypt({ envelope: serializeEnvelope(lone), password: PASSWORD }), isNotText(2));
  });

  it('a wrong key on a binary envelope is still the opaque DECRYPT_FAILED (the tag is checked first)', async () => {
    const envelope = await encrypt({ plaintext: EVERY_BYTE, key: KEY });
    await assert.rejects(
      decrypt({ envelope, key: randomBytes(32).toString('hex') }),
      (error: unknown) => error instanceof KeysmithError && error.code === 'DECRYPT_FAILED',
    );
  });

  it('batches: encryptBatch mixes text and bytes; decryptBatch says NOT_TEXT with the index; decryptBatchBytes gives all', async () => {
    const envelopes = await encryptBatch({
      plaintexts: ['text', EVERY_BYTE, Buffer.from('more text')],
      password: PASSWORD,
      iterations: ITERATIONS,
    });
    assert.equal(new Set(envelopes.map((e) => e.salt)).size, 1, 'one salt for the batch');
    await assert.rejects(decryptBatch({ envelopes, password: PASSWORD }), isNotText(256, 1));
    const bytes = await decryptBatchBytes({ envelopes, password: PASSWORD });
    assert.deepEqual(
      bytes.map((r) => r.plaintext),
      [Buffer.from('text'), EVERY_BYTE, Buffer.from('more text')],
    );
    const texts = await decryptBatch({ envelopes: [envelopes[0]!, envelopes[2]!], password: PASSWORD });
    assert.deepEqual(
      texts.map((r) => r.plaintext),
      ['text', 'more text'],
    );
    // A batch of one reports index 0, as for every other batch error.
    await assert.rejects(decryptBatch({ envelopes: [envelopes[1]!], password: PASSWORD }), isNotText(256, 0));
  });

  it('decryptBytes checks its options like decrypt', async () => {
    const envelope = parseEnvelope(serializeEnvelope(await encrypt({ plaintext: EVERY_BYTE, key: KEY })));
    await assert.rejects(
      decryptBytes({ envelope, key: KEY, extra: 1 } as never),
      (error: unknown) =>
        error instanceof KeysmithError && error.code === 'INVALID_ARGUMENT' && error.field === 'extra',
    );
    await assert.rejects(
      decryptBatchBytes({ envelopes: 'no' as never, key: KEY }),
      (error: unknown) => error instanceof KeysmithError && error.code === 'INVALID_ARGUMENT',
    );
  });
});

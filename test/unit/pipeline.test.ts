/**
 * The fast paths the envelope pipeline takes (see the benchmark), checked against the plain ways
 * they replace: pieces and steps must join into exactly what one call would give, at every
 * boundary, and the strict decoders must refuse what Node's lenient ones would let through.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { aesGcmOpenInPlace, aesGcmSeal, aesGcmSealText } from '../../src/core/aesGcm';
import { decodeBase64Strict, decodeUtf8Strict } from '../../src/core/encoding';
import { KeysmithError } from '../../src/core/errors';
import wycheproofGcm from '../vectors/wycheproof/aes_gcm_256_iv96_tag128.json';

const KiB = 1024;
const PIECE = 768 * KiB; // aesGcmSealText's piece size in bytes
const STEP = 64 * KiB; // forEachUtf8Piece's step in UTF-16 units
const key = randomBytes(32);
const iv = randomBytes(12);

function sealedBothWays(text: string): void {
  const fast = aesGcmSealText(key, iv, text, 'plaintext');
  const plain = aesGcmSeal(key, iv, Buffer.from(text, 'utf8'));
  assert.equal(fast.ciphertext, plain.ciphertext.toString('base64'), `ciphertext of ${text.length} units`);
  assert.deepEqual(fast.tag, plain.tag);
}

describe('envelope pipeline fast paths', () => {
  describe('aesGcmSealText (UTF-8 in steps, AES-GCM and base64 in pieces)', () => {
    it('equals one plain seal for small texts', () => {
      for (const text of ['', 'a', 'ab', 'abc', 'é', '🔑', '\uFEFFbom', 'line\r\nline', '\u0000'])
        sealedBothWays(text);
    });

    it('equals one plain seal around the piece boundary (ASCII)', () => {
      for (const length of [PIECE - 1, PIECE, PIECE + 1, 2 * PIECE + 2, 3 * PIECE - 1])
        sealedBothWays('x'.repeat(length));
    });

    it('equals one plain seal when multi-byte characters straddle steps and pieces', () => {
      // 2-, 3- and 4-byte characters, offset so that boundaries fall inside characters.
      for (const [unit, shift] of [
        ['é', 1],
        ['€', 2],
        ['🔑', 1],
        ['a€🔑é', 3],
      ] as const) {
        const body = unit.repeat(Math.ceil((2 * PIECE) / unit.length));
        sealedBothWays('z'.repeat(shift) + body);
        sealedBothWays('z'.repeat(STEP - 1) + body.slice(0, STEP * 2));
      }
    });

    it('refuses a lone surrogate anywhere, including at step boundaries, and keeps a real U+FFFD', () => {
      for (const at of [0, 5, STEP - 1, STEP, STEP + 1, PIECE, 3 * STEP - 1]) {
        for (const lone of ['\uD800', '\uDC00']) {
          const text = 'a'.repeat(at) + lone + 'b'.repeat(10);
          assert.throws(
            () => aesGcmSealText(key, iv, text, 'plaintext'),
            (e: unknown) =>
              e instanceof KeysmithError && e.code === 'INVALID_PLAINTEXT' && e.field === 'plaintext',
            `lone ${lone.charCodeAt(0).toString(16)} at ${at}`,
          );
        }
        sealedBothWays('a'.repeat(at) + '\uFFFD' + 'b');
        // A surrogate pair cut by a step boundary is still one character.
        sealedBothWays('a'.repeat(Math.max(0, at - 1)) + '🔑' + 'b');
      }
    });
  });

  describe('decodeBase64Strict', () => {
    const bytes = randomBytes(3 * STEP); // base64 longer than several decoding steps
    const valid = bytes.toString('base64');

    it('decodes canonical base64 of every length class exactly', () => {
      for (const n of [0, 1, 2, 3, 4, 5, 100, bytes.length]) {
        const sample = bytes.subarray(0, n);
        assert.deepEqual(decodeBase64Strict(sample.toString('base64'), 'ciphertext'), sample);
      }
    });

    it('refuses every one-byte character outside the alphabet, anywhere (Node would skip or accept them)', () => {
      const alphabet = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
      for (let code = 0; code < 256; code++) {
        const char = String.fromCharCode(code);
        if (alphabet.has(char)) continue;
        for (const at of [0, STEP - 1, STEP, valid.length - 8]) {
          const text = valid.slice(0, at) + char + valid.slice(at + 1);
          assert.throws(
            () => decodeBase64Strict(text, 'ciphertext'),
            (e: unknown) => e instanceof KeysmithError && e.code === 'MALFORMED_ENVELOPE',
            `U+${code.toString(16)} at ${at}`,
          );
        }
      }
    });

    it('refuses characters whose low byte is a base64 digit (Node reads only the low byte)', () => {
      for (const char of ['\u0141', '\u0100', '\u4e41', '\uff21']) {
        const text = valid.slice(0, STEP) + char + valid.slice(STEP + 1);
        assert.throws(() => decodeBase64Strict(text, 'ciphertext'), /not valid base64/);
      }
    });

    it('refuses non-canonical padding bits and misplaced padding', () => {
      assert.throws(() => decodeBase64Strict('AB==', 'iv'), /canonical/);
      assert.throws(() => decodeBase64Strict('AAB=', 'iv'), /canonical/);
      assert.throws(() => decodeBase64Strict('A===', 'iv'), /not valid base64/);
      assert.throws(() => decodeBase64Strict('AA==AAAA', 'iv'), /not valid base64/);
      assert.deepEqual(decodeBase64Strict('AA==', 'iv'), Buffer.from([0]));
    });
  });

  describe('decodeUtf8Strict', () => {
    it('gives exactly what V8 decodes for valid UTF-8, ASCII or not', () => {
      const samples = [
        '',
        'plain ascii',
        '\uFEFFstarts with a BOM',
        'é€🔑 mixed ünïcödé\r\n',
        '\u0000\u007f\u0080\u07ff\u0800\uffff',
        'x'.repeat(5000) + '🔑'.repeat(3000),
      ];
      for (const text of samples) {
        const utf8 = Buffer.from(text, 'utf8');
        assert.equal(decodeUtf8Strict(utf8), utf8.toString('utf8'));
        assert.equal(decodeUtf8Strict(utf8), text);
      }
    });

    it('refuses malformed UTF-8 instead of replacing it', () => {
      for (const bad of [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x61, 0x80]]) {
        assert.equal(decodeUtf8Strict(Buffer.from(bad)), undefined, Buffer.from(bad).toString('hex'));
        assert.equal(
          decodeUtf8Strict(Buffer.concat([Buffer.alloc(5000, 0x61), Buffer.from(bad)])),
          undefined,
        );
      }
    });
  });

  describe('aesGcmOpenInPlace (the decrypt path)', () => {
    const cases = wycheproofGcm.tests.filter((t) => t.aad === '');
    for (const t of cases) {
      it(`Wycheproof tcId ${t.tcId} (${t.result})`, () => {
        const data = Buffer.from(t.ct, 'hex');
        const open = () =>
          aesGcmOpenInPlace(
            Buffer.from(t.key, 'hex'),
            Buffer.from(t.iv, 'hex'),
            data,
            Buffer.from(t.tag, 'hex'),
          );
        if (t.result === 'valid') {
          assert.equal(open().toString('hex'), t.msg);
        } else {
          assert.throws(open, (e: unknown) => e instanceof KeysmithError && e.code === 'DECRYPT_FAILED');
          // What update() produced before the tag check failed is wiped, not left in the buffer.
          if (data.length > 0)
            assert.ok(
              data.every((b) => b === 0),
              'buffer wiped',
            );
        }
      });
    }
  });
});

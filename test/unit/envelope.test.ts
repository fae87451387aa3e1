/**
 * Envelope v1 text (the README's "The envelope (version 1)"): strict reading of every field, the written field order and
 * layout, and the weak-iteration warning. No decryption here: the values only need the right shape.
 */
import assert from 'node:assert/strict';
import { envelopeWarnings, KeysmithError, limits, parseEnvelope, serializeEnvelope } from '../../src/core';
import type { Envelope } from '../../src/core';
import { readEnvelope } from '../../src/core/envelope';

const b64 = (bytes: number, fill = 0x5a) => Buffer.alloc(bytes, fill).toString('base64');

// Valid field values: 12-byte IV, 16-byte tag and salt, an 11-byte ciphertext.
const IV = Buffer.from('000102030405060708090a0b', 'hex').toString('base64');
const TAG = Buffer.from('f0e1d2c3b4a5968778695a4b3c2d1e0f', 'hex').toString('base64');
const SALT = Buffer.from('0123456789abcdeffedcba9876543210', 'hex').toString('base64');
const CIPHERTEXT = Buffer.from('hello world').toString('base64');

/** A field as written in the JSON text: its name (raw, between the quotes) and raw value text. */
type Pair = [name: string, rawValue: string];
const str = (value: string) => JSON.stringify(value);

const KEY_MODE: Pair[] = [
  ['v', '1'],
  ['algorithm', str('AES-256-GCM')],
  ['iv', str(IV)],
  ['tag', str(TAG)],
  ['ciphertext', str(CIPHERTEXT)],
];
const PASSWORD_MODE: Pair[] = [
  ['v', '1'],
  ['algorithm', str('AES-256-GCM')],
  ['kdf', str('PBKDF2-SHA256')],
  ['iterations', '600000'],
  ['salt', str(SALT)],
  ['iv', str(IV)],
  ['tag', str(TAG)],
  ['ciphertext', str(CIPHERTEXT)],
];

const json = (pairs: readonly Pair[]) => `{${pairs.map(([name, value]) => `"${name}":${value}`).join(',')}}`;
/** The pairs with one field's raw value replaced (or the field added at the end). */
function withField(pairs: readonly Pair[], name: string, rawValue: string): Pair[] {
  const found = pairs.some(([n]) => n === name);
  return found
    ? pairs.map(([n, v]): Pair => (n === name ? [n, rawValue] : [n, v]))
    : [...pairs, [name, rawValue]];
}
const without = (pairs: readonly Pair[], name: string) => pairs.filter(([n]) => n !== name);

function expectError(text: string, code: string, field: string | undefined): KeysmithError {
  let caught: unknown;
  try {
    parseEnvelope(text);
  } catch (error) {
    caught = error;
  }
  const shown = text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
  assert.ok(caught instanceof KeysmithError, `expected ${code} for ${shown}, got ${String(caught)}`);
  assert.equal(caught.code, code, `${caught.message} — for ${shown}`);
  assert.equal(caught.field, field, `${caught.message} — for ${shown}`);
  return caught;
}
const expectMalformed = (text: string, field: string | undefined) =>
  expectError(text, 'MALFORMED_ENVELOPE', field);

const KEY_ENVELOPE: Envelope = { v: 1, algorithm: 'AES-256-GCM', iv: IV, tag: TAG, ciphertext: CIPHERTEXT };
const PASSWORD_ENVELOPE: Envelope = {
  v: 1,
  algorithm: 'AES-256-GCM',
  kdf: 'PBKDF2-SHA256',
  iterations: 600000,
  salt: SALT,
  iv: IV,
  tag: TAG,
  ciphertext: CIPHERTEXT,
};

describe('envelope v1', () => {
  describe('parseEnvelope accepts', () => {
    it('a key-mode envelope', () => {
      assert.deepEqual(parseEnvelope(json(KEY_MODE)), KEY_ENVELOPE);
    });

    it('a password-mode envelope', () => {
      assert.deepEqual(parseEnvelope(json(PASSWORD_MODE)), PASSWORD_ENVELOPE);
    });

    it('a key-mode envelope with a kid (1 to 64 of A-Z a-z 0-9 . _ -)', () => {
      for (const kid of ['k', 'prod.db-key_1', 'A'.repeat(64), 'a.b-c_D9']) {
        const parsed = parseEnvelope(json(withField(KEY_MODE, 'kid', str(kid))));
        assert.deepEqual(parsed, { ...KEY_ENVELOPE, kid });
      }
    });

    it('the fields in any order, and returns them in the v1 order', () => {
      const shuffled = [
        PASSWORD_MODE[7]!,
        PASSWORD_MODE[4]!,
        ...PASSWORD_MODE.slice(0, 4),
        ...PASSWORD_MODE.slice(5, 7),
      ];
      const parsed = parseEnvelope(json(shuffled.reverse()));
      assert.deepEqual(parsed, PASSWORD_ENVELOPE);
      assert.deepEqual(Object.keys(parsed), Object.keys(PASSWORD_ENVELOPE));
    });

    it('JSON white space (spaces, tabs, CR LF) around every token', () => {
      const text = `\r\n\t{ ${PASSWORD_MODE.map(([n, v]) => `"${n}"\t :\r\n ${v} `).join(',\n\t')} }\r\n `;
      assert.deepEqual(parseEnvelope(text), PASSWORD_ENVELOPE);
    });

    it('the iteration bounds 1,000 and 10,000,000', () => {
      for (const iterations of [1000, 10_000_000]) {
        const parsed = parseEnvelope(json(withField(PASSWORD_MODE, 'iterations', String(iterations))));
        assert.equal(parsed.iterations, iterations);
      }
    });

    it('an empty ciphertext (the encryption of empty text)', () => {
      assert.equal(parseEnvelope(json(withField(KEY_MODE, 'ciphertext', '""'))).ciphertext, '');
    });

    it('canonical padding: AA== and AAA= (the padding bits are zero)', () => {
      for (const ciphertext of ['AA==', 'AAA=', 'AAAA', '+/+/', 'AAAAAQ==']) {
        assert.equal(
          parseEnvelope(json(withField(KEY_MODE, 'ciphertext', str(ciphertext)))).ciphertext,
          ciphertext,
        );
      }
    });
  });

  describe('parseEnvelope refuses, with the code and the field', () => {
    describe('required fields', () => {
      for (const name of ['v', 'algorithm', 'iv', 'tag', 'ciphertext']) {
        it(`key mode without ${name}`, () => {
          expectMalformed(json(without(KEY_MODE, name)), name);
        });
      }
      for (const name of ['iterations', 'salt']) {
        it(`password mode without ${name}`, () => {
          expectMalformed(json(without(PASSWORD_MODE, name)), name);
        });
      }
      it('iterations and salt without kdf', () => {
        expectMalformed(json(without(PASSWORD_MODE, 'kdf')), 'kdf');
      });
      it('iterations alone, without kdf or salt', () => {
        expectMalformed(json(withField(KEY_MODE, 'iterations', '1000')), 'kdf');
      });
      it('salt alone, without kdf or iterations', () => {
        expectMalformed(json(withField(KEY_MODE, 'salt', str(SALT))), 'kdf');
      });
      it('an empty object', () => {
        expectMalformed('{}', 'v');
      });
    });

    describe('v', () => {
      it('v = 2 → UNSUPPORTED_VERSION', () => {
        expectError(json(withField(KEY_MODE, 'v', '2')), 'UNSUPPORTED_VERSION', 'v');
      });
      it('v = 0, -1, 1.5, 100 → UNSUPPORTED_VERSION', () => {
        for (const v of ['0', '-1', '1.5', '100']) {
          expectError(json(withField(KEY_MODE, 'v', v)), 'UNSUPPORTED_VERSION', 'v');
        }
      });
      it('v as a string "1"', () => {
        expectMalformed(json(withField(KEY_MODE, 'v', '"1"')), 'v');
      });
      it('v as null, true, [1], {}', () => {
        for (const v of ['null', 'true', '[1]', '{}'])
          expectMalformed(json(withField(KEY_MODE, 'v', v)), 'v');
      });
      it('a newer version is reported as such even when its other fields are unknown to v1', () => {
        // Version first: a future version may change every other field.
        expectError(
          json([
            ['v', '2'],
            ['algorithm', str('XChaCha20-Poly1305')],
            ['iv', str(b64(24))],
            ['tag', str(TAG)],
            ['ciphertext', str(CIPHERTEXT)],
          ]),
          'UNSUPPORTED_VERSION',
          'v',
        );
      });
    });

    describe('algorithm and kdf', () => {
      it('another algorithm → UNSUPPORTED_ALGORITHM', () => {
        for (const algorithm of ['AES-128-GCM', 'aes-256-gcm', 'AES-256-CBC', 'ChaCha20-Poly1305', '']) {
          expectError(
            json(withField(KEY_MODE, 'algorithm', str(algorithm))),
            'UNSUPPORTED_ALGORITHM',
            'algorithm',
          );
        }
      });
      it('algorithm that is not a string', () => {
        expectMalformed(json(withField(KEY_MODE, 'algorithm', '256')), 'algorithm');
      });
      it('another kdf → UNSUPPORTED_ALGORITHM', () => {
        for (const kdf of ['PBKDF2-SHA1', 'PBKDF2-SHA512', 'pbkdf2-sha256', 'scrypt', 'argon2id', '']) {
          expectError(json(withField(PASSWORD_MODE, 'kdf', str(kdf))), 'UNSUPPORTED_ALGORITHM', 'kdf');
        }
      });
      it('kdf that is not a string', () => {
        expectMalformed(json(withField(PASSWORD_MODE, 'kdf', 'null')), 'kdf');
      });
    });

    describe('iterations', () => {
      it('below 1,000 or above 10,000,000', () => {
        for (const n of ['999', '0', '-1', '-600000', '10000001', '1e9', '1e400']) {
          expectMalformed(json(withField(PASSWORD_MODE, 'iterations', n)), 'iterations');
        }
      });
      it('not a whole number', () => {
        for (const n of ['1000.5', '600000.1', '99999.99']) {
          expectMalformed(json(withField(PASSWORD_MODE, 'iterations', n)), 'iterations');
        }
      });
      it('not a number', () => {
        for (const n of ['"600000"', 'null', 'true', '[600000]', '{"n":1}']) {
          expectMalformed(json(withField(PASSWORD_MODE, 'iterations', n)), 'iterations');
        }
      });
    });

    describe('binary fields: exact byte lengths', () => {
      const cases: Array<[string, Pair[], number]> = [
        ['iv', KEY_MODE, 12],
        ['tag', KEY_MODE, 16],
        ['salt', PASSWORD_MODE, 16],
      ];
      for (const [field, base, bytes] of cases) {
        it(`${field} of ${bytes - 1}, ${bytes + 1}, 0 and ${bytes * 2} bytes (must be ${bytes})`, () => {
          for (const n of [bytes - 1, bytes + 1, 0, bytes * 2]) {
            expectMalformed(json(withField(base, field, str(b64(n)))), field);
          }
        });
      }
      it('a truncated 12-byte tag (node would accept it)', () => {
        expectMalformed(json(withField(KEY_MODE, 'tag', str(b64(12)))), 'tag');
      });
      it('binary fields that are not strings', () => {
        expectMalformed(json(withField(KEY_MODE, 'iv', '123')), 'iv');
        expectMalformed(json(withField(KEY_MODE, 'tag', 'null')), 'tag');
        expectMalformed(json(withField(PASSWORD_MODE, 'salt', 'false')), 'salt');
        expectMalformed(json(withField(KEY_MODE, 'ciphertext', '0')), 'ciphertext');
      });
    });

    describe('strict base64', () => {
      it('a character outside the base64 alphabet', () => {
        expectMalformed(json(withField(KEY_MODE, 'iv', str('AAECAwQFBgcICQo!'))), 'iv');
        expectMalformed(json(withField(KEY_MODE, 'tag', str(TAG.slice(0, 10) + '*' + TAG.slice(11)))), 'tag');
        expectMalformed(
          json(withField(PASSWORD_MODE, 'salt', str(SALT.slice(0, 4) + '.' + SALT.slice(5)))),
          'salt',
        );
        expectMalformed(json(withField(KEY_MODE, 'ciphertext', str('aGVsbG8gd29ybGQ\u00e9'))), 'ciphertext');
      });
      it('white space or a line break inside base64', () => {
        expectMalformed(json(withField(KEY_MODE, 'ciphertext', str('aGVs bG8gd29y'))), 'ciphertext');
        expectMalformed(json(withField(KEY_MODE, 'ciphertext', str('aGVsbG8g\nd29ybGQ='))), 'ciphertext');
        expectMalformed(
          json(withField(KEY_MODE, 'iv', str(IV.slice(0, 8) + '\r\n' + IV.slice(8, 14)))),
          'iv',
        );
      });
      it('URL-safe base64 (- and _), which node alone would decode', () => {
        const standard = Buffer.alloc(12, 0xfb).toString('base64'); // '+/v7+/v7+/v7+/v7'
        assert.equal(parseEnvelope(json(withField(KEY_MODE, 'iv', str(standard)))).iv, standard);
        const urlSafe = standard.replaceAll('+', '-').replaceAll('/', '_');
        assert.equal(Buffer.from(urlSafe, 'base64').length, 12); // what a lenient decoder would take
        expectMalformed(json(withField(KEY_MODE, 'iv', str(urlSafe))), 'iv');
        expectMalformed(json(withField(KEY_MODE, 'iv', str(standard.replace('+', '-')))), 'iv');
        expectMalformed(
          json(withField(KEY_MODE, 'tag', str(Buffer.alloc(16, 0xff).toString('base64url') + '=='))),
          'tag',
        );
        expectMalformed(json(withField(KEY_MODE, 'ciphertext', str('_-__'))), 'ciphertext');
      });
      it('missing padding', () => {
        assert.ok(TAG.endsWith('==') && SALT.endsWith('=='));
        expectMalformed(json(withField(KEY_MODE, 'tag', str(TAG.slice(0, -2)))), 'tag');
        expectMalformed(json(withField(KEY_MODE, 'tag', str(TAG.slice(0, -1)))), 'tag');
        expectMalformed(json(withField(PASSWORD_MODE, 'salt', str(SALT.slice(0, -2)))), 'salt');
        expectMalformed(json(withField(KEY_MODE, 'ciphertext', str('aGVsbG8'))), 'ciphertext');
        expectMalformed(json(withField(KEY_MODE, 'ciphertext', str('aGVsbA'))), 'ciphertext');
      });
      it("non-canonical padding bits: 'AB==' and 'AAB=' (vs 'AA==' and 'AAA=')", () => {
        for (const ciphertext of ['AB==', 'AP==', 'AAB=', 'AAD=', 'aGVsbG9=']) {
          expectMalformed(json(withField(KEY_MODE, 'ciphertext', str(ciphertext))), 'ciphertext');
        }
        // A 16-byte tag whose last digit carries non-zero discarded bits: it decodes to 16 bytes
        // with node, so only the canonical-form check can refuse it.
        const loose = 'A'.repeat(21) + 'B==';
        assert.equal(Buffer.from(loose, 'base64').length, 16);
        expectMalformed(json(withField(KEY_MODE, 'tag', str(loose))), 'tag');
        const saltLoose = SALT.slice(0, 21) + 'R==';
        assert.equal(Buffer.from(saltLoose, 'base64').length, 16);
        expectMalformed(json(withField(PASSWORD_MODE, 'salt', str(saltLoose))), 'salt');
      });
      it("'=' in the middle, or too much padding", () => {
        for (const ciphertext of ['AA==AA==', 'AA=A', 'A=AA', '=AAA', 'A===', '====', 'AAAA=AAA']) {
          expectMalformed(json(withField(KEY_MODE, 'ciphertext', str(ciphertext))), 'ciphertext');
        }
        expectMalformed(json(withField(KEY_MODE, 'iv', str('AAECAwQF=gcICQoL'))), 'iv');
      });
      it('a length that is not a multiple of 4', () => {
        for (const ciphertext of ['A', 'AA', 'AAA', 'AAAAA']) {
          expectMalformed(json(withField(KEY_MODE, 'ciphertext', str(ciphertext))), 'ciphertext');
        }
      });
    });

    describe('field names', () => {
      it('a duplicate field', () => {
        expectMalformed(json([...KEY_MODE, ['v', '1']]), 'v');
        expectMalformed(json([...KEY_MODE, ['iv', str(b64(12, 1))]]), 'iv');
        expectMalformed(json([['ciphertext', str('AAAA')], ...KEY_MODE]), 'ciphertext');
      });
      it('a duplicate spelled with a JSON escape ("\\u0076" is "v")', () => {
        expectMalformed(json([...KEY_MODE, ['\\u0076', '1']]), 'v');
        expectMalformed(json([...KEY_MODE, ['t\\u0061g', str(TAG)]]), 'tag');
      });
      it('__proto__', () => {
        expectMalformed(json([['__proto__', '{}'], ...KEY_MODE]), '__proto__');
        expectMalformed(json([...KEY_MODE, ['__proto__', str('x')]]), '__proto__');
        expectMalformed(json([...KEY_MODE, ['\\u005f_proto__', '{"v":2}']]), '__proto__');
      });
      it('constructor and prototype', () => {
        expectMalformed(json([...KEY_MODE, ['constructor', str('x')]]), 'constructor');
        expectMalformed(json([['constructor', '{"prototype":{}}'], ...KEY_MODE]), 'constructor');
        expectMalformed(json([...KEY_MODE, ['prototype', '1']]), 'prototype');
      });
      it('an unknown field', () => {
        expectMalformed(json([...KEY_MODE, ['extra', str('x')]]), 'extra');
        expectMalformed(json([...KEY_MODE, ['V', '1']]), 'V');
        expectMalformed(json([...KEY_MODE, ['iv ', str(IV)]]), 'iv ');
        expectMalformed(json([...KEY_MODE, ['aad', str('')]]), 'aad');
        expectMalformed(json([...PASSWORD_MODE, ['key', str('00'.repeat(32))]]), 'key');
      });
    });

    describe('kid', () => {
      it('kid together with kdf (a password envelope)', () => {
        expectMalformed(json(withField(PASSWORD_MODE, 'kid', str('prod'))), 'kid');
      });
      it('kid with characters outside A-Z a-z 0-9 . _ -, empty, or longer than 64', () => {
        const bad = ['my key', 'a/b', 'a:b', '', 'A'.repeat(65), 'clé', 'k\u0000', 'k\n', '../etc', 'a+b'];
        for (const kid of bad) expectMalformed(json(withField(KEY_MODE, 'kid', str(kid))), 'kid');
      });
      it('kid that is not a string', () => {
        expectMalformed(json(withField(KEY_MODE, 'kid', '42')), 'kid');
      });
    });

    describe('JSON shape', () => {
      it('text after the closing }', () => {
        const text = json(KEY_MODE);
        for (const tail of ['x', '}', ' {}', ',', '\n{}', '//', '\u0000'])
          expectMalformed(text + tail, undefined);
      });
      it('not an object: array, string, number, null, true, empty text', () => {
        for (const text of ['[]', `[${json(KEY_MODE)}]`, '"text"', '42', 'null', 'true', '', '   ']) {
          expectMalformed(text, undefined);
        }
      });
      it('a nested object or array as a field value', () => {
        expectMalformed(json(withField(KEY_MODE, 'iv', `{"value":${str(IV)}}`)), 'iv');
        expectMalformed(json(withField(KEY_MODE, 'ciphertext', `[${str(CIPHERTEXT)}]`)), 'ciphertext');
        expectMalformed(json(withField(KEY_MODE, 'v', '{"v":1}')), 'v');
      });
      it('invalid JSON: trailing comma, missing comma, single quotes, bare names, an unclosed string', () => {
        const text = json(KEY_MODE);
        const invalid = [
          text.slice(0, -1) + ',}',
          text.replace(',"iv"', '"iv"'),
          text.replaceAll('"', "'"),
          text.replace('"v"', 'v'),
          text.slice(0, -3),
          '{"v":1',
          '{',
          text.replace('"v":1', '"v":01'),
          text.replace('"v":1', '"v":+1'),
        ];
        for (const bad of invalid) {
          let caught: unknown;
          try {
            parseEnvelope(bad);
          } catch (error) {
            caught = error;
          }
          assert.ok(caught instanceof KeysmithError, `accepted ${bad}`);
          assert.equal(caught.code, 'MALFORMED_ENVELOPE', `${caught.message} — for ${bad}`);
        }
      });
    });

    describe('size', () => {
      it('a text longer than the limit → ENVELOPE_TOO_LARGE, before it is read', () => {
        const started = Date.now();
        const text = '{' + ' '.repeat(limits.MAX_ENVELOPE_CHARS);
        expectError(text, 'ENVELOPE_TOO_LARGE', undefined);
        assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
      });

      it('a ciphertext longer than the limit → ENVELOPE_TOO_LARGE, before it is decoded', () => {
        // Valid base64 that would decode (to 3 bytes more than the limit allows) if it were not refused.
        const ciphertext = 'A'.repeat(limits.MAX_CIPHERTEXT_BASE64_CHARS + 4);
        const text = json(withField(KEY_MODE, 'ciphertext', `"${ciphertext}"`));
        assert.ok(
          text.length <= limits.MAX_ENVELOPE_CHARS,
          'the text must pass the first (whole-text) check',
        );
        const started = Date.now();
        expectError(text, 'ENVELOPE_TOO_LARGE', 'ciphertext');
        assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
      });

      it('a ciphertext of exactly 64 MiB is read; one byte more → ENVELOPE_TOO_LARGE', () => {
        // 64 MiB = 3k + 1 bytes: k full base64 groups and a final 'AA==' group.
        const groups = Math.ceil(limits.MAX_PLAINTEXT_BYTES / 3);
        const body = 'A'.repeat((groups - 1) * 4);
        const exact = body + 'AA==';
        assert.equal(Buffer.byteLength(exact, 'base64'), limits.MAX_PLAINTEXT_BYTES);
        assert.equal(
          parseEnvelope(json(withField(KEY_MODE, 'ciphertext', `"${exact}"`))).ciphertext.length,
          exact.length,
        );
        for (const last of ['AAA=', 'AAAA']) {
          // 64 MiB + 1 and 64 MiB + 2 bytes: same base64 length, but more than the limit.
          assert.ok(Buffer.byteLength(body + last, 'base64') > limits.MAX_PLAINTEXT_BYTES);
          expectError(
            json(withField(KEY_MODE, 'ciphertext', `"${body}${last}"`)),
            'ENVELOPE_TOO_LARGE',
            'ciphertext',
          );
        }
      });

      it('the limits leave room for the largest plaintext', () => {
        // The largest ciphertext, in the largest (pretty, password-mode) envelope, is not refused as text.
        const pretty = serializeEnvelope({ ...PASSWORD_ENVELOPE, ciphertext: '' }, { pretty: true });
        assert.ok(limits.MAX_ENVELOPE_CHARS >= limits.MAX_CIPHERTEXT_BASE64_CHARS + pretty.length);
      });
    });
  });

  describe('serializeEnvelope', () => {
    it('writes a password envelope compact on one line, in the README order', () => {
      const scrambled = {
        ciphertext: CIPHERTEXT,
        tag: TAG,
        salt: SALT,
        iterations: 600000,
        iv: IV,
        kdf: 'PBKDF2-SHA256',
        algorithm: 'AES-256-GCM',
        v: 1,
      } as const;
      assert.equal(
        serializeEnvelope(scrambled),
        `{"v":1,"algorithm":"AES-256-GCM","kdf":"PBKDF2-SHA256","iterations":600000,"salt":"${SALT}","iv":"${IV}","tag":"${TAG}","ciphertext":"${CIPHERTEXT}"}`,
      );
    });

    it('writes a key envelope with kid right after algorithm', () => {
      const scrambled = {
        tag: TAG,
        iv: IV,
        kid: 'prod.db-1',
        ciphertext: CIPHERTEXT,
        v: 1,
        algorithm: 'AES-256-GCM',
      } as const;
      assert.equal(
        serializeEnvelope(scrambled),
        `{"v":1,"algorithm":"AES-256-GCM","kid":"prod.db-1","iv":"${IV}","tag":"${TAG}","ciphertext":"${CIPHERTEXT}"}`,
      );
    });

    it('orders all nine fields exactly v, algorithm, kid, kdf, iterations, salt, iv, tag, ciphertext', () => {
      const all = {
        ciphertext: CIPHERTEXT,
        iterations: 5000,
        tag: TAG,
        kid: 'k',
        iv: IV,
        salt: SALT,
        algorithm: 'AES-256-GCM',
        kdf: 'PBKDF2-SHA256',
        v: 1,
      } as const;
      for (const pretty of [false, true]) {
        assert.deepEqual(Object.keys(JSON.parse(serializeEnvelope(all, { pretty }))), [
          'v',
          'algorithm',
          'kid',
          'kdf',
          'iterations',
          'salt',
          'iv',
          'tag',
          'ciphertext',
        ]);
      }
    });

    it('compact is the default and has no white space at all', () => {
      const text = serializeEnvelope(PASSWORD_ENVELOPE);
      assert.equal(serializeEnvelope(PASSWORD_ENVELOPE, {}), text);
      assert.equal(serializeEnvelope(PASSWORD_ENVELOPE, { pretty: false }), text);
      assert.doesNotMatch(text, /\s/);
    });

    it('pretty: one field per line, indented by two spaces, as JSON.stringify(…, null, 2) writes it', () => {
      const text = serializeEnvelope({ ...KEY_ENVELOPE, kid: 'k1' }, { pretty: true });
      const ordered = { v: 1, algorithm: 'AES-256-GCM', kid: 'k1', iv: IV, tag: TAG, ciphertext: CIPHERTEXT };
      assert.equal(text, JSON.stringify(ordered, null, 2));
      assert.equal(text.split('\n').length, 8);
      assert.equal(
        serializeEnvelope(PASSWORD_ENVELOPE, { pretty: true }),
        JSON.stringify(PASSWORD_ENVELOPE, null, 2),
      );
    });

    it('leaves out optional fields that are undefined', () => {
      assert.equal(
        serializeEnvelope({ ...KEY_ENVELOPE, kid: undefined, kdf: undefined }),
        serializeEnvelope(KEY_ENVELOPE),
      );
    });

    it('parseEnvelope(serializeEnvelope(x)) deep-equals x, compact and pretty', () => {
      const envelopes: Envelope[] = [
        KEY_ENVELOPE,
        { ...KEY_ENVELOPE, kid: 'A'.repeat(64) },
        PASSWORD_ENVELOPE,
        { ...PASSWORD_ENVELOPE, iterations: 1000, ciphertext: '' },
        { ...KEY_ENVELOPE, ciphertext: b64(1000, 0xfe) },
      ];
      for (const envelope of envelopes) {
        for (const pretty of [false, true]) {
          assert.deepEqual(parseEnvelope(serializeEnvelope(envelope, { pretty })), envelope);
        }
      }
    });

    it('a field-order-shuffled text parses, and serializes back to the canonical text', () => {
      const shuffled = JSON.stringify({
        tag: TAG,
        salt: SALT,
        ciphertext: CIPHERTEXT,
        v: 1,
        iv: IV,
        iterations: 600000,
        algorithm: 'AES-256-GCM',
        kdf: 'PBKDF2-SHA256',
      });
      assert.equal(serializeEnvelope(parseEnvelope(shuffled)), serializeEnvelope(PASSWORD_ENVELOPE));
    });
  });

  describe('envelopeWarnings', () => {
    it('warns when iterations are below 100,000', () => {
      for (const iterations of [1000, 50_000, 99_999]) {
        const warnings = envelopeWarnings({ ...PASSWORD_ENVELOPE, iterations });
        assert.equal(warnings.length, 1, `iterations ${iterations}`);
        assert.match(warnings[0]!, new RegExp(iterations.toLocaleString('en')));
      }
    });

    it('is silent at 100,000 and above, and for key-mode envelopes', () => {
      for (const iterations of [100_000, 600_000, 10_000_000]) {
        assert.deepEqual(envelopeWarnings({ ...PASSWORD_ENVELOPE, iterations }), []);
      }
      assert.deepEqual(envelopeWarnings(KEY_ENVELOPE), []);
      assert.deepEqual(envelopeWarnings({ ...KEY_ENVELOPE, kid: 'k' }), []);
    });

    it('works on a parsed envelope', () => {
      const text = json(withField(PASSWORD_MODE, 'iterations', '1000'));
      assert.equal(envelopeWarnings(parseEnvelope(text)).length, 1);
    });
  });

  describe('lengths before decoding (issue 10)', () => {
    const HUGE = 80_000_000; // 80 MB of valid base64 digits: decoding it would allocate 60 MB

    /**
     * Runs `read` while recording every Buffer allocation and every base64 write the decoder could
     * make: evidence, without timing, that nothing of the huge field was decoded.
     */
    function watchingDecodes(read: () => void): { largestAllocation: number; base64Chars: number } {
      const seen = { largestAllocation: 0, base64Chars: 0 };
      const originals = {
        allocUnsafe: Buffer.allocUnsafe,
        allocUnsafeSlow: Buffer.allocUnsafeSlow,
        alloc: Buffer.alloc,
        from: Buffer.from,
        write: Buffer.prototype.write,
      };
      const record = (size: unknown) => {
        if (typeof size === 'number') seen.largestAllocation = Math.max(seen.largestAllocation, size);
      };
      const patched = Buffer as unknown as Record<string, (...args: unknown[]) => unknown>;
      patched.allocUnsafe = (size: unknown) => (record(size), originals.allocUnsafe(size as number));
      patched.allocUnsafeSlow = (size: unknown) => (record(size), originals.allocUnsafeSlow(size as number));
      patched.alloc = (size: unknown, ...rest: unknown[]) => (
        record(size),
        (originals.alloc as (...a: unknown[]) => Buffer)(size, ...rest)
      );
      patched.from = (value: unknown, ...rest: unknown[]) => {
        if (typeof value === 'string') record(value.length);
        return (originals.from as (...a: unknown[]) => Buffer)(value, ...rest);
      };
      Buffer.prototype.write = function (this: Buffer, text: string, ...rest: unknown[]) {
        if (rest.includes('base64')) seen.base64Chars += text.length;
        return (originals.write as (...a: unknown[]) => number).call(this, text, ...rest);
      } as typeof Buffer.prototype.write;
      try {
        read();
      } finally {
        Object.assign(Buffer, {
          allocUnsafe: originals.allocUnsafe,
          allocUnsafeSlow: originals.allocUnsafeSlow,
          alloc: originals.alloc,
          from: originals.from,
        });
        Buffer.prototype.write = originals.write;
      }
      return seen;
    }

    it('the spy sees a decode: a valid envelope writes its base64 through it', () => {
      const seen = watchingDecodes(() => parseEnvelope(json(PASSWORD_MODE)));
      assert.ok(seen.base64Chars >= IV.length + TAG.length + SALT.length, 'the control decodes');
    });

    const cases: Array<[string, Pair[], number, number]> = [
      ['iv', KEY_MODE, 12, 16],
      ['tag', KEY_MODE, 16, 24],
      ['salt', PASSWORD_MODE, 16, 24],
    ];
    for (const [field, base, bytes, chars] of cases) {
      it(`an 80 MB ${field} is refused by its length (${chars} characters) and never decoded`, () => {
        const huge = 'A'.repeat(HUGE);
        for (const input of [
          () => parseEnvelope(json(withField(base, field, str(huge)))),
          () => readEnvelope({ ...(base === KEY_MODE ? KEY_ENVELOPE : PASSWORD_ENVELOPE), [field]: huge }),
        ]) {
          let caught: unknown;
          const seen = watchingDecodes(() => {
            try {
              input();
            } catch (error) {
              caught = error;
            }
          });
          assert.ok(caught instanceof KeysmithError, String(caught));
          assert.equal(caught.code, 'MALFORMED_ENVELOPE');
          assert.equal(caught.field, field);
          assert.equal(
            caught.message,
            `${field} must be ${bytes} bytes: ${chars} base64 characters (got ${HUGE} characters).`,
          );
          assert.ok(seen.largestAllocation < 1024 * 1024, `allocated ${seen.largestAllocation} bytes`);
          assert.ok(seen.base64Chars < 1024, `decoded ${seen.base64Chars} base64 characters`);
        }
      });
      it(`a ${field} one character off (${chars - 4}, ${chars + 4}) is refused by its length too`, () => {
        for (const n of [chars - 4, chars + 4, 0]) {
          const error = expectMalformed(json(withField(base, field, str('A'.repeat(n)))), field);
          assert.match(error.message, new RegExp(`got ${n} characters`));
        }
      });
    }

    it('a ciphertext longer than the 64 MiB limit allows is refused before decoding (object input)', () => {
      const huge = 'A'.repeat(limits.MAX_CIPHERTEXT_BASE64_CHARS + 4);
      let caught: unknown;
      const seen = watchingDecodes(() => {
        try {
          readEnvelope({ ...KEY_ENVELOPE, ciphertext: huge });
        } catch (error) {
          caught = error;
        }
      });
      assert.ok(caught instanceof KeysmithError, String(caught));
      assert.equal(caught.code, 'ENVELOPE_TOO_LARGE');
      assert.equal(caught.field, 'ciphertext');
      assert.ok(seen.largestAllocation < 1024 * 1024, `allocated ${seen.largestAllocation} bytes`);
      assert.equal(seen.base64Chars, 0);
    });
  });
});

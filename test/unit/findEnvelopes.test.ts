import assert from 'node:assert/strict';
import {
  encrypt,
  envelopeAt,
  findEnvelopes,
  formatForFileName,
  formatForLanguageId,
  parseEnvelope,
  serializeEnvelope,
  type KeysmithError,
  type Envelope,
} from '../../src/core';

const KEY = '11'.repeat(32);
/** The escaped form: the compact text as it sits inside a "…" literal. */
const escape = (text: string) => JSON.stringify(text).slice(1, -1);

describe('findEnvelopes', () => {
  let envelope: Envelope;
  let compact: string;
  let pretty: string;
  before(async () => {
    envelope = await encrypt({ plaintext: 'hello', key: KEY });
    compact = serializeEnvelope(envelope);
    pretty = serializeEnvelope(envelope, { pretty: true });
  });

  it('finds compact, pretty and escaped envelopes in order, with 1-based lines and ranges', () => {
    const text = `A=${compact}\n{"config": {"inner": "x"}}\nkey:\n${pretty}\n"s": "${escape(compact)}" // x\n`;
    const found = findEnvelopes(text);
    assert.deepEqual(
      found.map((f) => [f.form, f.line, text.slice(f.start, f.end)]),
      [
        ['compact', 1, compact],
        ['pretty', 4, pretty],
        ['escaped', 4 + pretty.split('\n').length, escape(compact)],
      ],
    );
    for (const f of found) {
      assert.equal(f.error, undefined);
      assert.deepEqual(f.envelope, envelope);
    }
  });

  it('counts lines when first read, in any order, and JSON keeps them', () => {
    const text = `a\n${compact}\n\n${compact}\nb\n${compact}`;
    const found = findEnvelopes(text);
    assert.deepEqual([found[2]!.line, found[0]!.line, found[1]!.line], [6, 2, 4]);
    assert.equal((JSON.parse(JSON.stringify(found[1])) as { line: number }).line, 4);
  });

  it('reads a pretty envelope escaped into a literal (\\n escapes) as escaped', () => {
    const text = `{"x": "${escape(pretty)}"}`;
    const [found] = findEnvelopes(text);
    assert.equal(found?.form, 'escaped');
    assert.deepEqual(found?.envelope, envelope);
    assert.equal(text.slice(found.start, found.end), escape(pretty));
  });

  it('reports broken envelopes with their field and line, never skipping them', () => {
    const badIv = compact.replace(/"iv":"[^"]*"/, '"iv":"AAAA"');
    const newer = compact.replace('"v":1', '"v":2');
    const badCipher = compact.replace(/"ciphertext":"([^"]*)"/, '"ciphertext":"$1!"');
    const text = `${badIv}\n\n${newer}\n${escape(badCipher)}\n{ "ciphertext": 42 }\n${compact}`;
    const found = findEnvelopes(text);
    assert.deepEqual(
      found.map((f) => [f.line, f.error?.code, f.error?.field, f.error?.line]),
      [
        [1, 'MALFORMED_ENVELOPE', 'iv', 1],
        [3, 'UNSUPPORTED_VERSION', 'v', 3],
        [4, 'MALFORMED_ENVELOPE', 'ciphertext', 4],
        [5, 'MALFORMED_ENVELOPE', 'ciphertext', 5],
        [6, undefined, undefined, undefined],
      ],
    );
    assert.match(found[0]!.error!.message, /iv must be 12 bytes/);
  });

  it('ends an unclosed envelope at its line (or the next {), so the envelopes after it are found', () => {
    const cut = compact.slice(0, 40);
    const text = `a: ${cut}   \nb: ${compact}\nc: ${cut}${compact}`;
    const found = findEnvelopes(text);
    assert.deepEqual(
      found.map((f) => [f.line, text.slice(f.start, f.end), f.error?.code]),
      [
        [1, cut, 'MALFORMED_ENVELOPE'],
        [2, compact, undefined],
        [3, cut, 'MALFORMED_ENVELOPE'],
        [3, compact, undefined],
      ],
    );
    assert.match(found[0]!.error!.message, /no closing '}'/);
  });

  it('an escaped envelope whose escapes are bad is reported, not read as something else', () => {
    const text = `"${escape(compact).replace('\\"tag\\"', '\\"tag"')}"`;
    const [found] = findEnvelopes(text);
    assert.equal(found?.form, 'escaped');
    assert.equal(found?.error?.code, 'MALFORMED_ENVELOPE');
  });

  it('agrees with parseEnvelope on every one-character change of compact, pretty and escaped envelopes', async () => {
    // The quick readers (by position, by regex) must accept exactly what the careful read accepts.
    const samples = [
      envelope,
      await encrypt({ plaintext: 'a longer text, padded ==', key: KEY, kid: 'prod.config-1' }),
      await encrypt({ plaintext: 'pw', password: 'pw', iterations: 1000 }),
      await encrypt({ plaintext: '', key: KEY }),
    ];
    const alphabet = [
      'A',
      'Q',
      'z',
      '0',
      '+',
      '/',
      '=',
      '-',
      '_',
      '"',
      '\\',
      ' ',
      '\n',
      '}',
      '{',
      ',',
      ':',
      '9',
      'é',
    ];
    let checked = 0;
    for (const sample of samples) {
      for (const pretty of [false, true]) {
        const text = serializeEnvelope(sample, { pretty });
        for (let i = 1; i < text.length - 1; i++) {
          for (const c of alphabet) {
            const changed = text.slice(0, i) + c + text.slice(i + 1);
            let expected: unknown;
            try {
              expected = parseEnvelope(changed);
            } catch (error) {
              expected = (error as KeysmithError).code;
            }
            for (const escaped of [false, true]) {
              if (escaped && (changed.includes('\n') || changed.includes('\\'))) continue;
              const input = escaped ? `"${escape(changed)}"` : changed;
              const found = findEnvelopes(input);
              // A change that breaks the start (`{` or the first name) may leave no envelope at all.
              if (
                found.length !== 1 ||
                found[0]!.end - found[0]!.start !== (escaped ? input.length - 2 : input.length)
              )
                continue;
              const got = found[0]!.envelope ?? found[0]!.error?.code;
              assert.deepEqual(
                got,
                expected,
                `${escaped ? 'escaped ' : ''}${JSON.stringify(changed.slice(Math.max(0, i - 12), i + 12))}`,
              );
              checked++;
            }
          }
        }
      }
    }
    assert.ok(checked > 10_000, `only ${checked} cases checked`);
  });

  it('ignores objects that are not envelopes and text without any', () => {
    assert.deepEqual(findEnvelopes(''), []);
    assert.deepEqual(findEnvelopes('{"name":"x","v":1} {v:1} { "value": 2 } {\\\\"v\\\\":1}'), []);
  });

  it('stays linear on pathological text (200,000 "{" and no "}"; 100,000 starts of envelopes)', () => {
    // Quadratic searches here would take minutes: 2·10^5 × 10^6 characters.
    assert.deepEqual(findEnvelopes('{'.repeat(200_000) + 'x'.repeat(1_000_000)), []);
    const starts = findEnvelopes('{"v":'.repeat(100_000) + ' '.repeat(1_000_000));
    assert.equal(starts.length, 100_000);
    assert.ok(starts.every((f) => f.error?.code === 'MALFORMED_ENVELOPE'));
    const lines = findEnvelopes('{"v":\n'.repeat(100_000));
    assert.equal(lines.at(-1)?.line, 100_000);
  });

  it('finds 10× as many envelopes in a 10× text, at the right lines', () => {
    const unit = `x = 1\nsecret: ${compact}\n`;
    for (const n of [100, 1000]) {
      const found = findEnvelopes(unit.repeat(n));
      assert.equal(found.length, n);
      assert.deepEqual(
        found.slice(0, 3).map((f) => f.line),
        [2, 4, 6],
      );
      assert.equal(found.at(-1)?.line, 2 * n);
    }
  });
});

describe('envelopeAt', () => {
  it('picks the envelope at or around an offset, its edges included', async () => {
    const compact = serializeEnvelope(await encrypt({ plaintext: 'x', key: KEY }));
    const text = `${compact}${compact} and ${compact}`;
    const found = findEnvelopes(text);
    assert.equal(found.length, 3);
    assert.equal(envelopeAt(found, 0), found[0]);
    assert.equal(envelopeAt(found, compact.length - 1), found[0]);
    assert.equal(envelopeAt(found, compact.length), found[1], 'where one ends and the next starts');
    assert.equal(envelopeAt(found, 2 * compact.length), found[1], 'right after the }');
    assert.equal(envelopeAt(found, 2 * compact.length + 2), undefined);
    assert.equal(envelopeAt(found, text.length), found[2]);
    assert.equal(envelopeAt([], 0), undefined);
  });
});

describe('formatForFileName / formatForLanguageId', () => {
  it('maps file names', () => {
    const cases: [string, string][] = [
      ['.env', 'dotenv'],
      ['/repo/.env.local', 'dotenv'],
      ['C:\\repo\\prod.env', 'dotenv'],
      ['config.json', 'json'],
      ['tsconfig.JSONC', 'json'],
      ['a.yml', 'yaml'],
      ['b.yaml', 'yaml'],
      ['x.ts', 'javascript'],
      ['x.tsx', 'javascript'],
      ['x.mjs', 'javascript'],
      ['notes.txt', 'text'],
      ['Makefile', 'text'],
      ['x.constructor', 'text'],
      ['', 'text'],
    ];
    for (const [name, format] of cases) assert.equal(formatForFileName(name), format, name);
  });

  it('maps language ids', () => {
    const cases: [string, string][] = [
      ['json', 'json'],
      ['jsonc', 'json'],
      ['javascriptreact', 'javascript'],
      ['typescript', 'javascript'],
      ['yaml', 'yaml'],
      ['dotenv', 'dotenv'],
      ['env', 'dotenv'],
      ['plaintext', 'text'],
      ['toString', 'text'],
    ];
    for (const [id, format] of cases) assert.equal(formatForLanguageId(id), format, id);
  });
});

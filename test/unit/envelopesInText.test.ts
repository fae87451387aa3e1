/**
 * Envelopes in files: every form in every format, encrypt-then-decrypt round trips that give the
 * document back byte for byte, refusals with their line, and the parsers users' apps run reading
 * back every value Keysmith writes (JSON.parse, JavaScript itself, the yaml package and PyYAML,
 * dotenv and python-dotenv), over a list of awkward strings and seeded random ones.
 */
import assert from 'node:assert/strict';
import vm from 'node:vm';
import dotenv from 'dotenv';
import YAML from 'yaml';
import {
  applyChanges,
  decrypt,
  decryptBytes,
  encrypt,
  envelopeChange,
  findEnvelopes,
  isKeysmithError,
  plaintextChange,
  readDotenv,
  rekeyTexts,
  renderText,
  selectionForEncryption,
  serializeEnvelope,
  type Envelope,
  type FoundEnvelope,
  type TextFormat,
} from '../../src/core';
import { pyDotenv, pyYamlLoad, type PyYamlResult } from './judges';

const KEY = '5c'.repeat(32);
const KEY2 = 'a7'.repeat(32);

/** Seeded xorshift32: the fuzz cases are the same on every run. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const AWKWARD = [
  'hunter2',
  'sk_live_abc123',
  'p@ss w0rd!',
  'a  b',
  '',
  ' ',
  ' lead',
  'trail ',
  'true',
  'True',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'null',
  'Null',
  '~',
  '1',
  '-1',
  '0x1F',
  '0o17',
  '012',
  '1e3',
  '1_000',
  '.inf',
  '.nan',
  'NaN',
  '2001-12-14',
  '12:30',
  '1:20',
  '<<',
  '=',
  '-',
  '- a',
  ': ',
  'a: b',
  'a:b',
  'a:',
  'a #b',
  'a#b',
  '#x',
  '-x',
  '?x',
  '*x',
  '&x',
  '!x',
  '%x',
  '@x',
  '`x`',
  '|',
  '>',
  "'",
  '"',
  "it's",
  'say "hi"',
  `both ' and "`,
  'a\nb',
  'a\r\nb',
  'line\n',
  '\n',
  '\ttab',
  'é',
  '日本語',
  '😀 emoji',
  'x\u2028y',
  'x\u0085y',
  'x\u00a0y',
  '\ufeffbom',
  'del\x7f',
  'nul\x00',
  'bell\x07',
  'back\\slash',
  '\\n',
  '\\',
  'a\\',
  '\\"',
  "\\'",
  '$HOME',
  '${HOME}',
  'a$b',
  '$',
  '{a}',
  '[a]',
  'a, b',
  '{"json": true}',
  '[1, 2]',
  'key=value',
  '*/',
  '${x}',
  '`',
  'x'.repeat(300),
  'first line\nsecond: line\n  third # not a comment',
];

const ALPHABET = [
  ...'abcXYZ019 _-.:,#\'"`\\$/{}[]!&*?|>%@=~\t\n\r',
  'é',
  '😀',
  '\u2028',
  '\u0085',
  '\u00a0',
  '\x01',
  '\x7f',
  '${',
];

function randomStrings(count: number, seed: number): string[] {
  const next = prng(seed);
  return Array.from({ length: count }, () => {
    const length = Math.floor(next() * 12);
    let s = '';
    for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
    return s;
  });
}

const PLAINTEXTS = [...AWKWARD, ...randomStrings(300, 11)];

let compact: string;
let pretty: string;
let envelope: Envelope;
before(async () => {
  envelope = await encrypt({ plaintext: 'placeholder', key: KEY });
  compact = serializeEnvelope(envelope);
  pretty = serializeEnvelope(envelope, { pretty: true });
});
const escaped = () => JSON.stringify(compact).slice(1, -1);

function onlyEnvelope(text: string): FoundEnvelope {
  const found = findEnvelopes(text);
  assert.equal(found.length, 1, `expected one envelope in ${JSON.stringify(text.slice(0, 80))}`);
  assert.equal(found[0]!.error, undefined, found[0]!.error?.message);
  return found[0]!;
}

/** Encrypts `text.slice(start, end)` in place, then decrypts it in place. */
async function roundTrip(
  format: TextFormat,
  text: string,
  start: number,
  end: number,
  layout: 'compact' | 'pretty' = 'compact',
) {
  const plan = selectionForEncryption(text, format, start, end);
  const made = await encrypt({ plaintext: plan.plaintext, key: KEY });
  const encrypted = applyChanges(text, [
    plan.write(serializeEnvelope(made, { pretty: layout === 'pretty' })),
  ]);
  const found = onlyEnvelope(encrypted);
  const { plaintext } = await decrypt({ envelope: found.envelope!, key: KEY });
  assert.equal(plaintext, plan.plaintext);
  const decrypted = applyChanges(encrypted, [plaintextChange(encrypted, format, found, plaintext)]);
  return { plan, encrypted, found, decrypted };
}

/** The selection given by `marked`: the text between ⟦ and ⟧ (which are removed). */
function marked(source: string): { text: string; start: number; end: number } {
  const start = source.indexOf('⟦');
  const end = source.indexOf('⟧') - 1;
  return { text: source.replace('⟦', '').replace('⟧', ''), start, end };
}

function expectCannotPlace(run: () => unknown, line: number, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isKeysmithError(error), String(error));
    assert.equal(error.code, 'CANNOT_PLACE');
    assert.equal(error.line, line);
    assert.ok(error.message.startsWith(`line ${line}: `), error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('envelopes in files: round trips give the document back byte for byte', () => {
  const cases: [TextFormat, string, ('compact' | 'pretty')?][] = [
    // JSON: inside a literal, a whole literal, a raw value (compact and pretty), escapes, unicode
    ['json', '{\n  "db": {"password": "⟦hunter2⟧"},\n  "n": 1\n}'],
    ['json', '{"password": ⟦"hunter2"⟧}'],
    ['json', '{"a": "x\\n⟦y \\"q\\" é \\\\ \\u0001 😀⟧z"}'],
    ['json', '{"port": ⟦8080⟧}'],
    ['json', '{"port": ⟦8080⟧}', 'pretty'],
    ['json', '{\n  "cfg": ⟦{"a": [1, 2], "b": null}⟧\n}', 'pretty'],
    ['json', '[⟦"a\\tb"⟧, "c"]'],
    ['json', '// jsonc\n{"k": /* ⟦note⟧ */ 1}'],
    // JavaScript and TypeScript: the three quotes
    ['javascript', "const a = '⟦it\\'s \"x\"⟧';"],
    ['javascript', "const a = ⟦'it\\'s'⟧;"],
    ['javascript', 'const a = ⟦"say \\"hi\\""⟧;'],
    ['javascript', 'const a = `pre ${x} ⟦post\nline \\` \\${y}⟧`;'],
    ['javascript', 'const a = ⟦`whole`⟧;'],
    ['javascript', 'const re = /"[a-z]"/g; const s = "⟦x/y⟧"; // "not a string"'],
    ['javascript', 'const o = ⟦{"a": 1}⟧;', 'pretty'],
    ['javascript', 'const n = ⟦42⟧;'],
    // YAML: plain, quoted, flow, nested, part of a scalar
    ['yaml', 'db:\n  password: ⟦hunter2⟧  # the secret\n  user: app\n'],
    ['yaml', 'k: ⟦"x\\ty \\"q\\""⟧\n'],
    ['yaml', 'k: "pre ⟦x\\ty⟧ post"\n'],
    ['yaml', "k: 'pre ⟦it''s⟧ post'\n"],
    ['yaml', 'url: https://user:⟦pw⟧@host/db # c\n'],
    ['yaml', 'list: [⟦one⟧, two]\n'],
    ['yaml', 'map: {a: ⟦one⟧, b: two}\n'],
    ['yaml', '- ⟦item⟧\n- other\n'],
    ['yaml', 'text: |\n  line one\n  ⟦line two⟧\nnext: 1\n'],
    // .env
    ['dotenv', 'A=⟦hunter2⟧\nB=2\n'],
    ['dotenv', 'export TOKEN=⟦abc.def-ghi⟧ # comment\n'],
    ['dotenv', 'MSG=⟦"hello world"⟧\n'],
    ['dotenv', 'MSG="⟦hello world⟧"\n'],
    ['dotenv', 'URL=postgres://u:⟦pw⟧@h/db\n'],
    ['dotenv', "Q='pre ⟦mid⟧ post'\n"],
    ['dotenv', '# ⟦a note⟧\nA=1\n'],
    // text
    ['text', 'anything ⟦at all⟧ here\n'],
    ['text', 'anything ⟦at all⟧ here\n', 'pretty'],
  ];
  for (const [format, source, layout] of cases) {
    it(`${format}${layout === 'pretty' ? ' (pretty)' : ''}: ${JSON.stringify(source).slice(1, 60)}`, async () => {
      const { text, start, end } = marked(source);
      const { encrypted, found, decrypted } = await roundTrip(format, text, start, end, layout);
      assert.equal(decrypted, text);
      // (JSONC with comments is not JSON.parse's to judge.)
      if (format === 'json' && !text.includes('//')) JSON.parse(encrypted);
      if (format === 'yaml') YAML.parse(encrypted);
      if (format === 'dotenv') assert.deepEqual(readDotenv(encrypted).length, readDotenv(text).length);
      assert.equal(found.form === 'pretty', layout === 'pretty' && format !== 'dotenv' && format !== 'yaml');
    });
  }

  it('gives back the same value, not the same bytes, where the original was written unusually', async () => {
    // Escapes JSON.stringify would not write come back as it writes them; code that is not JSON
    // comes back as a string (the envelope is one value); single quotes in YAML and .env come back
    // as the plainest quoting that reads the same.
    const cases: [TextFormat, string, string][] = [
      ['json', '{"a": "⟦\\u00e9\\/⟧"}', '{"a": "é/"}'],
      ['javascript', 'const o = ⟦{ a: 1 }⟧;', 'const o = "{ a: 1 }";'],
      ['yaml', "k: ⟦'plain'⟧\n", 'k: plain\n'],
      ['yaml', 'k: ⟦true⟧\n', 'k: "true"\n'],
      ['dotenv', "K=⟦'two words'⟧\n", 'K="two words"\n'],
      ['dotenv', 'K=⟦"plain"⟧\n', 'K=plain\n'],
    ];
    for (const [format, source, expected] of cases) {
      const { text, start, end } = marked(source);
      assert.equal((await roundTrip(format, text, start, end)).decrypted, expected, source);
    }
  });

  it('the plaintext is what the selection means there', () => {
    const means = (format: TextFormat, source: string) => {
      const { text, start, end } = marked(source);
      return selectionForEncryption(text, format, start, end).plaintext;
    };
    assert.equal(means('json', '{"a": "⟦x\\ny\\u00e9⟧"}'), 'x\nyé');
    assert.equal(means('json', '{"a": ⟦"q\\""⟧}'), 'q"');
    assert.equal(means('javascript', "x = '⟦\\x41\\u{1F600}\\'⟧'"), "A😀'");
    assert.equal(means('javascript', 'x = `⟦a\r\nb⟧`'), 'a\nb');
    assert.equal(means('yaml', "k: '⟦it''s⟧'"), "it's");
    assert.equal(means('yaml', 'k: ⟦"\\x41\\u00e9\\N"⟧'), 'Aé\u0085');
    assert.equal(means('dotenv', 'K=⟦"a\\nb"⟧'), 'a\nb');
    assert.equal(means('dotenv', 'K=⟦plain⟧ # c'), 'plain');
  });

  it('keeps every intermediate JSON document JSON.parse-able, with the envelope where the value was', async () => {
    const source = '{"s": "secret", "n": 12, "o": {"x": [true, null]}, "e": "a\\"b"}';
    const doc = JSON.parse(source) as Record<string, unknown>;
    for (const [needle, key, whole] of [
      ['"secret"', 's', true],
      ['secret', 's', false],
      ['12', 'n', true],
      ['{"x": [true, null]}', 'o', true],
      ['a\\"b', 'e', false],
    ] as const) {
      const at = source.indexOf(needle);
      const { encrypted, decrypted } = await roundTrip('json', source, at, at + needle.length);
      const parsed = JSON.parse(encrypted) as Record<string, unknown>;
      const value = parsed[key];
      assert.deepEqual(
        typeof value === 'string' ? JSON.parse(value) : value,
        onlyEnvelope(encrypted).envelope,
        needle,
      );
      void whole;
      assert.deepEqual(JSON.parse(decrypted), doc);
    }
  });
});

describe('envelopes in files: refusals name the line and change nothing', () => {
  const cases: [TextFormat, string, number, RegExp][] = [
    ['json', '{\n\n  "a": "x\\⟦ny⟧"\n}', 3, /cuts an escape/],
    ['json', '{\n  "a": "x\\u00⟦e9⟧"\n}', 2, /cuts an escape/],
    ['json', '{"a": "\ud83d⟦\ude00x⟧"}', 1, /character in two/],
    ['json', '{"a": "\\ud83d⟦\\ude00x⟧"}', 1, /character in two/],
    ['json', '{\n"a": "⟦x", "b": "y⟧"\n}', 2, /starts or ends inside a string/],
    ['json', '{"a": 1,\n ⟦"b": 2⟧}', 2, /select a whole value/],
    ['json', '⟦⟧{}', 1, /nothing is selected/],
    ['javascript', "const a = '\\⟦1⟧';", 1, /legacy octal|cuts an escape/],
    ['javascript', 'const a = `x ${⟦y}` + `z⟧`;', 1, /starts or ends inside a string/],
    ['yaml', 'a: 1\n⟦b: 2⟧\n', 2, /select a value \(a scalar\)/],
    ['yaml', 'a:\n  ⟦- 1⟧\n', 2, /select a scalar/],
    ['yaml', "k: 'it'⟦'s⟧'\n", 1, /cuts an escape/],
    ['yaml', 'k: "a\\⟦tb⟧"\n', 1, /cuts an escape/],
    ['yaml', 'k: "⟦a\n  b⟧"\n', 1, /folded/],
    ['yaml', 'k: "⟦a" # x⟧\n', 1, /past the closing quote/],
    ['dotenv', 'A=1\nB=⟦x⟧\n'.replace('B=⟦x⟧', '⟦B⟧=x'), 2, /select a value/],
    ['dotenv', 'A=1\n\nC="⟦a\\tb⟧"\n', 3, /read this value differently/],
    ['dotenv', 'A="x⟦y" # c⟧\n', 1, /select a value/],
    ['dotenv', "A='x⟦y'⟧ # c\n", 1, /past the quotes/],
  ];
  for (const [format, source, line, pattern] of cases) {
    it(`${format}: ${JSON.stringify(source).slice(1, 50)} → line ${line}`, () => {
      const { text, start, end } = marked(source);
      expectCannotPlace(() => selectionForEncryption(text, format, start, end), line, pattern);
    });
  }

  it('refuses a plaintext that cannot be written where its envelope is, with the line', () => {
    const at = (format: TextFormat, text: string, plaintext: string, line: number, pattern: RegExp) =>
      expectCannotPlace(() => plaintextChange(text, format, onlyEnvelope(text), plaintext), line, pattern);
    at('dotenv', `A=1\nB=${compact}\n`, `it's "both"`, 2, /both ' and "/);
    at('dotenv', `\n\n\nB='${compact}'\n`, 'a${HOME}b', 4, /expands as a variable/);
    at('dotenv', `# ${compact}\n`, 'two\nlines', 1, /line break/);
    at('yaml', `a:\n  k: 'pre ${compact} post'\n`, 'two\nlines', 2, /single-quoted YAML scalar/);
    at('yaml', `# ${compact}\n`, 'a\nb', 1, /comment/);
    at('javascript', `// ${compact}\nx = 1`, 'a\nb', 1, /\/\/ comment/);
    at('json', `/* ${compact} */ {}`, 'a */ b', 1, /end the comment/);
  });

  it('refuses a selection that is not a range of the text (not CANNOT_PLACE: a bug in the caller)', () => {
    assert.throws(() => selectionForEncryption('abc', 'text', 2, 1), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => selectionForEncryption('abc', 'text', 0, 4), { code: 'INVALID_ARGUMENT' });
    assert.throws(
      () =>
        applyChanges('abcdef', [
          { start: 0, end: 3, text: 'x' },
          { start: 2, end: 4, text: 'y' },
        ]),
      { code: 'INVALID_ARGUMENT' },
    );
  });
});

describe('envelopes in files: the parsers read every written value back exactly', function () {
  this.timeout(120_000);

  it('JSON: JSON.parse reads each plaintext (escaped in a literal, or as a value)', () => {
    for (const p of PLAINTEXTS) {
      for (const [doc, expected] of [
        [`{"k": "${escaped()}"}`, p],
        [`{"k": "pre ${escaped()} post"}`, `pre ${p} post`],
        [`{"k": ${compact}}`, p],
        [`{"k":\n${pretty}\n}`, p],
      ] as const) {
        const out = applyChanges(doc, [plaintextChange(doc, 'json', onlyEnvelope(doc), p)]);
        const value = (JSON.parse(out) as { k: unknown }).k;
        // An envelope that is a value gives back JSON text as JSON (it was a value before).
        const json = (() => {
          try {
            return { is: true, value: JSON.parse(expected) as unknown };
          } catch {
            return { is: false, value: undefined };
          }
        })();
        if (doc.includes('"k": "')) assert.equal(value, expected, JSON.stringify(p));
        else assert.deepEqual(value, json.is ? json.value : expected, JSON.stringify(p));
      }
    }
  });

  it('JavaScript: the engine reads each plaintext from its literal (\'…\', "…", `…`)', () => {
    for (const p of PLAINTEXTS) {
      for (const [doc, expected] of [
        [`const k = "${escaped()}";`, p],
        [`const k = '${escaped()}';`, p],
        [`const k = '${compact}';`, p],
        [`const k = 'pre ${compact} post';`, `pre ${p} post`],
        [`const k = \`\${x} ${compact} \${x}\`;`, `X ${p} X`],
        [`const k = ${compact};`, p],
      ] as const) {
        const out = applyChanges(doc, [plaintextChange(doc, 'javascript', onlyEnvelope(doc), p)]);
        const value: unknown = vm.runInNewContext(`${out}\nk`, { x: 'X' });
        if (doc.startsWith('const k = {')) {
          let json: unknown = p;
          try {
            json = JSON.parse(p);
          } catch {
            // a string
          }
          assert.deepEqual(JSON.parse(JSON.stringify(value)), json, JSON.stringify(p));
        } else {
          assert.equal(value, expected, `${JSON.stringify(p)} in ${doc.slice(0, 14)}`);
        }
      }
    }
  });

  it('YAML: the yaml package (1.2) and PyYAML (1.1) read each plaintext, in every place an envelope sits', () => {
    const contexts: [string, (doc: unknown) => unknown, (p: string) => string][] = [
      [`k: '${compact}'\n`, (d) => (d as { k: unknown }).k, (p) => p],
      [`k: "${escaped()}"\n`, (d) => (d as { k: unknown }).k, (p) => p],
      [`k: ${compact}\n`, (d) => (d as { k: unknown }).k, (p) => p],
      [`k:\n  ${pretty.replace(/\n/g, '\n  ')}\nnext: 1\n`, (d) => (d as { k: unknown }).k, (p) => p],
      [`k: ['${compact}', x]\n`, (d) => (d as { k: unknown[] }).k[0], (p) => p],
      [`k: {a: '${compact}', b: x}\n`, (d) => (d as { k: { a: unknown } }).k.a, (p) => p],
      [`- '${compact}' # c\n- x\n`, (d) => (d as unknown[])[0], (p) => p],
      [`a:\n  k: "pre ${escaped()} post"\n`, (d) => (d as { a: { k: unknown } }).a.k, (p) => `pre ${p} post`],
      [`a:\n  k: 'pre ${compact} post'\n`, (d) => (d as { a: { k: unknown } }).a.k, (p) => `pre ${p} post`],
      [`k: pre${compact}post # c\n`, (d) => (d as { k: unknown }).k, (p) => `pre${p}post`],
    ];
    const docs: string[] = [];
    const expectations: { get: (doc: unknown) => unknown; expected: string; p: string; context: number }[] =
      [];
    let refused = 0;
    contexts.forEach(([doc, get, expected], context) => {
      const found = onlyEnvelope(doc);
      for (const p of PLAINTEXTS) {
        let out: string;
        try {
          out = applyChanges(doc, [plaintextChange(doc, 'yaml', found, p)]);
        } catch (error) {
          // Only part of a single-quoted scalar may refuse (a line break, or a character it cannot hold).
          assert.equal(context, 8, `${JSON.stringify(p)} refused in context ${context}: ${String(error)}`);
          assert.match(String(error), /single-quoted YAML scalar/);
          refused++;
          continue;
        }
        docs.push(out);
        expectations.push({ get, expected: expected(p), p, context });
      }
    });
    const python = pyYamlLoad(docs);
    docs.forEach((out, i) => {
      const { get, expected, p, context } = expectations[i]!;
      const label = `${JSON.stringify(p)} (context ${context}): ${JSON.stringify(out.slice(0, 120))}`;
      assert.equal(get(YAML.parse(out)), expected, `yaml package: ${label}`);
      const py = python[i] as PyYamlResult;
      assert.ok('ok' in py, `PyYAML: ${label}: ${'error' in py ? py.error : ''}`);
      assert.equal(get(py.ok), expected, `PyYAML: ${label}`);
    });
    assert.ok(
      docs.length > 3000 && refused < PLAINTEXTS.length,
      `${docs.length} documents, ${refused} refused`,
    );
  });

  it('.env: dotenv and python-dotenv (interpolate off and on) read each plaintext, or Keysmith refuses with the line', () => {
    const contexts: [string, string, (p: string) => string][] = [
      [`K=${compact}\n`, 'K', (p) => p],
      [`# c\nK='${compact}'\nL=1\n`, 'K', (p) => p],
      [`export K='${compact}' # note\n`, 'K', (p) => p],
      [`K=pre${compact}post\n`, 'K', (p) => `pre${p}post`],
      [`K='pre ${compact} post'\n`, 'K', (p) => `pre ${p} post`],
      [`K=  ${compact}   # c\n`, 'K', (p) => p],
    ];
    const docs: string[] = [];
    const expectations: { name: string; expected: string; p: string }[] = [];
    const refusals: { doc: string; found: FoundEnvelope; name: string; value: string }[] = [];
    for (const [doc, name, expected] of contexts) {
      const found = onlyEnvelope(doc);
      for (const p of PLAINTEXTS) {
        let out: string;
        try {
          out = applyChanges(doc, [plaintextChange(doc, 'dotenv', found, p)]);
        } catch (error) {
          assert.ok(isKeysmithError(error) && error.code === 'CANNOT_PLACE', String(error));
          assert.equal(error.line, found.line);
          refusals.push({ doc, found, name, value: expected(p) });
          continue;
        }
        docs.push(out);
        expectations.push({ name, expected: expected(p), p });
      }
    }
    const python = pyDotenv(docs);
    docs.forEach((out, i) => {
      const { name, expected, p } = expectations[i]!;
      const label = `${JSON.stringify(p)}: ${JSON.stringify(out.slice(0, 100))}`;
      assert.equal(dotenv.parse(out)[name], expected, `dotenv: ${label}`);
      assert.deepEqual(python[i]!.errors, [], `python-dotenv errors: ${label}`);
      assert.equal(python[i]!.plain[name], expected, `python-dotenv: ${label}`);
      assert.equal(python[i]!.interpolated[name], expected, `python-dotenv (interpolate): ${label}`);
      assert.equal(readDotenv(out).find((e) => e.name === name)?.value, expected, `readDotenv: ${label}`);
    });
    // A refusal is right only if the value is not plain (Keysmith writes unquoted only plain values:
    // no white space, quote, #, \ or $) and neither quoting is read back exactly by both parsers
    // (and python-dotenv's interpolation): double quotes (\n, \r escaped) or single quotes.
    const tries = refusals.flatMap(({ doc, found, value }) => {
      const lineStart = doc.lastIndexOf('\n', found.start) + 1;
      const eq = doc.indexOf('=', lineStart);
      const lineEnd = doc.indexOf('\n', found.end);
      const head = doc.slice(lineStart, eq + 1);
      return [`"${value.replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`, `'${value}'`].map(
        (spelling) => `${head}${spelling}${doc.slice(lineEnd)}`,
      );
    });
    const pyTries = pyDotenv(tries);
    refusals.forEach(({ name, value }, i) => {
      assert.ok(/[\s'"`#\\$\p{Cc}]/u.test(value), `refused the plain value ${JSON.stringify(value)}`);
      // "${" is refused outright: python-dotenv expands ${…}, and its versions differ on what.
      if (value.includes('${')) return;
      for (let k = 0; k < 2; k++) {
        const t = tries[2 * i + k]!;
        const py = pyTries[2 * i + k]!;
        const both =
          dotenv.parse(t)[name] === value &&
          py.plain[name] === value &&
          py.interpolated[name] === value &&
          py.errors.length === 0;
        assert.ok(!both, `refused ${JSON.stringify(value)}, but ${JSON.stringify(t)} is read back by both`);
      }
    });
    assert.ok(
      docs.length > 1500 && refusals.length < docs.length / 4,
      `${docs.length} written, ${refusals.length} refused`,
    );
  });

  it('.env: a plain value is written unquoted, then double quotes, then single quotes', () => {
    const doc = `K=${compact}\n`;
    const write = (p: string) => applyChanges(doc, [plaintextChange(doc, 'dotenv', onlyEnvelope(doc), p)]);
    assert.equal(write('hunter2'), 'K=hunter2\n');
    assert.equal(write('two words'), 'K="two words"\n');
    assert.equal(write('a\nb'), 'K="a\\nb"\n');
    assert.equal(write('say "hi"'), `K='say "hi"'\n`);
    assert.equal(write('x\\ty'), `K='x\\ty'\n`);
  });
});

describe('readDotenv', function () {
  this.timeout(60_000);

  it('reads export, comments, quotes and multi-line values, with lines', () => {
    const text = '# top\nexport A=1 # one\nB = "two\\nlines"\n\nC=\'multi\nline\'\nD=\nE="x#y"\r\nF=plain\n';
    assert.deepEqual(readDotenv(text), [
      { name: 'A', value: '1', line: 2 },
      { name: 'B', value: 'two\nlines', line: 3 },
      { name: 'C', value: 'multi\nline', line: 5 },
      { name: 'D', value: '', line: 7 },
      { name: 'E', value: 'x#y', line: 8 },
      { name: 'F', value: 'plain', line: 9 },
    ]);
  });

  it('refuses where dotenv and python-dotenv disagree, or python-dotenv cannot read the line, naming it', () => {
    const at = (text: string, line: number, pattern: RegExp) =>
      expectCannotPlace(() => readDotenv(text), line, pattern);
    at('A=1\nB=a#b\n', 2, /read B differently/);
    at('A=1\n\nB="x\\ty"\n', 3, /read B differently/);
    at("A='x\\\\y'\n", 1, /read A differently/);
    at('A=1\nnot a binding\n', 2, /not NAME=value/);
    at('A: 1\n', 1, /not NAME=value/);
  });

  it('agrees with the real dotenv and python-dotenv on seeded random .env texts', () => {
    const next = prng(7);
    const pieces = [
      'A',
      'B_2',
      'x.y',
      '=',
      ' ',
      '  ',
      '#',
      "'",
      '"',
      '\\',
      'n',
      'v',
      '$',
      '{',
      '}',
      'export ',
      '\n',
      '\r\n',
      'é',
      'a b',
      '\t',
    ];
    const texts = Array.from({ length: 1500 }, () => {
      let t = '';
      const lines = 1 + Math.floor(next() * 4);
      for (let l = 0; l < lines; l++) {
        t += next() < 0.8 ? `${['K', 'L', 'M'][Math.floor(next() * 3)]}=` : '';
        const length = Math.floor(next() * 7);
        for (let i = 0; i < length; i++) t += pieces[Math.floor(next() * pieces.length)];
        t += '\n';
      }
      return t;
    });
    const python = pyDotenv(texts);
    let read = 0;
    texts.forEach((text, i) => {
      const py = python[i]!;
      const npm = dotenv.parse(text);
      let entries;
      try {
        entries = readDotenv(text);
      } catch {
        return; // refused: nothing to compare
      }
      read++;
      const ours = Object.fromEntries(entries.map((e) => [e.name, e.value]));
      const label = JSON.stringify(text);
      assert.deepEqual(py.errors, [], `python-dotenv could not parse ${label}`);
      assert.deepEqual({ ...npm }, ours, `dotenv: ${label}`);
      const pyValues = Object.fromEntries(Object.entries(py.plain).filter(([, v]) => v !== null));
      assert.deepEqual(pyValues, ours, `python-dotenv: ${label}`);
    });
    assert.ok(read > 300, `only ${read} texts were read`);
  });
});

describe('plaintextChange called again and again', () => {
  it('answers for the text and format it is given, whatever it was given before', async () => {
    const env = serializeEnvelope(await encrypt({ plaintext: 'hello', key: KEY }));
    // The same length, the envelope at the same offset: in a comment in one, a value in the other.
    const inComment = `// ${env}\n`;
    const asValue = `[  ${env}]`;
    const change = (text: string, format: TextFormat) =>
      applyChanges(text, [plaintextChange(text, format, onlyEnvelope(text), 'hello')]);
    for (let round = 0; round < 2; round++) {
      assert.equal(change(inComment, 'json'), '// hello\n');
      assert.equal(change(asValue, 'json'), '[  "hello"]');
      // An equal text made anew, and the same text in another format.
      assert.equal(change(`${'// '}${env}\n`, 'json'), '// hello\n');
      assert.equal(change(asValue, 'text'), '[  hello]');
      assert.equal(change(asValue, 'json'), '[  "hello"]');
    }
  });

  it('once per envelope of one document gives what renderText gives', async () => {
    const envs = await Promise.all(
      ['a b', '42', 'x"y', 'plain'].map(async (p) =>
        serializeEnvelope(await encrypt({ plaintext: p, key: KEY })),
      ),
    );
    const doc = `A=${envs[0]}\n# note ${envs[3]}\nB=${envs[1]}\nC=${envs[2]}\n`;
    const found = findEnvelopes(doc);
    const plaintexts = await Promise.all(
      found.map(async (f) => (await decrypt({ envelope: f.envelope!, key: KEY })).plaintext),
    );
    const oneByOne = applyChanges(
      doc,
      found.map((f, i) => plaintextChange(doc, 'dotenv', f, plaintexts[i]!)),
    );
    assert.equal(oneByOne, await renderText(doc, 'dotenv', { key: KEY }));
    assert.deepEqual(dotenv.parse(oneByOne), { A: 'a b', B: '42', C: 'x"y' });
  });
});

describe('envelopeChange keeps the form', () => {
  it('compact stays compact, pretty keeps its indentation and line breaks, escaped stays escaped', async () => {
    const fresh = await encrypt({ plaintext: 'new', key: KEY2, kid: 'prod-config' });
    const indented = `root:\n    k: ${pretty.replace(/\n {2}/g, '\n        ').replace(/\n\}/, '\n    }')}\n`;
    const crlf = `{"k":\r\n${pretty.replace(/\n/g, '\r\n')}\r\n}`;
    for (const [format, doc] of [
      ['text', `x ${compact} y`],
      ['yaml', indented],
      ['json', crlf],
      ['json', `{"k": "${escaped()}"}`],
      ['json', `{"k": "${JSON.stringify(pretty).slice(1, -1)}"}`],
    ] as [TextFormat, string][]) {
      const old = onlyEnvelope(doc);
      const out = applyChanges(doc, [envelopeChange(doc, format, old, fresh)]);
      const now = onlyEnvelope(out);
      assert.equal(now.form, old.form, doc.slice(0, 30));
      assert.deepEqual(now.envelope, fresh);
      // The rest of the document is untouched, and the layout around the fields is the old one.
      assert.equal(out.slice(0, old.start), doc.slice(0, old.start));
      assert.equal(out.slice(now.end), doc.slice(old.end));
      if (old.form === 'pretty') {
        const indents = (t: string) =>
          new Set(
            t
              .split('\n')
              .slice(1)
              .map((l) => /^[ \t]*/.exec(l)![0]),
          );
        const before = doc.slice(old.start, old.end);
        const after = out.slice(now.start, now.end);
        assert.deepEqual(indents(after), indents(before), 'the same indentation');
        assert.equal(after.includes('\r\n'), before.includes('\r\n'), 'the same line breaks');
      }
    }
  });
});

describe('renderText and rekeyTexts', function () {
  this.timeout(60_000);

  const sealed = async (
    plaintext: string,
    secret: { key: string } | { password: string; iterations?: number },
  ) => serializeEnvelope(await encrypt({ plaintext, ...secret }));

  it('renders every envelope of a file in place, valid for its format; a text without any comes back as it is', async () => {
    const yamlDoc = `a: ${await sealed('one', { key: KEY })}\nb: '${await sealed('two: 2', { key: KEY })}'\nc: "${JSON.stringify(await sealed('x"y', { key: KEY })).slice(1, -1)}"\n`;
    const out = await renderText(yamlDoc, 'yaml', { key: KEY });
    assert.deepEqual(YAML.parse(out), { a: 'one', b: 'two: 2', c: 'x"y' });
    const plain = 'no envelopes here {"name": 1}';
    assert.equal(await renderText(plain, 'json', { key: KEY }), plain);
  });

  it('renders all or nothing: a broken or unopenable envelope anywhere fails with its line', async () => {
    const good = await sealed('ok', { key: KEY });
    const other = await sealed('other', { key: KEY2 });
    await assert.rejects(
      renderText(`A=${good}\n\nB=${good.replace('"v":1', '"v":2')}\n`, 'dotenv', { key: KEY }),
      {
        code: 'UNSUPPORTED_VERSION',
        line: 3,
      },
    );
    await assert.rejects(renderText(`A=${good}\nB=${other}\n`, 'dotenv', { key: KEY }), (error: unknown) => {
      assert.ok(isKeysmithError(error));
      assert.equal(error.code, 'DECRYPT_FAILED');
      assert.equal(error.line, 2);
      assert.equal(error.index, undefined);
      return true;
    });
    await assert.rejects(renderText(`A=${good}\nB=${good}\n`, 'dotenv', { password: 'pw' }), {
      code: 'KEY_OR_PASSWORD',
      line: 1,
    });
    const refused = await sealed(`it's "both"`, { key: KEY });
    await assert.rejects(renderText(`A=${good}\nB=${refused}\n`, 'dotenv', { key: KEY }), {
      code: 'CANNOT_PLACE',
      line: 2,
    });
  });

  it('rekeys every envelope of every text, keeping forms; one salt for the new password', async () => {
    const password = 'old pass';
    const texts = [
      {
        text: `A=${await sealed('a', { password, iterations: 1000 })}\nB=${await sealed('b', { password, iterations: 1000 })}\n`,
        format: 'dotenv' as const,
      },
      {
        text: `{"k": "${JSON.stringify(await sealed('c', { password, iterations: 1000 })).slice(1, -1)}"}`,
        format: 'json' as const,
      },
      { text: 'nothing here', format: 'text' as const },
    ];
    const { texts: out, count } = await rekeyTexts(
      texts,
      { password },
      { password: 'new pass', iterations: 1000 },
    );
    assert.equal(count, 3);
    assert.equal(out[2], 'nothing here');
    const found = out.flatMap((t) => findEnvelopes(t));
    assert.deepEqual(
      found.map((f) => f.form),
      ['compact', 'compact', 'escaped'],
    );
    assert.equal(new Set(found.map((f) => f.envelope!.salt)).size, 1, 'one derivation: one salt');
    assert.deepEqual(await renderText(out[0]!, 'dotenv', { password: 'new pass' }), 'A=a\nB=b\n');
    assert.deepEqual(JSON.parse(await renderText(out[1]!, 'json', { password: 'new pass' })), { k: 'c' });
  });

  it('rekeys envelopes of binary data byte for byte, and kid goes with the new key', async () => {
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x80]);
    const text = `bin: ${serializeEnvelope(await encrypt({ plaintext: bytes, key: KEY }))}\n`;
    const { texts } = await rekeyTexts([{ text, format: 'yaml' }], { key: KEY }, { key: KEY2, kid: 'next' });
    const [found] = findEnvelopes(texts[0]!);
    assert.equal(found!.envelope!.kid, 'next');
    assert.deepEqual((await decryptBytes({ envelope: found!.envelope!, key: KEY2 })).plaintext, bytes);
  });

  it('rekeys all or nothing: the failing envelope is named by its text and line', async () => {
    const good = await sealed('x', { key: KEY });
    const texts = [
      { text: good, format: 'text' as const },
      { text: `\n\n${await sealed('y', { key: KEY2 })}`, format: 'text' as const },
    ];
    await assert.rejects(rekeyTexts(texts, { key: KEY }, { key: KEY2 }), {
      code: 'DECRYPT_FAILED',
      index: 1,
      line: 3,
    });
    await assert.rejects(
      rekeyTexts(
        [texts[0]!, { text: `a\n${good.replace(/"iv":"[^"]*"/, '"iv":"AA=="')}`, format: 'text' }],
        { key: KEY },
        { key: KEY2 },
      ),
      { code: 'MALFORMED_ENVELOPE', field: 'iv', index: 1, line: 2 },
    );
  });
});

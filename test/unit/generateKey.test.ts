/**
 * generateKey / keyGenerator: output formats (reference API + RFC 9562 + nanoid's alphabet), the
 * entropy figures the reference API documents, uniformity (chi-square), uniqueness, and the
 * validation of every option.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { generateKey, keyGenerator, KeysmithError } from '../../src/core';
import type { GeneratedKey, KeyGenerator } from '../../src/core';
import anchors from '../vectors/uuid_nanoid_anchors.json';

/** The public functions, called with whatever a caller (or a settings file) might pass. */
const generate = generateKey as unknown as (options: unknown) => GeneratedKey;
const generator = keyGenerator as unknown as (options: unknown) => KeyGenerator;

const UUID_STRICT = new RegExp(anchors.uuid_v4.regex_output_strict);
const NANOID_DEFAULT = new RegExp(anchors.nanoid.expected_output_regex_default);
/** nanoid's default alphabet as its source spells it (A–Z a–z 0–9 _ -, in gzip-friendly order). */
const NANOID_ALPHABET = anchors.nanoid.default_alphabet;
const HEX_DIGITS = '0123456789abcdef';

function expectError(run: () => unknown, code: string, field: string | undefined): KeysmithError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof KeysmithError, `expected KeysmithError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.field, field, caught.message);
  return caught;
}

// ---------------------------------------------------------------------------------------------
// Chi-square goodness of fit against the uniform distribution.
//
// Critical values at significance p = 1e-6 (upper tail), from SciPy 1.17.1:
//   python3 -c "from scipy.stats import chi2; print([chi2.isf(1e-6, df) for df in (3, 9, 15, 63)])"
// They are re-checked below with an independent upper-tail computation (regularized incomplete
// gamma function), so a typo in the table fails a test instead of silently weakening it.
// At p = 1e-6 per test and well under 200 tests in this file, a correct generator fails a run
// less than once in 5,000 runs; the sample sizes are fixed, so the power is too (see the
// modulo-bias check, which a biased generator fails by a wide margin).
// ---------------------------------------------------------------------------------------------
const CHI2_CRITICAL_P1E6: Record<number, number> = {
  3: 30.664849706213598,
  9: 44.81093787068782,
  15: 56.49344249977338,
  63: 131.36970205168686,
};

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Upper tail P(X > x) of a chi-square distribution with df degrees of freedom (Q(df/2, x/2)). */
function chiSquareUpperTail(x: number, df: number): number {
  const a = df / 2;
  const z = x / 2;
  const front = Math.exp(-z + a * Math.log(z) - logGamma(a));
  if (z < a + 1) {
    // Series for the lower tail P, then Q = 1 - P.
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= z / (a + n);
      sum += term;
      if (term < sum * 1e-16) break;
    }
    return 1 - front * sum;
  }
  // Continued fraction for Q (modified Lentz).
  const tiny = 1e-300;
  let b = z + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return front * h;
}

/** Pearson's statistic of observed counts against equal expected counts. */
function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((sum, n) => sum + n, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
}

/**
 * Asserts that counts over `alphabet` look uniform: every symbol seen, none outside, and the
 * chi-square statistic below the p = 1e-6 critical value.
 */
function assertUniform(counts: Map<string, number>, alphabet: string, what: string): void {
  for (const symbol of counts.keys()) {
    assert.ok(alphabet.includes(symbol), `${what}: symbol ${JSON.stringify(symbol)} is outside the alphabet`);
  }
  const observed = [...alphabet].map((symbol) => counts.get(symbol) ?? 0);
  const df = alphabet.length - 1;
  const critical = CHI2_CRITICAL_P1E6[df];
  assert.ok(critical !== undefined, `no critical value for df ${df}`);
  const statistic = chiSquare(observed);
  assert.ok(
    statistic < critical,
    `${what}: chi-square ${statistic.toFixed(2)} >= ${critical.toFixed(2)} (df ${df}, p = 1e-6); counts ${observed.join(' ')}`,
  );
}

function countInto(counts: Map<string, number>, symbol: string): void {
  counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
}

/** Counts per position and over all positions of many generated keys. */
function tally(keys: readonly string[], positions: readonly number[]) {
  const pooled = new Map<string, number>();
  const perPosition = positions.map(() => new Map<string, number>());
  for (const key of keys) {
    positions.forEach((position, i) => {
      const symbol = key[position]!;
      countInto(pooled, symbol);
      countInto(perPosition[i]!, symbol);
    });
  }
  return { pooled, perPosition };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function many(options: unknown, count: number): string[] {
  const next = generator(options);
  return Array.from({ length: count }, () => next.next());
}

describe('generateKey', () => {
  describe('result object', () => {
    for (const type of ['api-key', 'uuid-v4', 'nanoid', 'secret']) {
      it(`${type}: exactly the fields key, type, entropy_bits, with the requested type`, () => {
        const result = generate({ type });
        assert.deepEqual(Object.keys(result).sort(), ['entropy_bits', 'key', 'type']);
        assert.equal(result.type, type);
        assert.equal(typeof result.key, 'string');
        assert.equal(typeof result.entropy_bits, 'number');
      });
    }

    it('two calls give two different keys', () => {
      for (const type of ['api-key', 'uuid-v4', 'nanoid', 'secret']) {
        assert.notEqual(generate({ type }).key, generate({ type }).key, type);
      }
    });
  });

  describe('api-key', () => {
    it('is <prefix>_ followed by 64 lowercase hex characters', () => {
      for (let i = 0; i < 200; i++) {
        assert.match(generate({ type: 'api-key', prefix: 'tk' }).key, /^tk_[0-9a-f]{64}$/);
      }
    });

    it('keeps a prefix that itself contains _ and -, and accepts 32 characters', () => {
      assert.match(generate({ type: 'api-key', prefix: 'my_app-2' }).key, /^my_app-2_[0-9a-f]{64}$/);
      const long = 'A'.repeat(31) + '9';
      assert.match(generate({ type: 'api-key', prefix: long }).key, new RegExp(`^${long}_[0-9a-f]{64}$`));
      assert.match(generate({ type: 'api-key', prefix: 'x' }).key, /^x_[0-9a-f]{64}$/);
    });

    it('has a valid default prefix when none is given', () => {
      assert.match(generate({ type: 'api-key' }).key, /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}_[0-9a-f]{64}$/);
    });

    it('entropy_bits is 256 (32 random bytes), as in the reference API', () => {
      assert.equal(generate({ type: 'api-key', prefix: 'tk' }).entropy_bits, 256);
    });

    it('random part is uniform over the 16 hex digits, per position class (high and low nibbles)', () => {
      const keys = many({ type: 'api-key', prefix: 'p' }, 6000).map((key) => key.slice(2));
      const high = tally(
        keys,
        range(64).filter((i) => i % 2 === 0),
      );
      const low = tally(
        keys,
        range(64).filter((i) => i % 2 === 1),
      );
      assertUniform(high.pooled, HEX_DIGITS, 'high nibbles');
      assertUniform(low.pooled, HEX_DIGITS, 'low nibbles');
    });
  });

  describe('uuid-v4', () => {
    it('matches the strict RFC 9562 output regex (lowercase 8-4-4-4-12, version 4, variant 10)', () => {
      for (let i = 0; i < 1000; i++) assert.match(generate({ type: 'uuid-v4' }).key, UUID_STRICT);
    });

    it('the strict regex itself rejects every must_reject example of the anchors file', () => {
      // Guards the regex the other tests rely on.
      for (const example of anchors.uuid_v4.must_reject) {
        assert.doesNotMatch(example.split(' ')[0]!, UUID_STRICT, example);
      }
      assert.match(anchors.uuid_v4.known_answer.expected, UUID_STRICT);
    });

    it('has version nibble 0100 in octet 6 and variant bits 10 in octet 8 (checked on the bytes)', () => {
      for (let i = 0; i < 1000; i++) {
        const bytes = Buffer.from(generate({ type: 'uuid-v4' }).key.replaceAll('-', ''), 'hex');
        assert.equal(bytes.length, 16);
        assert.equal(bytes[6]! >> 4, 0b0100, `octet 6 = ${bytes[6]!.toString(16)}`);
        assert.equal(bytes[8]! >> 6, 0b10, `octet 8 = ${bytes[8]!.toString(16)}`);
      }
    });

    it('entropy_bits is 122 (128 less 4 version and 2 variant bits)', () => {
      assert.equal(generate({ type: 'uuid-v4' }).entropy_bits, anchors.uuid_v4.random_bits);
      assert.equal(generate({ type: 'uuid-v4' }).entropy_bits, 122);
    });

    describe('uniform random hex digits (20,000 UUIDs)', () => {
      let hexDigits: string[];
      before(() => {
        hexDigits = many({ type: 'uuid-v4' }, 20_000).map((uuid) => uuid.replaceAll('-', ''));
      });
      // Digit 12 is the version (fixed 4); digit 16 carries the variant in its top two bits.
      const randomPositions = range(32).filter((i) => i !== 12 && i !== 16);

      it('the 30 fully random digits, pooled', () => {
        assertUniform(tally(hexDigits, randomPositions).pooled, HEX_DIGITS, 'uuid random digits');
      });

      it('each of the 30 fully random digit positions', () => {
        const { perPosition } = tally(hexDigits, randomPositions);
        perPosition.forEach((counts, i) =>
          assertUniform(counts, HEX_DIGITS, `uuid digit ${randomPositions[i]}`),
        );
      });

      it('the variant digit: uniform over 8, 9, a, b (its two random bits)', () => {
        assertUniform(tally(hexDigits, [16]).pooled, '89ab', 'uuid variant digit');
      });

      it('the version digit is always 4', () => {
        assert.deepEqual([...tally(hexDigits, [12]).pooled.keys()], ['4']);
      });
    });

    it('no collision in 200,000 UUIDs', () => {
      const seen = new Set<string>();
      for (let i = 0; i < 200_000; i++) seen.add(generate({ type: 'uuid-v4' }).key);
      assert.equal(seen.size, 200_000);
    });
  });

  describe('nanoid', () => {
    it('defaults to 21 characters of A-Z a-z 0-9 _ -', () => {
      for (let i = 0; i < 1000; i++) {
        const { key } = generate({ type: 'nanoid' });
        assert.equal(key.length, anchors.nanoid.default_size);
        assert.match(key, NANOID_DEFAULT);
      }
    });

    it('the anchors alphabet is exactly A-Z a-z 0-9 _ - (64 distinct symbols)', () => {
      // Guards the alphabet the uniformity test counts over.
      assert.equal(new Set(NANOID_ALPHABET).size, 64);
      assert.equal(
        [...NANOID_ALPHABET].sort().join(''),
        '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz',
      );
    });

    it('entropy_bits: 21 characters → 126 (21 × log2 64), 10 → 60', () => {
      assert.equal(generate({ type: 'nanoid' }).entropy_bits, anchors.nanoid.default_entropy_bits);
      assert.equal(generate({ type: 'nanoid', length: 21 }).entropy_bits, 126);
      assert.equal(generate({ type: 'nanoid', length: 10 }).entropy_bits, 60);
    });

    it('honours length, at the bounds 2 and 256 too', () => {
      for (const length of [2, 3, 12, 64, 255, 256]) {
        const { key } = generate({ type: 'nanoid', length });
        assert.equal(key.length, length);
        assert.match(key, /^[A-Za-z0-9_-]+$/);
      }
    });

    describe('uniform over the default alphabet (20,000 ids of 21)', () => {
      let ids: string[];
      before(() => {
        ids = many({ type: 'nanoid' }, 20_000);
      });

      it('all 21 positions pooled', () => {
        assertUniform(tally(ids, range(21)).pooled, NANOID_ALPHABET, 'nanoid');
      });

      it('each of the 21 positions', () => {
        tally(ids, range(21)).perPosition.forEach((counts, i) =>
          assertUniform(counts, NANOID_ALPHABET, `nanoid position ${i}`),
        );
      });
    });

    describe("custom alphabet 'abcdefghij' (10 symbols: the modulo-bias case)", () => {
      const ALPHABET = 'abcdefghij';
      let ids: string[];
      before(() => {
        ids = many({ type: 'nanoid', alphabet: ALPHABET }, 20_000);
      });

      it('uses only the given symbols', () => {
        for (const id of ids.slice(0, 1000)) assert.match(id, /^[a-j]{21}$/);
      });

      it('all positions pooled (420,000 characters)', () => {
        assertUniform(tally(ids, range(21)).pooled, ALPHABET, 'custom alphabet');
      });

      it('each of the 21 positions', () => {
        tally(ids, range(21)).perPosition.forEach((counts, i) =>
          assertUniform(counts, ALPHABET, `custom alphabet position ${i}`),
        );
      });

      it('the same test rejects a byte % 10 generator (it has the power to see modulo bias)', () => {
        // 256 % 10 = 6: digits 0-5 come up 26/256 of the time, 6-9 only 25/256.
        const biased = randomBytes(420_000);
        const counts = new Map<string, number>();
        for (const byte of biased) countInto(counts, ALPHABET[byte % 10]!);
        assert.throws(() => assertUniform(counts, ALPHABET, 'byte % 10'), /chi-square/);
      });
    });

    it('entropy_bits with a custom alphabet is length × log2(alphabet size)', () => {
      const cases: Array<[string, number]> = [
        ['abcdefghij', 21],
        ['01', 100],
        ['abc', 7],
        [Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)).join(''), 20],
      ];
      for (const [alphabet, length] of cases) {
        const { entropy_bits, key } = generate({ type: 'nanoid', alphabet, length });
        assert.equal(key.length, length);
        const exact = length * Math.log2(alphabet.length);
        assert.ok(Math.abs(entropy_bits - exact) < 0.01, `${alphabet.length}: ${entropy_bits} vs ${exact}`);
      }
    });

    it('accepts all 94 printable ASCII characters as an alphabet, and uses only them', () => {
      const alphabet = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
      const { key } = generate({ type: 'nanoid', alphabet, length: 256 });
      assert.match(key, /^[\x21-\x7e]{256}$/);
    });

    it('no collision in 200,000 nanoids', () => {
      const seen = new Set<string>();
      for (let i = 0; i < 200_000; i++) seen.add(generate({ type: 'nanoid' }).key);
      assert.equal(seen.size, 200_000);
    });
  });

  describe('secret', () => {
    it('defaults to 64 lowercase hex characters, 256 bits', () => {
      const result = generate({ type: 'secret' });
      assert.match(result.key, /^[0-9a-f]{64}$/);
      assert.equal(result.entropy_bits, 256);
      assert.equal(generate({ type: 'secret', length: 64 }).entropy_bits, 256);
    });

    it('gives exactly `length` hex characters, odd lengths and the bounds included', () => {
      for (const length of [8, 9, 15, 33, 63, 64, 65, 1023, 1024]) {
        const { key, entropy_bits } = generate({ type: 'secret', length });
        assert.equal(key.length, length, `length ${length}`);
        assert.match(key, /^[0-9a-f]+$/);
        assert.equal(entropy_bits, 4 * length, `entropy for ${length}`);
      }
    });

    describe('uniform hex digits (10,000 secrets of odd length 33)', () => {
      let secrets: string[];
      before(() => {
        secrets = many({ type: 'secret', length: 33 }, 10_000);
      });

      it('high-nibble positions (even, including the odd last one) and low-nibble positions', () => {
        const even = range(33).filter((i) => i % 2 === 0);
        const odd = range(33).filter((i) => i % 2 === 1);
        assertUniform(tally(secrets, even).pooled, HEX_DIGITS, 'secret high nibbles');
        assertUniform(tally(secrets, odd).pooled, HEX_DIGITS, 'secret low nibbles');
      });

      it('each of the 33 positions, the last (a half byte) included', () => {
        tally(secrets, range(33)).perPosition.forEach((counts, i) =>
          assertUniform(counts, HEX_DIGITS, `secret position ${i}`),
        );
      });
    });
  });

  describe('keyGenerator', () => {
    it('produces distinct values and reports the same type and entropy as generateKey', () => {
      const cases: unknown[] = [
        { type: 'api-key', prefix: 'k' },
        { type: 'uuid-v4' },
        { type: 'nanoid', length: 8 },
        { type: 'nanoid', alphabet: 'abcdefghij', length: 12 },
        { type: 'secret', length: 12 },
      ];
      for (const options of cases) {
        const next = generator(options);
        const values = Array.from({ length: 5000 }, () => next.next());
        assert.equal(new Set(values).size, values.length, JSON.stringify(options));
        const single = generate(options);
        assert.equal(next.type, single.type);
        assert.equal(next.entropyBits, single.entropy_bits);
        assert.equal(values[0]!.length, single.key.length);
      }
    });

    it('validates the options when created, not on next()', () => {
      expectError(() => generator({ type: 'nanoid', length: 1 }), 'INVALID_LENGTH', 'length');
      expectError(() => generator({ type: 'api-key', prefix: '' }), 'INVALID_PREFIX', 'prefix');
    });
  });

  describe('rejects bad input with a code and the field', () => {
    it('non-object options → INVALID_ARGUMENT', () => {
      for (const options of [undefined, null, 'nanoid', 42, true, ['nanoid'], () => 'nanoid']) {
        expectError(() => generate(options), 'INVALID_ARGUMENT', undefined);
      }
    });

    it('missing or unknown type → INVALID_TYPE', () => {
      for (const type of [
        undefined,
        null,
        '',
        'uuid',
        'uuid-v7',
        'API-KEY',
        'Nanoid',
        'hex',
        4,
        ['nanoid'],
      ]) {
        expectError(() => generate({ type }), 'INVALID_TYPE', 'type');
      }
      expectError(() => generate({}), 'INVALID_TYPE', 'type');
    });

    it('options that do not apply to the type → INVALID_ARGUMENT naming the option', () => {
      const cases: Array<[unknown, string]> = [
        [{ type: 'uuid-v4', length: 36 }, 'length'],
        [{ type: 'uuid-v4', prefix: 'x' }, 'prefix'],
        [{ type: 'uuid-v4', alphabet: 'abc' }, 'alphabet'],
        [{ type: 'nanoid', prefix: 'tk' }, 'prefix'],
        [{ type: 'secret', alphabet: '0123456789abcdef' }, 'alphabet'],
        [{ type: 'secret', prefix: 'tk' }, 'prefix'],
        [{ type: 'api-key', length: 64 }, 'length'],
        [{ type: 'api-key', alphabet: 'abc' }, 'alphabet'],
        [{ type: 'nanoid', size: 21 }, 'size'],
        [{ type: 'secret', lenght: 32 }, 'lenght'],
      ];
      for (const [options, field] of cases) expectError(() => generate(options), 'INVALID_ARGUMENT', field);
    });

    it('bad prefix → INVALID_PREFIX', () => {
      const bad: unknown[] = [
        '',
        'A'.repeat(33),
        '_tk',
        '-tk',
        'tk!',
        'tk.live',
        'my key',
        'tk/x',
        'tk\n',
        'tk\u0000',
        'clé',
        'tk😀',
        42,
        ['tk'],
      ];
      for (const prefix of bad) {
        expectError(() => generate({ type: 'api-key', prefix }), 'INVALID_PREFIX', 'prefix');
      }
    });

    it('prefix: null is refused like length: null and alphabet: null, not replaced by the default', () => {
      // null is a value, not an omitted option: length: null and alphabet: null are refused.
      expectError(() => generate({ type: 'nanoid', length: null }), 'INVALID_LENGTH', 'length');
      expectError(() => generate({ type: 'nanoid', alphabet: null }), 'INVALID_ALPHABET', 'alphabet');
      expectError(() => generate({ type: 'api-key', prefix: null }), 'INVALID_PREFIX', 'prefix');
    });

    it('nanoid length out of bounds or not a whole number → INVALID_LENGTH', () => {
      const bad: unknown[] = [
        0,
        1,
        257,
        1000,
        -21,
        21.5,
        1e-9,
        NaN,
        Infinity,
        -Infinity,
        '21',
        null,
        21n,
        [21],
      ];
      for (const length of bad) {
        expectError(() => generate({ type: 'nanoid', length }), 'INVALID_LENGTH', 'length');
      }
    });

    it('secret length out of bounds or not a whole number → INVALID_LENGTH', () => {
      const bad: unknown[] = [0, 7, 1025, 1e6, -64, 64.5, NaN, Infinity, '64', null, true];
      for (const length of bad) {
        expectError(() => generate({ type: 'secret', length }), 'INVALID_LENGTH', 'length');
      }
    });

    it('bad alphabet → INVALID_ALPHABET', () => {
      const allPrintable = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
      const bad: unknown[] = [
        '', // too short
        'a', // too short
        allPrintable + 'a', // 95: too long
        'x'.repeat(200), // too long
        'aa', // duplicate
        'abcdefghia', // duplicate
        'ab c', // space
        'ab\tc', // control character
        'abcé', // non-ASCII
        'ab😀', // non-BMP
        'ab\u00a0', // no-break space
        ['a', 'b'],
        42,
        null,
      ];
      for (const alphabet of bad) {
        expectError(() => generate({ type: 'nanoid', alphabet }), 'INVALID_ALPHABET', 'alphabet');
      }
    });

    it('error messages do not echo the rejected value', () => {
      const error = expectError(
        () => generate({ type: 'api-key', prefix: 'SECRETPREFIX!' }),
        'INVALID_PREFIX',
        'prefix',
      );
      assert.ok(!error.message.includes('SECRETPREFIX'), error.message);
    });
  });

  describe('test helpers', () => {
    it('each hardcoded chi-square critical value has an upper tail of 1e-6 (independent computation)', () => {
      for (const [df, critical] of Object.entries(CHI2_CRITICAL_P1E6)) {
        const tail = chiSquareUpperTail(critical, Number(df));
        assert.ok(Math.abs(tail - 1e-6) < 1e-9, `df ${df}: P(X > ${critical}) = ${tail}`);
      }
      // And the tail function on known points: the median of chi2(1) is 0.45494, P(chi2(2) > x) = e^(-x/2).
      assert.ok(Math.abs(chiSquareUpperTail(0.454936423119572, 1) - 0.5) < 1e-9);
      assert.ok(Math.abs(chiSquareUpperTail(10, 2) - Math.exp(-5)) < 1e-12);
    });
  });
});

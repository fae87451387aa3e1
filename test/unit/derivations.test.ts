/**
 * How many password derivations a batch costs: counted on the real crypto.pbkdf2 (wrapped, still
 * called), since the core looks it up on the module at each call.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { decryptBatch, encrypt, encryptBatch } from '../../src/core';

describe('password derivations per batch', () => {
  const real = crypto.pbkdf2;
  let calls: number[] = [];
  before(() => {
    (crypto as { pbkdf2: unknown }).pbkdf2 = (...args: Parameters<typeof real>) => {
      calls.push(args[2] as number);
      return (real as (...a: unknown[]) => void)(...args);
    };
  });
  after(() => {
    (crypto as { pbkdf2: unknown }).pbkdf2 = real;
  });
  beforeEach(() => (calls = []));

  it('encryptBatch derives once for the whole batch', async () => {
    const envelopes = await encryptBatch({
      plaintexts: ['a', 'b', 'c', 'd'],
      password: 'pw',
      iterations: 1000,
    });
    assert.equal(envelopes.length, 4);
    assert.deepEqual(calls, [1000]);
  });

  it('decryptBatch derives once per distinct (salt, iterations), not once per envelope', async () => {
    const first = await encryptBatch({ plaintexts: ['a', 'b'], password: 'pw', iterations: 1000 });
    const second = await encryptBatch({ plaintexts: ['c', 'd'], password: 'pw', iterations: 1001 });
    calls = [];
    const results = await decryptBatch({
      envelopes: [first[0]!, second[0]!, first[1]!, second[1]!],
      password: 'pw',
    });
    assert.deepEqual(
      results.map((r) => r.plaintext),
      ['a', 'c', 'b', 'd'],
    );
    assert.deepEqual([...calls].sort(), [1000, 1001]);
  });

  it('an empty batch derives nothing', async () => {
    assert.deepEqual(await encryptBatch({ plaintexts: [], password: 'pw' }), []);
    assert.deepEqual(await decryptBatch({ envelopes: [], password: 'pw' }), []);
    assert.deepEqual(calls, []);
  });

  it('a key never derives', async () => {
    await encrypt({ plaintext: 'x', key: '22'.repeat(32) });
    assert.deepEqual(calls, []);
  });
});

/**
 * openEnvelopes in the real host, with the extension's own key store (SecretStorage): the kid's
 * stored key, the fallback when that key no longer fits, an argument (no prompt, no fallback),
 * cancelling, and how many password derivations a set of envelopes costs. The user is replaced by
 * scripted answers to the real quick pick and input box (restored after each test).
 */
import assert from 'node:assert/strict';
import crypto, { randomBytes } from 'node:crypto';
import { encrypt, encryptBatch, isKeysmithError, type Envelope } from '../../src/core';
import { EditorError } from '../../src/editor/errors';
import type { KeyStore } from '../../src/editor/keyStore';
import { openEnvelopes } from '../../src/editor/openEnvelopes';
import { keysmithKeyStore, scriptPrompts } from './helpers';

const K1 = randomBytes(32).toString('hex');
const K2 = randomBytes(32).toString('hex');
const NAME = 'it-open-prod';
const COMMAND = 'keysmith.test';

interface Asked {
  kind: 'pick' | 'input';
  title?: string;
  labels?: string[];
}

describe('openEnvelopes', () => {
  let keys: KeyStore;
  let asked: Asked[] = [];
  const restores: (() => void)[] = [];

  /** Answers quick picks by a label that starts with the given text, input boxes with the texts. */
  function answer(picks: (string | undefined)[], inputs: (string | undefined)[]): void {
    restores.push(...scriptPrompts(asked, picks, inputs, { validate: true }));
  }

  before(async () => {
    keys = await keysmithKeyStore();
    await keys.store(NAME, K1);
  });
  after(async () => {
    await keys.remove(NAME);
  });
  beforeEach(() => (asked = []));
  afterEach(() => {
    while (restores.length > 0) restores.pop()!();
  });

  it('an envelope whose kid names a stored key is opened with it, without a prompt', async () => {
    answer([], []);
    const envelope = await encrypt({ plaintext: 'from prod', key: K1, kid: NAME });
    const opened = await openEnvelopes(keys, [envelope], { command: COMMAND });
    assert.deepEqual(opened?.plaintexts, ['from prod']);
    assert.deepEqual(opened?.secrets, [{ key: K1, keyName: NAME }]);
    assert.deepEqual(asked, []);
  });

  it('a stored key that no longer fits offers another key, for exactly the envelopes it failed', async () => {
    answer(['Enter another key'], [K2]);
    const fits = await encrypt({ plaintext: 'still K1', key: K1, kid: NAME });
    const rotated = await encrypt({ plaintext: 'made under K2', key: K2, kid: NAME });
    const opened = await openEnvelopes(keys, [fits, rotated], { command: COMMAND });
    assert.deepEqual(opened?.plaintexts, ['still K1', 'made under K2']);
    assert.equal((opened!.secrets[0] as { keyName?: string }).keyName, NAME);
    assert.deepEqual(opened!.secrets[1], { key: K2 });
    assert.equal(asked.length, 2, 'one quick pick, one input box');
    assert.equal(asked[0]!.kind, 'pick');
    assert.match(asked[0]!.title!, new RegExp(`"${NAME}" does not open this envelope`));
    assert.equal(asked[1]!.kind, 'input');
  });

  it('the fallback key must open them: a wrong one is DECRYPT_FAILED for that envelope', async () => {
    answer(['Enter another key'], [randomBytes(32).toString('hex')]);
    const fits = await encrypt({ plaintext: 'a', key: K1, kid: NAME });
    const rotated = await encrypt({ plaintext: 'b', key: K2, kid: NAME });
    await assert.rejects(
      openEnvelopes(keys, [fits, rotated], { command: COMMAND }),
      (error: unknown) => isKeysmithError(error) && error.code === 'DECRYPT_FAILED' && error.index === 1,
    );
  });

  it('with an argument the stored key is used as given: DECRYPT_FAILED, no prompt, no fallback', async () => {
    answer([], []);
    const rotated = await encrypt({ plaintext: 'made under K2', key: K2, kid: NAME });
    for (const given of [{ keyName: NAME }, { key: K1 }]) {
      await assert.rejects(
        openEnvelopes(keys, [rotated], { command: COMMAND, given }),
        (error: unknown) =>
          isKeysmithError(error) && error.code === 'DECRYPT_FAILED' && error.index === undefined,
      );
    }
    const opened = await openEnvelopes(keys, [rotated], { command: COMMAND, given: { key: K2 } });
    assert.deepEqual(opened?.plaintexts, ['made under K2']);
    assert.deepEqual(asked, []);
  });

  it('a bad argument is refused by name before anything is opened', async () => {
    answer([], []);
    const envelope = await encrypt({ plaintext: 'x', key: K1 });
    await assert.rejects(
      openEnvelopes(keys, [envelope], { command: COMMAND, given: { key: 'short' } }),
      (error: unknown) => error instanceof Error && (error as EditorError).code === 'INVALID_KEY',
    );
    assert.deepEqual(asked, []);
  });

  it('cancelling the fallback or a prompt resolves undefined', async () => {
    const rotated = await encrypt({ plaintext: 'made under K2', key: K2, kid: NAME });
    answer([undefined], []);
    assert.equal(await openEnvelopes(keys, [rotated], { command: COMMAND }), undefined);
    assert.equal(asked.length, 1);

    const unnamed = await encrypt({ plaintext: 'no kid', key: K2 });
    answer([undefined], []);
    assert.equal(await openEnvelopes(keys, [unnamed], { command: COMMAND }), undefined);
  });

  describe('password derivations', () => {
    const real = crypto.pbkdf2;
    let derivations = 0;
    before(() => {
      (crypto as { pbkdf2: unknown }).pbkdf2 = (...args: unknown[]) => {
        derivations++;
        return (real as (...a: unknown[]) => void)(...args);
      };
    });
    after(() => {
      (crypto as { pbkdf2: unknown }).pbkdf2 = real;
    });

    async function made(): Promise<Envelope[]> {
      const shared = await encryptBatch({ plaintexts: ['a', 'b', 'c'], password: 'pw', iterations: 1000 });
      const other = await encrypt({ plaintext: 'd', password: 'pw', iterations: 1000 });
      return [shared[0]!, other, shared[1]!, shared[2]!];
    }

    it('the password is asked once and derived once per distinct (salt, iterations)', async () => {
      const envelopes = await made();
      answer([], ['pw']);
      derivations = 0;
      const opened = await openEnvelopes(keys, envelopes, { command: COMMAND });
      assert.deepEqual(opened?.plaintexts, ['a', 'd', 'b', 'c']);
      assert.equal(derivations, 2);
      assert.deepEqual(
        asked.map((a) => a.kind),
        ['input'],
      );
    });

    it('askAgain: a second password for what the first did not open; one that opens none is refused', async () => {
      const shared = await encryptBatch({ plaintexts: ['a', 'b'], password: 'first', iterations: 1000 });
      const other = await encrypt({ plaintext: 'c', password: 'second', iterations: 1000 });
      answer([], ['first', 'second']);
      derivations = 0;
      const opened = await openEnvelopes(keys, [shared[0]!, other, shared[1]!], {
        command: COMMAND,
        askAgain: true,
      });
      assert.deepEqual(opened?.plaintexts, ['a', 'c', 'b']);
      assert.deepEqual(opened!.secrets, [
        { password: 'first' },
        { password: 'second' },
        { password: 'first' },
      ]);
      assert.equal(derivations, 3, 'first: two salts; second: the one salt still closed');

      answer([], ['first', 'wrong']);
      await assert.rejects(
        openEnvelopes(keys, [shared[0]!, other], { command: COMMAND, askAgain: true }),
        (error: unknown) =>
          error instanceof EditorError &&
          error.code === 'INVALID_PASSWORD' &&
          /opens none of the 1 password envelopes/.test(error.message),
      );
    });
  });
});

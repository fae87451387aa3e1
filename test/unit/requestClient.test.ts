/**
 * The sidebar webview's request client (src/webview/client.ts), in plain Node: request ids are
 * unique across page loads, every id passes the host's validator, and a reply the page did not
 * ask for — above all a slow reply to a request of an earlier load — settles nothing.
 */
import assert from 'node:assert/strict';
import { parseFromWebview, type ReplyMessage, type RequestMessage } from '../../src/protocol';
import { RequestClient, type Outcome } from '../../src/webview/client';

/** One page load: its client and what it posted to the host. */
function pageLoad(drawPrefix?: () => number) {
  const posted: RequestMessage[] = [];
  const client = new RequestClient((message) => posted.push(message), drawPrefix);
  return { client, posted };
}

/** The host's answer to a decryptText request. */
function plaintextReply(requestId: number, plaintext: string): ReplyMessage {
  return { type: 'result', requestId, request: 'decryptText', result: { plaintext, warnings: [] } };
}

/** Whether a promise has settled by the time the microtasks queued now have run. */
async function settled<T>(promise: Promise<T>): Promise<{ done: boolean; value?: T }> {
  const pending = Symbol('pending');
  const value = await Promise.race([
    promise,
    new Promise<typeof pending>((r) => setImmediate(() => r(pending))),
  ]);
  return value === pending ? { done: false } : { done: true, value: value as T };
}

const DECRYPT = { envelope: '{"v":1}', source: { kind: 'password', password: 'pw' } } as const;

describe('webview request client', () => {
  it('a slow reply to the previous page load does not settle the new page’s request', async () => {
    // Load 1 asks for a (slow, PBKDF2) decryption, then the view is hidden and shown: load 2.
    const first = pageLoad();
    void first.client.send('decryptText', DECRYPT);
    const second = pageLoad();
    const asked = second.client.send('decryptText', DECRYPT);
    const oldId = first.posted[0]!.requestId;
    const newId = second.posted[0]!.requestId;
    assert.notEqual(oldId, newId, 'each load numbers its requests apart from the others');

    // The host answers load 1's request; the webview now is load 2.
    second.client.settle(plaintextReply(oldId, 'the answer to another question'));
    assert.equal((await settled(asked)).done, false, 'the stale reply is dropped');

    second.client.settle(plaintextReply(newId, 'hunter2'));
    const outcome = await settled(asked);
    assert.deepEqual(outcome.value, {
      ok: true,
      result: { plaintext: 'hunter2', warnings: [] },
    } satisfies Outcome<'decryptText'>);
  });

  it('ids are safe non-negative integers the host accepts, distinct within a load', () => {
    for (const prefix of [0, 1, 0xffffffff, 123456789]) {
      const { client, posted } = pageLoad(() => prefix);
      for (let i = 0; i < 5; i++) void client.send('copy', { text: 'x' });
      const ids = posted.map((message) => message.requestId);
      assert.equal(new Set(ids).size, ids.length);
      for (const message of posted) {
        assert.ok(Number.isSafeInteger(message.requestId) && message.requestId >= 0, `${message.requestId}`);
        assert.deepEqual(parseFromWebview(message), message, 'the host’s validator lets it through');
      }
    }
  });

  it('a thousand page loads never share an id (the prefix comes from the CSPRNG)', () => {
    const ids = new Set<number>();
    for (let load = 0; load < 1000; load++) {
      const { client, posted } = pageLoad();
      void client.send('copy', { text: 'x' });
      void client.send('copy', { text: 'y' });
      for (const message of posted) ids.add(message.requestId);
    }
    assert.equal(ids.size, 2000);
  });

  it('a reply of another request type, or to an id it never sent, settles nothing', async () => {
    const { client, posted } = pageLoad(() => 7);
    const asked = client.send('decryptText', DECRYPT);
    const id = posted[0]!.requestId;
    client.settle({ type: 'result', requestId: id, request: 'copy', result: { message: 'Copied.' } });
    client.settle(plaintextReply(id + 1, 'nope'));
    client.settle(plaintextReply(1, 'nope'));
    assert.equal((await settled(asked)).done, false);
    client.settle({
      type: 'error',
      requestId: id,
      request: 'decryptText',
      error: { code: 'DECRYPT_FAILED', message: 'Could not decrypt.' },
    });
    assert.deepEqual((await settled(asked)).value, {
      ok: false,
      error: { code: 'DECRYPT_FAILED', message: 'Could not decrypt.' },
    });
  });
});

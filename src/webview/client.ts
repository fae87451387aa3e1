/**
 * Requests to the host: each gets an id no other page load uses, and the promise settles with the
 * reply carrying that id — a result or an error — checked to answer the request that was sent.
 *
 * Why ids must differ across loads: the page is reloaded whenever the view is hidden and shown
 * again, while the host keeps working on what the old page asked (a password derivation takes a
 * while). Its reply then reaches the new page. With ids counted from 1 on every load, that stale
 * reply would settle the new page's request of the same number with an answer to another
 * question. So every load draws a random 32-bit prefix (from the browser's CSPRNG, like every
 * other random number in Keysmith) and counts below it; a reply whose id this page did not hand
 * out is dropped. Plain pure code, no DOM: the unit tests run it in Node.
 */
import type { ReplyError, ReplyMessage, RequestMessage, RequestType, Results } from '../protocol';

export type Outcome<K extends RequestType> =
  { ok: true; result: Results[K] } | { ok: false; error: ReplyError };

type Params<K extends RequestType> = Omit<Extract<RequestMessage, { type: K }>, 'type' | 'requestId'>;

interface Pending {
  type: RequestType;
  settle(outcome: Outcome<RequestType>): void;
}

/**
 * Ids are `prefix × 2^21 + counter`: a 32-bit prefix and a 21-bit counter fill exactly the 53 bits
 * of a safe integer, which is what the protocol's `requestId` is (a number the host validates).
 * Two loads share a prefix with probability 2^-32; a page that sends 2^21 requests draws anew.
 */
const COUNTER_BITS = 21;
const COUNTER_LIMIT = 2 ** COUNTER_BITS;

/** 32 random bits from the Web Crypto API (the webview's browser, or Node in the unit tests). */
export function randomPrefix(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

export class RequestClient {
  private prefix: number;
  private counter = 0;
  private readonly pending = new Map<number, Pending>();

  /** `drawPrefix` is for the tests; the page uses the CSPRNG. */
  constructor(
    private readonly post: (message: RequestMessage) => void,
    private readonly drawPrefix: () => number = randomPrefix,
  ) {
    this.prefix = drawPrefix() >>> 0;
  }

  send<K extends RequestType>(type: K, params: Params<K>): Promise<Outcome<K>> {
    const requestId = this.nextId();
    return new Promise<Outcome<K>>((resolve) => {
      this.pending.set(requestId, { type, settle: resolve as (outcome: Outcome<RequestType>) => void });
      this.post({ ...params, type, requestId } as unknown as RequestMessage);
    });
  }

  /** Settles the request a reply answers; a reply to nothing this page sent (or of another type) is dropped. */
  settle(reply: ReplyMessage): void {
    const pending = this.pending.get(reply.requestId);
    if (!pending || pending.type !== reply.request) return;
    this.pending.delete(reply.requestId);
    pending.settle(
      reply.type === 'result' ? { ok: true, result: reply.result } : { ok: false, error: reply.error },
    );
  }

  private nextId(): number {
    if (++this.counter === COUNTER_LIMIT) {
      this.prefix = this.drawPrefix() >>> 0;
      this.counter = 1;
    }
    return this.prefix * COUNTER_LIMIT + this.counter;
  }
}

/**
 * Requests to the host: each gets a fresh id, and the promise settles with the reply carrying
 * that id — a result or an error — checked to answer the request that was sent.
 */
import type { ReplyError, ReplyMessage, RequestMessage, RequestType, Results } from '../protocol';

export type Outcome<K extends RequestType> =
  { ok: true; result: Results[K] } | { ok: false; error: ReplyError };

type Params<K extends RequestType> = Omit<Extract<RequestMessage, { type: K }>, 'type' | 'requestId'>;

interface Pending {
  type: RequestType;
  settle(outcome: Outcome<RequestType>): void;
}

export class RequestClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly post: (message: RequestMessage) => void) {}

  send<K extends RequestType>(type: K, params: Params<K>): Promise<Outcome<K>> {
    const requestId = this.nextId++;
    return new Promise<Outcome<K>>((resolve) => {
      this.pending.set(requestId, { type, settle: resolve as (outcome: Outcome<RequestType>) => void });
      this.post({ ...params, type, requestId } as unknown as RequestMessage);
    });
  }

  /** Settles the request a reply answers; a reply to nothing we sent (or of another type) is ignored. */
  settle(reply: ReplyMessage): void {
    const pending = this.pending.get(reply.requestId);
    if (!pending || pending.type !== reply.request) return;
    this.pending.delete(reply.requestId);
    pending.settle(
      reply.type === 'result' ? { ok: true, result: reply.result } : { ok: false, error: reply.error },
    );
  }
}

import type { KeyStore } from '../editor/keyStore';

/** `keysmith.peekEnvelope` (stub: being written). */
export async function peekEnvelopeCommand(keys: KeyStore, args?: unknown): Promise<unknown> {
  void keys;
  void args;
  return undefined;
}

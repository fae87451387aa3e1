import type { KeyStore } from '../editor/keyStore';

/** `keysmith.editEnvelope` (stub: being written). */
export async function editEnvelopeCommand(keys: KeyStore, args?: unknown): Promise<unknown> {
  void keys;
  void args;
  return undefined;
}

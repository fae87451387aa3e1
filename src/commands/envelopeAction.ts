import type { KeyStore } from '../editor/keyStore';

/** `keysmith.envelopeAction` (stub: being written). */
export async function envelopeActionCommand(keys: KeyStore, args?: unknown): Promise<unknown> {
  void keys;
  void args;
  return undefined;
}

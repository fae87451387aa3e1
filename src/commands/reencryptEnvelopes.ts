import type { KeyStore } from '../editor/keyStore';

/** `keysmith.reencryptEnvelopes` (stub: being written). */
export async function reencryptEnvelopesCommand(keys: KeyStore, args?: unknown): Promise<unknown> {
  void keys;
  void args;
  return undefined;
}

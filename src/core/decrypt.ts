import { aesGcmOpenInPlace } from './aesGcm';
import { decodeUtf8Strict } from './encoding';
import { KeysmithError, notText, throwIfAborted } from './errors';
import { readEnvelope, type DecodedEnvelope, type Envelope } from './envelope';
import { deriveKey } from './kdf';
import { optionalSignal, rejectUnknown, requireObject, itemRunner } from './options';
import { readSecret, type Secret } from './secret';

interface DecryptCommon {
  /** The 64-hex-character key the envelope was made with (exactly one of key and password). */
  key?: string;
  password?: string;
  /** Cancels password derivations that have not finished (their results are discarded). */
  signal?: AbortSignal;
}

export interface DecryptOptions extends DecryptCommon {
  /** The envelope as JSON text or as an object. */
  envelope: string | Envelope;
}

export interface DecryptBatchOptions extends DecryptCommon {
  envelopes: readonly (string | Envelope)[];
}

/** The reference API's decrypt response. */
export interface DecryptResult {
  plaintext: string;
  algorithm: 'AES-256-GCM';
}

/** {@link decryptBytes}'s result: the plaintext's exact bytes. */
export interface DecryptBytesResult {
  plaintext: Buffer;
  algorithm: 'AES-256-GCM';
}

/**
 * Checks an envelope and decrypts it. A malformed envelope gets a specific error naming the
 * field; a wrong key or password, or any tampering, gets one opaque `DECRYPT_FAILED` and no
 * plaintext at all. An envelope that opens but holds bytes that are not strict UTF-8 gets
 * `NOT_TEXT` (the tag verified, so "could not decrypt" would be false); {@link decryptBytes}
 * returns such bytes.
 *
 * @example const { plaintext } = await decrypt({ envelope: text, key })
 */
export async function decrypt(options: DecryptOptions): Promise<DecryptResult> {
  const opts = requireObject(options, 'decrypt');
  rejectUnknown(opts, ['envelope', 'key', 'password', 'signal'], 'decrypt');
  const [bytes] = await decryptAll(opts, [opts.envelope], false);
  return asText([bytes!], false)[0]!;
}

/**
 * {@link decrypt} returning the plaintext's exact bytes, whatever they are (for binary data:
 * the CLI). The caller owns the buffer and may wipe it.
 *
 * @example const { plaintext } = await decryptBytes({ envelope: text, key }) // a Buffer
 */
export async function decryptBytes(options: DecryptOptions): Promise<DecryptBytesResult> {
  const opts = requireObject(options, 'decryptBytes');
  rejectUnknown(opts, ['envelope', 'key', 'password', 'signal'], 'decryptBytes');
  const [plaintext] = await decryptAll(opts, [opts.envelope], false);
  return { plaintext: plaintext!, algorithm: 'AES-256-GCM' };
}

/**
 * Decrypts many envelopes with one key or password, all or nothing: if any fails, the error (with
 * its `index`) is thrown and no plaintext is returned. A password is derived once per distinct
 * (salt, iterations), so a batch made by {@link encryptBatch} costs one derivation.
 */
export async function decryptBatch(options: DecryptBatchOptions): Promise<DecryptResult[]> {
  const opts = requireObject(options, 'decryptBatch');
  rejectUnknown(opts, ['envelopes', 'key', 'password', 'signal'], 'decryptBatch');
  if (!Array.isArray(opts.envelopes)) {
    throw new KeysmithError('INVALID_ARGUMENT', 'envelopes must be an array.', 'envelopes');
  }
  return asText(await decryptAll(opts, opts.envelopes, true), true);
}

/** {@link decryptBatch} returning each plaintext's exact bytes (all or nothing likewise). */
export async function decryptBatchBytes(options: DecryptBatchOptions): Promise<DecryptBytesResult[]> {
  const opts = requireObject(options, 'decryptBatchBytes');
  rejectUnknown(opts, ['envelopes', 'key', 'password', 'signal'], 'decryptBatchBytes');
  if (!Array.isArray(opts.envelopes)) {
    throw new KeysmithError('INVALID_ARGUMENT', 'envelopes must be an array.', 'envelopes');
  }
  const plaintexts = await decryptAll(opts, opts.envelopes, true);
  return plaintexts.map((plaintext) => ({ plaintext, algorithm: 'AES-256-GCM' as const }));
}

/**
 * Strict UTF-8 of every plaintext, all or nothing: bytes that are not UTF-8 throw NOT_TEXT (with
 * the item's index in a batch) and every plaintext is wiped.
 */
function asText(plaintexts: Buffer[], batch: boolean): DecryptResult[] {
  const at = itemRunner(batch);
  try {
    return plaintexts.map((bytes, index) =>
      at(index, () => {
        const plaintext = decodeUtf8Strict(bytes);
        // Authentic (the tag verified) but not UTF-8: binary data, not a failure to decrypt.
        if (plaintext === undefined) throw notText(bytes.byteLength);
        return { plaintext, algorithm: 'AES-256-GCM' as const };
      }),
    );
  } finally {
    // The strings are copies: the bytes are not needed any more, whether or not they were text.
    for (const bytes of plaintexts) bytes.fill(0);
  }
}

/** The plaintexts' bytes, all or nothing. `batch`: errors carry the failing item's `index`. */
async function decryptAll(
  opts: Record<string, unknown>,
  inputs: readonly unknown[],
  batch: boolean,
): Promise<Buffer[]> {
  const at = itemRunner(batch);
  const secret = readSecret(opts.key, opts.password);
  const signal = optionalSignal(opts.signal);
  // Every envelope is read and checked before any key is derived or anything decrypted.
  const decoded = inputs.map((input, index) => at(index, () => readEnvelope(input)));
  return openAll(decoded, secret, signal, batch);
}

/**
 * For the CLI: {@link decryptBytes} of an envelope it has already read with readEnvelope (to print
 * its warnings first), so the ciphertext is not checked and decoded a second time (~10 ms for
 * 16 MiB). The same checks in the same order; the decoded ciphertext is overwritten with the
 * plaintext, which is returned.
 */
export async function decryptReadEnvelope(
  decoded: DecodedEnvelope,
  options: { key?: string; password?: string },
): Promise<Buffer> {
  const secret = readSecret(options.key, options.password);
  const [plaintext] = await openAll([decoded], secret, undefined, false);
  return plaintext!;
}

/** Checks each envelope's mode against the secret, then decrypts them all (all or nothing). */
async function openAll(
  decoded: DecodedEnvelope[],
  secret: Secret,
  signal: AbortSignal | undefined,
  batch: boolean,
): Promise<Buffer[]> {
  const at = itemRunner(batch);
  decoded.forEach((envelope, index) => at(index, () => checkMode(envelope, secret)));

  if (decoded.length === 0) return [];
  const keys = await keysFor(decoded, secret, signal);
  const plaintexts: Buffer[] = [];
  try {
    decoded.forEach((envelope, index) => {
      const key = keys[index]!;
      // The decoded ciphertext is this call's own buffer: the plaintext is written over it.
      plaintexts.push(
        at(index, () => aesGcmOpenInPlace(key, envelope.iv, envelope.ciphertext, envelope.tag)),
      );
    });
    return plaintexts;
  } catch (error) {
    for (const bytes of plaintexts) bytes.fill(0);
    throw error;
  } finally {
    if (secret.kind === 'password') for (const key of new Set(keys)) key.fill(0);
  }
}

function checkMode(envelope: DecodedEnvelope, secret: Secret): void {
  // Which mode an envelope was made in is written in it, so saying so gives nothing away.
  if (envelope.kdf && secret.kind === 'key') {
    throw new KeysmithError(
      'KEY_OR_PASSWORD',
      'This envelope was encrypted with a password, not a key.',
      'kdf',
    );
  }
  if (!envelope.kdf && secret.kind === 'password') {
    throw new KeysmithError(
      'KEY_OR_PASSWORD',
      'This envelope was encrypted with a key, not a password.',
      'kdf',
    );
  }
}

/** One AES key per envelope; a password is derived once per distinct (salt, iterations). */
async function keysFor(decoded: DecodedEnvelope[], secret: Secret, signal?: AbortSignal): Promise<Buffer[]> {
  throwIfAborted(signal);
  if (secret.kind === 'key') return decoded.map(() => secret.key);
  const idOf = (kdf: DecodedEnvelope['kdf']) => `${kdf!.iterations}:${kdf!.salt.toString('base64')}`;
  // One derivation at a time: each checks the signal first, so cancelling stops the rest (one
  // already running cannot be interrupted), and a selection of hostile envelopes with many salts
  // cannot occupy every thread of libuv's pool, which the extension host's file I/O shares.
  const byId = new Map<string, Buffer>();
  try {
    for (const { kdf } of decoded) {
      const id = idOf(kdf);
      if (!byId.has(id)) byId.set(id, await deriveKey(secret.password, kdf!.salt, kdf!.iterations, signal));
    }
  } catch (error) {
    for (const key of byId.values()) key.fill(0);
    throw error;
  }
  return decoded.map(({ kdf }) => byId.get(idOf(kdf))!);
}

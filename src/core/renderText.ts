/**
 * Whole texts at once: every envelope opened (renderText, for `keysmith render`) or re-encrypted
 * under another key or password (rekeyTexts, for rotation), all or nothing. The batch functions
 * do the cryptography, so a password is derived once per distinct (salt, iterations) and, for the
 * new envelopes, once in all.
 */
import { decryptBatch, decryptBatchBytes } from './decrypt';
import { encryptBatch } from './encrypt';
import { KeysmithError } from './errors';
import type { Envelope } from './envelope';
import type { FoundEnvelope, OpenSecret, TextFormat } from './envelopesInText';
import { findEnvelopes } from './findEnvelopes';
import { applyChanges, Placer } from './placement';

/** The secret as decrypt's options take it (and nothing else, whatever the object carries). */
function secretOptions(secret: OpenSecret): { key: string } | { password: string } {
  if (typeof secret !== 'object' || secret === null) {
    throw new KeysmithError('KEY_OR_PASSWORD', 'Give a key or a password.');
  }
  const { key, password } = secret as { key?: unknown; password?: unknown };
  if ((key === undefined) === (password === undefined)) {
    throw new KeysmithError('KEY_OR_PASSWORD', 'Give exactly one of a key and a password.');
  }
  return key !== undefined ? { key: key as string } : { password: password as string };
}

/** `error` marked with the line it is about and, for rekeyTexts, the text's index (the batch's index dropped). */
function located(error: unknown, line: number, index?: number): unknown {
  if (!(error instanceof KeysmithError)) return error;
  return new KeysmithError(error.code, error.message, error.field, index, error.size, line);
}

/** The envelopes of a text, or the first broken one's error (with its line). */
function readable(found: readonly FoundEnvelope[], index?: number): Envelope[] {
  return found.map((item) => {
    if (item.error) throw located(item.error, item.line, index);
    return item.envelope!;
  });
}

/** @see envelopesInText.renderText */
export async function renderText(
  text: string,
  format: TextFormat,
  secret: OpenSecret,
  signal?: AbortSignal,
): Promise<string> {
  const found = findEnvelopes(text);
  if (found.length === 0) return text;
  const envelopes = readable(found);
  let plaintexts: string[];
  try {
    plaintexts = (await decryptBatch({ envelopes, ...secretOptions(secret), signal })).map(
      (r) => r.plaintext,
    );
  } catch (error) {
    const at = error instanceof KeysmithError ? error.index : undefined;
    throw at !== undefined ? located(error, found[at]!.line) : error;
  }
  const placer = new Placer(text, format);
  return applyChanges(
    text,
    found.map((item, i) => placer.plaintextChange(item, plaintexts[i]!)),
  );
}

/** @see envelopesInText.rekeyTexts */
export async function rekeyTexts(
  texts: readonly { text: string; format: TextFormat }[],
  from: OpenSecret,
  to: OpenSecret & { iterations?: number; kid?: string },
  signal?: AbortSignal,
): Promise<{ texts: string[]; count: number }> {
  if (!Array.isArray(texts)) throw new KeysmithError('INVALID_ARGUMENT', 'texts must be an array.', 'texts');
  const fromSecret = secretOptions(from);
  const toSecret = secretOptions(to);
  // Every envelope of every text, each remembered with its text and place.
  const all: { text: number; item: FoundEnvelope }[] = [];
  const founds = texts.map(({ text }, index) => {
    if (typeof text !== 'string')
      throw new KeysmithError('INVALID_ARGUMENT', 'Each text must be a string.', 'texts', index);
    const found = findEnvelopes(text);
    readable(found, index);
    for (const item of found) all.push({ text: index, item });
    return found;
  });
  if (all.length === 0) return { texts: texts.map((t) => t.text), count: 0 };

  const fail = (error: unknown): never => {
    const at = error instanceof KeysmithError ? error.index : undefined;
    if (at === undefined || !all[at]) throw error;
    throw located(error, all[at].item.line, all[at].text);
  };
  // The exact bytes, so envelopes of binary data are re-encrypted too. Wiped once sealed again.
  const opened = await decryptBatchBytes({
    envelopes: all.map(({ item }) => item.envelope!),
    ...fromSecret,
    signal,
  }).catch(fail);
  const plaintexts = opened.map((r) => r.plaintext);
  let fresh: Envelope[];
  try {
    fresh = await encryptBatch({
      plaintexts,
      ...toSecret,
      ...(to.iterations !== undefined && { iterations: to.iterations }),
      ...(to.kid !== undefined && { kid: to.kid }),
      signal,
    }).catch(fail);
  } finally {
    for (const bytes of plaintexts) bytes.fill(0);
  }

  let k = 0;
  const out = texts.map(({ text, format }, index) => {
    const placer = new Placer(text, format);
    const changes = founds[index]!.map((item) => {
      try {
        return placer.envelopeChange(item, fresh[k++]!);
      } catch (error) {
        throw located(error, item.line, index);
      }
    });
    return applyChanges(text, changes);
  });
  return { texts: out, count: all.length };
}

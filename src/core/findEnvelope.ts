import { parseEnvelope } from './envelope';

/**
 * Finds the envelope around a cursor in a text: the offsets of its first and past-its-last
 * character, or undefined when the cursor is not inside (or right at the edges of) one.
 *
 * An envelope is a flat JSON object with no '{' or '}' inside (base64 and kid cannot contain
 * them), so the candidate runs from the last '{' at or before the cursor to the first '}' after it.
 *
 * @example findEnvelopeAround('x = {"v":1,…}', 8) // { start: 4, end: 14 }
 */
export function findEnvelopeAround(text: string, offset: number): { start: number; end: number } | undefined {
  const start = text.lastIndexOf('{', offset);
  if (start === -1) return undefined;
  const close = text.indexOf('}', start);
  if (close === -1 || close + 1 < offset) return undefined; // that object ended before the cursor
  try {
    parseEnvelope(text.slice(start, close + 1));
  } catch {
    return undefined;
  }
  return { start, end: close + 1 };
}

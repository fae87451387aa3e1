/**
 * Finds the envelope around a cursor in a text: the offsets of its first and past-its-last
 * character, or undefined when the cursor is not inside (or right at the edges of) one.
 *
 * An envelope is a flat JSON object with no '{' or '}' inside (base64 and kid cannot contain
 * them), so the candidate runs from the last '{' at or before the cursor to the first '}' after it.
 * It is not parsed here: the caller parses it once and reports what is wrong with it.
 *
 * @example findEnvelopeAround('x = {"v":1,…}', 8) // { start: 4, end: 14 }
 */
export function findEnvelopeAround(text: string, offset: number): { start: number; end: number } | undefined {
  const start = text.lastIndexOf('{', offset);
  if (start === -1) return undefined;
  const close = text.indexOf('}', start);
  if (close === -1 || close + 1 < offset) return undefined; // that object ended before the cursor
  // An object whose first field is an envelope field is an envelope, even a broken one: the caller
  // parses it and says what is wrong ("iv must be 12 bytes"), rather than "no envelope here".
  return ENVELOPE_START.test(text.slice(start, Math.min(close, start + 64)))
    ? { start, end: close + 1 }
    : undefined;
}

const ENVELOPE_START = /^\{\s*"(?:v|algorithm|kid|kdf|iterations|salt|iv|tag|ciphertext)"\s*:/;

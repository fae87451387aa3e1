/**
 * Finds the envelope around a cursor in a text: the offsets of its first and past-its-last
 * character, or undefined when the cursor is not inside (or right at the edges of) one.
 *
 * The envelopes are those {@link findEnvelopes} finds (compact, pretty or escaped), broken ones
 * included: an object whose first field is an envelope field is an envelope, and the caller parses
 * it and says what is wrong ("iv must be 12 bytes") rather than "no envelope here".
 *
 * @example findEnvelopeAround('x = {"v":1,…}', 8) // { start: 4, end: 14 }
 */
import { envelopeAt, findEnvelopes } from './findEnvelopes';

export function findEnvelopeAround(text: string, offset: number): { start: number; end: number } | undefined {
  const found = envelopeAt(findEnvelopes(text), offset);
  return found && { start: found.start, end: found.end };
}

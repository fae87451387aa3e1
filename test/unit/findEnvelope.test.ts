import assert from 'node:assert/strict';
import { encrypt, findEnvelopeAround, serializeEnvelope } from '../../src/core';

describe('findEnvelopeAround', () => {
  let compact: string;
  let pretty: string;
  before(async () => {
    const envelope = await encrypt({ plaintext: 'hello', key: '11'.repeat(32) });
    compact = serializeEnvelope(envelope);
    pretty = serializeEnvelope(envelope, { pretty: true });
  });

  it('finds a compact envelope from any cursor inside it or at its edges', () => {
    const text = `SECRET=${compact} # note`;
    const start = 'SECRET='.length;
    for (const offset of [start, start + 1, start + 20, start + compact.length - 1, start + compact.length]) {
      assert.deepEqual(
        findEnvelopeAround(text, offset),
        { start, end: start + compact.length },
        `offset ${offset}`,
      );
    }
  });

  it('finds a pretty envelope spanning lines', () => {
    const text = `a:\n${pretty}\nb`;
    assert.deepEqual(findEnvelopeAround(text, text.indexOf('"tag"')), { start: 3, end: 3 + pretty.length });
  });

  it('finds nothing outside envelopes, and nothing in objects that are not envelopes', () => {
    const text = `before ${compact} after {"name":"x"}`;
    assert.equal(findEnvelopeAround(text, 2), undefined);
    assert.equal(findEnvelopeAround(text, text.indexOf('after') + 2), undefined);
    assert.equal(findEnvelopeAround(text, text.indexOf('"name"')), undefined);
    assert.equal(findEnvelopeAround('', 0), undefined);
  });

  it('picks the envelope the cursor is in when there are several', () => {
    const text = `${compact}\n${compact}`;
    const second = compact.length + 1;
    assert.deepEqual(findEnvelopeAround(text, second + 5), { start: second, end: second + compact.length });
    assert.deepEqual(findEnvelopeAround(text, 5), { start: 0, end: compact.length });
  });

  it('does not take an envelope nested in a larger object for the whole object', () => {
    const text = `{"secret": ${compact}}`;
    const inner = text.indexOf(compact);
    assert.deepEqual(findEnvelopeAround(text, inner + 10), { start: inner, end: inner + compact.length });
    assert.equal(findEnvelopeAround(text, 3), undefined);
  });

  it('finds a broken or newer envelope too, so the caller can say what is wrong with it', () => {
    const newer = compact.replace('"v":1', '"v":2');
    const badIv = compact.replace(/"iv":"[^"]*"/, '"iv":"AAAA"');
    for (const text of [newer, badIv, '{ "ciphertext": 42 }']) {
      assert.deepEqual(findEnvelopeAround(text, 3), { start: 0, end: text.length }, text.slice(0, 30));
    }
  });
});

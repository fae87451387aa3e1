/**
 * Writing plaintext in place of an envelope, and an envelope in place of a selection, so that the
 * file stays valid for its format and means what it meant (DESIGN.md "Envelopes in files"; the
 * rules per format are in the README's "Envelopes in files — how values are written").
 *
 * One Placer per text: it scans the text (string literals, YAML structure, .env bindings) once,
 * when first needed, and answers for any number of envelopes of that text (renderText and
 * rekeyTexts use one for a whole file). No plaintext is kept: the Placer holds only the text it
 * was given and what it found in it.
 */
import { regionAt, scanCode, type Quote, type Region } from './codeScan';
import {
  cannotPlace,
  dotenvBindings,
  dotenvValueText,
  lineStartOf,
  pythonBindings,
  type PyBinding,
} from './dotenv';
import { KeysmithError } from './errors';
import { parseEnvelope, serializeEnvelope, type Envelope } from './envelope';
import type { FoundEnvelope, TextChange, TextFormat } from './envelopesInText';
import { unescapeLiteral } from './findEnvelopes';
import {
  escapeForLiteral,
  isCharBoundary,
  isJsonText,
  unescapeJs,
  unescapeJson,
  unescapeYamlDouble,
  unescapeYamlSingle,
  yamlDoubleContent,
  yamlPlainContinues,
  yamlScalar,
  yamlSingleContent,
} from './literals';
import { YamlScanner } from './yamlScan';

export interface SelectionPlan {
  plaintext: string;
  write: (envelopeText: string) => TextChange;
}

const LINE_BREAK = /[\r\n\u2028\u2029]/;

export class Placer {
  private regions?: Region[];
  private yaml?: YamlScanner;
  private dotenv?: PyBinding[];
  private breaks?: number[];

  constructor(
    readonly text: string,
    readonly format: TextFormat,
  ) {}

  /** 1-based line of `offset`. */
  lineAt(offset: number): number {
    if (!this.breaks) {
      this.breaks = [];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) this.breaks.push(i);
    }
    let low = 0;
    let high = this.breaks.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.breaks[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    return low + 1;
  }

  private code(): Region[] {
    this.regions ??= scanCode(this.text, this.format === 'javascript');
    return this.regions;
  }

  private yamlAt(offset: number) {
    this.yaml ??= new YamlScanner(this.text);
    return this.yaml.at(offset);
  }

  private bindings(): PyBinding[] {
    this.dotenv ??= pythonBindings(this.text);
    return this.dotenv;
  }

  // ---- plaintext in place of an envelope -------------------------------------------------------

  plaintextChange(found: FoundEnvelope, plaintext: string): TextChange {
    const { start, end } = found;
    const line = found.line;
    switch (this.format) {
      case 'text':
        return { start, end, text: plaintext };
      case 'json':
      case 'javascript':
        return this.codePlaintext(found, plaintext, line);
      case 'yaml':
        return this.yamlPlaintext(found, plaintext, line);
      case 'dotenv':
        return this.dotenvPlaintext(found, plaintext, line);
    }
  }

  private codePlaintext(found: FoundEnvelope, plaintext: string, line: number): TextChange {
    const { start, end } = found;
    const region = regionAt(this.code(), start);
    if (region?.kind === 'string' && start >= region.contentStart && end <= region.contentEnd) {
      // Inside a string literal (escaped, or an object in a '…' or `…` literal): escaped for it.
      return { start, end, text: escapeForLiteral(region.quote!, plaintext) };
    }
    if (region?.kind === 'comment')
      return { start, end, text: commentText(this.text, region, plaintext, line) };
    // A value (JSON) or an expression (JavaScript): the plaintext as it was if it is the text of a
    // JSON value (a number, true, an object: it was one before it was encrypted), else a string.
    return { start, end, text: isJsonText(plaintext) ? plaintext : JSON.stringify(plaintext) };
  }

  private yamlPlaintext(found: FoundEnvelope, plaintext: string, line: number): TextChange {
    const { start, end } = found;
    const spot = this.yamlAt(start);
    switch (spot.kind) {
      case 'quoted': {
        if (spot.open === start - 1 && spot.close === end) {
          // The envelope fills the scalar. Single quotes were Keysmith's (or the author's): the
          // plaintext is written plain if YAML reads it back as this string, else double-quoted.
          // Double quotes are kept.
          const text =
            spot.quote === "'" ? yamlScalar(plaintext, spot.flow) : `"${yamlDoubleContent(plaintext)}"`;
          return { start: spot.open, end: spot.close + 1, text };
        }
        if (spot.quote === '"') return { start, end, text: yamlDoubleContent(plaintext) };
        const single = yamlSingleContent(plaintext);
        if (single === undefined) {
          throw cannotPlace(
            line,
            'the plaintext has a line break or a character a single-quoted YAML scalar cannot hold, and the envelope is only part of that scalar.',
          );
        }
        return { start, end, text: single };
      }
      case 'plain': {
        const before = this.text.slice(spot.start, start);
        const after = this.text.slice(end, spot.end);
        const scalar = before + plaintext + after;
        if (yamlPlainContinues(scalar, spot.flow)) return { start, end, text: plaintext };
        // The whole plain scalar becomes a double-quoted one, which reads as the same string.
        return { start: spot.start, end: spot.end, text: `"${yamlDoubleContent(scalar)}"` };
      }
      case 'block':
      case 'comment':
        if (LINE_BREAK.test(plaintext)) {
          throw cannotPlace(
            line,
            `the plaintext has a line break, which cannot be written inside a YAML ${spot.kind === 'block' ? 'block scalar' : 'comment'} where the envelope is.`,
          );
        }
        return { start, end, text: plaintext };
      case 'other':
        // The envelope is a value of its own (a flow mapping): the plaintext as a scalar.
        return { start, end, text: yamlScalar(plaintext, spot.flow) };
    }
  }

  private dotenvPlaintext(found: FoundEnvelope, plaintext: string, line: number): TextChange {
    const { start, end } = found;
    const binding = this.bindingAround(start, end);
    if (!binding) {
      // Not in a value (a comment, say): written as it is, on its line.
      if (LINE_BREAK.test(plaintext)) {
        throw cannotPlace(
          line,
          'the plaintext has a line break, and the envelope is not a NAME=value value.',
        );
      }
      return { start, end, text: plaintext };
    }
    const raw = this.text.slice(start, end);
    const inValue = found.form === 'escaped' ? unescapeLiteral(raw) : raw;
    const value = binding.value!;
    const at = nearestIndexOf(value, inValue, start - contentStartOf(binding));
    if (at === -1) throw cannotPlace(line, 'the envelope is not read as part of its value by python-dotenv.');
    const newValue = value.slice(0, at) + plaintext + value.slice(at + inValue.length);
    const part = newValue.length !== plaintext.length;
    return {
      start: binding.valueStart,
      end: binding.valueEnd,
      text: dotenvValueText(this.text, binding.valueStart, binding.valueEnd, newValue, line, part),
    };
  }

  /** The binding whose value's text holds [start, end). */
  private bindingAround(start: number, end: number): PyBinding | undefined {
    const bindings = this.bindings();
    let low = 0;
    let high = bindings.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const b = bindings[mid]!;
      if (b.keyAt > start) high = mid - 1;
      else low = mid + 1;
    }
    for (let i = high; i >= 0 && i >= high - 1; i--) {
      const b = bindings[i]!;
      if (!b.error && b.value !== undefined && b.valueStart <= start && end <= b.valueEnd) return b;
    }
    return undefined;
  }

  // ---- an envelope in place of a selection -----------------------------------------------------

  selectionForEncryption(start: number, end: number): SelectionPlan {
    const text = this.text;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > text.length || start > end) {
      throw new KeysmithError('INVALID_ARGUMENT', 'The selection is not a range of the text.');
    }
    const line = this.lineAt(start);
    if (start === end) throw cannotPlace(line, 'nothing is selected.');
    const selected = text.slice(start, end);
    switch (this.format) {
      case 'text':
        return { plaintext: selected, write: (envelope) => ({ start, end, text: envelope }) };
      case 'json':
      case 'javascript':
        return this.codeSelection(start, end, line);
      case 'yaml':
        return this.yamlSelection(start, end, line);
      case 'dotenv':
        return this.dotenvSelection(start, end, line);
    }
  }

  private codeSelection(start: number, end: number, line: number): SelectionPlan {
    const text = this.text;
    const js = this.format === 'javascript';
    const first = regionAt(this.code(), start);
    const last = regionAt(this.code(), end - 1);
    const unescape = (content: string, quote: Quote) =>
      js ? unescapeJs(content, quote) : unescapeJson(content);

    if (first?.kind === 'string' && first === last) {
      const quote = first.quote!;
      if (start === first.open && end === first.end) {
        // A whole literal, quotes and all: a literal of the same quotes holding the envelope.
        if (!first.terminated || (quote === '`' && !first.whole)) {
          throw cannotPlace(
            line,
            'the string is not closed, or it is a template with ${…} in it: select its text instead.',
          );
        }
        const plaintext = unescape(text.slice(first.contentStart, first.contentEnd), quote);
        if (plaintext === undefined) throw cannotPlace(line, badEscapes(js));
        return {
          plaintext,
          write: (envelope) => ({
            start,
            end,
            text: `${quote}${escapeForLiteral(quote, compact(envelope))}${quote}`,
          }),
        };
      }
      if (start >= first.contentStart && end <= first.contentEnd) {
        // Inside the literal: the selection means its content unescaped; the envelope is
        // written escaped for that literal.
        const content = text.slice(first.contentStart, first.contentEnd);
        if (
          !isCharBoundary(content, start - first.contentStart, js) ||
          !isCharBoundary(content, end - first.contentStart, js)
        ) {
          throw cannotPlace(
            line,
            'the selection cuts an escape sequence (like \\n or \\u00e9) or a character in two.',
          );
        }
        const plaintext = unescape(text.slice(start, end), quote);
        if (plaintext === undefined) throw cannotPlace(line, badEscapes(js));
        return {
          plaintext,
          write: (envelope) => ({ start, end, text: escapeForLiteral(quote, compact(envelope)) }),
        };
      }
    }
    if (first?.kind === 'comment' && first === last) {
      const selected = text.slice(start, end);
      return {
        plaintext: selected,
        write: (envelope) => ({ start, end, text: compact(envelope) }),
      };
    }
    if ((first && first.open < start) || (last && last.end > end)) {
      throw cannotPlace(
        line,
        'the selection starts or ends inside a string or comment but not both in the same one: select within one string, or whole strings.',
      );
    }
    const selected = text.slice(start, end);
    if (!js && !isJsonText(selected)) {
      throw cannotPlace(
        line,
        'in JSON, select a whole value (a string, number, object, …) or text inside a string to encrypt it in place.',
      );
    }
    return { plaintext: selected, write: (envelope) => ({ start, end, text: envelope }) };
  }

  private yamlSelection(start: number, end: number, line: number): SelectionPlan {
    const text = this.text;
    const spot = this.yamlAt(start);
    const selected = text.slice(start, end);
    const singleLine = () => {
      if (LINE_BREAK.test(selected)) throw cannotPlace(line, 'select within one line here.');
    };
    switch (spot.kind) {
      case 'quoted': {
        const { quote, open, close } = spot;
        if (close === -1) throw cannotPlace(line, 'the quoted scalar is not closed.');
        const unquote = (content: string) =>
          quote === "'" ? unescapeYamlSingle(content) : unescapeYamlDouble(content);
        const folded = 'a quoted scalar over several lines is folded by YAML; select it within one line.';
        if (start === open) {
          if (end !== close + 1)
            throw cannotPlace(line, 'select the whole quoted scalar, or text inside its quotes.');
          const plaintext = unquote(text.slice(open + 1, close));
          if (plaintext === undefined) throw cannotPlace(line, folded);
          return {
            plaintext,
            write: (envelope) => ({
              start,
              end,
              text:
                quote === "'" ? `'${compact(envelope)}'` : `"${escapeForLiteral('"', compact(envelope))}"`,
            }),
          };
        }
        if (end > close)
          throw cannotPlace(
            line,
            'the selection goes past the closing quote: select inside the quotes, or the whole scalar.',
          );
        const content = text.slice(open + 1, close);
        const from = start - open - 1;
        const to = end - open - 1;
        const cuts =
          quote === '"'
            ? !isCharBoundary(content, from, false, true) || !isCharBoundary(content, to, false, true)
            : cutsQuotePair(content, from) || cutsQuotePair(content, to);
        if (cuts) throw cannotPlace(line, 'the selection cuts an escape sequence or a character in two.');
        const plaintext = unquote(selected);
        if (plaintext === undefined) throw cannotPlace(line, folded);
        return {
          plaintext,
          write: (envelope) => ({
            start,
            end,
            text: quote === "'" ? compact(envelope) : escapeForLiteral('"', compact(envelope)),
          }),
        };
      }
      case 'plain': {
        if (end > spot.end)
          throw cannotPlace(line, 'select a value (a scalar) or part of one, within one line.');
        const before = text.slice(spot.start, start);
        const after = text.slice(end, spot.end);
        return {
          plaintext: selected,
          write: (envelope) => {
            const env = compact(envelope);
            if (before === '' && after === '') return { start, end, text: `'${env}'` };
            // Part of a plain scalar: the envelope inside it if it stays one plain scalar, else the
            // whole scalar single-quoted (which reads as the same string).
            if (!spot.flow && yamlPlainContinues(before + env + after, false))
              return { start, end, text: env };
            const quoted = yamlSingleContent(before + env + after);
            if (quoted === undefined)
              throw cannotPlace(line, 'the rest of this scalar cannot be single-quoted.');
            return { start: spot.start, end: spot.end, text: `'${quoted}'` };
          },
        };
      }
      case 'block':
      case 'comment':
        singleLine();
        return { plaintext: selected, write: (envelope) => ({ start, end, text: compact(envelope) }) };
      case 'other':
        throw cannotPlace(
          line,
          'in YAML, select a scalar value (or text inside one) to encrypt it in place.',
        );
    }
  }

  private dotenvSelection(start: number, end: number, line: number): SelectionPlan {
    const text = this.text;
    const binding = this.bindingAround(start, end);
    if (!binding) {
      const lineStart = text.lastIndexOf('\n', start - 1) + 1;
      if (/^[ \t]*#/.test(text.slice(lineStart, start + 1)) && !LINE_BREAK.test(text.slice(start, end))) {
        const selected = text.slice(start, end);
        return { plaintext: selected, write: (envelope) => ({ start, end, text: compact(envelope) }) };
      }
      throw cannotPlace(line, 'select a value (the text after NAME=) to encrypt it in place.');
    }
    const { valueStart, valueEnd, quote } = binding;
    const value = binding.value!;
    if (!lineAgrees(text, binding)) {
      throw cannotPlace(
        line,
        'dotenv and python-dotenv read this value differently, so it cannot be encrypted in place.',
      );
    }
    const contentStart = contentStartOf(binding);
    const contentEnd = quote === '' ? valueEnd : valueEnd - 1;
    const whole =
      (start === valueStart && end === valueEnd) || (start === contentStart && end === contentEnd);
    let prefix = '';
    let suffix = '';
    let plaintext = value;
    if (!whole) {
      if (start < contentStart || end > contentEnd) {
        throw cannotPlace(
          line,
          'the selection goes past the quotes of the value: select inside them, or the whole value.',
        );
      }
      const content = text.slice(contentStart, contentEnd);
      if (quote !== "'" && quote !== '' && content.includes('\\')) {
        throw cannotPlace(line, 'the value has escapes: select the whole value to encrypt it.');
      }
      if (content !== value) throw cannotPlace(line, 'select the whole value to encrypt it.');
      prefix = text.slice(contentStart, start);
      suffix = text.slice(end, contentEnd);
      plaintext = text.slice(start, end);
    }
    return {
      plaintext,
      write: (envelope) => ({
        start: valueStart,
        end: valueEnd,
        text: dotenvValueText(text, valueStart, valueEnd, prefix + compact(envelope) + suffix, line, !whole),
      }),
    };
  }

  // ---- a new envelope in place of an old one ---------------------------------------------------

  envelopeChange(found: FoundEnvelope, envelope: Envelope): TextChange {
    const { start, end } = found;
    const raw = this.text.slice(start, end);
    if (found.form === 'compact') return { start, end, text: serializeEnvelope(envelope) };
    if (found.form === 'pretty') return { start, end, text: reindented(envelope, raw) };
    let old = '';
    try {
      old = unescapeLiteral(raw);
    } catch {
      // a broken escaped envelope: written compact
    }
    const fresh = old.includes('\n') ? reindented(envelope, old) : serializeEnvelope(envelope);
    return { start, end, text: escapeForLiteral('"', fresh) };
  }
}

/** The Placer of the last plaintextChange call (see placerFor). */
let lastPlacer: Placer | undefined;

/**
 * A Placer for `text`: the last one made here when it is for the same text (compared as strings:
 * at once when the editor passes the same text again, one memcmp otherwise) and format, else a
 * new one. plaintextChange is called once per envelope of a document (for each selection), and a
 * new Placer would scan the whole text again each time. Only the last text is held, and only for
 * plaintextChange, whose text is the document with its envelopes (selectionForEncryption's text
 * holds a plaintext about to be encrypted: it is never kept).
 */
export function placerFor(text: string, format: TextFormat): Placer {
  if (lastPlacer === undefined || lastPlacer.text !== text || lastPlacer.format !== format) {
    lastPlacer = new Placer(text, format);
  }
  return lastPlacer;
}

/** Offset of the first character of a binding's value content (after its opening quote). */
function contentStartOf(binding: PyBinding): number {
  return binding.quote === '' ? binding.valueStart : binding.valueStart + 1;
}

/** The occurrence of `needle` in `haystack` nearest to `near`, or -1. */
function nearestIndexOf(haystack: string, needle: string, near: number): number {
  let best = -1;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) {
    if (best === -1 || Math.abs(i - near) < Math.abs(best - near)) best = i;
  }
  return best;
}

/** Whether both parsers read the binding's line(s) alone as this one binding with this value. */
function lineAgrees(text: string, binding: PyBinding): boolean {
  const lineStart = lineStartOf(text, binding.keyAt);
  let lineEnd = binding.valueEnd;
  while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
  try {
    const read = dotenvBindings(`${text.slice(lineStart, lineEnd)}\n`);
    return read.length === 1 && read[0]!.value === binding.value;
  } catch {
    return false;
  }
}

function commentText(text: string, region: Region, plaintext: string, line: number): string {
  const lineComment = text.startsWith('//', region.open);
  if (lineComment && LINE_BREAK.test(plaintext)) {
    throw cannotPlace(line, 'the plaintext has a line break, which cannot be written inside a // comment.');
  }
  if (!lineComment && plaintext.includes('*/')) {
    throw cannotPlace(line, 'the plaintext holds */, which would end the comment it is written in.');
  }
  return plaintext;
}

function badEscapes(js: boolean): string {
  return js
    ? 'the selected text has an escape that is not allowed (a legacy octal escape such as \\1), or a line break.'
    : 'the selected text is not valid inside a JSON string (a raw control character or a bad escape).';
}

/** In a single-quoted YAML scalar's content: whether offset `at` falls between the two quotes of ''. */
function cutsQuotePair(content: string, at: number): boolean {
  let i = 0;
  while (i < at) {
    if (content[i] === "'" && content[i + 1] === "'") {
      if (i + 1 === at) return true;
      i += 2;
    } else {
      i++;
    }
  }
  return false;
}

/** The compact text of an envelope's text (compact or pretty), for places that take one line. */
function compact(envelopeText: string): string {
  if (!envelopeText.includes('\n')) return envelopeText;
  return serializeEnvelope(parseEnvelope(envelopeText));
}

/** The envelope pretty, with the line breaks and indentation of `old` (a pretty envelope's text). */
function reindented(envelope: Envelope, old: string): string {
  const eol = old.includes('\r\n') ? '\r\n' : '\n';
  const fieldIndent = /\{[ \t]*\r?\n([ \t]*)/.exec(old)?.[1] ?? '  ';
  const closeIndent = /\n([ \t]*)\}$/.exec(old)?.[1] ?? '';
  return serializeEnvelope(envelope, { pretty: true })
    .replace(/\n {2}/g, `${eol}${fieldIndent}`)
    .replace(/\n\}$/, `${eol}${closeIndent}}`);
}

/** @see envelopesInText.applyChanges */
export function applyChanges(text: string, changes: readonly TextChange[]): string {
  const sorted = changes
    .map((change, order) => ({ change, order }))
    .sort((a, b) => a.change.start - b.change.start || a.change.end - b.change.end || a.order - b.order);
  let out = '';
  let at = 0;
  for (const { change } of sorted) {
    const { start, end } = change;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > text.length || start > end) {
      throw new KeysmithError('INVALID_ARGUMENT', 'A change is not a range of the text.');
    }
    if (start < at) throw new KeysmithError('INVALID_ARGUMENT', 'Two changes overlap.');
    out += text.slice(at, start) + change.text;
    at = end;
  }
  return out + text.slice(at);
}

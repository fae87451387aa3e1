/**
 * Finding every envelope in a text in one linear pass (see envelopesInText.ts for the contract).
 *
 * An envelope is a flat JSON object with no '{' or '}' inside (base64 and kid cannot contain
 * them), so a candidate is a '{' followed by an envelope field name, and it runs to the first '}'
 * after it. Every search below moves forward only: the next '{', the next '}' and the next line
 * break are each remembered and searched again only once the scan has passed them, so a text of
 * 200,000 '{' and no '}' costs one pass, not 200,000.
 */
import { KeysmithError } from './errors';
import { isCanonicalBase64 } from './encoding';
import { readEnvelope, type Envelope } from './envelope';
import {
  MAX_CIPHERTEXT_BASE64_CHARS,
  MAX_ENVELOPE_CHARS,
  MAX_ITERATIONS,
  MAX_PLAINTEXT_BYTES,
  MIN_ITERATIONS,
} from './limits';
import type { EnvelopeForm, FoundEnvelope } from './envelopesInText';

/**
 * '{', white space, then an envelope field name and ':'. Group 1 is '\' when the quotes are
 * escaped (`{\"v\":…}` inside a string literal); there white space may also be written `\n`, `\t`
 * or `\r` (a pretty envelope escaped into a literal).
 */
const START =
  /\{(?:[ \t\r\n]|\\[nrt])*(\\?)"(?:v|algorithm|kid|kdf|iterations|salt|iv|tag|ciphertext)\1"(?:[ \t\r\n]|\\[nrt])*:/y;

/**
 * The envelope exactly as serializeEnvelope writes it, compact or pretty (any JSON white space
 * between tokens), fields in the v1 order, the short fields' text of the right alphabet and length:
 * most envelopes in a file are this. One regular expression reads its fields up to the
 * ciphertext's opening quote; the ciphertext is then found with indexOf (V8 scans a base64
 * character class about 5× slower) and checked by isCanonicalBase64, which decodes it into reused
 * scratch space. Anything else (other order, escapes in strings, a bad field) goes to
 * readEnvelope, which alone decides what is wrong and says so.
 * Groups: 1 kid, 2 iterations, 3 salt, 4 iv, 5 tag.
 */
interface QuickRead {
  envelope: Envelope;
  end: number;
  /** It spans lines. */
  pretty: boolean;
}

interface QuickForm {
  head: RegExp;
  /** The ciphertext's closing quote. */
  quote: string;
  /** White space, then the closing '}'. */
  tail: RegExp;
}

function quickForm(quote: string, space: string): QuickForm {
  const w = `${space}*`;
  const name = (field: string) => `${quote}${field}${quote}${w}:${w}`;
  const str = (body: string) => `${quote}(${body})${quote}`;
  const next = `${w},${w}`;
  const head = new RegExp(
    `\\{${w}${name('v')}1${next}${name('algorithm')}${quote}AES-256-GCM${quote}${next}` +
      `(?:${name('kid')}${str('[A-Za-z0-9._-]{1,64}')}${next})?` +
      `(?:${name('kdf')}${quote}PBKDF2-SHA256${quote}${next}${name('iterations')}([1-9][0-9]{3,7})${next}` +
      `${name('salt')}${str('[A-Za-z0-9+/]{21}[AQgw]==')}${next})?` +
      `${name('iv')}${str('[A-Za-z0-9+/]{16}')}${next}${name('tag')}${str('[A-Za-z0-9+/]{21}[AQgw]==')}${next}` +
      `${name('ciphertext')}${quote}`,
    'y',
  );
  return { head, quote: quote.replaceAll('\\\\', '\\'), tail: new RegExp(`${w}\\}`, 'y') };
}
const QUICK_PLAIN = quickForm('"', '[ \\t\\n\\r]');
/** In a string literal: quotes escaped; white space a space or an escape (raw tabs and breaks are not allowed there). */
const QUICK_ESCAPED = quickForm('\\\\"', '(?: |\\\\[nrt])');

/**
 * The envelope at `open` if it is in the quick form `form` and every check passes, with the offset
 * just past its '}'; otherwise undefined (and the careful read decides).
 */
function quickEnvelope(text: string, open: number, form: QuickForm): QuickRead | undefined {
  form.head.lastIndex = open;
  const match = form.head.exec(text);
  if (!match) return undefined;
  const from = form.head.lastIndex;
  const to = text.indexOf(form.quote, from);
  if (to === -1) return undefined;
  form.tail.lastIndex = to + form.quote.length;
  if (!form.tail.test(text)) return undefined;
  const end = form.tail.lastIndex;
  const ciphertext = text.slice(from, to);
  const [head, kid, iterations, salt, iv, tag] = match;
  if (!ciphertextFits(text, from, to, end - open, ciphertext)) return undefined;
  // Line breaks can only be in the white space, before the ciphertext or after it.
  const pretty = head.includes('\n') || text.slice(to, end).includes('\n');
  if (iterations === undefined) {
    const envelope: Envelope =
      kid === undefined
        ? { v: 1, algorithm: 'AES-256-GCM', iv: iv!, tag: tag!, ciphertext }
        : { v: 1, algorithm: 'AES-256-GCM', kid, iv: iv!, tag: tag!, ciphertext };
    return { envelope, end, pretty };
  }
  const count = Number(iterations);
  if (kid !== undefined || count < MIN_ITERATIONS || count > MAX_ITERATIONS) return undefined;
  const envelope: Envelope = {
    v: 1,
    algorithm: 'AES-256-GCM',
    kdf: 'PBKDF2-SHA256',
    iterations: count,
    salt: salt!,
    iv: iv!,
    tag: tag!,
    ciphertext,
  };
  return { envelope, end, pretty };
}

const COMPACT_START = '{"v":1,"algorithm":"AES-256-GCM",';
const KDF_START = '"kdf":"PBKDF2-SHA256","iterations":';
/**
 * The structure of an envelope exactly as serializeEnvelope writes it compact (the common case),
 * up to the ciphertext's opening quote: one sticky test, no captures (V8 spends more on captures
 * than on everything else here). The short fields' alphabet and length (kid as KID_PATTERN; iv,
 * tag and salt canonical base64 of 12, 16 and 16 bytes: the last digit of a 16-byte block is
 * A, Q, g or w) are in the regex too, which checks them faster than a JavaScript loop over
 * charCodeAt. The fields are then read by position; the long ciphertext is found with indexOf
 * and checked by ciphertextFits.
 */
const COMPACT_HEAD =
  /\{"v":1,"algorithm":"AES-256-GCM",(?:"kid":"[A-Za-z0-9._-]{1,64}",)?(?:"kdf":"PBKDF2-SHA256","iterations":[1-9][0-9]{3,7},"salt":"[A-Za-z0-9+/]{21}[AQgw]==",)?"iv":"[A-Za-z0-9+/]{16}","tag":"[A-Za-z0-9+/]{21}[AQgw]==","ciphertext":"/y;

/**
 * An envelope written exactly as serializeEnvelope writes it compact, at `open`: undefined unless
 * every check passes (the careful read then decides, and says what is wrong).
 */
function quickCompact(text: string, open: number): QuickRead | undefined {
  COMPACT_HEAD.lastIndex = open;
  if (!COMPACT_HEAD.test(text)) return undefined;
  const from = COMPACT_HEAD.lastIndex; // the ciphertext's first character
  const to = text.indexOf('"', from);
  if (to === -1 || text.charCodeAt(to + 1) !== 0x7d) return undefined;
  let p = open + COMPACT_START.length; // at the '"' of the field after algorithm
  let kid: string | undefined;
  let iterations: number | undefined;
  let salt: string | undefined;
  if (text.charCodeAt(p + 2) === 0x69) {
    // "kid":"…",
    const close = text.indexOf('"', p + 7);
    kid = text.slice(p + 7, close);
    p = close + 2;
  }
  if (text.charCodeAt(p + 2) === 0x64) {
    // "kdf":"PBKDF2-SHA256","iterations":N,"salt":"…",
    if (kid !== undefined) return undefined;
    const digits = p + KDF_START.length;
    const comma = text.indexOf(',', digits);
    iterations = 0; // 4 to 8 digits, the first not 0 (the regex saw them)
    for (let i = digits; i < comma; i++) iterations = iterations * 10 + text.charCodeAt(i) - 0x30;
    if (!(iterations >= MIN_ITERATIONS && iterations <= MAX_ITERATIONS)) return undefined;
    salt = text.slice(comma + 9, comma + 33);
    p = comma + 35;
  }
  const ciphertext = text.slice(from, to);
  if (!ciphertextFits(text, from, to, to + 2 - open, ciphertext)) return undefined;
  const iv = text.slice(p + 6, p + 22);
  const tag = text.slice(p + 31, p + 55);
  const envelope: Envelope =
    salt !== undefined
      ? { v: 1, algorithm: 'AES-256-GCM', kdf: 'PBKDF2-SHA256', iterations, salt, iv, tag, ciphertext }
      : kid !== undefined
        ? { v: 1, algorithm: 'AES-256-GCM', kid, iv, tag, ciphertext }
        : { v: 1, algorithm: 'AES-256-GCM', iv, tag, ciphertext };
  return { envelope, end: to + 2, pretty: false };
}

/**
 * The ciphertext `text[from, to)`: its size limits, as readEnvelope counts them, and canonical
 * base64 (isCanonicalBase64: decoded into reused scratch space, which beats a lookup-table loop in
 * JavaScript from a few dozen characters on).
 */
function ciphertextFits(
  text: string,
  from: number,
  to: number,
  envelopeChars: number,
  ciphertext: string, // text.slice(from, to), the envelope's field
): boolean {
  const length = to - from;
  const padding = text.charCodeAt(to - 1) !== 0x3d ? 0 : text.charCodeAt(to - 2) !== 0x3d ? 1 : 2;
  return (
    envelopeChars <= MAX_ENVELOPE_CHARS &&
    length <= MAX_CIPHERTEXT_BASE64_CHARS &&
    (length / 4) * 3 - padding <= MAX_PLAINTEXT_BYTES &&
    isCanonicalBase64(ciphertext)
  );
}

/**
 * 1-based line numbers of offsets in a text, counted on demand. Reading them in order (the usual
 * way) counts each line break once, from a cursor; for an earlier offset the count starts again
 * from a checkpoint kept every 1,024 line breaks, so asking in any order stays near one pass.
 */
export class LineIndex {
  private at = 0; // the cursor: line breaks before `at` are counted in `line`
  private line = 1;
  private nextBreak: number;
  /** Offset just past every 1,024th line break (checkpoint k: line 1024·k + 1 starts there). */
  private readonly checkpoints: number[] = [0];

  constructor(private readonly text: string) {
    this.nextBreak = text.indexOf('\n');
  }

  lineAt(offset: number): number {
    if (offset < this.at) {
      // Back: from the last checkpoint at or before `offset`, without moving the cursor.
      let low = 0;
      let high = this.checkpoints.length - 1;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if (this.checkpoints[mid]! <= offset) low = mid;
        else high = mid - 1;
      }
      let line = low * 1024 + 1;
      for (
        let b = this.text.indexOf('\n', this.checkpoints[low]!);
        b !== -1 && b < offset;
        b = this.text.indexOf('\n', b + 1)
      ) {
        line++;
      }
      return line;
    }
    while (this.nextBreak !== -1 && this.nextBreak < offset) {
      this.line++;
      if ((this.line - 1) % 1024 === 0) this.checkpoints.push(this.nextBreak + 1);
      this.nextBreak = this.text.indexOf('\n', this.nextBreak + 1);
    }
    this.at = offset;
    return this.line;
  }
}

/**
 * A found envelope. Its `line` is counted when first read: counting a 5 MiB file's ~100,000 line
 * breaks costs as much as all the rest of finding its envelopes, and the editor, which has its own
 * line index, never reads it (messages about broken envelopes do, and their errors carry it).
 * It is a getter of the class: JSON.stringify includes it (toJSON); a spread copy does not.
 */
class Found implements FoundEnvelope {
  readonly #lines: LineIndex;
  envelope?: Envelope;
  error?: KeysmithError;

  constructor(
    readonly start: number,
    readonly end: number,
    readonly form: EnvelopeForm,
    lines: LineIndex,
  ) {
    this.#lines = lines;
  }

  get line(): number {
    return this.#lines.lineAt(this.start);
  }

  toJSON(): FoundEnvelope {
    const { start, end, form, line, envelope, error } = this;
    return { start, end, form, line, ...(envelope && { envelope }), ...(error && { error }) };
  }
}

/** @see envelopesInText.findEnvelopes */
export function findEnvelopes(text: string): FoundEnvelope[] {
  const found: FoundEnvelope[] = [];
  const lines = new LineIndex(text);
  let open = text.indexOf('{');
  // Remembered positions, each only ever searched forward (-1: none left in the text).
  let close = -2; // the first '}' at or after `open` (-2: not searched yet)
  let breakAfter = -2; // the first line break at or after the last cut-short envelope's start
  while (open !== -1) {
    // A '{' that cannot start an envelope (`{x`, `{ a: 1 }`, `{}`) costs a few character reads,
    // not a regex: after white space must come '"', or '\' for the escaped form.
    const second = text.charCodeAt(open + 1);
    if (second !== 0x22 && !startsLikeEnvelope(text, open + 1)) {
      open = text.indexOf('{', open + 1);
      continue;
    }
    if (second !== 0x5c) {
      // The compact form first: its head regex starts with COMPACT_START, so only when it fails
      // is the text compared with COMPACT_START (a call that costs as much as the regex), to
      // leave a compact-looking envelope to the careful read and try the other forms otherwise.
      const quick =
        quickCompact(text, open) ??
        (text.startsWith(COMPACT_START, open) ? undefined : quickEnvelope(text, open, QUICK_PLAIN));
      if (quick) {
        const { envelope, end, pretty } = quick;
        const item = new Found(open, end, pretty ? 'pretty' : 'compact', lines);
        item.envelope = envelope;
        found.push(item);
        open = text.indexOf('{', end);
        continue;
      }
    }
    START.lastIndex = open;
    const start = START.exec(text);
    const nextOpen = text.indexOf('{', open + 1);
    if (!start) {
      open = nextOpen;
      continue;
    }
    if (close !== -1 && close < open) close = text.indexOf('}', open);

    let end: number;
    let error: KeysmithError | undefined;
    let envelope: Envelope | undefined;
    const escaped = start[1] === '\\';
    if (close !== -1 && (nextOpen === -1 || close < nextOpen)) {
      end = close + 1;
    } else {
      // No '}' before the next '{' (or the end): the object is cut short. It is reported up to the
      // end of the line it starts on, so it neither swallows the envelopes after it nor the file.
      const matched = START.lastIndex;
      if (breakAfter !== -1 && breakAfter < matched) breakAfter = text.indexOf('\n', matched);
      end = Math.min(breakAfter === -1 ? text.length : breakAfter, nextOpen === -1 ? text.length : nextOpen);
      while (end > matched && isSpace(text.charCodeAt(end - 1))) end--;
      error = new KeysmithError(
        'MALFORMED_ENVELOPE',
        "The envelope is not valid JSON: it has no closing '}'.",
      );
    }
    const raw = text.slice(open, end);
    if (!error && escaped) {
      const quick = quickEnvelope(text, open, QUICK_ESCAPED);
      if (quick && quick.end === end) envelope = quick.envelope;
    }
    if (!error && !envelope) {
      try {
        envelope = readEnvelope(escaped ? unescapeLiteral(raw) : raw).envelope;
      } catch (e) {
        error =
          e instanceof KeysmithError
            ? e
            : new KeysmithError('MALFORMED_ENVELOPE', 'The envelope cannot be read.');
      }
    }
    if (error && !NAMES_AN_ENVELOPE.test(raw)) {
      // An everyday object that merely starts with a name envelopes also use ({"tag": "latest"},
      // {"algorithm": "RS256", …}) is not a broken envelope: without a `v` or `ciphertext` field
      // nothing says it was meant to be one, and calling it broken would be a false alarm.
      open = nextOpen !== -1 && nextOpen < end ? text.indexOf('{', end) : nextOpen;
      continue;
    }
    // Broken envelopes are few: their errors carry the line at once.
    if (error) error = error.atLine(lines.lineAt(open));
    const form: EnvelopeForm = escaped ? 'escaped' : raw.includes('\n') ? 'pretty' : 'compact';
    const item = new Found(open, end, form, lines);
    if (envelope) item.envelope = envelope;
    if (error) item.error = error;
    found.push(item);
    // Envelopes do not nest or overlap: go on after this one. `nextOpen` is at or after `end`
    // unless this one was cut short at it.
    open = nextOpen !== -1 && nextOpen < end ? text.indexOf('{', end) : nextOpen;
  }
  return found;
}

/** A `v` or `ciphertext` field name, plain or escaped: what makes a broken object an envelope. */
const NAMES_AN_ENVELOPE = /(\\?)"(?:v|ciphertext)\1"(?:[ \t\r\n]|\\[nrt])*:/;

/** The content of a JSON/JS double-quoted literal, unescaped (one level). */
export function unescapeLiteral(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    throw new KeysmithError(
      'MALFORMED_ENVELOPE',
      'The escaped envelope is not valid string-literal content (a quote is not escaped, or an escape is bad).',
    );
  }
}

/** After '{' at `from - 1`: white space (raw, or escaped as \n \t \r), then '"' or '\"'. */
function startsLikeEnvelope(text: string, from: number): boolean {
  let i = from;
  for (;;) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return true;
    if (isSpace(code)) {
      i++;
    } else if (code === 0x5c) {
      const escape = text.charCodeAt(i + 1);
      if (escape === 0x22) return true;
      if (escape !== 0x6e && escape !== 0x74 && escape !== 0x72) return false;
      i += 2;
    } else {
      return false;
    }
  }
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** @see envelopesInText.envelopeAt */
export function envelopeAt(found: readonly FoundEnvelope[], offset: number): FoundEnvelope | undefined {
  // The last envelope starting at or before `offset` (binary search); the cursor may sit right
  // after its '}' too.
  let low = 0;
  let high = found.length - 1;
  let best = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (found[mid]!.start <= offset) {
      best = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  const candidate = best === -1 ? undefined : found[best];
  return candidate && offset <= candidate.end ? candidate : undefined;
}

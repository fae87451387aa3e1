/**
 * Escaping and unescaping text for the places a value can sit in a file: JSON and JavaScript
 * string literals, YAML scalars. Each writer produces text its format reads back as exactly the
 * value; each reader returns undefined for input it will not take apart (a legacy octal escape, a
 * quoted YAML scalar folded over lines), and the caller refuses with the line.
 */
import type { Quote } from './codeScan';

/** Characters YAML may not hold raw in a scalar (outside c-printable) or that are line breaks in YAML 1.1 (U+0085, U+2028, U+2029). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const YAML_UNPRINTABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;

/** The text of `value` inside a literal opened by `quote` (without the quotes). */
export function escapeForLiteral(quote: Quote, value: string): string {
  if (quote === '`') {
    // A template literal: \ ` and ${ are escaped; a line break may stay as it is, but a CR would
    // be read as LF, so it is written \r.
    return value.replace(/\\|`|\$\{|\r/g, (m) => (m === '\r' ? '\\r' : `\\${m}`));
  }
  // JSON.stringify's escapes are JSON's and valid JavaScript; U+2028/U+2029 are escaped too (older
  // JavaScript did not allow them raw in a literal).
  const json = JSON.stringify(value)
    .slice(1, -1)
    .replace(/[\u2028\u2029]/g, (m) => `\\u${m.charCodeAt(0).toString(16)}`);
  if (quote === '"') return json;
  // '…': the same escapes, with " unescaped and ' escaped.
  return json.replace(/\\.|'/g, (m) => (m === '\\"' ? '"' : m === "'" ? "\\'" : m));
}

/** Length of the escape sequence at `i` (a backslash) of a JSON or JavaScript literal's content. */
export function escapeLength(content: string, i: number, js: boolean): number {
  const next = content[i + 1];
  if (next === 'u') {
    if (js && content[i + 2] === '{') {
      const close = content.indexOf('}', i + 3);
      return close === -1 ? 2 : close + 1 - i;
    }
    return 6;
  }
  if (js && next === 'x') return 4;
  if (js && next === '\r' && content[i + 2] === '\n') return 3;
  return 2;
}

/**
 * Whether offset `at` of a literal's content falls between two characters: not inside an escape
 * sequence (`\n`, `\u0041`) nor between the two halves of a surrogate pair.
 */
export function isCharBoundary(content: string, at: number, js: boolean, yaml = false): boolean {
  if (at <= 0 || at >= content.length) return true;
  const code = content.charCodeAt(at);
  const before = content.charCodeAt(at - 1);
  if (code >= 0xdc00 && code <= 0xdfff && before >= 0xd800 && before <= 0xdbff) return false;
  let i = 0;
  while (i < at) {
    if (content.charCodeAt(i) === 0x5c) {
      const length = yaml ? yamlEscapeLength(content, i) : escapeLength(content, i, js);
      if (i + length > at) return false;
      // \uD83D\uDE00 is one character written as two escapes: a boundary between them cuts it.
      if (i + length === at && content[i + 1] === 'u' && /^[dD][89abAB]/.test(content.slice(i + 2, i + 4))) {
        if (content.slice(at, at + 2) === '\\u' && /^[dD][c-fC-F]/.test(content.slice(at + 2, at + 4)))
          return false;
      }
      i += length;
    } else {
      i++;
    }
  }
  return true;
}

/** The value of a JSON string literal's content, or undefined if it is not valid JSON there. */
export function unescapeJson(content: string): string | undefined {
  try {
    return JSON.parse(`"${content}"`) as string;
  } catch {
    return undefined;
  }
}

/**
 * The value of a JavaScript literal's content (a template chunk's "cooked" value for '`'), or
 * undefined for a legacy octal escape, a bad escape, or a '…'/"…" content holding its own quote.
 */
export function unescapeJs(content: string, quote: Quote): string | undefined {
  let out = '';
  for (let i = 0; i < content.length; i++) {
    const c = content[i]!;
    if (c !== '\\') {
      if (c === quote && quote !== '`') return undefined;
      if (c === '\r' && quote === '`') {
        out += '\n'; // a template reads CR LF and CR as LF
        if (content[i + 1] === '\n') i++;
      } else if ((c === '\n' || c === '\r') && quote !== '`') {
        return undefined;
      } else {
        out += c;
      }
      continue;
    }
    const n = content[i + 1];
    if (n === undefined) return undefined;
    i++;
    switch (n) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case '0':
        if (/[0-9]/.test(content[i + 1] ?? '')) return undefined;
        out += '\0';
        break;
      case 'x': {
        const hex = content.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
        out += String.fromCharCode(parseInt(hex, 16));
        i += 2;
        break;
      }
      case 'u': {
        let hex: string;
        if (content[i + 1] === '{') {
          const close = content.indexOf('}', i + 2);
          if (close === -1) return undefined;
          hex = content.slice(i + 2, close);
          if (!/^[0-9a-fA-F]{1,6}$/.test(hex) || parseInt(hex, 16) > 0x10ffff) return undefined;
          i = close;
        } else {
          hex = content.slice(i + 1, i + 5);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
          i += 4;
        }
        out += String.fromCodePoint(parseInt(hex, 16));
        break;
      }
      case '\r':
        if (content[i + 1] === '\n') i++;
        break; // a line continuation: nothing
      case '\n':
      case '\u2028':
      case '\u2029':
        break;
      default:
        if (/[1-9]/.test(n)) return undefined; // legacy octal (an error in strict code and templates)
        out += n;
    }
  }
  return out;
}

const JSON_NUMBER_OR_WORD =
  /^[ \t\n\r]*(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null)[ \t\n\r]*$/;
const JSON_CLOSE: Record<string, string> = { '{': '}', '[': ']', '"': '"' };

/** Whether `value` is the text of a JSON value (a number, true, an object…), as it stands. */
export function isJsonText(value: string): boolean {
  // Most plaintexts are not JSON: told apart from the first and last characters (or the grammar
  // of numbers and words) without the cost of a thrown SyntaxError; the rest is JSON.parse's.
  let first = 0;
  while (first < value.length && ' \t\n\r'.includes(value[first]!)) first++;
  let last = value.length - 1;
  while (last > first && ' \t\n\r'.includes(value[last]!)) last--;
  const close = JSON_CLOSE[value[first] ?? ''];
  if (close === undefined) return JSON_NUMBER_OR_WORD.test(value);
  if (last === first || value[last] !== close) return false;
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

// ---- YAML --------------------------------------------------------------------------------------

/** Length of a YAML double-quoted escape at `i`. */
function yamlEscapeLength(content: string, i: number): number {
  const next = content[i + 1];
  return next === 'x' ? 4 : next === 'u' ? 6 : next === 'U' ? 10 : 2;
}

const YAML_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};

/** The value of a YAML double-quoted scalar's content on one line, or undefined. */
export function unescapeYamlDouble(content: string): string | undefined {
  if (/[\r\n]/.test(content)) return undefined;
  let out = '';
  for (let i = 0; i < content.length; i++) {
    const c = content[i]!;
    if (c === '"') return undefined;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = content[i + 1];
    if (n === undefined) return undefined;
    const length = yamlEscapeLength(content, i);
    if (length > 2) {
      const hex = content.slice(i + 2, i + length);
      if (!new RegExp(`^[0-9a-fA-F]{${length - 2}}$`).test(hex) || parseInt(hex, 16) > 0x10ffff)
        return undefined;
      out += String.fromCodePoint(parseInt(hex, 16));
    } else {
      const value = YAML_ESCAPES[n];
      if (value === undefined) return undefined;
      out += value;
    }
    i += length - 1;
  }
  return out;
}

/** The value of a YAML single-quoted scalar's content on one line, or undefined. */
export function unescapeYamlSingle(content: string): string | undefined {
  if (/[\r\n]/.test(content)) return undefined;
  if (content.replace(/''/g, '').includes("'")) return undefined;
  return content.replace(/''/g, "'");
}

/** `value` inside a YAML double-quoted scalar: JSON-style escapes, which YAML reads the same. */
export function yamlDoubleContent(value: string): string {
  let out = '';
  for (const ch of value) {
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (YAML_UNPRINTABLE.test(ch) || (ch.length === 1 && ch >= '\ud800' && ch <= '\udfff')) {
      out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return out;
}

/** `value` inside a YAML single-quoted scalar, or undefined (a line break or a character YAML cannot hold raw). */
export function yamlSingleContent(value: string): string | undefined {
  if (/[\r\n]/.test(value) || YAML_UNPRINTABLE.test(value) || !value.isWellFormed()) return undefined;
  return value.replace(/'/g, "''");
}

/** Words YAML 1.1 (PyYAML) or 1.2 (the yaml package) read as booleans or null. */
const YAML_RESERVED =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;

/**
 * Whether `value` can be written as a plain (unquoted) YAML scalar that YAML 1.1 and 1.2 both
 * read back as exactly this string: one line, no white space at its ends, starting with a letter
 * (not a number, date, indicator or `.inf`), no `: ` or ` #` (nor `,[]{}?:` in flow style), not a
 * boolean or null word.
 */
export function yamlPlainSafe(value: string, flow: boolean): boolean {
  return (
    /^[\p{L}_/$(^;\\][^\s]*(?:[ ]+[^\s]+)*$/u.test(value) &&
    !YAML_UNPRINTABLE.test(value) &&
    value.isWellFormed() &&
    !/: | #|:$/.test(value) &&
    !(flow && /[,[\]{}?:]/.test(value)) &&
    !YAML_RESERVED.test(value)
  );
}

/** `value` as a YAML scalar: plain when safe, otherwise double-quoted. */
export function yamlScalar(value: string, flow: boolean): string {
  return yamlPlainSafe(value, flow) ? value : `"${yamlDoubleContent(value)}"`;
}

/**
 * Whether `scalar` (a plain scalar after a change to part of it) is still one plain scalar that
 * reads as itself: one line, no `: `/` #`, no trailing `:` or white space, nothing unprintable.
 */
export function yamlPlainContinues(scalar: string, flow: boolean): boolean {
  return (
    !/[\r\n\t]/.test(scalar) &&
    !/\s$/.test(scalar) &&
    !YAML_UNPRINTABLE.test(scalar) &&
    scalar.isWellFormed() &&
    !/: | #|:$/.test(scalar) &&
    !(flow && /[,[\]{}?:]/.test(scalar))
  );
}

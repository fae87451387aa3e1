/**
 * `.env` files as the two parsers people's apps run read them: the `dotenv` npm package
 * (`dotenv.parse`, its classic parser) and python-dotenv (`dotenv_values`, Debian's 0.21). Both are
 * re-implemented here step for step (their regular expressions, in the order they apply them), so
 * Keysmith can (1) read a file only where the two agree, and (2) check every value it writes by
 * reading the written line back with both, before writing it.
 *
 * Where they differ (and so what Keysmith never writes):
 * - unquoted: dotenv ends the value at the first '#', python-dotenv only at " #"; dotenv trims
 *   JavaScript white space (U+FEFF too), python-dotenv Python's (U+001C–U+001F and U+0085 too);
 * - double quotes: dotenv turns only `\n` and `\r` into line breaks and keeps every other backslash,
 *   python-dotenv decodes `\\ \' \" \a \b \f \n \r \t \v`: so a value written in double quotes may
 *   hold a backslash only before a character outside `\'"abfnrtv` (and not last), and no '"';
 * - single quotes: dotenv keeps the text as it is, python-dotenv decodes `\\` and `\'`: so no '\\',
 *   no '\'' and no final backslash there;
 * - python-dotenv expands `${NAME}` in every value (quoted or not) unless interpolate=False, dotenv
 *   never does: a written value never holds "${";
 * - dotenv reads `\r\n` and a lone `\r` as `\n` everywhere, even inside quotes: a raw CR is never written.
 * The value Keysmith writes is the first of these that both read back exactly: unquoted (no white
 * space at all, no quote, '#', '\\' or "${", no control character), double-quoted (line breaks as
 * `\n`/`\r`), single-quoted (line breaks as they are); otherwise it refuses, saying why.
 */
import { KeysmithError } from './errors';

/** One `NAME=value` binding, with where its value is in the text. */
export interface DotenvBinding {
  name: string;
  value: string;
  /** 1-based line of the name. */
  line: number;
  /** Offsets of the value's text as written (quotes included), in the text. */
  valueStart: number;
  valueEnd: number;
  /** How the value is written. */
  quote: '' | "'" | '"';
}

// ---- python-dotenv 0.21 (dotenv/parser.py), step for step --------------------------------------

/** Python's `\s` (re.UNICODE) and str.isspace(), as a character-class body. */
const PY_SPACE =
  '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** `[^\S\r\n]`: white space but CR and LF. */
const PY_BLANK = PY_SPACE.replace('\\n', '').replace('\\r', '');
const py = {
  multilineWhitespace: new RegExp(`[${PY_SPACE}]*`, 'y'),
  export: new RegExp(`(?:export[${PY_BLANK}]+)?`, 'y'),
  singleQuotedKey: /'([^']+)'/y,
  unquotedKey: new RegExp(`([^=#${PY_SPACE}]+)`, 'y'),
  whitespace: new RegExp(`[${PY_BLANK}]*`, 'y'),
  equalSign: new RegExp(`(=[${PY_BLANK}]*)`, 'y'),
  singleQuotedValue: /'((?:\\'|[^'])*)'/y,
  doubleQuotedValue: /"((?:\\"|[^"])*)"/y,
  unquotedValue: /([^\r\n]*)/y,
  comment: new RegExp(`(?:[${PY_BLANK}]*#[^\\r\\n]*)?`, 'y'),
  endOfLine: new RegExp(`[${PY_BLANK}]*(?:\\r\\n|\\n|\\r|$)`, 'y'),
  restOfLine: /[^\r\n]*(?:\r|\n|\r\n)?/y,
  spacesHash: new RegExp(`[${PY_SPACE}]+#.*`, 'g'),
  trailing: new RegExp(`[${PY_SPACE}]+$`),
};
const PY_DOUBLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

export interface PyBinding {
  name?: string;
  value?: string;
  quote: '' | "'" | '"';
  /** Where the binding starts (after leading blank lines) and its value's text. */
  keyAt: number;
  valueStart: number;
  valueEnd: number;
  error: boolean;
}

class PyError extends Error {}

/** python-dotenv's parse_stream: every binding, errors included (it logs and skips those). */
export function pythonBindings(text: string): PyBinding[] {
  let at = 0;
  const read = (regex: RegExp): RegExpExecArray => {
    regex.lastIndex = at;
    const match = regex.exec(text);
    if (!match) throw new PyError();
    at = regex.lastIndex;
    return match;
  };
  const bindings: PyBinding[] = [];
  while (at < text.length) {
    const mark = at;
    let keyAt: number;
    try {
      read(py.multilineWhitespace);
      if (at >= text.length) break;
      read(py.export);
      keyAt = at;
      let name: string | undefined;
      const first = text[at];
      if (first === '#') name = undefined;
      else if (first === "'") name = read(py.singleQuotedKey)[1];
      else name = read(py.unquotedKey)[1];
      read(py.whitespace);
      let value: string | undefined;
      let quote: PyBinding['quote'] = '';
      let valueStart = -1;
      let valueEnd = -1;
      if (text[at] === '=') {
        read(py.equalSign);
        valueStart = at;
        const char = text[at] ?? '';
        if (char === "'") {
          quote = "'";
          value = read(py.singleQuotedValue)[1]!.replace(/\\[\\']/g, (m) => m[1]!);
        } else if (char === '"') {
          quote = '"';
          value = read(py.doubleQuotedValue)[1]!.replace(
            /\\[\\'"abfnrtv]/g,
            (m) => PY_DOUBLE_ESCAPES[m[1]!]!,
          );
        } else if (char === '' || char === '\n' || char === '\r') {
          value = '';
        } else {
          const part = read(py.unquotedValue)[1]!;
          value = part.replace(py.spacesHash, '').replace(py.trailing, '');
        }
        // Unquoted, the value is what is left of the line without its comment and trailing white
        // space: a prefix of the text read.
        valueEnd = quote === '' ? valueStart + value.length : at;
      }
      read(py.comment);
      read(py.endOfLine);
      bindings.push({ name, value, quote, keyAt, valueStart, valueEnd, error: false });
    } catch (error) {
      if (!(error instanceof PyError)) throw error;
      read(py.restOfLine);
      bindings.push({ quote: '', keyAt: mark, valueStart: -1, valueEnd: -1, error: true });
      if (at === mark) at++; // not reached: restOfLine always moves on past a failed binding
    }
  }
  return bindings;
}

/** python-dotenv's interpolation (the default): `${NAME}` or `${NAME:-default}` in any value. */
const PY_VARIABLE = /\$\{[^}:]*(?::-[^}]*)?\}/;

// ---- dotenv (npm) classic parser, as dist/index.cjs has it -------------------------------------

const NPM_LINE =
  /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/dgm;

interface NpmBinding {
  name: string;
  value: string;
  /** Offset of the name in the normalized text (CR LF and CR read as LF). */
  keyAt: number;
}

function npmBindings(text: string): { bindings: NpmBinding[]; normalized: string } {
  const normalized = text.replace(/\r\n?/gm, '\n');
  const bindings: NpmBinding[] = [];
  NPM_LINE.lastIndex = 0;
  for (let match = NPM_LINE.exec(normalized); match; match = NPM_LINE.exec(normalized)) {
    let value = (match[2] ?? '').trim();
    const quote = value[0];
    value = value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2');
    if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    bindings.push({ name: match[1]!, value, keyAt: match.indices![1]![0] });
  }
  return { bindings, normalized };
}

// ---- reading: where the two agree --------------------------------------------------------------

/** 1-based line of each offset, for offsets given in increasing order. */
function lineCounter(text: string): (offset: number) => number {
  let line = 1;
  let at = 0;
  return (offset) => {
    for (; at < offset; at++) {
      const c = text.charCodeAt(at);
      // CR LF is one line break; a lone CR is one too (both parsers agree).
      if (c === 0x0a || (c === 0x0d && text.charCodeAt(at + 1) !== 0x0a)) line++;
    }
    return line;
  };
}

/**
 * Offset of the start of the line holding `offset` (just past the last LF or CR before it). A
 * backward scan that stops at the first break: `lastIndexOf('\r')` would walk to the start of a
 * text without CRs, once per value written.
 */
export function lineStartOf(text: string, offset: number): number {
  let i = offset - 1;
  while (i >= 0) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) break;
    i--;
  }
  return i + 1;
}

export function cannotPlace(line: number, why: string): KeysmithError {
  return new KeysmithError('CANNOT_PLACE', `line ${line}: ${why}`, undefined, undefined, undefined, line);
}

/**
 * Every binding of a `.env` text, as both parsers read it; throws CANNOT_PLACE naming the first
 * line where they disagree, or that python-dotenv cannot parse. A name without '=' has no value
 * (python-dotenv gives None, dotenv skips it) and is left out.
 */
export function dotenvBindings(text: string): DotenvBinding[] {
  const pyLine = lineCounter(text);
  const python = pythonBindings(text);
  const ours: DotenvBinding[] = [];
  for (const binding of python) {
    const line = pyLine(binding.keyAt);
    if (binding.error)
      throw cannotPlace(line, 'this line is not NAME=value (python-dotenv cannot parse it).');
    if (binding.name === undefined || binding.value === undefined) continue;
    ours.push({
      name: binding.name,
      value: binding.value,
      line,
      valueStart: binding.valueStart,
      valueEnd: binding.valueEnd,
      quote: binding.quote,
    });
  }
  const { bindings: npm, normalized } = npmBindings(text);
  const npmLine = lineCounter(normalized);
  const count = Math.max(ours.length, npm.length);
  for (let i = 0; i < count; i++) {
    const a = ours[i];
    const b = npm[i];
    const bLine = b ? npmLine(b.keyAt) : Infinity;
    if (a && b && a.name === b.name && a.value === b.value && a.line === bLine) continue;
    const line = Math.min(a?.line ?? Infinity, bLine);
    const name = a?.line === line ? a.name : b?.name;
    throw cannotPlace(
      line,
      `dotenv and python-dotenv read ${name !== undefined && /^[\w.-]{1,64}$/.test(name) ? name : 'this line'} differently; write it so both agree (e.g. in single quotes, without \\ and ${'${'}).`,
    );
  }
  return ours;
}

// ---- writing: a value both read back exactly ---------------------------------------------------

/** Characters never written unquoted: white space of either language, controls, quotes, '#', '\\'. */
const NOT_UNQUOTED = new RegExp(`[\\s${PY_SPACE}\\x00-\\x1f\\x7f-\\x9f'"\`#\\\\]|\\$\\{`);

/**
 * The candidate spellings of `value`: unquoted only when plainly safe (no white space, quote, '#',
 * '\\', "${" or control character — stricter than the two parsers, so other readers of .env
 * files such as shells and Docker Compose read it the same too), then double-quoted (line breaks as
 * \\n and \\r), then single-quoted. `part`: the value holds an envelope or plaintext as only
 * part of it, and single quotes come before double ones (an envelope inside a value can only be
 * single-quoted, so a value that was '…' before encrypting is '…' again after decrypting). Each
 * candidate is then read back by both parsers before it is used.
 */
function spellings(value: string, part: boolean): string[] {
  const unquoted = NOT_UNQUOTED.test(value) ? [] : [value];
  const double = [`"${value.replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`];
  const single = [`'${value}'`];
  return part ? [...unquoted, ...single, ...double] : [...unquoted, ...double, ...single];
}

/** Why no spelling works, for the message (never quoting the value). */
function whyNoSpelling(value: string): string {
  if (value.includes('${')) {
    return 'the value holds "${", which python-dotenv expands as a variable; it cannot be written in a .env file so that both dotenv and python-dotenv read it as it is.';
  }
  if (value.includes('"') && value.includes("'")) {
    return 'the value holds both \' and " (dotenv and python-dotenv read escaped quotes differently), so it cannot be written in a .env file that both read the same.';
  }
  if (value.includes('\r')) {
    return 'the value holds a carriage return with a quote or backslash, which dotenv and python-dotenv cannot both read back.';
  }
  return 'the value holds quotes or backslashes that dotenv and python-dotenv would read differently in every kind of quoting.';
}

/**
 * The text to put in place of `[valueStart, valueEnd)` (a binding's value as written, or an empty
 * range right after '=') so that both parsers read `value` there: the first spelling that, put into
 * its line and read back by both re-implemented parsers, gives exactly `value`. `part`: the
 * envelope is (or was) only part of the value (see spellings).
 */
export function dotenvValueText(
  text: string,
  valueStart: number,
  valueEnd: number,
  value: string,
  line: number,
  part = false,
): string {
  if (PY_VARIABLE.test(value) || value.includes('${')) throw cannotPlace(line, whyNoSpelling(value));
  const lineStart = lineStartOf(text, valueStart);
  let lineEnd = valueEnd;
  while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
  const before = text.slice(lineStart, valueStart);
  const after = text.slice(valueEnd, lineEnd);
  for (const spelling of spellings(value, part)) {
    const probe = `${before}${spelling}${after}\n`;
    const python = pythonBindings(probe).filter((b) => b.error || b.value !== undefined);
    const { bindings: npm } = npmBindings(probe);
    if (
      python.length === 1 &&
      !python[0]!.error &&
      python[0]!.value === value &&
      !PY_VARIABLE.test(value) &&
      npm.length === 1 &&
      npm[0]!.value === value &&
      npm[0]!.name === python[0]!.name
    ) {
      return spelling;
    }
  }
  throw cannotPlace(line, whyNoSpelling(value));
}

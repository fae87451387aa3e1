/**
 * Where the string literals and comments of a JSON/JSONC or JavaScript/TypeScript text are, in one
 * forward pass: enough to tell whether an offset sits inside a literal (and which quote it uses),
 * in a comment, or in code. Not a parser: a text that is not valid is scanned as well as it goes,
 * and a '…' or "…" literal ends at a line break, so one odd line cannot shift the rest of the file.
 *
 * JavaScript's two ambiguities are settled the usual way: `/` starts a regular expression where an
 * operand is expected (after an operator, `(`, `,`, a keyword such as `return`, or at the start),
 * otherwise it divides; a template literal is split into its chunks at `${ … }`, and the braces of
 * the code inside are counted so the `}` that ends a substitution is found.
 */

export type Quote = '"' | "'" | '`';

export interface Region {
  kind: 'string' | 'comment';
  /** Offset of the region's first character (the opening quote, `//` or `/*`; `}` for a template chunk after `${…}`). */
  open: number;
  /** Just past its last character. */
  end: number;
  /** Strings: the quote, and the content's range (between the delimiters). */
  quote?: Quote;
  contentStart: number;
  contentEnd: number;
  /** Strings: whether the closing delimiter is there (a '…' or "…" literal cut by a line break is not). */
  terminated: boolean;
  /** Template chunks: whether the chunk is a whole `…` literal (no `${` on either side). */
  whole: boolean;
}

const REGEX_AFTER_WORD = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

function isWordChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f ||
    code === 0x24 ||
    code > 0x7f
  );
}

/** Every string literal and comment of `text`, in order. `js`: JavaScript rules, else JSON(C). */
export function scanCode(text: string, js: boolean): Region[] {
  const regions: Region[] = [];
  const n = text.length;
  let i = 0;
  // For `/`: the last significant character ('' at the start), and the last word if it was one.
  let prev = '';
  let prevWord = '';
  let braces = 0;
  const substitutions: number[] = []; // brace depth at each open `${`

  const templateChunk = (open: number): void => {
    let j = open + 1;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 0x5c) {
        j += 2;
      } else if (c === 0x60) {
        break;
      } else if (c === 0x24 && text.charCodeAt(j + 1) === 0x7b) {
        break;
      } else {
        j++;
      }
    }
    j = Math.min(j, n);
    const closed = j < n;
    const substitution = closed && text.charCodeAt(j) === 0x24;
    regions.push({
      kind: 'string',
      open,
      end: closed ? j + (substitution ? 2 : 1) : n,
      quote: '`',
      contentStart: open + 1,
      contentEnd: j,
      terminated: closed,
      whole: text.charCodeAt(open) === 0x60 && closed && !substitution,
    });
    if (substitution) substitutions.push(braces);
    i = closed ? j + (substitution ? 2 : 1) : n;
    prev = substitution ? '(' : 'a';
    prevWord = '';
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || (js && c === 0x27)) {
      // '…' or "…": ends at the unescaped quote, or (unterminated) at a line break.
      let j = i + 1;
      let terminated = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) {
          j += 2;
          continue;
        }
        if (d === c) {
          terminated = true;
          break;
        }
        if (d === 0x0a || d === 0x0d) break;
        j++;
      }
      j = Math.min(j, n);
      regions.push({
        kind: 'string',
        open: i,
        end: terminated ? j + 1 : j,
        quote: c === 0x22 ? '"' : "'",
        contentStart: i + 1,
        contentEnd: j,
        terminated,
        whole: true,
      });
      i = terminated ? j + 1 : j;
      prev = 'a';
      prevWord = '';
      continue;
    }
    if (js && c === 0x60) {
      templateChunk(i);
      continue;
    }
    if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      let j = text.indexOf('\n', i + 2);
      if (j === -1) j = n;
      if (text.charCodeAt(j - 1) === 0x0d) j--;
      regions.push(commentRegion(i, j));
      i = j;
      continue;
    }
    if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const close = text.indexOf('*/', i + 2);
      const j = close === -1 ? n : close + 2;
      regions.push(commentRegion(i, j));
      i = j;
      continue;
    }
    if (
      js &&
      c === 0x2f &&
      (prev === '' || '(,=:[!&|?{};+-*%<>~^'.includes(prev) || REGEX_AFTER_WORD.has(prevWord))
    ) {
      const j = regexEnd(text, i);
      if (j !== -1) {
        i = j;
        prev = 'a';
        prevWord = '';
        continue;
      }
    }
    if (js && c === 0x7b) {
      braces++;
    } else if (js && c === 0x7d) {
      if (substitutions.length > 0 && substitutions[substitutions.length - 1] === braces) {
        substitutions.pop();
        templateChunk(i);
        continue;
      }
      braces--;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      i++;
      continue;
    }
    if (isWordChar(c)) {
      let j = i + 1;
      while (j < n && isWordChar(text.charCodeAt(j))) j++;
      prevWord = text.slice(i, j);
      prev = 'w';
      i = j;
      continue;
    }
    prev = text[i]!;
    prevWord = '';
    i++;
  }
  return regions;
}

function commentRegion(open: number, end: number): Region {
  return { kind: 'comment', open, end, contentStart: open, contentEnd: end, terminated: true, whole: true };
}

/** Just past a regular-expression literal starting at `open` ('/'), with its flags; -1 if it is not one. */
function regexEnd(text: string, open: number): number {
  let j = open + 1;
  let inClass = false;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 0x0a || c === 0x0d) return -1;
    if (c === 0x5c) {
      j += 2;
      continue;
    }
    if (c === 0x5b) inClass = true;
    else if (c === 0x5d) inClass = false;
    else if (c === 0x2f && !inClass) {
      j++;
      while (j < text.length && isWordChar(text.charCodeAt(j))) j++;
      return j;
    }
    j++;
  }
  return -1;
}

/** The region (sorted, as scanCode returns them) with `open <= offset < end`, if any. */
export function regionAt(regions: readonly Region[], offset: number): Region | undefined {
  let low = 0;
  let high = regions.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const region = regions[mid]!;
    if (offset < region.open) high = mid - 1;
    else if (offset >= region.end) low = mid + 1;
    else return region;
  }
  return undefined;
}

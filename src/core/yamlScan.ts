/**
 * What a YAML text holds at an offset: a quoted scalar, a plain scalar, a block scalar's content,
 * a comment, or structure (a value position, indicators, flow collections). Scanned line by line
 * from the start, remembering the state at the start of the current line, so asking for offsets
 * in increasing order (as rendering a file does) costs one pass in all. Not a validating parser:
 * it follows the YAML rules that decide where a scalar starts and ends (quotes, `: `, ` #`, flow
 * indicators, `|`/`>` and indentation) and scans whatever else there is as well as it goes.
 */

export type YamlSpot =
  /** `open` and `close` are the quotes' offsets (close -1: the scalar is never closed). */
  | { kind: 'quoted'; quote: "'" | '"'; open: number; close: number; flow: boolean }
  /** The plain scalar on this line around the offset, trimmed: [start, end). */
  | { kind: 'plain'; start: number; end: number; flow: boolean }
  /** Inside a block scalar (`|` or `>`); `indent`: the white space that starts the offset's line. */
  | { kind: 'block'; indent: string }
  | { kind: 'comment' }
  /** Structure: a value position or an indicator (`{` of a flow mapping, `-`, `:`…). */
  | { kind: 'other'; flow: boolean };

interface State {
  /** Inside a quoted scalar that started on an earlier line. */
  quote: { quote: "'" | '"'; open: number; close: number } | null;
  /** Inside a block scalar whose header's line is indented by `parent` spaces. */
  block: { parent: number } | null;
  /** Depth of open flow collections ([ and {). */
  flow: number;
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

export class YamlScanner {
  private lineStart = 0;
  private state: State = { quote: null, block: null, flow: 0 };

  constructor(private readonly text: string) {}

  at(offset: number): YamlSpot {
    if (offset < this.lineStart) {
      this.lineStart = 0;
      this.state = { quote: null, block: null, flow: 0 };
    }
    for (;;) {
      const lineEnd = this.lineEndFrom(this.lineStart);
      if (offset <= lineEnd || lineEnd >= this.text.length) {
        // Scan the offset's line on a copy of the state: the next question may be on this line too.
        const spot = this.scanLine(this.lineStart, lineEnd, { ...this.state }, offset);
        return spot ?? { kind: 'other', flow: this.state.flow > 0 };
      }
      this.scanLine(this.lineStart, lineEnd, this.state, undefined);
      this.lineStart = lineEnd + 1;
    }
  }

  /** Offset of the line break ending the line at `from` ('\n'; a CR before it is part of the line). */
  private lineEndFrom(from: number): number {
    const end = this.text.indexOf('\n', from);
    return end === -1 ? this.text.length : end;
  }

  /** The closing quote of a scalar opened at `open`, or -1. */
  private closeOf(quote: "'" | '"', open: number): number {
    const text = this.text;
    let j = open + 1;
    for (;;) {
      const k = text.indexOf(quote, j);
      if (k === -1) return -1;
      if (quote === "'") {
        if (text.charCodeAt(k + 1) === 0x27) {
          j = k + 2; // '' is an escaped quote
          continue;
        }
        return k;
      }
      let slashes = 0;
      while (text.charCodeAt(k - 1 - slashes) === 0x5c) slashes++;
      if (slashes % 2 === 0) return k;
      j = k + 1;
    }
  }

  /**
   * Scans one line, updating `state` for the next; with `stop`, returns what is at `stop` once the
   * scan reaches it (undefined if the line ends first, e.g. `stop` is on its line break).
   */
  private scanLine(ls: number, le: number, state: State, stop: number | undefined): YamlSpot | undefined {
    const text = this.text;
    const here = (from: number, to: number) => stop !== undefined && stop >= from && stop <= to;
    let indent = 0;
    while (ls + indent < le && text.charCodeAt(ls + indent) === 0x20) indent++;
    let i = ls;

    if (state.block) {
      let first = ls;
      while (first < le && (isBlank(text.charCodeAt(first)) || text.charCodeAt(first) === 0x0d)) first++;
      if (first === le || indent > state.block.parent) {
        return here(ls, le) ? { kind: 'block', indent: text.slice(ls, ls + indent) } : undefined;
      }
      state.block = null;
    }
    if (state.quote) {
      const { quote, open, close } = state.quote;
      if (here(ls, close === -1 ? Infinity : close))
        return { kind: 'quoted', quote, open, close, flow: state.flow > 0 };
      if (close === -1 || close > le) return undefined;
      state.quote = null;
      i = close + 1;
    }

    let expectValue = i === ls;
    let afterQuoted = !expectValue; // a line continuing a quoted scalar resumes right after it
    let pendingBlock = false;
    // The column of the node a block scalar here would belong to: its key, or its `-`.
    let nodeColumn = indent;
    let tokenStart = i;
    while (i < le) {
      if (stop !== undefined && i > stop) return { kind: 'other', flow: state.flow > 0 };
      const c = text.charCodeAt(i);
      if (isBlank(c) || c === 0x0d) {
        i++;
        continue;
      }
      const next = text.charCodeAt(i + 1);
      const nextEnds = i + 1 >= le || isBlank(next) || next === 0x0d;
      if (c === 0x23 && (i === ls || isBlank(text.charCodeAt(i - 1)))) {
        return here(i, le) ? { kind: 'comment' } : finish();
      }
      if (c === 0x27 || c === 0x22) {
        if (expectValue || state.flow > 0) {
          const quote = c === 0x27 ? "'" : '"';
          const close = this.closeOf(quote, i);
          if (here(i, close === -1 ? Infinity : close)) {
            return { kind: 'quoted', quote, open: i, close, flow: state.flow > 0 };
          }
          if (close === -1 || close > le) {
            state.quote = { quote, open: i, close };
            return undefined;
          }
          tokenStart = i;
          i = close + 1;
          expectValue = false;
          afterQuoted = true;
          continue;
        }
      }
      if (expectValue && state.flow === 0 && (c === 0x7c || c === 0x3e)) {
        // A block scalar's header: the rest of the line is indicators and maybe a comment.
        pendingBlock = true;
        if (here(i, le)) {
          const hash = text.indexOf(' #', i);
          return hash !== -1 && hash < le && stop! > hash
            ? { kind: 'comment' }
            : { kind: 'other', flow: false };
        }
        break;
      }
      if ((c === 0x2d || c === 0x3f || c === 0x3a) && nextEnds && (expectValue || c === 0x3a)) {
        // `- `, `? `, `: ` (and `-`, `?`, `:` at the end of the line)
        if (here(i, i)) return { kind: 'other', flow: state.flow > 0 };
        nodeColumn = (c === 0x3a && !expectValue ? tokenStart : i) - ls;
        i++;
        expectValue = true;
        afterQuoted = false;
        continue;
      }
      if (c === 0x3a && (afterQuoted || (state.flow > 0 && ',[]{}'.includes(text[i + 1] ?? '')))) {
        // `"key":value` in flow style: ':' right after a quoted key is the value indicator.
        if (here(i, i)) return { kind: 'other', flow: state.flow > 0 };
        nodeColumn = tokenStart - ls;
        i++;
        expectValue = true;
        afterQuoted = false;
        continue;
      }
      if (c === 0x5b || c === 0x7b) {
        if (expectValue || state.flow > 0) {
          if (here(i, i)) return { kind: 'other', flow: state.flow > 0 };
          state.flow++;
          i++;
          expectValue = true;
          afterQuoted = false;
          continue;
        }
      }
      if (state.flow > 0 && (c === 0x5d || c === 0x7d || c === 0x2c)) {
        if (here(i, i)) return { kind: 'other', flow: true };
        if (c === 0x2c) expectValue = true;
        else state.flow--;
        i++;
        afterQuoted = c !== 0x2c;
        continue;
      }
      if (expectValue && (c === 0x21 || c === 0x26 || c === 0x2a)) {
        // A tag (!…), an anchor (&…) or an alias (*…): a token up to white space.
        let j = i + 1;
        while (j < le && !isBlank(text.charCodeAt(j)) && !(state.flow > 0 && ',[]{}'.includes(text[j]!))) j++;
        if (here(i, j - 1)) return { kind: 'other', flow: state.flow > 0 };
        i = j;
        expectValue = c !== 0x2a;
        afterQuoted = false;
        continue;
      }
      // A plain scalar: to ': ', ' #', the end of the line, or (in flow) a flow indicator.
      const start = i;
      let j = i;
      while (j < le) {
        const d = text.charCodeAt(j);
        if (d === 0x3a) {
          const after = text.charCodeAt(j + 1);
          if (
            j + 1 >= le ||
            isBlank(after) ||
            after === 0x0d ||
            (state.flow > 0 && ',[]{}'.includes(text[j + 1]!))
          )
            break;
        }
        if (d === 0x23 && isBlank(text.charCodeAt(j - 1))) break;
        if (state.flow > 0 && (d === 0x2c || d === 0x5b || d === 0x5d || d === 0x7b || d === 0x7d)) break;
        j++;
      }
      let end = j;
      while (end > start && (isBlank(text.charCodeAt(end - 1)) || text.charCodeAt(end - 1) === 0x0d)) end--;
      if (here(start, Math.max(end, start))) return { kind: 'plain', start, end, flow: state.flow > 0 };
      tokenStart = start;
      i = j;
      expectValue = false;
      afterQuoted = false;
    }
    return finish();

    function finish(): undefined {
      if (pendingBlock) state.block = { parent: nodeColumn };
      return undefined;
    }
  }
}

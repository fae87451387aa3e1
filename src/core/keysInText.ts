/**
 * Finding the key under a position in a document's text, for the key hover, Copy as… and Inspect
 * Key: a PEM block (`-----BEGIN … KEY-----` … `-----END … KEY-----`), an OpenSSH public key line
 * (also an authorized_keys line, options first, or a known_hosts line), or a JWK / JWKS object.
 *
 * Cheap by construction: the caller hands over a bounded window of the document
 * ({@link keyWindowBounds}: ±{@link KEY_WINDOW_LINES} lines, at most {@link KEY_WINDOW_CHARS}
 * characters around the position), never the whole document; a key larger than the window is not
 * found (and so not hovered). What the key *is* is left to readKey/inspectKey: this only cuts the
 * text out (a broken block is found too, so that the core can name what is wrong with it).
 *
 * Out of scope: a PEM block written on one line with `\n` escapes inside a string literal
 * ("-----BEGIN PUBLIC KEY-----\nMIIB…") is not found, rather than reported as a broken block.
 */

/** Lines before and after the position that the window may hold. */
export const KEY_WINDOW_LINES = 200;
/** Characters the window may hold in all (an RSA-4096 private PEM is about 3,300). */
export const KEY_WINDOW_CHARS = 32 * 1024;

export type FoundKeyForm = 'pem' | 'openssh' | 'jwk';

export interface FoundKey {
  form: FoundKeyForm;
  /** Offsets of the key in the text searched (with the window's `start` added), end exclusive. */
  start: number;
  end: number;
  /**
   * The key as readKey takes it: a PEM block with its common indentation removed, an OpenSSH
   * line without authorized_keys options (`type base64 comment`), the JSON of a JWK or JWKS.
   */
  text: string;
  /** The PEM label (`RSA PRIVATE KEY`, `OPENSSH PRIVATE KEY`, …). */
  label?: string;
  /** A JWKS (`{"keys": [...]}`), not one JWK. */
  jwks?: boolean;
}

/**
 * The window around `cursor`: from the start of line `line - KEY_WINDOW_LINES` to the end of line
 * `line + KEY_WINDOW_LINES` (the caller gives those two offsets), cut to at most
 * {@link KEY_WINDOW_CHARS} characters, half on each side of the cursor (what one side does not
 * use goes to the other).
 */
export function keyWindowBounds(
  cursor: number,
  firstLineStart: number,
  lastLineEnd: number,
): { from: number; to: number } {
  const half = KEY_WINDOW_CHARS / 2;
  const before = Math.min(cursor - firstLineStart, half + Math.max(0, half - (lastLineEnd - cursor)));
  const after = Math.min(lastLineEnd - cursor, KEY_WINDOW_CHARS - before);
  return { from: cursor - before, to: cursor + after };
}

/** The window of a whole text (what the editor does through the document's lines). */
export function keyWindowOf(text: string, cursor: number): { text: string; start: number } {
  let firstLineStart = lineStartOf(text, cursor);
  for (let n = 0; n < KEY_WINDOW_LINES && firstLineStart > 0; n++) {
    firstLineStart = lineStartOf(text, firstLineStart - 1);
  }
  let lastLineEnd = lineEndOf(text, cursor);
  for (let n = 0; n < KEY_WINDOW_LINES && lastLineEnd < text.length; n++) {
    lastLineEnd = lineEndOf(text, lastLineEnd + 1);
  }
  const { from, to } = keyWindowBounds(cursor, firstLineStart, lastLineEnd);
  return { text: text.slice(from, to), start: from };
}

/**
 * The key under `offset` in `text` (a window of a document whose first character is at `start`;
 * `offset` and the result's offsets are the document's), or undefined. A PEM block wins over an
 * OpenSSH line, which wins over a JWK.
 */
export function findKeyAt(text: string, offset: number, start = 0): FoundKey | undefined {
  const at = offset - start;
  if (at < 0 || at > text.length) return undefined;
  const found = pemAt(text, at) ?? openSshLineAt(text, at) ?? jwkAt(text, at);
  return found && { ...found, start: found.start + start, end: found.end + start };
}

// ---------------------------------------------------------------------------------------------
// PEM

const BEGIN = /-----BEGIN ([A-Z0-9][A-Z0-9 .]*? KEY)-----/g;

function lineStartOf(text: string, index: number): number {
  return text.lastIndexOf('\n', index - 1) + 1;
}

function lineEndOf(text: string, index: number): number {
  const end = text.indexOf('\n', index);
  return end === -1 ? text.length : end;
}

function pemAt(text: string, at: number): FoundKey | undefined {
  // The last BEGIN that starts at or before the cursor's line end (the cursor may sit in its
  // indentation), then its END; a later BEGIN before that END means this block has none.
  const searchTo = lineEndOf(text, at);
  let begin: RegExpExecArray | undefined;
  BEGIN.lastIndex = 0;
  for (let m = BEGIN.exec(text); m && m.index <= searchTo; m = BEGIN.exec(text)) begin = m;
  if (!begin) return undefined;
  const label = begin[1]!;
  const blockStart = begin.index;
  const bodyStart = blockStart + begin[0].length;
  const lineStart = lineStartOf(text, blockStart);
  const indent = text.slice(lineStart, blockStart);
  const endMatch = /-----END [A-Z0-9 .]*-----/g;
  endMatch.lastIndex = bodyStart;
  const end = endMatch.exec(text);
  BEGIN.lastIndex = bodyStart;
  const nextBegin = BEGIN.exec(text);
  let blockEnd: number;
  if (end && (!nextBegin || end.index < nextBegin.index)) {
    blockEnd = end.index + end[0].length;
  } else {
    // No END: the block is the BEGIN line and the base64-looking lines after it (readKey then
    // says the END line is missing).
    blockEnd = lineEndOf(text, bodyStart);
    while (blockEnd < text.length) {
      const next = lineEndOf(text, blockEnd + 1);
      if (!/^[ \t]*[A-Za-z0-9+/=:, -]+\r?$/.test(text.slice(blockEnd + 1, next))) break;
      if (nextBegin && next > nextBegin.index) break;
      blockEnd = next;
    }
  }
  const from = /^[ \t]*$/.test(indent) ? lineStart : blockStart;
  if (at < from || at > blockEnd) return undefined;
  const raw = text.slice(blockStart, blockEnd);
  if (/\\n/.test(raw) && !raw.includes('\n')) return undefined; // `\n` escapes: out of scope (above)
  return { form: 'pem', start: blockStart, end: blockEnd, text: dedent(raw, indent), label };
}

/** Removes from each line after the first the indentation of the BEGIN line (YAML block scalars). */
function dedent(block: string, indent: string): string {
  const lines = block.split(/\r?\n/);
  const width = /^[ \t]*$/.test(indent) ? indent.length : 0;
  return lines
    .map((line, i) => {
      if (i === 0 || width === 0) return line;
      let cut = 0;
      while (cut < width && (line[cut] === ' ' || line[cut] === '\t')) cut++;
      return line.slice(cut);
    })
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// OpenSSH public key line

/**
 * A key type, then base64 starting "AAAA" (the type's length). The type must start the line or
 * follow white space or a quote (authorized_keys options, a known_hosts host, YAML's `- `).
 * ssh-dss and the sk- types are found so that readKey can say they are not supported.
 */
const SSH_KEY =
  /(^|[\s"'])((?:ssh-[a-z0-9]+|ecdsa-sha2-[a-z0-9]+|sk-[a-z0-9.@-]+|[a-z0-9-]+-cert-v01@openssh\.com))[ \t]+(AAAA[A-Za-z0-9+/]*={0,2})(?=[\s"',]|$)/g;

function openSshLineAt(text: string, at: number): FoundKey | undefined {
  const lineStart = lineStartOf(text, at);
  const lineEnd = lineEndOf(text, at);
  const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
  SSH_KEY.lastIndex = 0;
  for (let m = SSH_KEY.exec(line); m; m = SSH_KEY.exec(line)) {
    const typeStart = m.index + m[1]!.length;
    const afterBase64 = m.index + m[0].length;
    const quote = m[1] === '"' || m[1] === "'" ? m[1] : undefined;
    // The comment: the rest of the line, or up to the closing quote of a quoted key.
    let commentEnd = quote ? line.indexOf(quote, afterBase64) : line.length;
    if (commentEnd === -1) commentEnd = line.length;
    const rest = line.slice(afterBase64, commentEnd);
    const comment = rest.trim();
    const keyEnd = afterBase64 + rest.trimEnd().length;
    const cursor = at - lineStart;
    if (cursor < typeStart || cursor > keyEnd) continue;
    const keyText = `${m[2]} ${m[3]}${comment === '' ? '' : ` ${comment}`}`;
    return { form: 'openssh', start: lineStart + typeStart, end: lineStart + keyEnd, text: keyText };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// JWK / JWKS

/** How many enclosing `{` are tried, innermost first. */
const MAX_JWK_CANDIDATES = 32;

/** The end (exclusive) of the JSON value starting with the `{` at `open`, strings respected. */
function matchingBrace(text: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return c === '}' ? i + 1 : undefined;
    }
  }
  return undefined;
}

function isJwkObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'kty' in value;
}

function jwkAt(text: string, at: number): FoundKey | undefined {
  if (!text.includes('"kty"')) return undefined;
  let open = at < text.length && text[at] === '{' ? at : text.lastIndexOf('{', at - 1);
  for (let tried = 0; open !== -1 && tried < MAX_JWK_CANDIDATES; tried++) {
    const close = matchingBrace(text, open);
    if (close !== undefined && close >= at) {
      const json = text.slice(open, close);
      if (json.includes('"kty"')) {
        let value: unknown;
        try {
          value = JSON.parse(json);
        } catch {
          value = undefined;
        }
        if (isJwkObject(value)) return { form: 'jwk', start: open, end: close, text: json };
        if (
          typeof value === 'object' &&
          value !== null &&
          Array.isArray((value as { keys?: unknown }).keys) &&
          (value as { keys: unknown[] }).keys.some(isJwkObject)
        ) {
          return { form: 'jwk', start: open, end: close, text: json, jwks: true };
        }
      }
    }
    open = open === 0 ? -1 : text.lastIndexOf('{', open - 1);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The public key of an encrypted OpenSSH private key

/**
 * The public key line (`type base64`) that an OpenSSH private key file carries in the clear,
 * also when its private part is passphrase-protected; undefined if the block is not one of those
 * or is damaged (readKey then says what is wrong). No KDF runs here.
 */
export function openSshPublicLineOf(block: string): string | undefined {
  const begin = '-----BEGIN OPENSSH PRIVATE KEY-----';
  const from = block.indexOf(begin);
  const to = block.indexOf('-----END OPENSSH PRIVATE KEY-----');
  if (from === -1 || to < from) return undefined;
  const base64 = block.slice(from + begin.length, to).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return undefined;
  const data = Buffer.from(base64, 'base64');
  const magic = Buffer.from('openssh-key-v1\0', 'latin1');
  if (data.length < magic.length || !data.subarray(0, magic.length).equals(magic)) return undefined;
  let at = magic.length;
  const field = (): Buffer | undefined => {
    if (at + 4 > data.length) return undefined;
    const length = data.readUInt32BE(at);
    if (at + 4 + length > data.length) return undefined;
    const value = data.subarray(at + 4, at + 4 + length);
    at += 4 + length;
    return value;
  };
  if (!field() || !field() || !field()) return undefined; // cipher, KDF, KDF options
  if (at + 4 > data.length || data.readUInt32BE(at) !== 1) return undefined; // one key
  at += 4;
  const publicBlob = field();
  if (!publicBlob || publicBlob.length < 4) return undefined;
  const typeLength = publicBlob.readUInt32BE(0);
  if (4 + typeLength > publicBlob.length) return undefined;
  const type = publicBlob.subarray(4, 4 + typeLength).toString('latin1');
  if (!/^[a-z0-9][a-z0-9.@-]*$/.test(type)) return undefined;
  return `${type} ${publicBlob.toString('base64')}`;
}

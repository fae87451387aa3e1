/**
 * Envelopes inside other files (DESIGN.md "Envelopes in files"; the README's "Envelopes in files"):
 * finding every envelope in a text, and writing plaintext or envelopes in their place so that the
 * file stays valid for its format. No `vscode`, no fs: the editor and the CLI both stand on this.
 *
 * THIS FILE IS THE AGREED INTERFACE: signatures and documented behaviour are the contract the
 * editor layer and the CLI code against. The implementations live in the files re-exported here.
 */
import type { KeysmithError } from './errors';
import type { Envelope } from './envelope';
import { envelopeAt as envelopeAtImpl, findEnvelopes as findEnvelopesImpl } from './findEnvelopes';
import { dotenvBindings } from './dotenv';
import { applyChanges as applyChangesImpl, Placer, placerFor } from './placement';
import { rekeyTexts as rekeyTextsImpl, renderText as renderTextImpl } from './renderText';
import {
  formatForFileName as formatForFileNameImpl,
  formatForLanguageId as formatForLanguageIdImpl,
} from './textFormat';

/**
 * How an envelope is written in the text:
 * - `compact`: the v1 object on one line, `{"v":1,…}`;
 * - `pretty`: the v1 object over several lines;
 * - `escaped`: the object written JSON-escaped inside a string literal, `{\"v\":1,…}`.
 */
export type EnvelopeForm = 'compact' | 'pretty' | 'escaped';

export interface FoundEnvelope {
  /** Offset of the envelope's first character (`{`), in the text as it is (escaped or not). */
  start: number;
  /** Offset just past its last character (`}`). */
  end: number;
  form: EnvelopeForm;
  /**
   * 1-based line of `start` (for messages such as "line 12: …"). Counted when first read (a getter
   * on the object's class, so finding stays fast): JSON.stringify keeps it, a spread copy
   * (`{...found}`) does not — copy it by name. Errors of broken envelopes carry it as `error.line`.
   */
  line: number;
  /** The envelope when it reads; otherwise `error` says what is wrong with it (naming the field). */
  envelope?: Envelope;
  error?: KeysmithError;
}

/**
 * Every envelope in a text, in order, compact, pretty or escaped; linear in the text's length.
 * An object whose first field is an envelope field is an envelope even when broken: it is
 * returned with `error` (MALFORMED_ENVELOPE, UNSUPPORTED_VERSION, … with its `field`), never skipped.
 * The ciphertext is checked (canonical base64, size) but not kept decoded.
 */
export function findEnvelopes(text: string): FoundEnvelope[] {
  return findEnvelopesImpl(text);
}

/** The envelope of `found` (sorted, as findEnvelopes returns them) at or around `offset`. */
export function envelopeAt(found: readonly FoundEnvelope[], offset: number): FoundEnvelope | undefined {
  return envelopeAtImpl(found, offset);
}

/**
 * What decides how text is written in a file. `text`: written as it is (plain text and languages
 * Keysmith does not know).
 */
export type TextFormat = 'json' | 'javascript' | 'yaml' | 'dotenv' | 'text';

/** `.env`, `.env.local`, `prod.env` → dotenv; `.json`/`.jsonc` → json; `.yml`/`.yaml` → yaml; js/ts → javascript. */
export function formatForFileName(fileName: string): TextFormat {
  return formatForFileNameImpl(fileName);
}

/** VS Code language ids: json/jsonc → json; javascript(react)/typescript(react) → javascript; yaml; dotenv/env → dotenv. */
export function formatForLanguageId(languageId: string): TextFormat {
  return formatForLanguageIdImpl(languageId);
}

/** Replace `text.slice(start, end)` with `text`. */
export interface TextChange {
  start: number;
  end: number;
  text: string;
}

/**
 * How the plaintext of `found` is written in its place, valid for `format`: inside a string
 * literal, escaped for that literal; as a JSON value (or JavaScript expression), the plaintext as
 * it is if it is JSON text (a number, true, an object: it was a value before it was encrypted),
 * else a JSON string; in YAML, filling a '…' scalar or as a value, a plain scalar if YAML 1.1 and
 * 1.2 read it as that string, else double-quoted (a "…" scalar keeps its double quotes); in `.env`,
 * the whole value re-spelled (unquoted if plain, else "…", else '…') so that dotenv and
 * python-dotenv both read it back exactly. The change may be wider than the envelope (e.g.
 * it replaces the quotes of a literal the envelope filled). Throws KeysmithError `CANNOT_PLACE`
 * (message "line N: …", `line` set) when the plaintext cannot be written there.
 */
export function plaintextChange(
  text: string,
  format: TextFormat,
  found: FoundEnvelope,
  plaintext: string,
): TextChange {
  return placerFor(text, format).plaintextChange(found, plaintext);
}

/**
 * The selected text `[start, end)` about to be encrypted: `plaintext` is what it means there (a
 * string literal's content unescaped, a `.env` value as the parsers read it), and `write` gives
 * the change that puts the envelope (its compact or pretty text, from serializeEnvelope) there so
 * the file stays valid and decrypting gives back the original bytes. Throws `CANNOT_PLACE` with
 * the line when the selection cannot be encrypted in place (e.g. it cuts an escape sequence).
 */
export function selectionForEncryption(
  text: string,
  format: TextFormat,
  start: number,
  end: number,
): { plaintext: string; write: (envelopeText: string) => TextChange } {
  return new Placer(text, format).selectionForEncryption(start, end);
}

/**
 * A new envelope in place of `found`, in the same form (escaped stays escaped for its literal;
 * pretty keeps the old indentation; compact stays compact).
 */
export function envelopeChange(
  text: string,
  format: TextFormat,
  found: FoundEnvelope,
  envelope: Envelope,
): TextChange {
  return new Placer(text, format).envelopeChange(found, envelope);
}

/** The text with non-overlapping changes applied (in any order given). */
export function applyChanges(text: string, changes: readonly TextChange[]): string {
  return applyChangesImpl(text, changes);
}

/** One entry of a `.env` file, as dotenv and python-dotenv read it. */
export interface DotenvEntry {
  name: string;
  value: string;
  /** 1-based line of the entry. */
  line: number;
}

/**
 * The entries of a `.env` text (`export` prefixes, comments, quoted and multi-line values), the
 * value as both dotenv and python-dotenv read it (no `${VAR}` expansion). Throws `CANNOT_PLACE`
 * naming the line where the two parsers would disagree or the line cannot be read.
 */
export function readDotenv(text: string): DotenvEntry[] {
  return dotenvBindings(text).map(({ name, value, line }) => ({ name, value, line }));
}

export type OpenSecret = { key: string } | { password: string };

/**
 * `text` with every envelope replaced by its plaintext (plaintextChange), all or nothing: any
 * envelope that is broken or does not open throws (with its `line`), and nothing is returned.
 * A password is derived once per distinct (salt, iterations).
 */
export async function renderText(
  text: string,
  format: TextFormat,
  secret: OpenSecret,
  signal?: AbortSignal,
): Promise<string> {
  return renderTextImpl(text, format, secret, signal);
}

/**
 * Every envelope of every text re-encrypted from `from` to `to` (envelopeChange), all or nothing
 * across all the texts; a password `from` is derived once per distinct (salt, iterations) across
 * all texts, a password `to` once (one salt for the batch). `index` on errors names the text.
 */
export async function rekeyTexts(
  texts: readonly { text: string; format: TextFormat }[],
  from: OpenSecret,
  to: OpenSecret & { iterations?: number; kid?: string },
  signal?: AbortSignal,
): Promise<{ texts: string[]; count: number }> {
  return rekeyTextsImpl(texts, from, to, signal);
}

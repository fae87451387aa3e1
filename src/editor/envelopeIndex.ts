/**
 * The envelopes of an open document, found once per version: the CodeLens, the hover, the
 * diagnostics, the Quick Fix and Decrypt at the cursor all read this one list, so a change costs
 * one scan (findEnvelopes) however many of them ask. The entry of a document is replaced by its
 * next version's and dropped when the document closes.
 */
import * as vscode from 'vscode';
import {
  envelopeAt,
  findEnvelopes,
  formatForFileName,
  formatForLanguageId,
  type FoundEnvelope,
  type TextFormat,
} from '../core';
import { EditorError } from './errors';

interface Entry {
  version: number;
  found: readonly FoundEnvelope[];
  /** How many envelopes of this version use each salt (computed when first asked). */
  salts?: Map<string, number>;
}

/**
 * Keyed by the document object, not its URI: an untitled document closed and a new one opened
 * under the same name start again at version 1, with other text.
 */
const entries = new WeakMap<vscode.TextDocument, Entry>();
let scans = 0;

/** How many times findEnvelopes ran since activation (for the tests' count of scans per change). */
export function envelopeScans(): number {
  return scans;
}

function entryOf(document: vscode.TextDocument): Entry {
  const cached = entries.get(document);
  if (cached && cached.version === document.version) return cached;
  scans++;
  const entry: Entry = { version: document.version, found: findEnvelopes(document.getText()) };
  // A closed document's entry would outlive it; an open one's is dropped on close (see below).
  if (!document.isClosed) entries.set(document, entry);
  return entry;
}

/** Every envelope of the document as it is now, in order (cached for this version). */
export function envelopesOf(document: vscode.TextDocument): readonly FoundEnvelope[] {
  return entryOf(document).found;
}

/** How many envelopes of the document's current version share `salt` (the envelope's own included). */
export function saltUsers(document: vscode.TextDocument, salt: string): number {
  const entry = entryOf(document);
  if (!entry.salts) {
    entry.salts = new Map();
    for (const { envelope } of entry.found) {
      if (envelope?.salt !== undefined)
        entry.salts.set(envelope.salt, (entry.salts.get(envelope.salt) ?? 0) + 1);
    }
  }
  return entry.salts.get(salt) ?? 0;
}

/** Forgets a closed document's envelopes. */
export function forgetEnvelopes(document: vscode.TextDocument): void {
  entries.delete(document);
}

/** The envelope's range in the document. */
export function rangeOf(document: vscode.TextDocument, found: FoundEnvelope): vscode.Range {
  return new vscode.Range(document.positionAt(found.start), document.positionAt(found.end));
}

/**
 * How text is written in the document: its language decides (DESIGN.md "Envelopes in files");
 * when the language says nothing (plain text, or one Keysmith does not know), the file name does
 * — a `prod.env` a user opened as plain text is still a .env file.
 */
export function formatOf(document: vscode.TextDocument): TextFormat {
  const byLanguage = formatForLanguageId(document.languageId);
  return byLanguage !== 'text' || document.isUntitled ? byLanguage : formatForFileName(document.fileName);
}

/** The envelope at `offset`, or NO_ENVELOPE (the document changed since the link was made). */
export function envelopeAtOffset(document: vscode.TextDocument, offset: number): FoundEnvelope {
  const found = envelopeAt(envelopesOf(document), offset);
  if (!found || offset < found.start || offset > found.end) {
    throw new EditorError(
      'NO_ENVELOPE',
      vscode.l10n.t('No envelope here. Select one, or put the cursor inside one.'),
    );
  }
  return found;
}

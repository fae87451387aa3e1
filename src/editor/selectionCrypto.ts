/**
 * Encrypting and decrypting the active editor's selections — the code both Encrypt/Decrypt
 * Selection and the sidebar run. All or nothing, one edit (one undo step), and nothing shown:
 * failures are thrown for the caller to show (see the README's "In the editor").
 */
import * as vscode from 'vscode';
import {
  encryptBatch,
  envelopeAt,
  envelopeWarnings,
  isKeysmithError,
  KeysmithError,
  parseEnvelope,
  plaintextChange,
  selectionForEncryption,
  serializeEnvelope,
  type Envelope,
  type FoundEnvelope,
  type TextChange,
} from '../core';
import { readConfig } from './config';
import { replaceAll, requireEditor } from './edits';
import { envelopesOf, formatOf } from './envelopeIndex';
import { EditorError, indexedAmong } from './errors';
import { openWithSecrets } from './openEnvelopes';
import { withCancellableProgress } from './progress';
import type { Secret } from './secrets';

/**
 * Replaces every non-empty selection of the active editor with an envelope of its text, in one
 * edit. A password is derived once for all of them (with a cancellable progress notification).
 * `getSecret` runs once the editor has something to encrypt; it resolves undefined when the user
 * cancels a prompt, and then so does this.
 *
 * The envelope is written so the file stays valid for its format (formatOf: the language, else
 * the file name): inside a string literal escaped for it, as a JSON/YAML value a quoted string, in
 * .env a value the parsers read back exactly; in plain text, as it is.
 *
 * It throws an {@link EditorError} (NO_EDITOR, NO_SELECTION, DOCUMENT_CHANGED, READ_ONLY), the
 * core's KeysmithError (CANNOT_PLACE with its line, before any prompt, when a selection cannot be
 * encrypted in place; ABORTED when the derivation is cancelled; an `index` only when there are
 * several selections), or what `getSecret` throws. On any failure the document is left as it was.
 */
export async function encryptSelections(
  getSecret: () => Promise<Secret | undefined>,
): Promise<{ count: number } | undefined> {
  const editor = requireEditor(vscode.l10n.t('Open a text editor and select the text to encrypt.'));
  const selections = editor.selections.filter((selection) => !selection.isEmpty);
  if (selections.length === 0) {
    throw new EditorError('NO_SELECTION', vscode.l10n.t('Select the text to encrypt.'));
  }
  const { document } = editor;
  const version = document.version;
  // Where each selection is, in the file's format: what it means there (a string literal's
  // content unescaped, a .env value as the parsers read it) and how an envelope is written back.
  // A selection that cannot be encrypted in place is refused here, before any prompt.
  const text = document.getText();
  const format = formatOf(document);
  const places = selections.map((selection, index) =>
    atSelection(selections.length, index, () =>
      selectionForEncryption(
        text,
        format,
        document.offsetAt(selection.start),
        document.offsetAt(selection.end),
      ),
    ),
  );
  const plaintexts = places.map((place) => place.plaintext);

  const secret = await getSecret();
  if (!secret) return undefined;
  const config = readConfig(document.uri);
  let envelopes: Envelope[];
  try {
    envelopes = await encryptWith(secret, plaintexts, config.iterations);
  } catch (error) {
    throw indexedAmong(selections.length, error);
  }
  const changes = places.map((place, index) =>
    atSelection(selections.length, index, () =>
      place.write(serializeEnvelope(envelopes[index]!, { pretty: config.prettyEnvelopes })),
    ),
  );
  await replaceChanges(editor, version, changes, vscode.l10n.t('encrypting'));
  return { count: selections.length };
}

/** Runs `work` for item `index` of `count`, marking a core error with the index when there are several. */
function atSelection<T>(count: number, index: number, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw count > 1 && isKeysmithError(error) ? error.atIndex(index) : error;
  }
}

/** Applies the changes (offsets in the document's text at `version`) as one edit. */
async function replaceChanges(
  editor: vscode.TextEditor,
  version: number,
  changes: readonly TextChange[],
  doing: string,
): Promise<void> {
  const { document } = editor;
  // Two selections in one value (say, two words of one unquoted YAML scalar) may each need the
  // whole value rewritten: then they cannot be changed apart, and nothing is.
  const sorted = [...changes].sort((a, b) => a.start - b.start);
  sorted.forEach((change, index) => {
    const previous = sorted[index - 1];
    if (previous && change.start < previous.end) {
      const line = document.positionAt(change.start).line + 1;
      throw new KeysmithError(
        'CANNOT_PLACE',
        vscode.l10n.t('line {0}: two selections change the same value; select it as one.', line),
        undefined,
        undefined,
        undefined,
        line,
      );
    }
  });
  const ranges = changes.map(
    (change) => new vscode.Range(document.positionAt(change.start), document.positionAt(change.end)),
  );
  await replaceAll(
    editor,
    version,
    ranges,
    changes.map((change) => change.text),
    doing,
  );
}

function encryptWith(secret: Secret, plaintexts: string[], iterations: number): Promise<Envelope[]> {
  if ('key' in secret) {
    return encryptBatch({
      plaintexts,
      key: secret.key,
      ...(secret.keyName !== undefined && { kid: secret.keyName }),
    });
  }
  return Promise.resolve(
    withCancellableProgress(vscode.l10n.t('Keysmith: deriving the key from the password…'), (signal) =>
      encryptBatch({ plaintexts, password: secret.password, iterations, signal }),
    ),
  );
}

/**
 * What opens the envelopes: one secret for all of them, or one per envelope (in their order);
 * undefined when the user cancelled a prompt.
 */
export type SecretsFor = (envelopes: readonly Envelope[]) => Promise<Secret | Secret[] | undefined>;

/**
 * What opens the envelopes and gives their plaintexts, in order (openEnvelopes: an argument, the
 * stored key a kid names with its fallback, prompts); undefined when the user cancelled a prompt.
 */
export type OpenFor = (envelopes: readonly Envelope[]) => Promise<string[] | undefined>;

interface Target {
  /** The envelope where it is in the document (its form and place decide how its plaintext is written). */
  found: FoundEnvelope;
  envelope: Envelope;
}

/**
 * Replaces every selected envelope (or, for an empty selection, the envelope around the cursor)
 * of the active editor with its plaintext, in one edit. `secretsFor` runs once the envelopes are
 * read; it resolves undefined when the user cancels a prompt, and then so does this. Returns how
 * many envelopes it decrypted and their warnings (distinct), which it does not show.
 *
 * If any envelope cannot be read or decrypted, nothing changes and it throws — an
 * {@link EditorError} (NO_EDITOR, NO_ENVELOPE, DOCUMENT_CHANGED, READ_ONLY), the core's
 * KeysmithError (MALFORMED_ENVELOPE and the like naming the field, KEY_OR_PASSWORD,
 * DECRYPT_FAILED, ABORTED, CANNOT_PLACE with its line when a plaintext cannot be written where its
 * envelope is; with the envelope's `index` only when there are several), or what `secretsFor`
 * throws. Each plaintext is written valid for the file's format (plaintextChange).
 */
export async function decryptSelections(
  secretsFor: SecretsFor,
): Promise<{ count: number; warnings: string[] } | undefined> {
  return decryptSelectionsWith(async (envelopes) => {
    const given = await secretsFor(envelopes);
    if (!given) return undefined;
    // Grouped by secret, so a password is derived once per distinct (salt, iterations).
    return openWithSecrets(envelopes, Array.isArray(given) ? given : envelopes.map(() => given));
  });
}

/** {@link decryptSelections} with the envelopes opened by `open` (e.g. openEnvelopes). */
export async function decryptSelectionsWith(
  open: OpenFor,
): Promise<{ count: number; warnings: string[] } | undefined> {
  const editor = requireEditor(vscode.l10n.t('Open a text editor with an envelope to decrypt.'));
  const { document } = editor;
  const version = document.version;
  let count = editor.selections.length;
  try {
    const text = document.getText();
    const targets = findTargets(document, text, editor.selections);
    count = targets.length;
    if (targets.length === 0) {
      throw new EditorError(
        'NO_ENVELOPE',
        vscode.l10n.t('No envelope here. Select one, or put the cursor inside one.'),
      );
    }
    const envelopes = targets.map((target) => target.envelope);
    const plaintexts = await open(envelopes);
    if (!plaintexts) return undefined;
    const warnings = new Set(envelopes.flatMap((envelope) => envelopeWarnings(envelope)));
    // Every plaintext is placed before anything changes: one that cannot be written where its
    // envelope is (CANNOT_PLACE, with its line) leaves the document as it was.
    const format = formatOf(document);
    const changes = targets.map((target, index) =>
      atSelection(targets.length, index, () =>
        plaintextChange(text, format, target.found, plaintexts[index]!),
      ),
    );
    await replaceChanges(editor, version, changes, vscode.l10n.t('decrypting'));
    return { count: targets.length, warnings: [...warnings] };
  } catch (error) {
    throw indexedAmong(count, error);
  }
}

/** An envelope's warnings (e.g. few iterations) once it is decrypted, one notification each. */
export function showEnvelopeWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) void vscode.window.showWarningMessage(`Keysmith: ${warning}`);
}

/**
 * The envelopes to decrypt: the one each non-empty selection holds (white space around it, and the
 * quotes of the string literal it fills, may be selected too), or the one around each empty
 * cursor — compact, pretty or escaped, as findEnvelopes finds them (once per document version).
 */
function findTargets(
  document: vscode.TextDocument,
  text: string,
  selections: readonly vscode.Selection[],
): Target[] {
  const targets: Target[] = [];
  const seen = new Set<number>();
  const all = envelopesOf(document);
  const add = (found: FoundEnvelope) => {
    if (found.error || !found.envelope) {
      throw selections.length > 1 ? found.error!.atIndex(targets.length) : found.error!;
    }
    seen.add(found.start);
    targets.push({ found, envelope: found.envelope });
  };
  for (const selection of selections) {
    if (selection.isEmpty) {
      const offset = document.offsetAt(selection.active);
      const found = envelopeAt(all, offset);
      // A cursor outside any envelope is not an error (another cursor may be in one).
      if (!found || offset < found.start || offset > found.end || seen.has(found.start)) continue;
      add(found);
      continue;
    }
    let start = document.offsetAt(selection.start);
    let end = document.offsetAt(selection.end);
    while (start < end && /\s/.test(text[start]!)) start++;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    const found = envelopeAt(all, start + 1);
    const quoted = text[start] === '"' && text[end - 1] === '"';
    if (
      found &&
      ((found.start === start && found.end === end) ||
        (quoted && found.start === start + 1 && found.end === end - 1))
    ) {
      if (!seen.has(found.start)) add(found);
      continue;
    }
    // Not one of the envelopes found: read the selection itself, for its error naming the field
    // (or, should it read after all, as an envelope written as it is).
    try {
      const trimmed = text.slice(start, end);
      const envelope = parseEnvelope(trimmed);
      const line = document.positionAt(start).line + 1;
      targets.push({
        found: { start, end, form: trimmed.includes('\n') ? 'pretty' : 'compact', line, envelope },
        envelope,
      });
    } catch (error) {
      throw selections.length > 1 && isKeysmithError(error) ? error.atIndex(targets.length) : error;
    }
  }
  return targets;
}

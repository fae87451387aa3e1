/**
 * Encrypting and decrypting the active editor's selections — the code both Encrypt/Decrypt
 * Selection and the sidebar run. All or nothing, one edit (one undo step), and nothing shown:
 * failures are thrown for the caller to show (see the README's "In the editor").
 */
import * as vscode from 'vscode';
import {
  decryptBatch,
  encryptBatch,
  envelopeWarnings,
  findEnvelopeAround,
  isKeysmithError,
  parseEnvelope,
  serializeEnvelope,
  type Envelope,
} from '../core';
import { readConfig } from './config';
import { replaceAll, requireEditor } from './edits';
import { EditorError, indexedAmong } from './errors';
import { withCancellableProgress } from './progress';
import type { Secret } from './secrets';

/**
 * Replaces every non-empty selection of the active editor with an envelope of its text, in one
 * edit. A password is derived once for all of them (with a cancellable progress notification).
 * `getSecret` runs once the editor has something to encrypt; it resolves undefined when the user
 * cancels a prompt, and then so does this.
 *
 * It throws an {@link EditorError} (NO_EDITOR, NO_SELECTION, DOCUMENT_CHANGED, READ_ONLY), the
 * core's KeysmithError (ABORTED when the derivation is cancelled; an `index` only when there are
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
  const plaintexts = selections.map((selection) => document.getText(selection));

  const secret = await getSecret();
  if (!secret) return undefined;
  const config = readConfig(document.uri);
  let envelopes: Envelope[];
  try {
    envelopes = await encryptWith(secret, plaintexts, config.iterations);
  } catch (error) {
    throw indexedAmong(selections.length, error);
  }
  const texts = envelopes.map((envelope) => serializeEnvelope(envelope, { pretty: config.prettyEnvelopes }));
  await replaceAll(editor, version, selections, texts, vscode.l10n.t('encrypting'));
  return { count: selections.length };
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

interface Target {
  range: vscode.Range;
  envelope: Envelope;
  /** White space around the envelope inside the selection, kept as it was. */
  before: string;
  after: string;
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
 * DECRYPT_FAILED, ABORTED; with the envelope's `index` only when there are several), or what
 * `secretsFor` throws.
 */
export async function decryptSelections(
  secretsFor: SecretsFor,
): Promise<{ count: number; warnings: string[] } | undefined> {
  const editor = requireEditor(vscode.l10n.t('Open a text editor with an envelope to decrypt.'));
  const { document } = editor;
  const version = document.version;
  let count = editor.selections.length;
  try {
    const targets = findTargets(document, editor.selections);
    count = targets.length;
    if (targets.length === 0) {
      throw new EditorError(
        'NO_ENVELOPE',
        vscode.l10n.t('No envelope here. Select one, or put the cursor inside one.'),
      );
    }
    const envelopes = targets.map((target) => target.envelope);
    const given = await secretsFor(envelopes);
    if (!given) return undefined;
    const secrets = Array.isArray(given) ? given : envelopes.map(() => given);
    const plaintexts = await decryptAll(targets, secrets);
    const warnings = new Set(envelopes.flatMap((envelope) => envelopeWarnings(envelope)));
    await replaceAll(
      editor,
      version,
      targets.map((target) => target.range),
      targets.map((target, index) => target.before + plaintexts[index]! + target.after),
      vscode.l10n.t('decrypting'),
    );
    return { count: targets.length, warnings: [...warnings] };
  } catch (error) {
    throw indexedAmong(count, error);
  }
}

/** An envelope's warnings (e.g. few iterations) once it is decrypted, one notification each. */
export function showEnvelopeWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) void vscode.window.showWarningMessage(`Keysmith: ${warning}`);
}

/** The envelopes to decrypt: each non-empty selection, or the one around each empty cursor. */
function findTargets(document: vscode.TextDocument, selections: readonly vscode.Selection[]): Target[] {
  const targets: Target[] = [];
  const seen = new Set<number>();
  let fullText: string | undefined;
  selections.forEach((selection) => {
    if (selection.isEmpty) {
      fullText ??= document.getText();
      const found = findEnvelopeAround(fullText, document.offsetAt(selection.active));
      if (!found || seen.has(found.start)) return; // a cursor outside any envelope is not an error
      seen.add(found.start);
      const range = new vscode.Range(document.positionAt(found.start), document.positionAt(found.end));
      targets.push({
        range,
        envelope: parseEnvelope(fullText.slice(found.start, found.end)),
        before: '',
        after: '',
      });
      return;
    }
    const text = document.getText(selection);
    const trimmed = text.trim();
    try {
      targets.push({
        range: selection,
        envelope: parseEnvelope(trimmed),
        before: text.slice(0, text.indexOf(trimmed)),
        after: text.slice(text.indexOf(trimmed) + trimmed.length),
      });
    } catch (error) {
      throw selections.length > 1 && isKeysmithError(error) ? error.atIndex(targets.length) : error;
    }
  });
  return targets;
}

/** Decrypts every target (grouped by secret, so a password is derived once per salt); all or nothing. */
async function decryptAll(targets: Target[], secrets: Secret[]): Promise<string[]> {
  const groups = new Map<Secret, number[]>();
  secrets.forEach((secret, index) => groups.set(secret, [...(groups.get(secret) ?? []), index]));
  const plaintexts: string[] = [];
  const run = async (signal?: AbortSignal) => {
    for (const [secret, indexes] of groups) {
      try {
        const envelopes = indexes.map((i) => targets[i]!.envelope);
        const unlock = 'key' in secret ? { key: secret.key } : { password: secret.password };
        const results = await decryptBatch({ envelopes, ...unlock, signal });
        results.forEach((result, n) => (plaintexts[indexes[n]!] = result.plaintext));
      } catch (error) {
        // Report the position among all selections, not within the group.
        throw isKeysmithError(error) && error.index !== undefined
          ? error.atIndex(indexes[error.index]!)
          : error;
      }
    }
    return plaintexts;
  };
  const needsDerivation = [...groups.keys()].some((secret) => 'password' in secret);
  if (!needsDerivation) return run();
  return withCancellableProgress(vscode.l10n.t('Keysmith: deriving the key from the password…'), run);
}

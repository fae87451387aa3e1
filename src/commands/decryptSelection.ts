import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import {
  decryptBatch,
  envelopeWarnings,
  findEnvelopeAround,
  isKeysmithError,
  parseEnvelope,
  type Envelope,
} from '../core';
import { errorMessage } from '../errors';
import type { KeyStore } from '../keyStore';
import { withCancellableProgress } from '../progress';
import { askForDecryptionKey, askPassword, secretFromArgs, storedKey, type Secret } from '../secretPrompts';
import { EditorError, indexedAmong, showSelectionFailure } from './editorError';
import { replaceAll } from './replaceAll';

interface Target {
  range: vscode.Range;
  envelope: Envelope;
  /** White space around the envelope inside the selection, kept as it was. */
  before: string;
  after: string;
}

/**
 * What opens the envelopes: one secret for all of them, or one per envelope (in their order);
 * undefined when the user cancelled a prompt.
 */
export type SecretsFor = (envelopes: readonly Envelope[]) => Promise<Secret | Secret[] | undefined>;

/**
 * Decrypt Selection as a command: {@link decryptSelections} with a stored key for an envelope
 * whose `kid` names one and the rest asked for (or one secret from the argument for all), the
 * envelopes' warnings and any failure shown as notifications. Returns whether the document changed.
 *
 * Argument (optional, no prompts): `{ key }`, `{ password }` or `{ keyName }`.
 */
export async function decryptSelection(keys: KeyStore, args?: unknown): Promise<boolean> {
  try {
    const done = await decryptSelections((envelopes) =>
      args === undefined
        ? askForSecrets(keys, envelopes)
        : secretFromArgs(keys, args, CommandId.decryptSelection),
    );
    if (!done) return false;
    showEnvelopeWarnings(done.warnings);
    return true;
  } catch (error) {
    showSelectionFailure(error, (failure) =>
      vscode.l10n.t('{0} Nothing was changed.', errorMessage(failure, vscode.l10n.t('envelope'))),
    );
    return false;
  }
}

/** An envelope's warnings (e.g. few iterations) once it is decrypted, one notification each. */
export function showEnvelopeWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) void vscode.window.showWarningMessage(`Keysmith: ${warning}`);
}

/**
 * Replaces every selected envelope (or, for an empty selection, the envelope around the cursor)
 * of the active editor with its plaintext, in one edit. `secretsFor` runs once the envelopes are
 * read; it resolves undefined when the user cancels a prompt, and then so does this. Returns how
 * many envelopes it decrypted and their warnings (distinct), which it does not show.
 *
 * All or nothing, and it shows nothing: if any envelope cannot be read or decrypted, nothing
 * changes and it throws — an {@link EditorError} (NO_EDITOR, NO_ENVELOPE, DOCUMENT_CHANGED,
 * READ_ONLY), the core's KeysmithError (MALFORMED_ENVELOPE and the like naming the field,
 * KEY_OR_PASSWORD, DECRYPT_FAILED, ABORTED; with the envelope's `index` only when there are
 * several), or what `secretsFor` throws.
 */
export async function decryptSelections(
  secretsFor: SecretsFor,
): Promise<{ count: number; warnings: string[] } | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    throw new EditorError('NO_EDITOR', vscode.l10n.t('open a text editor with an envelope to decrypt.'));
  }
  const { document } = editor;
  const version = document.version;
  let count = editor.selections.length;
  try {
    const targets = findTargets(document, editor.selections);
    count = targets.length;
    if (targets.length === 0) {
      throw new EditorError(
        'NO_ENVELOPE',
        vscode.l10n.t('no envelope here. Select one, or put the cursor inside one.'),
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

/**
 * Without an argument: an envelope whose kid names a stored key uses it; otherwise ask — once for
 * a password if any envelope needs one, once for a key if any needs one.
 */
async function askForSecrets(keys: KeyStore, envelopes: readonly Envelope[]): Promise<Secret[] | undefined> {
  const known = await Promise.all(
    envelopes.map((envelope) =>
      !envelope.kdf && envelope.kid !== undefined && keys.has(envelope.kid)
        ? storedKey(keys, envelope.kid)
        : undefined,
    ),
  );
  let password: Secret | undefined;
  if (envelopes.some((envelope) => envelope.kdf)) {
    password = await askPassword(false);
    if (!password) return undefined;
  }
  let key: Secret | undefined;
  if (envelopes.some((envelope, index) => !envelope.kdf && !known[index])) {
    key = await askForDecryptionKey(keys);
    if (!key) return undefined;
  }
  return envelopes.map((envelope, index) => known[index] ?? (envelope.kdf ? password! : key!));
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

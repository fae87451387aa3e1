import * as vscode from 'vscode';
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
import { isCancellation } from './encryptSelection';
import { replaceAll } from './replaceAll';

interface Target {
  range: vscode.Range;
  envelope: Envelope;
  /** White space around the envelope inside the selection, kept as it was. */
  before: string;
  after: string;
}

/**
 * Replaces every selected envelope (or, for an empty selection, the envelope around the cursor)
 * with its plaintext, in one edit. A stored key named by an envelope's `kid` is used without
 * asking. All or nothing: if any envelope cannot be read or decrypted, nothing changes.
 *
 * Argument (optional, no prompts): `{ key }`, `{ password }` or `{ keyName }`.
 */
export async function decryptSelection(keys: KeyStore, args?: unknown): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Keysmith: open a text editor with an envelope to decrypt.'),
    );
    return false;
  }
  const { document } = editor;
  const version = document.version;
  let count = editor.selections.length;
  try {
    const targets = findTargets(document, editor.selections);
    count = targets.length;
    if (targets.length === 0) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('Keysmith: no envelope here. Select one, or put the cursor inside one.'),
      );
      return false;
    }
    const secrets =
      args === undefined
        ? await askForSecrets(keys, targets)
        : await secretForAll(keys, args, targets.length);
    if (!secrets) return false;
    const plaintexts = await decryptAll(targets, secrets);
    const warnings = new Set(targets.flatMap((target) => envelopeWarnings(target.envelope)));
    const changed = await replaceAll(
      editor,
      version,
      targets.map((target) => target.range),
      targets.map((target, index) => target.before + plaintexts[index]! + target.after),
      vscode.l10n.t('decrypting'),
    );
    if (changed)
      for (const warning of warnings) void vscode.window.showWarningMessage(`Keysmith: ${warning}`);
    return changed;
  } catch (error) {
    if (!isCancellation(error)) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          '{0} Nothing was changed.',
          errorMessage(error, count > 1 ? vscode.l10n.t('envelope') : undefined),
        ),
      );
    }
    return false;
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

/** With an argument, one secret opens every envelope. */
async function secretForAll(keys: KeyStore, args: unknown, count: number): Promise<Secret[]> {
  const secret = await secretFromArgs(keys, args, 'keysmith.decryptSelection');
  return Array.from({ length: count }, () => secret);
}

/**
 * Without an argument: an envelope whose kid names a stored key uses it; otherwise ask — once for
 * a password if any envelope needs one, once for a key if any needs one.
 */
async function askForSecrets(keys: KeyStore, targets: Target[]): Promise<Secret[] | undefined> {
  const known = await Promise.all(
    targets.map(({ envelope }) =>
      !envelope.kdf && envelope.kid !== undefined && keys.has(envelope.kid)
        ? storedKey(keys, envelope.kid)
        : undefined,
    ),
  );
  let password: Secret | undefined;
  if (targets.some(({ envelope }) => envelope.kdf)) {
    password = await askPassword(false);
    if (!password) return undefined;
  }
  let key: Secret | undefined;
  if (targets.some(({ envelope }, index) => !envelope.kdf && !known[index])) {
    key = await askForDecryptionKey(keys);
    if (!key) return undefined;
  }
  return targets.map(({ envelope }, index) => known[index] ?? (envelope.kdf ? password! : key!));
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

/**
 * What a CodeLens, a hover link or a Quick Fix does to one envelope: `keysmith.envelopeAction`
 * with `{ uri, offset, action }`. It focuses the document's editor, puts the cursor inside the
 * envelope and runs the command that acts on the envelope at the cursor (which then prompts as it
 * does from the Command Palette), or the weak-iterations fix.
 */
import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import type { FoundEnvelope } from '../core';
import { invalid, isFields, rejectUnknownOptions } from './commandArgs';
import { envelopeAtOffset } from './envelopeIndex';
import { commandLink } from './markdown';
import { reencryptWeakEnvelope } from './weakEnvelopeFix';

export const ENVELOPE_ACTIONS = ['decrypt', 'peek', 'edit', 'reencrypt'] as const;
export type EnvelopeActionName = (typeof ENVELOPE_ACTIONS)[number];

export interface EnvelopeActionArgs {
  /** The document's URI, as `Uri.toString()` gives it; the document must be open. */
  uri: string;
  /** An offset inside the envelope. */
  offset: number;
  action: EnvelopeActionName;
}

/** The argument that points at `found` in `document` (an offset just inside its first character). */
export function actionArgs(
  document: vscode.TextDocument,
  found: FoundEnvelope,
  action: EnvelopeActionName,
): EnvelopeActionArgs {
  return { uri: document.uri.toString(), offset: found.start + 1, action };
}

/** A `command:` link for a trusted hover (its MarkdownString enables only this command). */
export function actionLink(label: string, args: EnvelopeActionArgs): string {
  return commandLink(label, CommandId.envelopeAction, args);
}

/** Checks the argument; the document must be open and the offset inside it. */
export function readEnvelopeActionArgs(args: unknown): {
  document: vscode.TextDocument;
  offset: number;
  action: EnvelopeActionName;
} {
  if (!isFields(args)) {
    throw invalid(
      vscode.l10n.t(
        'The argument of {0} must be an object such as {"uri": "…", "offset": 0, "action": "peek"}.',
        CommandId.envelopeAction,
      ),
    );
  }
  const { uri, offset, action } = args as Record<string, unknown>;
  rejectUnknownOptions(
    args as Record<string, unknown>,
    ['uri', 'offset', 'action'],
    CommandId.envelopeAction,
  );
  if (typeof action !== 'string' || !(ENVELOPE_ACTIONS as readonly string[]).includes(action)) {
    throw invalid(vscode.l10n.t('action must be one of {0}.', ENVELOPE_ACTIONS.join(', ')), 'action');
  }
  if (typeof uri !== 'string') throw invalid(vscode.l10n.t('uri must be a string.'), 'uri');
  const document = vscode.workspace.textDocuments.find((open) => open.uri.toString() === uri);
  if (!document) throw invalid(vscode.l10n.t('uri must name an open document.'), 'uri');
  const length = document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || offset > length) {
    throw invalid(vscode.l10n.t('offset must be a whole number from 0 to {0}.', length), 'offset');
  }
  return { document, offset, action: action as EnvelopeActionName };
}

/**
 * Runs the action on the envelope at `offset`: the cursor goes inside it in the document's editor
 * (focused), then Decrypt Selection, Peek or Edit runs without an argument (so it asks for what it
 * needs), or the weak-iterations fix. Returns what that command returns.
 */
export async function runEnvelopeAction(args: unknown): Promise<unknown> {
  const { document, offset, action } = readEnvelopeActionArgs(args);
  envelopeAtOffset(document, offset);
  const shown = vscode.window.visibleTextEditors.find((editor) => editor.document === document);
  const editor = await vscode.window.showTextDocument(document, {
    ...(shown?.viewColumn !== undefined && { viewColumn: shown.viewColumn }),
    preserveFocus: false,
  });
  const cursor = document.positionAt(offset);
  editor.selections = [new vscode.Selection(cursor, cursor)];
  editor.revealRange(new vscode.Range(cursor, cursor), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  switch (action) {
    case 'decrypt':
      return vscode.commands.executeCommand(CommandId.decryptSelection);
    case 'peek':
      return vscode.commands.executeCommand(CommandId.peekEnvelope);
    case 'edit':
      return vscode.commands.executeCommand(CommandId.editEnvelope);
    case 'reencrypt':
      return reencryptWeakEnvelope(document, offset);
  }
}

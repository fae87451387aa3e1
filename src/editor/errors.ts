/**
 * The editor layer's one error type, and how every failure is put into words — once, for both
 * surfaces: a command shows it as a notification ("Keysmith: …"), the sidebar as a reply next to
 * the field it concerns (see the README's "In the editor").
 *
 * - An {@link EditorError} is a refusal of the editor layer (no editor, a bad argument, a file in
 *   the way…): a stable code, a message written as a sentence, the field it concerns, the paths.
 * - The core's KeysmithError keeps its code and field; the ones whose words are fixed are said here
 *   through vscode.l10n, the others keep the core's message, which names the field that is wrong.
 * - Anything else (a bug, a file-system error) is shown by its first line alone.
 *
 * No message ever contains a key, a password or a plaintext.
 */
import * as vscode from 'vscode';
import { isKeysmithError, KeysmithError, type KeysmithErrorCode } from '../core';
import type { ReplyErrorCode } from '../protocol';

export type EditorErrorCode =
  /** No text editor is active. */
  | 'NO_EDITOR'
  /** Nothing is selected to encrypt. */
  | 'NO_SELECTION'
  /** No selection holds an envelope, and no cursor is inside one (or the panel's is empty). */
  | 'NO_ENVELOPE'
  /** The document was edited while the work ran, so its result no longer fits. */
  | 'DOCUMENT_CHANGED'
  /** The edit was refused (a read-only document). */
  | 'READ_ONLY'
  /** A command's argument is wrong (`field` names the option), or is not an option at all. */
  | 'INVALID_ARGUMENT'
  /** A key-pair or stored-key name breaks the name rule (`field`: the name's). */
  | 'INVALID_NAME'
  /** A typed key is not 64 hex characters (`field`: key). */
  | 'INVALID_KEY'
  /** A typed password is empty (`field`: password). */
  | 'INVALID_PASSWORD'
  /** The text to encrypt is empty (`field`: plaintext). */
  | 'INVALID_PLAINTEXT'
  /** No key of that name is stored (`field`: keyName). */
  | 'UNKNOWN_KEY'
  /** A key of that name is stored already, and replacing it would lose it (`field`: name). */
  | 'KEY_EXISTS'
  /** No workspace folder to write into (`field`: folder). */
  | 'NO_WORKSPACE'
  /** The folder is not on the local file system, where mode 0600 exists (`field`: folder). */
  | 'NOT_LOCAL'
  /** The key folder leaves the workspace folder, by its path or through a symlink (`field`: folder). */
  | 'OUTSIDE_WORKSPACE'
  /** A file of the pair exists and may not be replaced (`field`: name; `paths`: which). */
  | 'FILE_EXISTS'
  /** The file system refused (an errno such as EACCES or ENOSPC). */
  | 'WRITE_FAILED'
  /** A prompt was cancelled (only the panel says so: a command just ends). */
  | 'CANCELLED';

/** Nothing to work on is a warning; a change that could not be made is an error. */
const WARNINGS: ReadonlySet<EditorErrorCode> = new Set(['NO_EDITOR', 'NO_SELECTION', 'NO_ENVELOPE']);

export class EditorError extends Error {
  override readonly name = 'EditorError';

  constructor(
    readonly code: EditorErrorCode,
    /** A sentence in the user's words (localised), without the "Keysmith: " a notification adds. */
    message: string,
    /** The option or form field the error is about, as the core's KeysmithError has it. */
    readonly field?: string,
    /** The files it is about (FILE_EXISTS). */
    readonly paths: readonly string[] = [],
  ) {
    super(message);
  }

  get isWarning(): boolean {
    return WARNINGS.has(this.code);
  }
}

/** The cancel button of a progress notification (the core's ABORTED), or a cancelled prompt. */
export function isCancellation(error: unknown): boolean {
  return (
    (isKeysmithError(error) && error.code === 'ABORTED') ||
    (error instanceof EditorError && error.code === 'CANCELLED')
  );
}

/** What the items of a batch are called, so an error can say which one failed ("Envelope 2: …"). */
export const ItemNoun = {
  selection: (n: number) => vscode.l10n.t('Selection {0}', n),
  envelope: (n: number) => vscode.l10n.t('Envelope {0}', n),
} as const;
export type ItemNoun = (n: number) => string;

/**
 * A batch error's `index` says which selection failed; with only one selection it says nothing,
 * so it is dropped — the words then say "Envelope 2: …" exactly when there are several.
 */
export function indexedAmong(count: number, error: unknown): unknown {
  return count <= 1 && isKeysmithError(error) && error.index !== undefined
    ? new KeysmithError(error.code, error.message, error.field, undefined, error.size)
    : error;
}

const FIXED_MESSAGES: Partial<Record<KeysmithErrorCode, (error: KeysmithError) => string>> = {
  DECRYPT_FAILED: () =>
    vscode.l10n.t('Could not decrypt: the key or password is wrong, or the envelope was modified.'),
  // The tag verified: the envelope is fine, it just holds bytes that are not text.
  NOT_TEXT: (error) =>
    vscode.l10n.t(
      'The envelope holds {0} bytes of binary data, not text; decrypt it with `keysmith decrypt` to a file.',
      error.size ?? 0,
    ),
  ABORTED: () => vscode.l10n.t('The operation was cancelled.'),
  PLAINTEXT_TOO_LARGE: () => vscode.l10n.t('The text is larger than the 64 MiB Keysmith encrypts.'),
  ENVELOPE_TOO_LARGE: () => vscode.l10n.t('The envelope is larger than the 64 MiB limit allows.'),
  UNSUPPORTED_VERSION: () =>
    vscode.l10n.t('This envelope version is not supported (Keysmith reads version 1).'),
};

/** A failure in words: its code, the sentence, the field, and whether the words are Keysmith's own. */
export interface Described {
  code: ReplyErrorCode;
  sentence: string;
  field?: string;
  /**
   * Whether the sentence starts with the editor layer's words (an EditorError, or an item noun)
   * rather than the core's or a bug's, which are quoted as they are.
   */
  ownWords: boolean;
}

/** The one mapping of a failure to words, used by the notifications and by the sidebar's replies. */
export function describeFailure(error: unknown, items?: ItemNoun): Described {
  if (error instanceof EditorError) {
    return { code: error.code, sentence: error.message, field: error.field, ownWords: true };
  }
  if (isKeysmithError(error)) {
    const text = FIXED_MESSAGES[error.code]?.(error) ?? error.message;
    const indexed = items !== undefined && error.index !== undefined;
    return {
      code: error.code,
      sentence: indexed ? vscode.l10n.t('{0}: {1}', items(error.index! + 1), text) : text,
      field: error.field,
      ownWords: indexed,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', sentence: message.split('\n')[0] ?? '', ownWords: false };
}

/**
 * A notification's text: "Keysmith: " and the sentence, which then continues the line — so
 * Keysmith's own words start in lower case there ("Keysmith: select the text to encrypt.").
 */
export function notificationText(error: unknown, items?: ItemNoun): string {
  const { sentence, ownWords } = describeFailure(error, items);
  const clause = ownWords ? sentence.charAt(0).toLocaleLowerCase() + sentence.slice(1) : sentence;
  return vscode.l10n.t('Keysmith: {0}', clause);
}

export interface ShowOptions {
  /** What the items of a batch are called (see {@link ItemNoun}). */
  items?: ItemNoun;
  /** Said after a failure of the input (not of the editor): an all-or-nothing batch changed nothing. */
  nothingChanged?: boolean;
}

/**
 * How a command reports a failure: nothing for a cancellation, a warning for nothing to work on,
 * and an error for the rest.
 */
export function showFailure(error: unknown, options: ShowOptions = {}): void {
  if (isCancellation(error)) return;
  const text = notificationText(error, options.items);
  if (error instanceof EditorError && error.isWarning) {
    void vscode.window.showWarningMessage(text);
  } else if (options.nothingChanged && !(error instanceof EditorError)) {
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} Nothing was changed.', text));
  } else {
    void vscode.window.showErrorMessage(text);
  }
}

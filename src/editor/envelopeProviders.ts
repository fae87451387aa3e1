/**
 * Envelopes made visible (the README's "Envelopes in files"): a CodeLens on each (what opens it,
 * then Decrypt · Peek · Edit), a hover with its metadata and the same actions, and diagnostics —
 * an Error naming the field of a broken envelope, a Warning with a Quick Fix for one of fewer than
 * 100,000 iterations.
 *
 * Speed: every provider reads the document's envelopes from envelopeIndex, found once per version;
 * diagnostics are recomputed 300 ms after the last change, not on every keystroke.
 */
import * as vscode from 'vscode';
import { limits, type Envelope, type FoundEnvelope } from '../core';
import { envelopeCodeLensEnabled, readConfig } from './config';
import { actionArgs, actionLink, type EnvelopeActionName } from './envelopeActions';
import { markdownText } from './markdown';
import { envelopesOf, forgetEnvelopes, rangeOf, saltUsers } from './envelopeIndex';
import { describeFailure } from './errors';
import { CommandId } from '../commandIds';
import type { KeyStore } from './keyStore';
import { isWeak } from './weakEnvelopeFix';

/**
 * The documents the providers serve: files and untitled editors. The in-memory plaintext editor
 * (scheme `keysmith-plaintext`) is left out on purpose: what it shows is plaintext, and an
 * envelope typed there is the user's text, not one of the source file's.
 */
export const ENVELOPE_SCHEMES: readonly string[] = ['file', 'untitled'];
const SELECTOR: vscode.DocumentSelector = ENVELOPE_SCHEMES.map((scheme) => ({ scheme }));

/** Diagnostics wait this long after the last change (a keystroke must not cost a scan). */
export const DIAGNOSTICS_DELAY_MS = 300;

/** `Diagnostic.code` of the weak-iterations Warning (its Quick Fix looks for it). */
export const WEAK_ITERATIONS_CODE = 'weak-iterations';

function formatNumber(value: number): string {
  try {
    return new Intl.NumberFormat(vscode.env.language).format(value);
  } catch {
    return new Intl.NumberFormat('en').format(value);
  }
}

/** The envelope's size: its ciphertext's bytes (the plaintext's UTF-8 length), from the base64. */
export function ciphertextBytes(envelope: Envelope): number {
  const text = envelope.ciphertext;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

/** What opens it, as the CodeLens says it: `🔒 key "prod-config"`, `🔒 key`, `🔒 password, 600,000 iterations`. */
export function lockTitle(envelope: Envelope): string {
  if (envelope.kdf !== undefined) {
    return vscode.l10n.t('🔒 password, {0} iterations', formatNumber(envelope.iterations ?? 0));
  }
  return envelope.kid !== undefined ? vscode.l10n.t('🔒 key "{0}"', envelope.kid) : vscode.l10n.t('🔒 key');
}

/** What is wrong with a broken envelope, in the words of its notification (naming the field). */
function brokenSentence(found: FoundEnvelope): string {
  return describeFailure(found.error).sentence;
}

const ACTION_TITLES: Record<Exclude<EnvelopeActionName, 'reencrypt'>, () => string> = {
  decrypt: () => vscode.l10n.t('Decrypt'),
  peek: () => vscode.l10n.t('Peek'),
  edit: () => vscode.l10n.t('Edit'),
};
const LENS_ACTIONS = ['decrypt', 'peek', 'edit'] as const;

class EnvelopeCodeLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly watch = vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration('keysmith.envelopes.codeLens')) this.changed.fire();
  });

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!envelopeCodeLensEnabled(document.uri)) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const found of envelopesOf(document)) {
      // One line is enough for the lens (it is drawn above the range's first line).
      const start = document.positionAt(found.start);
      const range = new vscode.Range(start, start);
      if (!found.envelope) {
        // Not clickable (no command id): the diagnostic and the hover say the same, with its field.
        const title = vscode.l10n.t('⚠ broken envelope: {0}', brokenSentence(found));
        lenses.push(new vscode.CodeLens(range, { title, command: '' }));
        continue;
      }
      lenses.push(new vscode.CodeLens(range, { title: lockTitle(found.envelope), command: '' }));
      for (const action of LENS_ACTIONS) {
        const title = ACTION_TITLES[action]();
        lenses.push(
          new vscode.CodeLens(range, {
            title,
            command: CommandId.envelopeAction,
            arguments: [actionArgs(document, found, action)],
          }),
        );
      }
    }
    return lenses;
  }

  dispose(): void {
    this.watch.dispose();
    this.changed.dispose();
  }
}

/** The envelope of `found` containing `offset` (binary search: the list is sorted). */
function envelopeContaining(found: readonly FoundEnvelope[], offset: number): FoundEnvelope | undefined {
  const [first] = envelopesBetween(found, offset, offset);
  return first;
}

/** The envelopes that overlap `[from, to]` (touching counts), in order. */
function envelopesBetween(found: readonly FoundEnvelope[], from: number, to: number): FoundEnvelope[] {
  let low = 0;
  let high = found.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (found[middle]!.end < from) low = middle + 1;
    else high = middle;
  }
  const result: FoundEnvelope[] = [];
  for (let i = low; i < found.length && found[i]!.start <= to; i++) result.push(found[i]!);
  return result;
}

class EnvelopeHover implements vscode.HoverProvider {
  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const found = envelopeContaining(envelopesOf(document), document.offsetAt(position));
    if (!found) return undefined;
    const markdown = new vscode.MarkdownString('', true);
    // Links may run Keysmith's envelope action and nothing else.
    markdown.isTrusted = { enabledCommands: [CommandId.envelopeAction] };
    if (!found.envelope) {
      markdown.appendMarkdown(`**${vscode.l10n.t('Broken Keysmith envelope')}**\n\n`);
      markdown.appendMarkdown(markdownText(brokenSentence(found)));
      return new vscode.Hover(markdown, rangeOf(document, found));
    }
    const envelope = found.envelope;
    const rows: string[] = [];
    if (envelope.kdf !== undefined) {
      rows.push(vscode.l10n.t('Mode: password ({0})', envelope.kdf));
      const iterations = envelope.iterations ?? 0;
      rows.push(
        isWeak(envelope)
          ? vscode.l10n.t(
              'Iterations: {0} (fewer than {1})',
              formatNumber(iterations),
              formatNumber(limits.WEAK_ITERATIONS),
            )
          : vscode.l10n.t('Iterations: {0}', formatNumber(iterations)),
      );
      const others = saltUsers(document, envelope.salt ?? '') - 1;
      rows.push(
        others > 0
          ? vscode.l10n.t('Salt: shared with {0} other envelope(s) in this file (encrypted together)', others)
          : vscode.l10n.t('Salt: its own'),
      );
    } else {
      rows.push(
        envelope.kid !== undefined
          ? vscode.l10n.t('Mode: key "{0}" (a stored key\'s name)', markdownText(envelope.kid))
          : vscode.l10n.t('Mode: key (no name)'),
      );
    }
    rows.push(vscode.l10n.t('Ciphertext: {0} bytes', formatNumber(ciphertextBytes(envelope))));
    markdown.appendMarkdown(`**${vscode.l10n.t('Keysmith envelope')}** (${envelope.algorithm})\n\n`);
    for (const row of rows) markdown.appendMarkdown(`- ${row}\n`);
    const links = LENS_ACTIONS.map((action) =>
      actionLink(ACTION_TITLES[action](), actionArgs(document, found, action)),
    );
    if (isWeak(envelope)) {
      const title = reencryptTitle(document);
      links.push(actionLink(title, actionArgs(document, found, 'reencrypt')));
    }
    markdown.appendMarkdown(`\n${links.join(' · ')}`);
    return new vscode.Hover(markdown, rangeOf(document, found));
  }
}

function reencryptTitle(document: vscode.TextDocument): string {
  return vscode.l10n.t('Re-encrypt with {0} iterations', formatNumber(readConfig(document.uri).iterations));
}

class WeakEnvelopeFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    if (context.only && !vscode.CodeActionKind.QuickFix.intersects(context.only)) return [];
    const weak = envelopesBetween(
      envelopesOf(document),
      document.offsetAt(range.start),
      document.offsetAt(range.end),
    ).filter((found) => isWeak(found.envelope));
    return weak.map((found) => {
      const action = new vscode.CodeAction(reencryptTitle(document), vscode.CodeActionKind.QuickFix);
      const where = rangeOf(document, found);
      action.diagnostics = context.diagnostics.filter(
        (diagnostic) =>
          diagnostic.source === 'Keysmith' &&
          diagnostic.code === WEAK_ITERATIONS_CODE &&
          diagnostic.range.intersection(where) !== undefined,
      );
      action.isPreferred = true;
      action.command = {
        title: action.title,
        command: CommandId.envelopeAction,
        arguments: [actionArgs(document, found, 'reencrypt')],
      };
      return action;
    });
  }
}

/** The Keysmith diagnostics of a document's envelopes (none for a document without any problem). */
export function envelopeDiagnostics(document: vscode.TextDocument): vscode.Diagnostic[] {
  const diagnostics: vscode.Diagnostic[] = [];
  for (const found of envelopesOf(document)) {
    if (!found.envelope) {
      const diagnostic = new vscode.Diagnostic(
        rangeOf(document, found),
        brokenSentence(found),
        vscode.DiagnosticSeverity.Error,
      );
      diagnostic.source = 'Keysmith';
      diagnostic.code = found.error?.field ?? found.error?.code;
      diagnostics.push(diagnostic);
    } else if (isWeak(found.envelope)) {
      const diagnostic = new vscode.Diagnostic(
        rangeOf(document, found),
        vscode.l10n.t(
          'Only {0} PBKDF2 iterations protect this envelope (fewer than {1}): re-encrypt it.',
          formatNumber(found.envelope.iterations),
          formatNumber(limits.WEAK_ITERATIONS),
        ),
        vscode.DiagnosticSeverity.Warning,
      );
      diagnostic.source = 'Keysmith';
      diagnostic.code = WEAK_ITERATIONS_CODE;
      diagnostics.push(diagnostic);
    }
  }
  return diagnostics;
}

/** Keeps the DiagnosticCollection in step with the open documents (debounced on change). */
class EnvelopeDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('keysmith');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((document) => this.update(document)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0) this.schedule(event.document);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document)),
    ];
    for (const document of vscode.workspace.textDocuments) this.update(document);
  }

  private serves(document: vscode.TextDocument): boolean {
    return ENVELOPE_SCHEMES.includes(document.uri.scheme);
  }

  private schedule(document: vscode.TextDocument): void {
    if (!this.serves(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!document.isClosed) this.update(document);
      }, DIAGNOSTICS_DELAY_MS),
    );
  }

  private update(document: vscode.TextDocument): void {
    if (!this.serves(document)) return;
    this.collection.set(document.uri, envelopeDiagnostics(document));
  }

  private forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.collection.delete(document.uri);
    forgetEnvelopes(document);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.subscriptions.forEach((subscription) => subscription.dispose());
    this.collection.dispose();
  }
}

export function registerEnvelopeProviders(context: vscode.ExtensionContext, keys: KeyStore): void {
  void keys; // the actions' commands use it; the providers only read documents
  const lenses = new EnvelopeCodeLenses();
  context.subscriptions.push(
    lenses,
    vscode.languages.registerCodeLensProvider(SELECTOR, lenses),
    vscode.languages.registerHoverProvider(SELECTOR, new EnvelopeHover()),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new WeakEnvelopeFixes(), {
      providedCodeActionKinds: WeakEnvelopeFixes.kinds,
    }),
    new EnvelopeDiagnostics(),
  );
}

/**
 * The key hover (issue 12, "In the editor"): on a PEM block, an OpenSSH public key line or a JWK /
 * JWKS in any document, what the key is — kind, algorithm, size or curve, format, encrypted or
 * not, comment, fingerprints — and links to Copy as JWK / OpenSSH / public PEM.
 *
 * - Cheap: only a bounded window around the position is read (see core/keysInText), never the
 *   whole document; reading the key is node:crypto parsing, no KDF.
 * - No passphrase in a hover: an encrypted key is said to be encrypted (an encrypted OpenSSH key
 *   still shows its public key, which the file holds in the clear) and offers Inspect…, which asks.
 * - No key text in the markdown or in a command link: the links carry the document's URI and the
 *   key's position; the command reads the key again from the document.
 */
import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import { inspectKey, isKeysmithError, KeysmithError, type KeyInfo } from '../core';
import {
  findKeyAt,
  keyWindowBounds,
  KEY_WINDOW_LINES,
  openSshPublicLineOf,
  type FoundKey,
} from '../core/keysInText';
import { CLIPBOARD_SECONDS } from './clipboard';
import { describeFailure } from './errors';
import { commandLink as link, markdownText } from './markdown';
import { PLAINTEXT_SCHEME } from './plaintextFileSystem';

/**
 * Files, untitled editors, and the plaintext editor of an envelope (a private key kept in an
 * envelope is worth hovering there; the hover shows no key material).
 */
export const KEY_SCHEMES: readonly string[] = ['file', 'untitled', PLAINTEXT_SCHEME];

/** The target formats of the Copy links and of keysmith.copyKeyAs. */
export const COPY_FORMATS = ['jwk', 'openssh', 'pem', 'pkcs8'] as const;
export type CopyFormat = (typeof COPY_FORMATS)[number];

/** keysmith.copyKeyAs's argument (and inspectKey's from a hover): where the key is, never the key. */
export interface KeyPositionArgs {
  uri: string;
  line: number;
  character: number;
}
export interface CopyKeyArgs extends KeyPositionArgs {
  to: CopyFormat;
  /** The public half (default); false copies the private key (cleared from the clipboard later). */
  public?: boolean;
}

/** The key under `position`, found in the window around it. */
export function documentKeyAt(
  document: vscode.TextDocument,
  position: vscode.Position,
): FoundKey | undefined {
  const cursor = document.offsetAt(position);
  const firstLine = Math.max(0, position.line - KEY_WINDOW_LINES);
  const lastLine = Math.min(document.lineCount - 1, position.line + KEY_WINDOW_LINES);
  const { from, to } = keyWindowBounds(
    cursor,
    document.offsetAt(new vscode.Position(firstLine, 0)),
    document.offsetAt(document.lineAt(lastLine).range.end),
  );
  const text = document.getText(new vscode.Range(document.positionAt(from), document.positionAt(to)));
  return findKeyAt(text, cursor, from);
}

/**
 * The core's "line N" counts from the start of the text it was given; `firstLine` (0-based) is
 * where that text starts in the document, so the message names the document's line.
 */
export function atDocumentLine(error: unknown, firstLine: number): unknown {
  if (!isKeysmithError(error) || firstLine === 0) return error;
  const message = error.message.replace(/\bline (\d+)\b/g, (_, n: string) => `line ${Number(n) + firstLine}`);
  return new KeysmithError(error.code, message, error.field, error.index, error.size);
}

/** "Ed25519", "RSA 2048-bit", "EC P-256". */
export function algorithmText(info: KeyInfo): string {
  if (info.algorithm === 'RSA') return vscode.l10n.t('RSA {0}-bit', info.key_size ?? 0);
  if (info.algorithm === 'EC') return `EC ${info.curve ?? ''}`.trim();
  return info.algorithm;
}

/** "EC P-256 public key" / "RSA 2048-bit private key". */
export function keyTitle(info: KeyInfo): string {
  return info.kind === 'private'
    ? vscode.l10n.t('{0} private key', algorithmText(info))
    : vscode.l10n.t('{0} public key', algorithmText(info));
}

const PEM_FORMATS: Record<string, string> = {
  'RSA PRIVATE KEY': 'PEM, PKCS#1',
  'RSA PUBLIC KEY': 'PEM, PKCS#1',
  'EC PRIVATE KEY': 'PEM, SEC1',
  'PUBLIC KEY': 'PEM, SPKI',
  'PRIVATE KEY': 'PEM, PKCS#8',
  'ENCRYPTED PRIVATE KEY': 'PEM, encrypted PKCS#8',
  'OPENSSH PRIVATE KEY': 'OpenSSH private key',
};

/** The format's usual name (technical names, not translated). */
export function formatText(info: KeyInfo | undefined, found?: FoundKey): string {
  if (found?.label !== undefined) return PEM_FORMATS[found.label] ?? `PEM, ${found.label}`;
  if (found?.jwks) return 'JWKS';
  switch (info?.format) {
    case 'openssh':
      return info.kind === 'public' ? 'OpenSSH public key' : 'OpenSSH private key';
    case 'jwk':
      return 'JWK';
    case 'pkcs8':
      return 'PEM, PKCS#8';
    default:
      return 'PEM';
  }
}

const COPY_TITLES = {
  jwk: () => vscode.l10n.t('Copy as JWK'),
  openssh: () => vscode.l10n.t('Copy as OpenSSH'),
  pem: () => vscode.l10n.t('Copy public PEM'),
} as const;

function fingerprintRows(info: KeyInfo): string[] {
  return [
    vscode.l10n.t('SHA-256: {0}', `\`${info.fingerprints.sha256}\``),
    vscode.l10n.t('SSH: {0}', `\`${info.fingerprints.ssh}\``),
    vscode.l10n.t('JWK thumbprint: {0}', `\`${info.fingerprints.jwk_thumbprint}\``),
  ];
}

class KeyHover implements vscode.HoverProvider {
  async provideHover(
    document: vscode.TextDocument,
    position: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.Hover | undefined> {
    const found = documentKeyAt(document, position);
    if (!found) return undefined;
    const start = document.positionAt(found.start);
    const range = new vscode.Range(start, document.positionAt(found.end));
    const where: KeyPositionArgs = {
      uri: document.uri.toString(),
      line: start.line,
      character: start.character,
    };
    const markdown = new vscode.MarkdownString('', true);
    // Links may run these two commands and nothing else.
    markdown.isTrusted = { enabledCommands: [CommandId.copyKeyAs, CommandId.inspectKey] };
    let info: KeyInfo | KeyInfo[];
    try {
      info = await inspectKey(found.text); // no passphrase: never a KDF here
    } catch (error) {
      if (token.isCancellationRequested) return undefined;
      if (isKeysmithError(error) && error.code === 'PASSPHRASE_REQUIRED') {
        await this.encrypted(markdown, found, where);
      } else {
        markdown.appendMarkdown(
          `**${
            isKeysmithError(error) && error.code === 'UNSUPPORTED_KEY'
              ? vscode.l10n.t('Keysmith: unsupported key')
              : vscode.l10n.t('Keysmith: damaged key')
          }**\n\n`,
        );
        markdown.appendMarkdown(markdownText(describeFailure(atDocumentLine(error, start.line)).sentence));
      }
      return new vscode.Hover(markdown, range);
    }
    if (token.isCancellationRequested) return undefined;
    if (Array.isArray(info)) {
      markdown.appendMarkdown(`**${vscode.l10n.t('Keysmith: JWKS of {0} key(s)', info.length)}**\n\n`);
      info.forEach((one, index) => {
        markdown.appendMarkdown(
          `${index + 1}. ${markdownText(keyTitle(one))} — \`${one.fingerprints.ssh}\`, ${vscode.l10n.t('thumbprint {0}', `\`${one.fingerprints.jwk_thumbprint}\``)}\n`,
        );
      });
      if (info.length === 1) this.copyLinks(markdown, where, false);
      return new vscode.Hover(markdown, range);
    }
    const rows = [
      vscode.l10n.t('Format: {0}', formatText(info, found)),
      ...(info.kind === 'private' ? [vscode.l10n.t('Encrypted: no')] : []),
      ...(info.comment !== undefined ? [vscode.l10n.t('Comment: {0}', markdownText(info.comment))] : []),
      ...fingerprintRows(info),
    ];
    markdown.appendMarkdown(`**${vscode.l10n.t('Keysmith: {0}', keyTitle(info))}**\n\n`);
    for (const row of rows) markdown.appendMarkdown(`- ${row}\n`);
    this.copyLinks(markdown, where, info.kind === 'private');
    return new vscode.Hover(markdown, range);
  }

  /** An encrypted private key: what can be said without its passphrase, and Inspect…. */
  private async encrypted(
    markdown: vscode.MarkdownString,
    found: FoundKey,
    where: KeyPositionArgs,
  ): Promise<void> {
    const publicLine = found.label === 'OPENSSH PRIVATE KEY' ? openSshPublicLineOf(found.text) : undefined;
    let publicInfo: KeyInfo | undefined;
    if (publicLine !== undefined) {
      try {
        publicInfo = (await inspectKey(publicLine)) as KeyInfo;
      } catch {
        publicInfo = undefined; // Inspect… will say what is wrong with it
      }
    }
    const title = publicInfo
      ? vscode.l10n.t('Keysmith: encrypted {0} private key', algorithmText(publicInfo))
      : vscode.l10n.t('Keysmith: encrypted private key');
    markdown.appendMarkdown(`**${title}**\n\n`);
    markdown.appendMarkdown(`- ${vscode.l10n.t('Format: {0}', formatText(undefined, found))}\n`);
    markdown.appendMarkdown(`- ${vscode.l10n.t('Encrypted: yes (passphrase-protected)')}\n`);
    if (publicInfo) {
      for (const row of fingerprintRows(publicInfo)) markdown.appendMarkdown(`- ${row}\n`);
    } else {
      markdown.appendMarkdown(`\n${vscode.l10n.t('Its algorithm and fingerprints need the passphrase.')}\n`);
    }
    // The public half of an encrypted OpenSSH key copies without a passphrase; the rest asks.
    this.copyLinks(markdown, where, false);
    markdown.appendMarkdown(` · ${link(vscode.l10n.t('Inspect…'), CommandId.inspectKey, where)}`);
  }

  private copyLinks(markdown: vscode.MarkdownString, where: KeyPositionArgs, isPrivate: boolean): void {
    const links = (['jwk', 'openssh', 'pem'] as const).map((to) =>
      link(COPY_TITLES[to](), CommandId.copyKeyAs, { ...where, to } satisfies CopyKeyArgs),
    );
    markdown.appendMarkdown(`\n${links.join(' · ')}`);
    if (!isPrivate) return;
    const privateLinks = (['jwk', 'openssh', 'pkcs8'] as const).map((to) =>
      link({ jwk: 'JWK', openssh: 'OpenSSH', pkcs8: 'PKCS#8' }[to], CommandId.copyKeyAs, {
        ...where,
        to,
        public: false,
      } satisfies CopyKeyArgs),
    );
    markdown.appendMarkdown(
      `\n\n${vscode.l10n.t('Copy the private key as {0} (cleared from the clipboard after {1} s)', privateLinks.join(' · '), CLIPBOARD_SECONDS)}`,
    );
  }
}

export function registerKeyHover(context: vscode.ExtensionContext): void {
  const selector: vscode.DocumentSelector = KEY_SCHEMES.map((scheme) => ({ scheme }));
  context.subscriptions.push(vscode.languages.registerHoverProvider(selector, new KeyHover()));
}

/**
 * The page of one of the sidebar's views (one per operation): that operation's form only, with no
 * header of its own (VS Code's pane header is the header; a visually hidden h1 names the page for
 * screen readers). Static markup only (labels through vscode.l10n), no data. Values arrive later
 * as messages and the webview renders them with textContent. Every id comes from DomId in
 * protocol.ts, which the webview reads too. The Content-Security-Policy allows
 * the one stylesheet and the one script (by nonce) and nothing else: no inline style, no fonts,
 * no images, no network.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import {
  DomId,
  feedbackIds,
  fieldErrorId,
  KEY_SOURCE_IDS,
  type FeedbackId,
  type Operation,
  type FieldId,
  type KeySourceIds,
} from '../protocol';

/** The operation's name: the view's title (package.nls.json has the same words) and the page's h1. */
export function operationTitle(operation: Operation): string {
  switch (operation) {
    case 'generateKey':
      return vscode.l10n.t('Generate Key');
    case 'keyPair':
      return vscode.l10n.t('Key Pair');
    case 'encrypt':
      return vscode.l10n.t('Encrypt');
    case 'decrypt':
      return vscode.l10n.t('Decrypt');
  }
}

const FORMS: Record<Operation, () => string> = {
  generateKey: generateKeyForm,
  keyPair: keyPairForm,
  encrypt: encryptForm,
  decrypt: decryptForm,
};

export function renderHtml(webview: vscode.Webview, extensionUri: vscode.Uri, operation: Operation): string {
  // 128 random bits from node:crypto, fresh for every page.
  const nonce = randomBytes(16).toString('base64');
  const styleUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'sidebar.css'));
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const csp = ["default-src 'none'", `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join(
    '; ',
  );
  return `<!DOCTYPE html>
<html lang="${escapeHtml(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(styleUri.toString())}">
<title>${escapeHtml(operationTitle(operation))}</title>
</head>
<body>
<main id="${DomId.app}" data-operation="${operation}" aria-busy="true">
<h1 class="visually-hidden">${escapeHtml(operationTitle(operation))}</h1>
${FORMS[operation]()}
</main>
<script nonce="${nonce}" src="${escapeHtml(scriptUri.toString())}"></script>
</body>
</html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface FieldOptions {
  id: FieldId;
  label: string;
  control: string;
  hint?: { id: DomId; text: string };
  /** `data-*` attribute that shows the field only for some choices, e.g. `data-types="nanoid secret"`. */
  shownFor?: string;
}

/** A label above its control, an optional hint, and the place where the field's error appears. */
function field({ id, label, control, hint, shownFor }: FieldOptions): string {
  const hintHtml = hint ? `<p class="hint" id="${hint.id}">${escapeHtml(hint.text)}</p>` : '';
  return `<div class="field"${shownFor ? ` ${shownFor}` : ''}>
  <label for="${id}">${escapeHtml(label)}</label>
  ${control}
  ${hintHtml}
  <p class="field-error" id="${fieldErrorId(id)}" role="alert" hidden></p>
</div>`;
}

function input(id: DomId, attributes = ''): string {
  return `<input id="${id}" type="text" autocomplete="off" spellcheck="false" ${attributes}>`;
}

/** A secret input: masked, never remembered by the browser. */
function secretInput(id: DomId): string {
  return `<input id="${id}" type="password" autocomplete="off" spellcheck="false">`;
}

function select(id: DomId, options: [value: string, label: string][]): string {
  const items = options.map(
    ([value, label]) => `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`,
  );
  return `<select id="${id}">${items.join('')}</select>`;
}

function button(
  id: DomId,
  label: string,
  kind: 'primary' | 'secondary' = 'secondary',
  type = 'button',
): string {
  return `<button type="${type}" id="${id}" class="${kind}">${escapeHtml(label)}</button>`;
}

/** Status (polite) and form-level error (assertive) lines, plus an indeterminate progress bar. */
function feedback(prefix: FeedbackId): string {
  const ids = feedbackIds(prefix);
  return `<div class="progress" id="${ids.progress}" hidden><div class="progress-bar"></div></div>
<p class="status" id="${ids.status}" role="status" aria-live="polite"></p>
<p class="form-error" id="${ids.error}" role="alert" hidden></p>`;
}

/**
 * Generate Key. The value on show is labelled with its type ("API key", "UUID v4", … set by the
 * webview) and described by its entropy; it can be focused and selected but is not a field to
 * type in (a read-only textbox), nor a live region: a screen reader reads "API key, sk_…, 256 bits
 * of entropy" when the user reaches it, not 64 hex characters on every change.
 */
function generateKeyForm(): string {
  return `<form id="${DomId.keyForm}" novalidate>
${field({
  id: DomId.keyType,
  label: vscode.l10n.t('Type'),
  control: select(DomId.keyType, [
    ['api-key', vscode.l10n.t('API key')],
    ['uuid-v4', vscode.l10n.t('UUID v4')],
    ['nanoid', vscode.l10n.t('Nanoid')],
    ['secret', vscode.l10n.t('Hex secret')],
  ]),
})}
${field({ id: DomId.keyPrefix, label: vscode.l10n.t('Prefix'), control: input(DomId.keyPrefix, 'maxlength="32"'), shownFor: 'data-types="api-key"' })}
${field({
  id: DomId.keyLength,
  label: vscode.l10n.t('Length'),
  control: input(DomId.keyLength, 'inputmode="numeric"'),
  shownFor: 'data-types="nanoid secret"',
})}
${field({
  id: DomId.keyAlphabet,
  label: vscode.l10n.t('Alphabet'),
  control: input(DomId.keyAlphabet, `aria-describedby="${DomId.keyAlphabetHint}"`),
  hint: { id: DomId.keyAlphabetHint, text: vscode.l10n.t('Empty: A–Z a–z 0–9 _ -') },
  shownFor: 'data-types="nanoid"',
})}
<div class="result" id="${DomId.keyResult}" hidden>
  <p class="label" id="${DomId.keyValueLabel}">${escapeHtml(vscode.l10n.t('Key'))}</p>
  <div id="${DomId.keyValue}" class="value mono select-all" role="textbox" aria-readonly="true" aria-labelledby="${DomId.keyValueLabel}" aria-describedby="${DomId.keyEntropy}" tabindex="0"></div>
  <p class="hint" id="${DomId.keyEntropy}"></p>
</div>
<div class="actions">
  ${button(DomId.keyInsert, vscode.l10n.t('Insert at Cursor'), 'primary')}
  ${button(DomId.keyCopy, vscode.l10n.t('Copy'))}
  ${button(DomId.keyRegenerate, vscode.l10n.t('Regenerate'), 'secondary', 'submit')}
  ${button(DomId.keyCopyJson, vscode.l10n.t('Copy as JSON'))}
</div>
${feedback('key')}
</form>`;
}

/** A read-only text result (a public key, an envelope): text to select and copy, not a field. */
function readOnlyText(id: DomId, label: string, rows: number): string {
  return `<label for="${id}">${escapeHtml(label)}</label>
  <textarea id="${id}" class="value mono" rows="${rows}" readonly spellcheck="false"></textarea>`;
}

function keyPairForm(): string {
  return `<form id="${DomId.pairForm}" novalidate>
${field({
  id: DomId.pairAlgorithm,
  label: vscode.l10n.t('Algorithm'),
  control: select(DomId.pairAlgorithm, [
    ['EC', vscode.l10n.t('EC (elliptic curve)')],
    ['RSA', 'RSA'],
    ['Ed25519', 'Ed25519'],
  ]),
})}
${field({
  id: DomId.pairSize,
  label: vscode.l10n.t('Key size'),
  control: select(DomId.pairSize, [
    ['2048', vscode.l10n.t('{0} bits', 2048)],
    ['3072', vscode.l10n.t('{0} bits', 3072)],
    ['4096', vscode.l10n.t('{0} bits', 4096)],
  ]),
  shownFor: 'data-algorithm="RSA"',
})}
${field({
  id: DomId.pairCurve,
  label: vscode.l10n.t('Curve'),
  control: select(DomId.pairCurve, [
    ['P-256', 'P-256'],
    ['P-384', 'P-384'],
    ['P-521', 'P-521'],
  ]),
  shownFor: 'data-algorithm="EC"',
})}
${field({ id: DomId.pairName, label: vscode.l10n.t('Name'), control: input(DomId.pairName, 'maxlength="64"') })}
${field({ id: DomId.pairFolder, label: vscode.l10n.t('Folder'), control: input(DomId.pairFolder) })}
${field({
  id: DomId.pairFormat,
  label: vscode.l10n.t('Format'),
  control: select(DomId.pairFormat, [
    ['pem', vscode.l10n.t('PEM (PKCS#1 / SEC1)')],
    ['pkcs8', vscode.l10n.t('PEM (PKCS#8)')],
    ['openssh', vscode.l10n.t('OpenSSH (id_… and .pub)')],
    ['jwk', vscode.l10n.t('JWK and JWKS (JSON)')],
  ]),
})}
${field({
  id: DomId.pairPassphrase,
  label: vscode.l10n.t('Passphrase (optional)'),
  control: secretInput(DomId.pairPassphrase),
  shownFor: 'data-format="pem pkcs8 openssh"',
})}
${field({
  id: DomId.pairConfirm,
  label: vscode.l10n.t('Confirm passphrase'),
  control: secretInput(DomId.pairConfirm),
  shownFor: 'data-format="pem pkcs8 openssh"',
})}
${field({
  id: DomId.pairComment,
  label: vscode.l10n.t('Comment'),
  control: input(DomId.pairComment, 'maxlength="256"'),
  shownFor: 'data-format="openssh"',
})}
<div class="actions">
  ${button(DomId.pairSave, vscode.l10n.t('Save Key Pair'), 'primary', 'submit')}
</div>
${feedback('pair')}
<div class="result" id="${DomId.pairResult}" hidden>
  ${readOnlyText(DomId.pairPublic, vscode.l10n.t('Public key'), 5)}
  <div class="actions">${button(DomId.pairCopyPublic, vscode.l10n.t('Copy Public Key'))}</div>
</div>
</form>`;
}

/** Where the key comes from, for the encrypt or decrypt form. */
function keySourceFields(ids: KeySourceIds, label: string): string {
  const confirm = ids.confirm
    ? field({
        id: ids.confirm,
        label: vscode.l10n.t('Confirm password'),
        control: secretInput(ids.confirm),
        shownFor: 'data-source="password"',
      })
    : '';
  return `${field({
    id: ids.kind,
    label,
    control: select(ids.kind, [
      ['stored', vscode.l10n.t('A stored key')],
      ['key', vscode.l10n.t('A 64-hex key')],
      ['password', vscode.l10n.t('A password')],
    ]),
  })}
${field({
  id: ids.keyName,
  label: vscode.l10n.t('Stored key'),
  control: `<select id="${ids.keyName}"></select>`,
  shownFor: 'data-source="stored"',
})}
${field({ id: ids.key, label: vscode.l10n.t('Key (64 hex)'), control: secretInput(ids.key), shownFor: 'data-source="key"' })}
${field({ id: ids.password, label: vscode.l10n.t('Password'), control: secretInput(ids.password), shownFor: 'data-source="password"' })}
${confirm}`;
}

function encryptForm(): string {
  return `<form id="${DomId.encForm}" novalidate>
${keySourceFields(KEY_SOURCE_IDS.enc, vscode.l10n.t('Encrypt with'))}
<div class="actions">
  ${button(DomId.encSelection, vscode.l10n.t('Encrypt Selection'), 'primary')}
</div>
${feedback('enc-sel')}
${field({
  id: DomId.encPlaintext,
  label: vscode.l10n.t('Or text to encrypt'),
  control: `<textarea id="${DomId.encPlaintext}" rows="3" spellcheck="false"></textarea>`,
})}
<div class="actions">
  ${button(DomId.encText, vscode.l10n.t('Encrypt Text'))}
</div>
${feedback('enc-txt')}
<div class="result" id="${DomId.encResult}" hidden>
  ${readOnlyText(DomId.encEnvelope, vscode.l10n.t('Envelope'), 4)}
  <div class="actions">
    ${button(DomId.encInsert, vscode.l10n.t('Insert at Cursor'))}
    ${button(DomId.encCopy, vscode.l10n.t('Copy'))}
  </div>
</div>
</form>`;
}

function decryptForm(): string {
  return `<form id="${DomId.decForm}" novalidate>
${keySourceFields(KEY_SOURCE_IDS.dec, vscode.l10n.t('Decrypt with'))}
<div class="actions">
  ${button(DomId.decSelection, vscode.l10n.t('Decrypt Selection'), 'primary')}
</div>
${feedback('dec-sel')}
${field({
  id: DomId.decEnvelope,
  label: vscode.l10n.t('Or paste an envelope'),
  control: `<textarea id="${DomId.decEnvelope}" class="mono" rows="3" spellcheck="false"></textarea>`,
})}
<div class="actions">
  ${button(DomId.decText, vscode.l10n.t('Decrypt Text'))}
</div>
${feedback('dec-txt')}
<div class="result" id="${DomId.decResult}" hidden>
  <p class="label" id="${DomId.decPlaintextLabel}">${escapeHtml(vscode.l10n.t('Plaintext'))}</p>
  <div id="${DomId.decPlaintext}" class="value mono masked" role="textbox" aria-readonly="true" aria-labelledby="${DomId.decPlaintextLabel}" tabindex="0"></div>
  <ul class="warnings" id="${DomId.decWarnings}"></ul>
  <div class="actions">
    <button type="button" id="${DomId.decReveal}" class="secondary" aria-pressed="false" aria-controls="${DomId.decPlaintext}">${escapeHtml(vscode.l10n.t('Reveal'))}</button>
    ${button(DomId.decCopy, vscode.l10n.t('Copy'))}
    ${button(DomId.decClear, vscode.l10n.t('Clear'))}
  </div>
</div>
</form>`;
}

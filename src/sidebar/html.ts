/**
 * The sidebar's page: static markup only (labels through vscode.l10n), no data. Values arrive later
 * as messages and the webview renders them with textContent. The Content-Security-Policy allows
 * the one stylesheet and the one script (by nonce) and nothing else: no inline style, no fonts,
 * no images, no network.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

export function renderHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
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
<title>Keysmith</title>
</head>
<body>
<main id="app" aria-busy="true">
${generateKeySection()}
${keyPairSection()}
${encryptSection()}
${decryptSection()}
</main>
<script nonce="${nonce}" src="${escapeHtml(scriptUri.toString())}"></script>
</body>
</html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface FieldOptions {
  id: string;
  label: string;
  control: string;
  hint?: string;
  /** `data-*` attribute that shows the field only for some choices, e.g. `data-types="nanoid secret"`. */
  shownFor?: string;
}

/** A label above its control, an optional hint, and the place where the field's error appears. */
function field({ id, label, control, hint, shownFor }: FieldOptions): string {
  const hintHtml = hint ? `<p class="hint" id="${id}-hint">${escapeHtml(hint)}</p>` : '';
  return `<div class="field"${shownFor ? ` ${shownFor}` : ''}>
  <label for="${id}">${escapeHtml(label)}</label>
  ${control}
  ${hintHtml}
  <p class="field-error" id="${id}-error" role="alert" hidden></p>
</div>`;
}

function input(id: string, attributes = ''): string {
  return `<input id="${id}" type="text" autocomplete="off" spellcheck="false" ${attributes}>`;
}

/** A secret input: masked, never remembered by the browser. */
function secretInput(id: string): string {
  return `<input id="${id}" type="password" autocomplete="off" spellcheck="false">`;
}

function select(id: string, options: [value: string, label: string][]): string {
  const items = options.map(
    ([value, label]) => `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`,
  );
  return `<select id="${id}">${items.join('')}</select>`;
}

function button(
  id: string,
  label: string,
  kind: 'primary' | 'secondary' = 'secondary',
  type = 'button',
): string {
  return `<button type="${type}" id="${id}" class="${kind}">${escapeHtml(label)}</button>`;
}

function section(id: string, title: string, body: string): string {
  return `<details class="section" id="section-${id}" open>
<summary><h2>${escapeHtml(title)}</h2></summary>
<div class="section-body">
${body}
</div>
</details>`;
}

/** Status (polite) and form-level error (assertive) lines, plus an indeterminate progress bar. */
function feedback(prefix: string): string {
  return `<div class="progress" id="${prefix}-progress" hidden><div class="progress-bar"></div></div>
<p class="status" id="${prefix}-status" role="status" aria-live="polite"></p>
<p class="form-error" id="${prefix}-error" role="alert" hidden></p>`;
}

function generateKeySection(): string {
  return section(
    'key',
    vscode.l10n.t('Generate Key'),
    `<form id="key-form" novalidate>
${field({
  id: 'key-type',
  label: vscode.l10n.t('Type'),
  control: select('key-type', [
    ['api-key', vscode.l10n.t('API key')],
    ['uuid-v4', vscode.l10n.t('UUID v4')],
    ['nanoid', vscode.l10n.t('Nanoid')],
    ['secret', vscode.l10n.t('Hex secret')],
  ]),
})}
${field({ id: 'key-prefix', label: vscode.l10n.t('Prefix'), control: input('key-prefix', 'maxlength="32"'), shownFor: 'data-types="api-key"' })}
${field({
  id: 'key-length',
  label: vscode.l10n.t('Length'),
  control: input('key-length', 'inputmode="numeric"'),
  shownFor: 'data-types="nanoid secret"',
})}
${field({
  id: 'key-alphabet',
  label: vscode.l10n.t('Alphabet'),
  control: input('key-alphabet', 'aria-describedby="key-alphabet-hint"'),
  hint: vscode.l10n.t('Empty: A–Z a–z 0–9 _ -'),
  shownFor: 'data-types="nanoid"',
})}
<div class="result" id="key-result" hidden>
  <output id="key-value" class="value mono" for="key-type"></output>
  <p class="hint" id="key-entropy"></p>
</div>
<div class="actions">
  ${button('key-insert', vscode.l10n.t('Insert at Cursor'), 'primary')}
  ${button('key-copy', vscode.l10n.t('Copy'))}
  ${button('key-regenerate', vscode.l10n.t('Regenerate'), 'secondary', 'submit')}
  ${button('key-copy-json', vscode.l10n.t('Copy as JSON'))}
</div>
${feedback('key')}
</form>`,
  );
}

function keyPairSection(): string {
  return section(
    'pair',
    vscode.l10n.t('Key Pair'),
    `<form id="pair-form" novalidate>
${field({
  id: 'pair-algorithm',
  label: vscode.l10n.t('Algorithm'),
  control: select('pair-algorithm', [
    ['EC', vscode.l10n.t('EC (elliptic curve)')],
    ['RSA', 'RSA'],
  ]),
})}
${field({
  id: 'pair-size',
  label: vscode.l10n.t('Key size'),
  control: select('pair-size', [
    ['2048', vscode.l10n.t('{0} bits', 2048)],
    ['3072', vscode.l10n.t('{0} bits', 3072)],
    ['4096', vscode.l10n.t('{0} bits', 4096)],
  ]),
  shownFor: 'data-algorithm="RSA"',
})}
${field({
  id: 'pair-curve',
  label: vscode.l10n.t('Curve'),
  control: select('pair-curve', [
    ['P-256', 'P-256'],
    ['P-384', 'P-384'],
    ['P-521', 'P-521'],
  ]),
  shownFor: 'data-algorithm="EC"',
})}
${field({ id: 'pair-name', label: vscode.l10n.t('Name'), control: input('pair-name', 'maxlength="64"') })}
${field({ id: 'pair-folder', label: vscode.l10n.t('Folder'), control: input('pair-folder') })}
${field({
  id: 'pair-format',
  label: vscode.l10n.t('Private key format'),
  control: select('pair-format', [
    ['traditional', vscode.l10n.t('PKCS#1 / SEC1')],
    ['pkcs8', 'PKCS#8'],
  ]),
})}
<div class="actions">
  ${button('pair-save', vscode.l10n.t('Save as PEM Files'), 'primary', 'submit')}
</div>
${feedback('pair')}
<div class="result" id="pair-result" hidden>
  <label for="pair-public">${escapeHtml(vscode.l10n.t('Public key'))}</label>
  <textarea id="pair-public" class="value mono" rows="5" readonly spellcheck="false"></textarea>
  <div class="actions">${button('pair-copy-public', vscode.l10n.t('Copy Public Key'))}</div>
</div>
</form>`,
  );
}

/** Where the key comes from, for the encrypt (`enc`) or decrypt (`dec`) form. */
function keySourceFields(prefix: 'enc' | 'dec'): string {
  const confirm =
    prefix === 'enc'
      ? field({
          id: 'enc-confirm',
          label: vscode.l10n.t('Confirm password'),
          control: secretInput('enc-confirm'),
          shownFor: 'data-source="password"',
        })
      : '';
  return `${field({
    id: `${prefix}-source`,
    label: prefix === 'enc' ? vscode.l10n.t('Encrypt with') : vscode.l10n.t('Decrypt with'),
    control: select(`${prefix}-source`, [
      ['stored', vscode.l10n.t('A stored key')],
      ['key', vscode.l10n.t('A 64-hex key')],
      ['password', vscode.l10n.t('A password')],
    ]),
  })}
${field({
  id: `${prefix}-keyName`,
  label: vscode.l10n.t('Stored key'),
  control: `<select id="${prefix}-keyName"></select>`,
  shownFor: 'data-source="stored"',
})}
${field({ id: `${prefix}-key`, label: vscode.l10n.t('Key (64 hex)'), control: secretInput(`${prefix}-key`), shownFor: 'data-source="key"' })}
${field({ id: `${prefix}-password`, label: vscode.l10n.t('Password'), control: secretInput(`${prefix}-password`), shownFor: 'data-source="password"' })}
${confirm}`;
}

function encryptSection(): string {
  return section(
    'enc',
    vscode.l10n.t('Encrypt'),
    `<form id="enc-form" novalidate>
${keySourceFields('enc')}
<div class="actions">
  ${button('enc-selection', vscode.l10n.t('Encrypt Selection'), 'primary')}
</div>
${feedback('enc-sel')}
${field({
  id: 'enc-plaintext',
  label: vscode.l10n.t('Or text to encrypt'),
  control: '<textarea id="enc-plaintext" rows="3" spellcheck="false"></textarea>',
})}
<div class="actions">
  ${button('enc-text', vscode.l10n.t('Encrypt Text'))}
</div>
${feedback('enc-txt')}
<div class="result" id="enc-result" hidden>
  <label for="enc-envelope">${escapeHtml(vscode.l10n.t('Envelope'))}</label>
  <textarea id="enc-envelope" class="value mono" rows="4" readonly spellcheck="false"></textarea>
  <div class="actions">
    ${button('enc-insert', vscode.l10n.t('Insert at Cursor'))}
    ${button('enc-copy', vscode.l10n.t('Copy'))}
  </div>
</div>
</form>`,
  );
}

function decryptSection(): string {
  return section(
    'dec',
    vscode.l10n.t('Decrypt'),
    `<form id="dec-form" novalidate>
${keySourceFields('dec')}
<div class="actions">
  ${button('dec-selection', vscode.l10n.t('Decrypt Selection'), 'primary')}
</div>
${feedback('dec-sel')}
${field({
  id: 'dec-envelope',
  label: vscode.l10n.t('Or paste an envelope'),
  control: '<textarea id="dec-envelope" class="mono" rows="3" spellcheck="false"></textarea>',
})}
<div class="actions">
  ${button('dec-text', vscode.l10n.t('Decrypt Text'))}
</div>
${feedback('dec-txt')}
<div class="result" id="dec-result" hidden>
  <p class="label" id="dec-plaintext-label">${escapeHtml(vscode.l10n.t('Plaintext'))}</p>
  <div id="dec-plaintext" class="value mono masked" role="textbox" aria-readonly="true" aria-labelledby="dec-plaintext-label" tabindex="0"></div>
  <ul class="warnings" id="dec-warnings"></ul>
  <div class="actions">
    <button type="button" id="dec-reveal" class="secondary" aria-pressed="false" aria-controls="dec-plaintext">${escapeHtml(vscode.l10n.t('Reveal'))}</button>
    ${button('dec-copy', vscode.l10n.t('Copy'))}
    ${button('dec-clear', vscode.l10n.t('Clear'))}
  </div>
</div>
</form>`,
  );
}

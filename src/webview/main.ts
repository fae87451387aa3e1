/**
 * The sidebar webview's entry (bundled for the browser as dist/webview.js). It imports only the
 * protocol and its own modules: no 'vscode', no node. Every message from the host is validated;
 * anything malformed is ignored.
 */
import {
  assertNever,
  DomId,
  KEY_SOURCE_IDS,
  parseToWebview,
  type Defaults,
  type WebviewStrings,
} from '../protocol';
import { RequestClient } from './client';
import { createDecryptForm } from './decryptForm';
import { byId } from './dom';
import { createEncryptForm } from './encryptForm';
import type { App, FormController } from './form';
import { createGenerateKeyForm } from './generateKeyForm';
import { createKeyPairForm } from './keyPairForm';
import { loadState, PERSISTED_CONTROLS, vscode, type PersistedControl } from './vscodeApi';

const saved = loadState();
let initialised = false;

const app: App & { strings: WebviewStrings; defaults: Defaults; keyNames: string[] } = {
  client: new RequestClient((message) => vscode.postMessage(message)),
  // Filled in by `init`; nothing acts before it arrives.
  strings: undefined as unknown as WebviewStrings,
  defaults: undefined as unknown as Defaults,
  keyNames: [],
  saveState,
};

/** Only the listed non-secret choices and which sections are collapsed. */
function saveState(): void {
  if (!initialised) return;
  const choices: Partial<Record<PersistedControl, string>> = {};
  for (const id of PERSISTED_CONTROLS) {
    const control = document.getElementById(id) as HTMLInputElement | HTMLSelectElement | null;
    if (control && control.value !== '') choices[id] = control.value;
  }
  const collapsed = [...document.querySelectorAll<HTMLDetailsElement>('details.section')]
    .filter((section) => !section.open)
    .map((section) => section.id);
  vscode.setState({ collapsed, choices });
}

/** The key-source choices, which KeySourceFields restores itself once the key names are known. */
const RESTORED_BY_KEY_SOURCE = new Set<DomId>(
  [KEY_SOURCE_IDS.enc, KEY_SOURCE_IDS.dec].flatMap((ids) => [ids.kind, ids.keyName]),
);

/** Puts back the remembered choices; selects without one start at the setting's default. */
function restoreChoices(defaults: Defaults): void {
  const initial: Partial<Record<PersistedControl, string>> = {
    [DomId.pairSize]: String(defaults.rsaKeySize),
    [DomId.pairCurve]: defaults.curve,
    [DomId.pairFormat]: defaults.pkcs8 ? 'pkcs8' : 'traditional',
    ...saved.choices,
  };
  for (const id of PERSISTED_CONTROLS) {
    const value = initial[id];
    if (value === undefined || RESTORED_BY_KEY_SOURCE.has(id)) continue;
    const control = document.getElementById(id) as HTMLInputElement | HTMLSelectElement | null;
    if (!control) continue;
    if (control instanceof HTMLSelectElement && ![...control.options].some((o) => o.value === value))
      continue;
    control.value = value;
  }
  for (const section of document.querySelectorAll<HTMLDetailsElement>('details.section')) {
    section.open = !saved.collapsed.includes(section.id);
  }
}

const forms: FormController[] = [
  createGenerateKeyForm(app),
  createKeyPairForm(app),
  createEncryptForm(app, { kind: saved.choices[DomId.encSource], name: saved.choices[DomId.encKeyName] }),
  createDecryptForm(app, { kind: saved.choices[DomId.decSource], name: saved.choices[DomId.decKeyName] }),
];

for (const section of document.querySelectorAll('details.section')) {
  section.addEventListener('toggle', saveState);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseToWebview(event.data);
  if (!message) return;
  switch (message.type) {
    case 'init':
      if (initialised) return;
      app.strings = message.strings;
      app.defaults = message.defaults;
      app.keyNames = message.keyNames;
      restoreChoices(message.defaults);
      for (const form of forms) form.init();
      initialised = true;
      byId(DomId.app).removeAttribute('aria-busy');
      return;
    case 'keyNames':
      if (!initialised) return;
      app.keyNames = message.keyNames;
      for (const form of forms) form.keyNamesChanged();
      return;
    case 'defaults':
      if (!initialised) return;
      app.defaults = message.defaults;
      for (const form of forms) form.defaultsChanged();
      return;
    case 'result':
    case 'error':
      app.client.settle(message);
      return;
    default:
      assertNever(message);
  }
});

vscode.postMessage({ type: 'ready' });

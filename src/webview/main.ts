/**
 * The entry of the sidebar's webview views (bundled for the browser as dist/webview.js, one bundle
 * for the four views). Each page holds one operation's form, named by the host in the page
 * (`data-operation` on #app); this script runs that form only. It imports only the protocol and
 * its own modules: no 'vscode', no node. Every message from the host is validated; anything
 * malformed is ignored.
 */
import {
  ACTION_BUTTONS,
  assertNever,
  DomId,
  KEY_SOURCE_IDS,
  OPERATIONS,
  parseToWebview,
  type Defaults,
  type Operation,
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

/** Only the listed non-secret choices of this page's form (see PERSISTED_CONTROLS). */
function saveState(): void {
  if (!initialised) return;
  const choices: Partial<Record<PersistedControl, string>> = {};
  for (const id of PERSISTED_CONTROLS) {
    const control = document.getElementById(id) as HTMLInputElement | HTMLSelectElement | null;
    if (control && control.value !== '') choices[id] = control.value;
  }
  vscode.setState({ choices });
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
    [DomId.pairFormat]: defaults.pkcs8 ? 'pkcs8' : 'pem',
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
}

/** The form of this page's operation, as the host wrote it into the page. */
function createForm(operation: Operation): FormController {
  switch (operation) {
    case 'generateKey':
      return createGenerateKeyForm(app);
    case 'keyPair':
      return createKeyPairForm(app);
    case 'encrypt':
      return createEncryptForm(app, {
        kind: saved.choices[DomId.encSource],
        name: saved.choices[DomId.encKeyName],
      });
    case 'decrypt':
      return createDecryptForm(app, {
        kind: saved.choices[DomId.decSource],
        name: saved.choices[DomId.decKeyName],
      });
    default:
      return assertNever(operation);
  }
}

const pageOperation = byId(DomId.app).dataset.operation;
const operation = OPERATIONS.find((o) => o === pageOperation) ?? 'generateKey';
const forms: FormController[] = [createForm(operation)];

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
    case 'runAction': {
      // A title-bar button: press the page's own button, so both run the same code. An action of
      // another view's form has no button here and is ignored.
      if (!initialised) return;
      const button = document.getElementById(ACTION_BUTTONS[message.action]);
      if (button instanceof HTMLButtonElement && button.getAttribute('aria-disabled') !== 'true')
        button.click();
      return;
    }
    default:
      assertNever(message);
  }
});

vscode.postMessage({ type: 'ready' });

/**
 * "Encrypt with" / "Decrypt with": a stored key (by name), a typed 64-hex key, or a password. The
 * key and password fields are cleared as soon as the request that used them is answered.
 */
import {
  assertNever,
  KEY_SOURCE_KINDS,
  type FieldId,
  type KeySource,
  type KeySourceIds,
  type KeySourceKind,
  type ReplyError,
  type RequestType,
} from '../protocol';
import { byId, setOptions, showFieldsFor } from './dom';
import type { Outcome } from './client';
import type { Feedback } from './dom';
import type { App, FormRunner } from './form';

export type SourceReading = { ok: true; source: KeySource } | { ok: false; id: FieldId; message: string };

export class KeySourceFields {
  private readonly kindSelect: HTMLSelectElement;
  private readonly nameSelect: HTMLSelectElement;
  private readonly keyInput: HTMLInputElement;
  private readonly passwordInput: HTMLInputElement;
  private readonly confirmInput: HTMLInputElement | undefined;

  constructor(
    private readonly ids: KeySourceIds,
    private readonly form: HTMLElement,
    private readonly app: App,
  ) {
    this.kindSelect = byId<HTMLSelectElement>(ids.kind);
    this.nameSelect = byId<HTMLSelectElement>(ids.keyName);
    this.keyInput = byId<HTMLInputElement>(ids.key);
    this.passwordInput = byId<HTMLInputElement>(ids.password);
    this.confirmInput = ids.confirm && byId<HTMLInputElement>(ids.confirm);
    this.kindSelect.addEventListener('change', () => {
      this.showFields();
      app.saveState();
    });
    this.nameSelect.addEventListener('change', () => app.saveState());
  }

  get kind(): KeySourceKind {
    const value = this.kindSelect.value as KeySourceKind;
    return KEY_SOURCE_KINDS.includes(value) ? value : 'password';
  }

  /** Chooses a source (and a stored key's name), as the envelope pasted into Decrypt suggests. */
  choose(kind: KeySourceKind, name?: string): void {
    if (kind === 'stored' && (name === undefined || !this.app.keyNames.includes(name))) return;
    this.kindSelect.value = kind;
    if (name !== undefined) this.nameSelect.value = name;
    this.showFields();
    this.app.saveState();
  }

  showFields(): void {
    showFieldsFor(this.form, 'source', this.kind);
  }

  /** The source as a request carries it, or what is missing (the control's id and why). */
  read(): SourceReading {
    const { strings } = this.app;
    const kind = this.kind;
    switch (kind) {
      case 'stored':
        return this.nameSelect.value
          ? { ok: true, source: { kind: 'stored', name: this.nameSelect.value } }
          : { ok: false, id: this.ids.keyName, message: strings.noStoredKeys };
      case 'key':
        return this.keyInput.value.trim()
          ? { ok: true, source: { kind: 'key', key: this.keyInput.value } }
          : { ok: false, id: this.ids.key, message: strings.needKey };
      case 'password':
        if (!this.passwordInput.value) {
          return { ok: false, id: this.ids.password, message: strings.needPassword };
        }
        if (this.ids.confirm && this.confirmInput && this.confirmInput.value !== this.passwordInput.value) {
          return { ok: false, id: this.ids.confirm, message: strings.passwordsDiffer };
        }
        return { ok: true, source: { kind: 'password', password: this.passwordInput.value } };
      default:
        return assertNever(kind);
    }
  }

  /** The control for an error's field: keyName, key, password (and kid, the stored key's name). */
  controlFor(field: string | undefined): FieldId | undefined {
    if (field === 'keyName' || field === 'kid') return this.ids.keyName;
    if (field === 'key') return this.ids.key;
    if (field === 'password') return this.ids.password;
    return undefined;
  }

  /** The field that holds what unlocks: where a "could not decrypt" belongs. */
  secretControl(): FieldId {
    return this.kind === 'stored' ? this.ids.keyName : this.kind === 'key' ? this.ids.key : this.ids.password;
  }

  get kindControl(): FieldId {
    return this.ids.kind;
  }

  /**
   * Runs a request that needs the chosen key: an incomplete choice is shown on its field instead;
   * the progress bar shows while a password is derived; the typed key and password are cleared
   * when the request is answered.
   */
  async run<K extends RequestType>(
    runner: FormRunner,
    options: {
      feedback: Feedback;
      label: string;
      send: (source: KeySource) => Promise<Outcome<K>>;
      fieldFor: (error: ReplyError) => FieldId | undefined;
    },
  ): Promise<Outcome<K> | undefined> {
    const reading = this.read();
    if (!reading.ok) {
      runner.invalid(options.feedback, reading.id, reading.message);
      return undefined;
    }
    try {
      return await runner.run({
        ...options,
        progress: this.kind === 'password',
        send: () => options.send(reading.source),
      });
    } finally {
      this.clearSecrets();
    }
  }

  /** Forgets the typed key and password: they live only as long as one request. */
  clearSecrets(): void {
    this.keyInput.value = '';
    this.passwordInput.value = '';
    if (this.confirmInput) this.confirmInput.value = '';
  }

  keyNamesChanged(): void {
    const names = [...this.app.keyNames];
    setOptions(this.nameSelect, names, this.app.strings.noStoredKeys);
    const storedOption = this.kindSelect.querySelector<HTMLOptionElement>('option[value="stored"]');
    if (storedOption) storedOption.disabled = names.length === 0;
    if (names.length === 0 && this.kind === 'stored') this.kindSelect.value = 'password';
    this.showFields();
  }

  /** After the handshake: a remembered choice, else a stored key when there is one, else a password. */
  init(saved: { kind?: string; name?: string }): void {
    this.keyNamesChanged();
    const names = this.app.keyNames;
    const kind = KEY_SOURCE_KINDS.find((k) => k === saved.kind) ?? (names.length > 0 ? 'stored' : 'password');
    this.kindSelect.value = kind === 'stored' && names.length === 0 ? 'password' : kind;
    if (saved.name !== undefined && names.includes(saved.name)) this.nameSelect.value = saved.name;
    this.showFields();
  }
}

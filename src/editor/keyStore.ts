/**
 * Named 256-bit keys for encrypt/decrypt. Key material lives only in VS Code's SecretStorage (the
 * OS keychain on desktop); the list of names is a non-secret index in globalState, because
 * SecretStorage cannot list its entries. A name is what an envelope's `kid` records.
 */
import * as vscode from 'vscode';
import { generateKey, limits } from '../core';
import { EditorError } from './errors';

const INDEX_KEY = 'keysmith.storedKeyNames';
const secretId = (name: string) => `keysmith.key.${name}`;
const HEX_KEY = limits.HEX_KEY_PATTERN;

export class KeyStore {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after a key is stored or removed (the Stored Keys pane and the sidebar list names). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
  ) {
    this.updateContext();
  }

  /** `keysmith.hasStoredKeys` hides Remove/Copy a Stored Key while there is nothing to remove or copy. */
  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', 'keysmith.hasStoredKeys', this.names().length > 0);
  }

  /** Stored key names, sorted. */
  names(): string[] {
    const names = this.state.get<unknown>(INDEX_KEY, []);
    return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string').sort() : [];
  }

  has(name: string): boolean {
    return this.names().includes(name);
  }

  /** The key's 64 hex characters, or undefined when it is not stored (or was removed elsewhere). */
  async get(name: string): Promise<string | undefined> {
    if (!this.has(name)) return undefined;
    return this.secrets.get(secretId(name));
  }

  /** Stores `key` (or a new random key) under `name`, replacing one of the same name. */
  async store(name: string, key?: string): Promise<void> {
    const problem = validateKeyName(name);
    if (problem) throw new EditorError('INVALID_NAME', problem, 'name');
    if (key !== undefined && !HEX_KEY.test(key)) {
      throw new EditorError(
        'INVALID_KEY',
        vscode.l10n.t('A stored key must be 64 hexadecimal characters (a 256-bit key).'),
        'key',
      );
    }
    const value = (key ?? generateKey({ type: 'secret', length: 64 }).key).toLowerCase();
    await this.secrets.store(secretId(name), value);
    if (!this.has(name)) await this.state.update(INDEX_KEY, [...this.names(), name].sort());
    this.updateContext();
    this.changed.fire();
  }

  /** Removes a key; returns false when there was none of that name. */
  async remove(name: string): Promise<boolean> {
    if (!this.has(name)) return false;
    await this.secrets.delete(secretId(name));
    await this.state.update(
      INDEX_KEY,
      this.names().filter((n) => n !== name),
    );
    this.updateContext();
    this.changed.fire();
    return true;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Why a name cannot be a stored key's name, or undefined when it can. */
export function validateKeyName(name: unknown): string | undefined {
  if (typeof name !== 'string' || !limits.KID_PATTERN.test(name)) {
    return vscode.l10n.t('A key name is 1 to 64 of A-Z a-z 0-9 . _ - (it is written into envelopes).');
  }
  return undefined;
}

/**
 * The `keysmith-plaintext` file system: the plaintexts being edited, held in a Map in the
 * extension host's memory and nowhere else (DESIGN.md "Plaintext stays off disk"). VS Code reads
 * and saves the plaintext editors through it; nothing here touches a disk.
 *
 * Only files Keysmith put here exist: a write to any other path (Save As, another extension) is
 * refused, as are deletes, renames and folders. It also knows which saves Keysmith itself runs
 * (`ownSave`), so that the plaintext editor can tell them from the user's.
 */
import * as vscode from 'vscode';

export const PLAINTEXT_SCHEME = 'keysmith-plaintext';

interface Entry {
  bytes: Uint8Array;
  ctime: number;
  mtime: number;
}

export class PlaintextFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  /** Saves with participants that Keysmith itself runs, per file: they are not the user's. */
  private readonly ownSaves = new Map<string, number>();
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  /** Nothing outside changes these files, so nothing is ever announced. */
  readonly onDidChangeFile = this.changed.event;

  /** Puts a new file here (its bytes are copied); `uri` must not exist yet. */
  create(uri: vscode.Uri, bytes: Uint8Array): void {
    const key = uri.toString();
    if (this.entries.has(key)) throw vscode.FileSystemError.FileExists(uri);
    const now = Date.now();
    this.entries.set(key, { bytes: Uint8Array.from(bytes), ctime: now, mtime: now });
  }

  has(uri: vscode.Uri): boolean {
    return this.entries.has(uri.toString());
  }

  /** The file's bytes as last saved (a copy), or undefined once it is dropped. */
  read(uri: vscode.Uri): Uint8Array | undefined {
    const entry = this.entries.get(uri.toString());
    return entry && Uint8Array.from(entry.bytes);
  }

  /** Drops the file: its bytes are overwritten with zeros and forgotten. */
  drop(uri: vscode.Uri): void {
    const key = uri.toString();
    this.entries.get(key)?.bytes.fill(0);
    this.entries.delete(key);
    this.ownSaves.delete(key);
  }

  /** Whether Keysmith is saving `uri` itself right now. */
  isOwnSave(uri: vscode.Uri): boolean {
    return this.ownSaves.has(uri.toString());
  }

  /** Runs `save` (a save of `uri` that Keysmith starts), known as such to {@link isOwnSave}. */
  async ownSave<T>(uri: vscode.Uri, save: () => Thenable<T>): Promise<T> {
    const key = uri.toString();
    this.ownSaves.set(key, (this.ownSaves.get(key) ?? 0) + 1);
    try {
      return await save();
    } finally {
      const left = (this.ownSaves.get(key) ?? 1) - 1;
      if (left > 0) this.ownSaves.set(key, left);
      else this.ownSaves.delete(key);
    }
  }

  // --- vscode.FileSystemProvider ---

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const entry = this.entries.get(uri.toString());
    if (entry) {
      return { type: vscode.FileType.File, ctime: entry.ctime, mtime: entry.mtime, size: entry.bytes.length };
    }
    if (this.isFolder(uri)) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    throw vscode.FileSystemError.FileNotFound(uri);
  }

  readDirectory(uri: vscode.Uri): [string, vscode.FileType][] {
    if (!this.isFolder(uri)) throw vscode.FileSystemError.FileNotFound(uri);
    const prefix = uri.path.endsWith('/') ? uri.path : `${uri.path}/`;
    const names = new Map<string, vscode.FileType>();
    for (const key of this.entries.keys()) {
      const path = vscode.Uri.parse(key).path;
      if (!path.startsWith(prefix)) continue;
      const [name, ...rest] = path.slice(prefix.length).split('/');
      names.set(name!, rest.length > 0 ? vscode.FileType.Directory : vscode.FileType.File);
    }
    return [...names];
  }

  readFile(uri: vscode.Uri): Uint8Array {
    const bytes = this.read(uri);
    if (!bytes) throw vscode.FileSystemError.FileNotFound(uri);
    return bytes;
  }

  /**
   * Milliseconds each write waits before it lands (0: none). Only the tests set it, to hold a save
   * open while they type, as a loaded machine does.
   */
  writeDelayMs = 0;

  writeFile(uri: vscode.Uri, content: Uint8Array): void | Promise<void> {
    if (this.writeDelayMs > 0) {
      const bytes = Uint8Array.from(content);
      return new Promise((resolve, reject) =>
        setTimeout(() => {
          try {
            this.store(uri, bytes);
            resolve();
          } catch (error) {
            reject(error);
          } finally {
            bytes.fill(0);
          }
        }, this.writeDelayMs),
      );
    }
    this.store(uri, content);
  }

  private store(uri: vscode.Uri, content: Uint8Array): void {
    const key = uri.toString();
    const entry = this.entries.get(key);
    // Only the plaintexts Keysmith opened exist: nothing new is created here.
    if (!entry) throw vscode.FileSystemError.NoPermissions(uri);
    entry.bytes.fill(0);
    entry.bytes = Uint8Array.from(content);
    // A later mtime on every write, so VS Code's save-conflict check (mtime and size) holds.
    entry.mtime = Math.max(Date.now(), entry.mtime + 1);
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(oldUri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(oldUri);
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.bytes.fill(0);
    this.entries.clear();
    this.ownSaves.clear();
    this.changed.dispose();
  }

  /** The root and the folder of each file (`/<session>/`). */
  private isFolder(uri: vscode.Uri): boolean {
    const path = uri.path.replace(/\/+$/, '');
    if (path === '') return true;
    for (const key of this.entries.keys()) {
      if (vscode.Uri.parse(key).path.startsWith(`${path}/`)) return true;
    }
    return false;
  }
}

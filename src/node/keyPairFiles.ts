/**
 * Where a key pair's two PEM files go and how they are written. No `vscode` import: paths in,
 * files out, so every rule here can be exercised on its own (test/unit/keyPairFiles.test.ts).
 * A refusal (a folder outside the workspace, a file in the way) is a return value, which the
 * editor layer turns into its error with the user's words; only the file system's errors throw.
 *
 * - Names are 1–64 of A–Z a–z 0–9 . _ - — no separator can appear, so a name never leaves its
 *   folder; the folder itself is checked to stay inside the workspace folder, lexically and then
 *   through symlinks (the real path of what already exists).
 * - Each file is written in full to a temporary file in the same folder, then linked (no overwrite:
 *   `link` fails if the name exists, atomically) or renamed (overwrite: `rename` replaces
 *   atomically, and replaces a symlink rather than writing through it) into place. Nobody ever
 *   sees half a key, and the private key is 0600 from the moment its temporary file exists.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { limits } from '../core';
import { convertKey, type KeyPairFormat } from '../core/keyFormats';

/** Key file names follow the stored-key name rule: 1 to 64 of A–Z a–z 0–9 . _ - */
export const KEY_NAME_PATTERN = limits.KID_PATTERN;
export const PRIVATE_SUFFIX = '_private.pem';
export const PUBLIC_SUFFIX = '_public.pem';
export const PRIVATE_KEY_MODE = 0o600;

export interface KeyPairPaths {
  privatePath: string;
  publicPath: string;
}

export function isValidKeyName(name: string): boolean {
  // `.` and `..` match the character class; as a prefix of `_private.pem` they are harmless, but
  // a name made only of dots is surely a mistake.
  return KEY_NAME_PATTERN.test(name) && !/^\.+$/.test(name);
}

/**
 * What each format's two files are called after the name (or `--out` prefix): PEM as before;
 * OpenSSH as ssh-keygen names them (`id_ed25519`, `id_ed25519.pub`); JWK a private JWK and a JWKS
 * document holding the public JWK (what a JWT issuer publishes).
 */
export const KEY_PAIR_SUFFIXES: Readonly<Record<KeyPairFormat, { private: string; public: string }>> = {
  pem: { private: PRIVATE_SUFFIX, public: PUBLIC_SUFFIX },
  pkcs8: { private: PRIVATE_SUFFIX, public: PUBLIC_SUFFIX },
  openssh: { private: '', public: '.pub' },
  jwk: { private: '_private.jwk.json', public: '_public.jwks.json' },
};

/**
 * `<folder>/<name>_private.pem` and `<folder>/<name>_public.pem` (pem, pkcs8); `<name>` and
 * `<name>.pub` (openssh); `<name>_private.jwk.json` and `<name>_public.jwks.json` (jwk).
 */
export function keyPairPaths(folder: string, name: string, format: KeyPairFormat = 'pem'): KeyPairPaths {
  return keyPairPathsFromPrefix(path.join(folder, name), format);
}

/** The same names after a path prefix as it is (`keysmith generate-keypair --out PREFIX`). */
export function keyPairPathsFromPrefix(prefix: string, format: KeyPairFormat = 'pem'): KeyPairPaths {
  const suffixes = KEY_PAIR_SUFFIXES[format];
  return { privatePath: prefix + suffixes.private, publicPath: prefix + suffixes.public };
}

/**
 * What goes in a pair's public file: the public key as generated, except for the jwk format,
 * whose public file is a JWKS document (what a JWT issuer publishes) holding the public JWK.
 */
export async function publicFileText(publicKey: string, format: KeyPairFormat): Promise<string> {
  return format === 'jwk' ? convertKey(publicKey, { to: 'jwks' }) : publicKey;
}

/**
 * The pair for a private-key path chosen in a save dialog: the private key goes exactly where
 * chosen, the public key next to it, named after the private key's stem in the format's way —
 * `x_private.pem`, `x.pem` or `x` → `x_public.pem`; OpenSSH `x` → `x.pub`; JWK
 * `x_private.jwk.json`, `x.json` or `x` → `x_public.jwks.json`.
 */
export function keyPairPathsFromPrivatePath(
  privatePath: string,
  format: KeyPairFormat = 'pem',
): KeyPairPaths {
  const folder = path.dirname(privatePath);
  const base = path.basename(privatePath);
  const lower = base.toLowerCase();
  const suffixes = KEY_PAIR_SUFFIXES[format];
  const endings =
    format === 'jwk' ? [suffixes.private, '.json'] : format === 'openssh' ? [] : [suffixes.private, '.pem'];
  const ending = endings.find((candidate) => lower.endsWith(candidate));
  const stem = ending ? base.slice(0, -ending.length) : base;
  return { privatePath, publicPath: path.join(folder, (stem || 'key') + suffixes.public) };
}

/** Whether `child` is `parent` or inside it (both absolute, already normalised). */
export function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return (
    relative === '' ||
    (!relative.startsWith('..' + path.sep) && relative !== '..' && !path.isAbsolute(relative))
  );
}

/**
 * The absolute key folder for `folder` (relative to `root`, or absolute), or undefined when it is
 * not inside `root` — by its path, or by the real path of its deepest existing ancestor (a symlink
 * pointing out of the workspace). Nothing is created here.
 */
export async function resolveKeyFolder(root: string, folder: string): Promise<string | undefined> {
  if (folder.includes('\0')) return undefined;
  const target = path.resolve(root, folder);
  if (!isInside(path.resolve(root), target)) return undefined;
  return (await isReallyInside(root, target)) ? target : undefined;
}

/**
 * Creates the key folder (and its parents) and checks once more that it really is in `root`;
 * false when it is not (a symlink appeared meanwhile).
 */
export async function ensureKeyFolder(root: string, folder: string): Promise<boolean> {
  await fs.mkdir(folder, { recursive: true });
  return isReallyInside(root, folder);
}

async function isReallyInside(root: string, target: string): Promise<boolean> {
  const realRoot = await fs.realpath(root);
  let existing = target;
  // Walk up to the deepest ancestor that exists; what does not exist yet cannot be a symlink.
  for (;;) {
    try {
      return isInside(realRoot, await fs.realpath(existing));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const parent = path.dirname(existing);
      if (parent === existing) return true;
      existing = parent;
    }
  }
}

/** Which of the paths exist already (as anything: file, folder, or symlink, even a dangling one). */
export async function existingPaths(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const file of paths) {
    try {
      await fs.lstat(file);
      found.push(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return found;
}

export interface KeyPairFilesContent extends KeyPairPaths {
  privatePem: string;
  publicPem: string;
  overwrite: boolean;
}

/** Both files written, or the files that were in the way (and then nothing was written). */
export type WriteOutcome = { written: true } | { written: false; existing: string[] };

/**
 * Writes both files, or neither. Both temporary files are complete before either name appears;
 * without `overwrite`, an existing file (checked for both before anything is written, and again
 * atomically by `link`) means nothing is written. If placing the second file fails, the first is
 * undone: removed, or — when it replaced a file — the old file is put back.
 */
export async function writeKeyPairFiles(files: KeyPairFilesContent): Promise<WriteOutcome> {
  if (!files.overwrite) {
    const existing = await existingPaths([files.privatePath, files.publicPath]);
    if (existing.length > 0) return { written: false, existing };
  }
  const temporary: string[] = [];
  try {
    // umask can only remove bits, but a umask of e.g. 0o277 would leave the owner unable to
    // write: set exactly 0600 (through the open handle, before a byte of the key is written).
    const privateTemp = await writeTemporary(files.privatePath, files.privatePem, PRIVATE_KEY_MODE, true);
    temporary.push(privateTemp);
    const publicTemp = await writeTemporary(files.publicPath, files.publicPem, 0o666, false);
    temporary.push(publicTemp);

    const first = await place(privateTemp, files.privatePath, files.overwrite);
    if (first === 'exists') return { written: false, existing: [files.privatePath] };
    let second: Placed | 'exists';
    try {
      second = await place(publicTemp, files.publicPath, files.overwrite);
    } catch (error) {
      await undo(first).catch(() => undefined);
      throw error;
    }
    if (second === 'exists') {
      await undo(first).catch(() => undefined);
      return { written: false, existing: [files.publicPath] };
    }
    for (const placed of [first, second]) {
      if (placed.backup) await fs.rm(placed.backup, { force: true }).catch(() => undefined);
    }
    return { written: true };
  } finally {
    for (const file of temporary) await fs.rm(file, { force: true }).catch(() => undefined);
  }
}

function temporaryName(finalPath: string, kind: 'tmp' | 'old'): string {
  return path.join(
    path.dirname(finalPath),
    `.${path.basename(finalPath)}.${randomBytes(6).toString('hex')}.${kind}`,
  );
}

/**
 * .gitignore patterns (relative to the file's folder, anchored with a leading `/`) matching every
 * temporary name the writer may give `finalPath` while it writes or replaces it:
 * `.<name>.<12 hex>.tmp` and `.<name>.<12 hex>.old`. Glob characters in the name are escaped.
 * E.g. `temporaryFilePatterns('/ws/keys/deploy_private.pem')` →
 * `['/.deploy_private.pem.*.tmp', '/.deploy_private.pem.*.old']`.
 */
export function temporaryFilePatterns(finalPath: string): string[] {
  const name = path.basename(finalPath).replace(/[\\*?[\]!#]/g, (c) => `\\${c}`);
  return (['tmp', 'old'] as const).map((kind) => `/.${name}.*.${kind}`);
}

/** Whether `fileName` (a base name) is one of the writer's temporary names for `finalPath`. */
export function isTemporaryFileOf(finalPath: string, fileName: string): boolean {
  const name = path.basename(finalPath);
  return (
    fileName.startsWith(`.${name}.`) && /^\.[0-9a-f]{12}\.(tmp|old)$/.test(fileName.slice(name.length + 1))
  );
}

/**
 * Writes one file the same way as the key files: complete under a temporary name in the same
 * folder (created with `mode`, then set to exactly `mode` when `exactMode`), then linked into place
 * (no overwrite: false when something is there already) or renamed over the old one (overwrite).
 * On any failure nothing is left behind: the temporary file is removed, the old file untouched.
 */
export async function writeFileAtomically(
  finalPath: string,
  content: string | Uint8Array,
  options: { mode: number; exactMode: boolean; overwrite: boolean },
): Promise<boolean> {
  const temp = await writeTemporary(finalPath, content, options.mode, options.exactMode);
  try {
    const placed = await place(temp, finalPath, options.overwrite);
    if (placed === 'exists') return false;
    if (placed.backup) await fs.rm(placed.backup, { force: true }).catch(() => undefined);
    return true;
  } finally {
    await fs.rm(temp, { force: true }).catch(() => undefined);
  }
}

/**
 * A new file next to `finalPath` holding all of `content`, flushed to disk. `exactMode`: the mode
 * is set to exactly `mode` through the open handle (umask could only take bits away) before any
 * content is written — by the descriptor, so it is this file, never whatever the path names later.
 */
async function writeTemporary(
  finalPath: string,
  content: string | Uint8Array,
  mode: number,
  exactMode: boolean,
): Promise<string> {
  const temp = temporaryName(finalPath, 'tmp');
  // 'wx': never open something that is already there (a planted file or symlink).
  const handle = await fs.open(temp, 'wx', mode);
  try {
    if (exactMode) await handle.chmod(mode);
    await (typeof content === 'string' ? handle.writeFile(content, 'utf8') : handle.writeFile(content));
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return temp;
}

/** A file put in place, and (when it replaced one) a hard link to the file it replaced. */
interface Placed {
  finalPath: string;
  backup?: string;
}

/** Puts `temp` at `finalPath`; 'exists' when, without `overwrite`, something is there already. */
async function place(temp: string, finalPath: string, overwrite: boolean): Promise<Placed | 'exists'> {
  if (overwrite) {
    const backup = await linkToOld(finalPath);
    try {
      await fs.rename(temp, finalPath);
    } catch (error) {
      if (backup) await fs.rm(backup, { force: true }).catch(() => undefined);
      throw error;
    }
    return { finalPath, backup };
  }
  try {
    await fs.link(temp, finalPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return 'exists';
    // Some file systems have no hard links: an exclusive copy still never replaces a file.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EOPNOTSUPP') {
      return (await copyExclusive(temp, finalPath)) ? { finalPath } : 'exists';
    }
    throw error;
  }
  return { finalPath };
}

/** A second name for the file about to be replaced, so it can be put back; undefined if none. */
async function linkToOld(finalPath: string): Promise<string | undefined> {
  const backup = temporaryName(finalPath, 'old');
  try {
    await fs.link(finalPath, backup);
    return backup;
  } catch {
    return undefined; // nothing there, a folder, or no hard links here: nothing to put back
  }
}

async function undo(placed: Placed): Promise<void> {
  if (placed.backup) await fs.rename(placed.backup, placed.finalPath);
  else await fs.rm(placed.finalPath, { force: true });
}

/**
 * The fallback of `place` without hard links: exclusive (never replaces; false when something is
 * there), and cleaned up on failure.
 */
async function copyExclusive(temp: string, finalPath: string): Promise<boolean> {
  const { mode } = await fs.stat(temp);
  let handle;
  try {
    handle = await fs.open(finalPath, 'wx', mode & 0o777);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.chmod(mode & 0o777); // through the handle, before the content, as writeTemporary
    await handle.writeFile(await fs.readFile(temp));
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.rm(finalPath, { force: true }).catch(() => undefined);
    throw error;
  }
  return true;
}

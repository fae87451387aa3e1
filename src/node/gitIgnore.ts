/**
 * Whether git would commit a file, and the one-click fix: an entry in a .gitignore. Git is asked
 * through `execFile` (no shell, so no path is ever interpreted), with a short time limit; when git
 * is missing, slow, or the folder is not in a repository, the answer is "unknown" and Keysmith
 * says nothing. No `vscode` import.
 */
import { execFile } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import { isInside } from './keyPairFiles';

export type GitIgnoreStatus = 'ignored' | 'not-ignored' | 'unknown';

const GIT_TIMEOUT_MS = 3_000;

interface GitResult {
  /** The exit code, or undefined when git could not run (missing, killed by the time limit). */
  code: number | undefined;
  stdout: string;
}

function git(args: string[], cwd: string): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      // core.fsmonitor names a program git would run while reading the index: a repository's own
      // .git/config must not be able to run code through Keysmith. (Callers also ask git only in
      // trusted workspaces.)
      ['-c', 'core.fsmonitor=false', ...args],
      { cwd, timeout: GIT_TIMEOUT_MS, windowsHide: true, encoding: 'utf8' },
      (error, stdout) => {
        if (!error) return resolve({ code: 0, stdout });
        const code = (error as { code?: unknown }).code;
        // A number is git's exit code; a string (ENOENT, ...) or a kill means git did not answer.
        resolve({ code: typeof code === 'number' && !error.killed ? code : undefined, stdout });
      },
    );
  });
}

/** `git check-ignore -q`: exit 0 = ignored, 1 = not ignored, 128 = not a repository. */
export async function gitIgnoreStatus(file: string): Promise<GitIgnoreStatus> {
  const { code } = await git(['check-ignore', '-q', '--', path.basename(file)], path.dirname(file));
  return code === 0 ? 'ignored' : code === 1 ? 'not-ignored' : 'unknown';
}

/** The work tree's top folder (as git reports it: real path), or undefined. */
export async function gitTopLevel(folder: string): Promise<string | undefined> {
  const { code, stdout } = await git(['rev-parse', '--show-toplevel'], folder);
  const top = stdout.trim();
  return code === 0 && top ? path.resolve(top) : undefined;
}

/**
 * The .gitignore to extend for `file`: the repository's top-level one, unless the repository
 * starts above the workspace folder — then the workspace folder's own (git reads .gitignore files
 * in every folder), so Keysmith never edits a file outside the workspace.
 */
export async function gitignoreFor(file: string, workspaceRoot?: string): Promise<string | undefined> {
  const top = await gitTopLevel(path.dirname(file));
  if (!top) return undefined;
  if (workspaceRoot) {
    const realRoot = await fs.realpath(workspaceRoot);
    if (!isInside(realRoot, top)) return path.join(realRoot, '.gitignore');
  }
  return path.join(top, '.gitignore');
}

/**
 * The anchored .gitignore line for `file` (relative to the folder of `gitignorePath`):
 * `/keys/id_ec_private.pem`. Glob characters in folder names are escaped so the line matches
 * exactly this file.
 */
export async function gitignoreEntry(gitignorePath: string, file: string): Promise<string> {
  // Real paths on both sides: git reports real paths, a workspace may be reached through a symlink.
  const base = await fs.realpath(path.dirname(gitignorePath));
  const folder = await fs.realpath(path.dirname(file));
  const relative = path.relative(base, path.join(folder, path.basename(file))).split(path.sep);
  return anchoredEntry(relative);
}

/**
 * The .gitignore line that matches exactly the file at these path segments (relative to the
 * .gitignore's folder): anchored with a leading `/`, and with what git would read as a pattern
 * escaped — `\`, `*`, `?` and `[` anywhere, and trailing spaces (which git otherwise drops).
 */
export function anchoredEntry(segments: readonly string[]): string {
  const escaped = segments
    .join('/')
    .replace(/[\\*?[]/g, '\\$&')
    .replace(/ +$/, (spaces) => spaces.replace(/ /g, '\\ '));
  return '/' + escaped;
}

/** `/a/b` and `a/b` mean the same file (a slash inside anchors the pattern); `/b` and `b` do not. */
function sameRule(line: string, entry: string): boolean {
  const normalise = (rule: string) => {
    const trimmed = rule.replace(/(?<!\\)\s+$/, '');
    const unanchored = trimmed.startsWith('/') ? trimmed.slice(1) : trimmed;
    return unanchored.includes('/') ? unanchored : trimmed;
  };
  return normalise(line) === normalise(entry);
}

/**
 * Appends `entry` to the .gitignore at `gitignorePath` (created if missing) unless a line already
 * says the same. Keeps the file's line ending and makes sure the file ends with exactly one line
 * break after the entry. Returns whether the file changed.
 */
export async function addToGitignore(gitignorePath: string, entry: string): Promise<boolean> {
  if (!entry || /[\r\n]/.test(entry)) throw new Error('a .gitignore entry is one non-empty line.');
  // Only a regular file (or none): a .gitignore that is a symlink could point anywhere, and
  // appending would write through it to a file outside the workspace.
  let content = '';
  try {
    const stat = await fs.lstat(gitignorePath);
    if (!stat.isFile())
      throw new Error(`${path.basename(gitignorePath)} is not a regular file; add the entry by hand.`);
    content = await fs.readFile(gitignorePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (content.split(/\r?\n/).some((line) => sameRule(line, entry))) return false;
  const eol = content.includes('\r\n') ? '\r\n' : '\n';
  const separator = content.length > 0 && !content.endsWith('\n') ? eol : '';
  // O_NOFOLLOW: the check above and this open are not atomic, so the open refuses a symlink too.
  const handle = await fs.open(
    gitignorePath,
    fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_NOFOLLOW,
    0o644,
  );
  try {
    await handle.appendFile(separator + entry + eol, 'utf8');
  } finally {
    await handle.close();
  }
  return true;
}

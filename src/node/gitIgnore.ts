/**
 * Whether git would commit a file, and the one-click fix: an entry in a .gitignore. Git is asked
 * through `execFile` (no shell, so no path is ever interpreted), with a short time limit; when git
 * is missing, slow, or the folder is not in a repository, the answer is "unknown" and Keysmith
 * says nothing. No `vscode` import.
 */
import { execFile } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import { isInside, temporaryFilePatterns } from './keyPairFiles';

export type GitIgnoreStatus = 'ignored' | 'not-ignored' | 'unknown';

const GIT_TIMEOUT_MS = 3_000;

interface GitResult {
  /** The exit code, or undefined when git could not run (missing, killed by the time limit). */
  code: number | undefined;
  stdout: string;
  stderr: string;
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
      (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr });
        const code = (error as { code?: unknown }).code;
        // A number is git's exit code; a string (ENOENT, ...) or a kill means git did not answer.
        resolve({ code: typeof code === 'number' && !error.killed ? code : undefined, stdout, stderr });
      },
    );
  });
}

/**
 * `git check-ignore -q`: exit 0 = ignored, 1 = not ignored, 128 = not a repository. A file git
 * tracks is never "ignored" (rules do not apply to it), whatever the .gitignore says; with
 * `rulesOnly`, only the rules are asked (`--no-index`): would they ignore it once untracked?
 */
export async function gitIgnoreStatus(file: string, rulesOnly = false): Promise<GitIgnoreStatus> {
  const { code } = await git(
    ['check-ignore', '-q', ...(rulesOnly ? ['--no-index'] : []), '--', path.basename(file)],
    path.dirname(file),
  );
  return code === 0 ? 'ignored' : code === 1 ? 'not-ignored' : 'unknown';
}

/**
 * Whether git tracks `file` (it is in the index: committed, or added): `git ls-files
 * --error-unmatch` with the name as a literal path (not a glob), exit 0 = tracked, 1 = not; undefined when git cannot answer.
 */
export async function gitTracks(file: string): Promise<boolean | undefined> {
  const { code } = await git(
    ['--literal-pathspecs', 'ls-files', '--error-unmatch', '--', path.basename(file)],
    path.dirname(file),
  );
  return code === 0 ? true : code === 1 ? false : undefined;
}

/**
 * `git rm --cached -q -- file` (a literal path, never a glob): git stops tracking the file and keeps it on disk. Resolves
 * undefined when done, else git's own first line of complaint (e.g. staged changes that differ
 * from both the file and HEAD) — it names paths, never file content.
 */
export async function gitStopTracking(file: string): Promise<string | undefined> {
  const { code, stderr } = await git(
    ['--literal-pathspecs', 'rm', '--cached', '-q', '--', path.basename(file)],
    path.dirname(file),
  );
  if (code === 0) return undefined;
  const first = stderr.split(/\r?\n/).find((line) => line.trim() !== '');
  return first?.replace(/^(error|fatal): /, '').trim() || 'git did not answer.';
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
 * The .gitignore lines for a private key: its own anchored entry ({@link gitignoreEntry}), then
 * the writer's temporary and backup names beside it (keyPairFiles' temporaryFilePatterns), so a
 * write interrupted by a crash cannot leave a copy of the key for git to pick up.
 */
export async function gitignoreEntries(gitignorePath: string, file: string): Promise<string[]> {
  const entry = await gitignoreEntry(gitignorePath, file);
  const folder = entry.slice(0, entry.lastIndexOf('/'));
  return [entry, ...temporaryFilePatterns(file).map((pattern) => folder + pattern)];
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
 * Appends `entries` (one line or several) to the .gitignore at `gitignorePath` (created if
 * missing), each unless a line already says the same. Keeps the file's line ending and makes sure
 * the file ends with exactly one line break after the entries. Returns whether the file changed.
 */
export async function addToGitignore(
  gitignorePath: string,
  entries: string | readonly string[],
): Promise<boolean> {
  const wanted = typeof entries === 'string' ? [entries] : entries;
  if (wanted.length === 0 || wanted.some((entry) => !entry || /[\r\n]/.test(entry)))
    throw new Error('a .gitignore entry is one non-empty line.');
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
  const lines = content.split(/\r?\n/);
  const missing = wanted.filter(
    (entry, at) => !lines.some((line) => sameRule(line, entry)) && wanted.indexOf(entry) === at,
  );
  if (missing.length === 0) return false;
  const eol = content.includes('\r\n') ? '\r\n' : '\n';
  const separator = content.length > 0 && !content.endsWith('\n') ? eol : '';
  // O_NOFOLLOW: the check above and this open are not atomic, so the open refuses a symlink too.
  const handle = await fs.open(
    gitignorePath,
    fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_NOFOLLOW,
    0o644,
  );
  try {
    await handle.appendFile(separator + missing.map((entry) => entry + eol).join(''), 'utf8');
  } finally {
    await handle.close();
  }
  return true;
}

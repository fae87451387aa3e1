/**
 * Which files `.gitignore` leaves out, for commands that walk the workspace (rotation). Git is
 * the judge where it can answer (`git check-ignore --stdin`, one call per repository, no shell,
 * a time limit, core.fsmonitor off; callers ask git only in trusted workspaces). Where it cannot
 * — git missing or slow, an untrusted workspace, a folder that is not a repository — the
 * .gitignore files are read here with git's rules (gitignore(5)), so a file a user has ignored is
 * still left alone. No `vscode` import.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

const GIT_TIMEOUT_MS = 5_000;

function git(args: string[], cwd: string, input?: string): Promise<{ code?: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      'git',
      // A repository's own .git/config must not be able to run a program through Keysmith.
      ['-c', 'core.fsmonitor=false', ...args],
      { cwd, timeout: GIT_TIMEOUT_MS, windowsHide: true, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => {
        if (!error) return resolve({ code: 0, stdout });
        const code = (error as { code?: unknown }).code;
        resolve({ code: typeof code === 'number' && !error.killed ? code : undefined, stdout });
      },
    );
    child.stdin?.on('error', () => undefined); // git may exit before reading all of it
    child.stdin?.end(input ?? '');
  });
}

/** The work tree's top folder for `folder` as git reports it (a real path), or undefined. */
async function topLevel(folder: string): Promise<string | undefined> {
  const { code, stdout } = await git(['rev-parse', '--show-toplevel'], folder);
  const top = stdout.trim();
  return code === 0 && top ? path.resolve(top) : undefined;
}

/**
 * Asks git which of `files` (absolute paths) its ignore rules leave out. Returns the ignored ones,
 * and the ones git could not answer for (outside any repository, git missing or failing), for the
 * caller to judge otherwise. Tracked files are never ignored (git's rule: ignoring applies to
 * untracked files only).
 */
export async function gitIgnoredFiles(
  files: readonly string[],
): Promise<{ ignored: Set<string>; unanswered: string[] }> {
  const ignored = new Set<string>();
  const unanswered: string[] = [];
  const topOfFolder = new Map<string, Promise<string | undefined>>();
  const byTop = new Map<string, string[]>();
  for (const file of files) {
    const folder = path.dirname(file);
    if (!topOfFolder.has(folder)) topOfFolder.set(folder, topLevel(folder));
    const top = await topOfFolder.get(folder)!;
    if (!top) unanswered.push(file);
    else byTop.set(top, [...(byTop.get(top) ?? []), file]);
  }
  for (const inRepo of byTop.values()) {
    // Paths relative to the folder git runs in (the file's own folder is where rev-parse ran:
    // git's top level is a real path, the file's may go through a symlink).
    const cwd = path.dirname(inRepo[0]!);
    const relative = inRepo.map((file) => path.relative(cwd, file));
    const { code, stdout } = await git(['check-ignore', '--stdin', '-z'], cwd, relative.join('\0') + '\0');
    if (code !== 0 && code !== 1) {
      unanswered.push(...inRepo);
      continue;
    }
    const answered = new Set(stdout.split('\0').filter(Boolean));
    inRepo.forEach((file, index) => {
      if (answered.has(relative[index]!)) ignored.add(file);
    });
  }
  return { ignored, unanswered };
}

/** One .gitignore file: its folder relative to the root (posix, '' for the root) and its text. */
export interface GitignoreFile {
  folder: string;
  text: string;
}

interface Rule {
  regex: RegExp;
  negated: boolean;
  dirOnly: boolean;
}

/**
 * A reader of .gitignore files with git's rules: blank lines and `#` comments skipped, `!`
 * re-includes, a trailing `/` matches folders only, a pattern with a `/` (other than at its end)
 * is anchored to its .gitignore's folder and one without matches at any depth, `*` `?` `[…]`
 * within a path segment, `**` across segments, `\` escapes; a deeper .gitignore overrides a
 * shallower one, the last matching line wins, and nothing inside an ignored folder can be
 * re-included. Returns whether a path (posix, relative to the root) is ignored.
 */
export function gitignoreMatcher(files: readonly GitignoreFile[]): (relativePath: string) => boolean {
  const byFolder = new Map<string, Rule[]>();
  for (const { folder, text } of files) {
    const normalised = folder.replace(/^\/+|\/+$/g, '');
    byFolder.set(normalised, [...(byFolder.get(normalised) ?? []), ...parseRules(text)]);
  }
  const decide = (segments: readonly string[], isDir: boolean): boolean | undefined => {
    let decision: boolean | undefined;
    // Shallower .gitignore files first: a deeper one's lines come later and so win.
    for (let depth = 0; depth < segments.length; depth++) {
      const rules = byFolder.get(segments.slice(0, depth).join('/'));
      if (!rules) continue;
      const relative = segments.slice(depth).join('/');
      for (const rule of rules) {
        if (rule.dirOnly && !isDir) continue;
        if (rule.regex.test(relative)) decision = !rule.negated;
      }
    }
    return decision;
  };
  return (relativePath) => {
    const segments = relativePath.split('/').filter((s) => s !== '' && s !== '.');
    for (let n = 1; n < segments.length; n++) {
      if (decide(segments.slice(0, n), true)) return true; // inside an ignored folder
    }
    return segments.length > 0 && decide(segments, false) === true;
  };
}

function parseRules(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    // Trailing spaces are dropped unless escaped with a backslash.
    let line = raw.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    let negated = false;
    if (line.startsWith('!')) {
      negated = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
      line = line.slice(1);
    }
    let dirOnly = false;
    if (line.endsWith('/') && !line.endsWith('\\/')) {
      dirOnly = true;
      line = line.replace(/\/+$/, '');
    }
    if (line === '') continue;
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    const body = globToRegex(line);
    rules.push({ regex: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`), negated, dirOnly });
  }
  return rules;
}

/** A gitignore glob as a regular expression body (wildmatch with WM_PATHNAME). */
function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atStart && atEnd) {
          i++;
          if (glob[i + 1] === '/') {
            i++;
            out += '(?:.*/)?'; // `**/`: zero or more folders
          } else {
            out += '.*'; // a trailing `/**`: everything inside
          }
          continue;
        }
        // Two stars elsewhere are two ordinary stars.
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = classEnd(glob, i);
      if (end === -1) {
        out += '\\[';
      } else {
        let body = glob.slice(i + 1, end);
        const negated = body.startsWith('!') || body.startsWith('^');
        if (negated) body = body.slice(1);
        body = body.replace(/\\(.)/g, '$1').replace(/[\\\]^]/g, '\\$&');
        out += `[${negated ? '^/' : ''}${body}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegex(glob[++i]!);
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

/** The index of the `]` closing the class opened at `start`, or -1 (then `[` is literal). */
function classEnd(glob: string, start: number): number {
  let i = start + 1;
  if (glob[i] === '!' || glob[i] === '^') i++;
  if (glob[i] === ']') i++; // a `]` first in the class is literal
  for (; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === ']') return i;
  }
  return -1;
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

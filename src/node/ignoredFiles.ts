/**
 * Which files `.gitignore` leaves out, for commands that walk the workspace (rotation). Git is
 * the judge where it can answer (`git ls-files`, one call per workspace folder, no shell, a time
 * limit, core.fsmonitor off; callers ask git only in trusted workspaces). Where it cannot
 * — git missing or slow, an untrusted workspace, a folder that is not a repository — the
 * .gitignore files are read here with git's rules (gitignore(5)), so a file a user has ignored is
 * still left alone. No `vscode` import.
 */
import { execFile } from 'node:child_process';

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

/**
 * What git leaves out under `folder` (its untracked ignored files and folders, one
 * `git ls-files --others --ignored --exclude-standard --directory` call), as a test of a path
 * relative to `folder` (posix); undefined when git cannot answer (missing, slow, failing, or the
 * folder is not in a repository). Tracked files are never ignored, as git has it.
 */
export async function gitIgnoredIn(folder: string): Promise<((relativePath: string) => boolean) | undefined> {
  const inside = await git(['rev-parse', '--is-inside-work-tree'], folder);
  if (inside.code !== 0 || inside.stdout.trim() !== 'true') return undefined;
  const { code, stdout } = await git(
    ['ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z'],
    folder,
  );
  if (code !== 0) return undefined;
  // Files as they are, folders with their trailing slash: a path is ignored when it or one of
  // its folders is listed.
  const listed = new Set(stdout.split('\0').filter(Boolean));
  return (relativePath) => {
    if (listed.has(relativePath)) return true;
    for (let at = relativePath.indexOf('/'); at !== -1; at = relativePath.indexOf('/', at + 1)) {
      if (listed.has(relativePath.slice(0, at + 1))) return true;
    }
    return false;
  };
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

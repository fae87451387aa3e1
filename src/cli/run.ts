/**
 * `keysmith run [--env-file FILE]… -- COMMAND [ARGS…]`: the values of `.env` files, their
 * envelopes opened, in COMMAND's environment — and nowhere else: the plaintext lives in this
 * process's memory and the child's environment, never in a file.
 *
 * - Files are read with the core's readDotenv (values as dotenv and python-dotenv read them); the
 *   default is `.env`; of several, later files win.
 * - All or nothing, before COMMAND starts: every envelope in every file must open, even one whose
 *   variable is hidden by a later file or by the environment; a password is derived once per
 *   distinct (salt, iterations) across all files (one decryptBatch).
 * - Variables already set in the environment win (as dotenv and dotenvx do by default), unless
 *   `--override`; the variable holding the key or password is never replaced.
 * - COMMAND is spawned directly (no shell), stdio inherited; SIGINT, SIGTERM and SIGHUP are
 *   forwarded to it; the exit code is COMMAND's, 128 + n when signal n ended it (as shells say);
 *   127 when COMMAND is not found, 126 when it cannot be executed.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import {
  decryptBatch,
  findEnvelopes,
  limits,
  readDotenv,
  type DotenvEntry,
  type FoundEnvelope,
} from '../core';
import { decodeUtf8Strict } from '../core/encoding';
import { CliError, CommandNotStartedError } from './cliError';
import { readInput } from './io';
import { locatedError, readSecretFromEnv, secretOf, type Values } from './options';

const DEFAULT_ENV_FILE = '.env';
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const MAX_ENV_FILE_BYTES = limits.MAX_ENVELOPE_CHARS;

/** One `.env` entry with the envelopes in its value. */
interface Entry {
  file: string;
  entry: DotenvEntry;
  found: FoundEnvelope[];
}

export async function runRun(values: Values, command: string[]): Promise<number> {
  const secret = readSecretFromEnv(values, 'run');
  const [program, ...args] = command;
  if (program === undefined || program === '') {
    throw new CliError('run: give the command to run after --, e.g. keysmith run --key-env KEY -- npm start');
  }
  const files = (values['env-file'] as string[] | undefined) ?? [DEFAULT_ENV_FILE];
  if (files.some((file) => file === '')) throw new CliError('run: --env-file needs a file name');

  const entries: Entry[] = [];
  for (const file of files) entries.push(...(await readEntries(file)));
  const variables = await openValues(entries, secretOf(secret));

  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of variables) {
    if (name === secret.variable) continue; // the key's own variable stays as it is
    if (values.override !== true && Object.prototype.hasOwnProperty.call(process.env, name)) continue;
    env[name] = value;
  }
  return runChild(program, args, env);
}

async function readEntries(file: string): Promise<Entry[]> {
  const bytes = await readInput({ file }, MAX_ENV_FILE_BYTES, `run: ${file} is larger than 64 MiB`);
  const text = decodeUtf8Strict(bytes);
  bytes.fill(0);
  if (text === undefined) throw new CliError(`run: ${file} is not valid UTF-8 text`);
  let dotenv: DotenvEntry[];
  try {
    dotenv = readDotenv(text);
  } catch (error) {
    throw locatedError('run', file, error);
  }
  return dotenv.map((entry) => {
    const found = findEnvelopes(entry.value);
    for (const one of found) {
      if (one.error) throw locatedError('run', file, one.error, lineIn(entry, one));
    }
    return { file, entry, found };
  });
}

/** The file's line of an envelope found in an entry's value (a value starts on its entry's line). */
function lineIn(entry: DotenvEntry, found: FoundEnvelope): number {
  return entry.line + found.line - 1;
}

/**
 * Every variable with its envelopes opened, later entries winning: all envelopes of all files in
 * one batch, so nothing is returned unless every one opens.
 */
async function openValues(
  entries: Entry[],
  secret: { key: string } | { password: string },
): Promise<Map<string, string>> {
  const where: { entry: Entry; found: FoundEnvelope }[] = [];
  for (const entry of entries) for (const found of entry.found) where.push({ entry, found });
  let plaintexts: string[];
  try {
    plaintexts = (await decryptBatch({ envelopes: where.map((w) => w.found.envelope!), ...secret })).map(
      (result) => result.plaintext,
    );
  } catch (error) {
    const index = (error as { index?: unknown }).index;
    const at = typeof index === 'number' ? where[index] : undefined;
    if (!at) throw locatedError('run', entries[0]?.file ?? '.env', error);
    throw locatedError('run', at.entry.file, error, lineIn(at.entry.entry, at.found));
  }
  const variables = new Map<string, string>();
  let next = 0;
  for (const { entry, found } of entries) {
    let value = entry.value;
    const opened = found.map(() => plaintexts[next++]!);
    // From the last envelope back, so the earlier ones' offsets stay right.
    for (let i = found.length - 1; i >= 0; i--) {
      const one = found[i]!;
      // An escaped envelope ({\"v\":1,…}) stood for a string literal's content: its plaintext too.
      const text = one.form === 'escaped' ? JSON.stringify(opened[i]!).slice(1, -1) : opened[i]!;
      value = value.slice(0, one.start) + text + value.slice(one.end);
    }
    variables.delete(entry.name); // a later definition wins, in its own place in the order
    variables.set(entry.name, value);
  }
  return variables;
}

/** Runs COMMAND to its end and gives its exit code the way a shell does. */
function runChild(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    let child: ReturnType<typeof spawn> | undefined;
    // A signal that comes while the child is being started is passed on as soon as it exists.
    const pending: NodeJS.Signals[] = [];
    const forward = (signal: NodeJS.Signals) => {
      if (child === undefined) pending.push(signal);
      // The child may be gone already; then there is nobody to tell.
      else if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const stopForwarding = () => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
    };
    // Listening before the child exists: no moment where one of these signals would end keysmith
    // with its child left running. (Listening also keeps them from ending keysmith at all.)
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    try {
      // No shell: ARGS reach COMMAND exactly as given, and nothing in them is interpreted.
      child = spawn(program, args, { stdio: 'inherit', env, shell: false });
    } catch (error) {
      // Node refuses some arguments before trying (a NUL byte in one).
      stopForwarding();
      reject(new CliError(`run: cannot start '${program}': ${(error as Error).message.split('\n')[0]}`));
      return;
    }
    const started = child;
    started.on('error', (error: NodeJS.ErrnoException) => {
      if (started.pid !== undefined) return; // a failed kill() of a running child: its exit comes
      stopForwarding();
      reject(notStarted(program, error));
    });
    started.once('exit', (code, signal) => {
      stopForwarding();
      if (code !== null) resolve(code);
      else resolve(128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
    if (started.pid !== undefined) for (const signal of pending.splice(0)) started.kill(signal);
  });
}

function notStarted(program: string, error: NodeJS.ErrnoException): CommandNotStartedError {
  switch (error.code) {
    case 'ENOENT':
      return new CommandNotStartedError(
        program.includes('/')
          ? `run: cannot start '${program}': no such file (ENOENT)`
          : `run: cannot start '${program}': command not found in PATH (ENOENT)`,
        127,
      );
    case 'EACCES':
      return new CommandNotStartedError(
        `run: cannot start '${program}': permission denied, or not an executable file (EACCES)`,
        126,
      );
    default:
      return new CommandNotStartedError(
        `run: cannot start '${program}': ${error.code ?? error.message}`,
        126,
      );
  }
}

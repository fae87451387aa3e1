/**
 * Whole processes (issue 10, "Speed"): `node dist/cli.js encrypt/decrypt --key-env K`, stdin from a
 * file and stdout to a file, against test/bench/envelope.py doing the same work with Python's
 * `cryptography` (AESGCM), on 16 MiB of text and 16 MiB of random bytes; the CLI's start-up alone
 * (`generate-key` against `node -e 0`); and each process's peak memory per MiB of input.
 *
 * Timing: each run is one spawnSync from the bench, timed from spawn to exit (the spawn itself is
 * in both sides' numbers), the variants alternating round by round, medians kept. A third,
 * crypto-free process — node reading stdin whole and writing it back — is timed alongside as the
 * I/O floor, to show where the CLI's time goes.
 *
 * Memory: GNU time's `%M` (the child's maximum resident set size, from wait4's rusage, in KiB),
 * in runs of their own so the wrapper is not in the timed runs. It is the whole process's peak,
 * the runtime's own footprint included; the `generate-key` line shows that footprint alone.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensurePythonCryptography, PYTHON } from '../unit/pythonCryptography';
import { median, ms, ratioRow, rows, x } from './harness';
import { realisticText } from './text';

const MiB = 1024 * 1024;
// The bundle runs from out/test/bench; these live in the repository.
const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const PY_SCRIPT = path.join(ROOT, 'test/bench/envelope.py');
const GNU_TIME = '/usr/bin/time';
const KEY_ENV = 'K';
const NODE_CAT = "const fs = require('node:fs'); fs.writeFileSync(1, fs.readFileSync(0));";

/** Notes printed after the table: where the CLI's time goes. */
export const cliNotes: string[] = [];

interface Command {
  file: string;
  args: string[];
}

const keysmith = (op: string): Command => ({
  file: process.execPath,
  args: op === 'generate-key' ? [CLI, op] : [CLI, op, '--key-env', KEY_ENV],
});
const python = (op: string): Command => ({ file: PYTHON, args: [PY_SCRIPT, op, KEY_ENV] });
const nodeCat: Command = { file: process.execPath, args: ['-e', NODE_CAT] };

function makeEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', [KEY_ENV]: randomBytes(32).toString('hex') };
}

/** Runs `command` with stdin from `input` and stdout to `output`; milliseconds from spawn to exit. */
function run(
  command: Command,
  input: string | null,
  output: string,
  env: NodeJS.ProcessEnv,
  wrap: string[] = [],
): number {
  const stdin = input === null ? 'ignore' : openSync(input, 'r');
  const stdout = openSync(output, 'w');
  try {
    const [file, args] = wrap.length
      ? [wrap[0]!, [...wrap.slice(1), command.file, ...command.args]]
      : [command.file, command.args];
    const start = performance.now();
    const result = spawnSync(file, args, { stdio: [stdin, stdout, 'pipe'], env });
    const elapsed = performance.now() - start;
    if (result.error) throw result.error;
    if (result.status !== 0) {
      throw new Error(
        `${[file, ...args].join(' ')} exited ${result.status}: ${result.stderr.toString('utf8')}`,
      );
    }
    return elapsed;
  } finally {
    if (typeof stdin === 'number') closeSync(stdin);
    closeSync(stdout);
  }
}

/** Median ms per variant, alternating forward and backward order round by round, after a warm-up. */
function timeAlternating(variants: Record<string, () => number>, rounds: number): Record<string, number> {
  const names = Object.keys(variants);
  for (const name of names) variants[name]!(); // page cache, disk, the runtimes' code on disk
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) samples[name]!.push(variants[name]!());
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n]!)]));
}

/** GNU time's `%M` for one run: the process's maximum RSS in bytes (lower of two runs). */
function peakRss(command: Command, input: string | null, output: string, env: NodeJS.ProcessEnv): number {
  let lowest = Infinity;
  for (let i = 0; i < 2; i++) {
    const report = `${output}.time`;
    run(command, input, output, env, [GNU_TIME, '-f', '%M', '-o', report]);
    lowest = Math.min(lowest, Number(readFileSync(report, 'utf8').trim().split('\n').pop()) * 1024);
  }
  return lowest;
}

/** GNU time, installed from Debian's `time` package when missing and running as root. */
function ensureGnuTime(): void {
  if (existsSync(GNU_TIME)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`${GNU_TIME} is missing: run sudo apt-get install -y time, then the bench again.`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-q'],
    ['install', '-y', '-q', '--no-install-recommends', 'time'],
  ]) {
    const r = spawnSync('apt-get', args, { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  }
}

export function cliSection(bytes: number, rounds: number, log: (message: string) => void): void {
  assert.ok(existsSync(CLI), `${CLI} is missing: npm run bench builds it (node esbuild.mjs --bench)`);
  ensurePythonCryptography();
  ensureGnuTime();
  const env = makeEnv();
  const dir = mkdtempSync(path.join(tmpdir(), 'keysmith-bench-cli-'));
  const label = `${bytes / MiB} MiB`;
  try {
    const out = path.join(dir, 'out');
    const check = path.join(dir, 'check');
    const inputs: [string, Buffer][] = [
      ['text', Buffer.from(realisticText(bytes), 'utf8')],
      ['random bytes', randomBytes(bytes)],
    ];
    const memory: { row: string; keysmith: number; python: number }[] = [];

    // Start-up alone first: it is subtracted below to say where the time goes.
    const startup = timeAlternating(
      {
        'keysmith generate-key': () => run(keysmith('generate-key'), null, out, env),
        'node -e 0': () => run({ file: process.execPath, args: ['-e', '0'] }, null, out, env),
        'python3 importing AESGCM': () =>
          run(
            { file: PYTHON, args: ['-c', 'from cryptography.hazmat.primitives.ciphers.aead import AESGCM'] },
            null,
            out,
            env,
          ),
      },
      Math.max(rounds, 11) * 2 + 1,
    );
    const start = startup['keysmith generate-key']!;
    const bare = startup['node -e 0']!;
    log(
      `  CLI start-up: generate-key ${ms(start)}, node -e 0 ${ms(bare)}, python3 + AESGCM import ${ms(startup['python3 importing AESGCM']!)}`,
    );
    rows.push({
      row: 'CLI start-up alone (`keysmith generate-key`, whole process)',
      measured: ms(start),
      baseline: `node -e 0 ${ms(bare)}; python3 importing AESGCM ${ms(startup['python3 importing AESGCM']!)}`,
      ratio: x(start / bare),
      goal: 'report only',
      result: 'info',
    });
    const rssIdle = peakRss(keysmith('generate-key'), null, out, env);

    for (const [kind, data] of inputs) {
      const plainFile = path.join(dir, `${kind}.in`);
      const envelopeFile = path.join(dir, `${kind}.envelope.json`);
      writeFileSync(plainFile, data);
      // Sanity: each side reads the other's envelopes back to the exact bytes.
      run(keysmith('encrypt'), plainFile, envelopeFile, env);
      run(python('decrypt'), envelopeFile, check, env);
      assert.ok(readFileSync(check).equals(data), `python cannot read the CLI's envelope (${kind})`);
      run(python('encrypt'), plainFile, check, env);
      run(keysmith('decrypt'), check, out, env);
      assert.ok(readFileSync(out).equals(data), `the CLI cannot read Python's envelope (${kind})`);

      for (const op of ['encrypt', 'decrypt'] as const) {
        // Both decrypt the same envelope (the CLI's); both encrypt the same plaintext file.
        const input = op === 'encrypt' ? plainFile : envelopeFile;
        const t = timeAlternating(
          {
            keysmith: () => run(keysmith(op), input, out, env),
            python: () => run(python(op), input, out, env),
            'node cat': () => run(nodeCat, input, out, env),
          },
          rounds,
        );
        const k = t.keysmith!;
        const p = t.python!;
        const cat = t['node cat']!;
        const row = `CLI ${op} ${label} of ${kind} (whole process, stdin → file)`;
        log(`  ${row}: keysmith ${ms(k)}, python ${ms(p)}, node cat ${ms(cat)}`);
        ratioRow(row, ms(k), `python ${ms(p)}; node cat (no crypto) ${ms(cat)}`, [
          { label: '', value: k / p, limit: 0.5 },
        ]);
        cliNotes.push(
          `${op} ${kind}: ${ms(k)} = start-up (generate-key) ${ms(start)}` +
            ` + reading stdin and writing the output as node cat does (${ms(cat)} − node -e 0 ${ms(bare)}) ${ms(cat - bare)}` +
            ` + the rest (the core, the CLI's decoding and the larger output) ${ms(k - start - (cat - bare))}`,
        );
        memory.push({
          row: `${op} ${kind}`,
          keysmith: peakRss(keysmith(op), input, out, env),
          python: peakRss(python(op), input, out, env),
        });
      }
    }

    const perMiB = (n: number) => (n / bytes).toFixed(2);
    for (const m of memory) {
      rows.push({
        row: `CLI peak memory, ${m.row} ${label} (max RSS per MiB of input)`,
        measured: `${perMiB(m.keysmith)} MiB/MiB (max RSS ${(m.keysmith / MiB).toFixed(0)} MiB; ${perMiB(m.keysmith - rssIdle)} above generate-key's ${(rssIdle / MiB).toFixed(0)} MiB)`,
        baseline: `python ${perMiB(m.python)} MiB/MiB (${(m.python / MiB).toFixed(0)} MiB)`,
        ratio: x(m.keysmith / m.python),
        goal: 'report only',
        result: 'info',
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

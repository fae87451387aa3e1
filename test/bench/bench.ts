/**
 * Keysmith core benchmark (`npm run bench`): a script, not a test. It prints ratios measured in the
 * same run against plain node:crypto code and never asserts a wall-clock time; the goals come from
 * the performance issue and are shown as PASS / MISS.
 *
 * Sections: the envelope pipeline at 16 MiB and 1 MiB (vs (a) the plainest node:crypto code and
 * (b) the floor of unavoidable parts), one password derivation, a batch of 100, 100,000 keys of
 * each type, the event loop's longest stall during RSA-4096 + PBKDF2, peak memory per MiB, and
 * whole processes: the CLI against a Python `cryptography` script, its start-up and its peak memory
 * (test/bench/cli.ts).
 *
 * Flags: --quick (fewer rounds), --only=envelope,password,keys,stall,memory,cli,render,find (just
 * those sections; render: render and rekey of 1,000 password envelopes, test/bench/renderRekey.ts;
 * find: findEnvelopes in 5 MiB with 5,000 envelopes, test/bench/findEnvelopes.ts).
 * The table goes to stdout, progress and per-part details to stderr. The machine's other load
 * shows up in the numbers: run it on a quiet machine, and compare ratios, not times.
 */
import { strict as assert } from 'node:assert';
import { pbkdf2, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import {
  decrypt,
  encrypt,
  encryptBatch,
  generateKey,
  generateKeyPair,
  keyGenerator,
  NANOID_URL_ALPHABET,
  serializeEnvelope,
  type GenerateKeyOptions,
} from '../../src/core';
import { cliNotes, cliSection } from './cli';
import { findEnvelopesSection } from './findEnvelopes';
import { renderRekeySection } from './renderRekey';
import { decryptFloor, encryptFloor, plainDecrypt, plainEncrypt, type FloorParts } from './baselines';
import { best, gc, median, ms, printTable, ratioRow, rows, timeGroup, x, type Job } from './harness';
import { measureInChild, measureJob, type MemoryJob, type MemoryResult } from './memory';
import { asciiShare, realisticText } from './text';

const MiB = 1024 * 1024;
const PASSWORD = 'correct horse battery staple';
const ITERATIONS = 600_000;
const quick = process.argv.includes('--quick');
/** `--only=envelope,password,keys,stall,memory,cli,render,find` runs just those sections. */
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wanted = (section: string) => !only || only.includes(section);
const coldNotes: string[] = [];

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function pbkdf2Raw(password: Buffer, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    pbkdf2(password, salt, ITERATIONS, 32, 'sha256', (e, key) => (e ? reject(e) : resolve(key))),
  );
}

// ---- envelope pipeline ----------------------------------------------------------------------

/** `goals`: the issue sets goals for 16 MiB; 1 MiB is reported only. */
async function envelopeSection(bytes: number, rounds: number, goals: boolean): Promise<void> {
  const label = `${bytes / MiB} MiB`;
  const text = realisticText(bytes);
  const keyHex = randomBytes(32).toString('hex');
  const key = Buffer.from(keyHex, 'hex');
  log(
    `envelope ${label}: ${text.length.toLocaleString('en')} UTF-16 units, ${(100 * asciiShare(text)).toFixed(1)} % of bytes ASCII`,
  );

  // Sanity first: the core and the plain code read each other's envelopes.
  const coreEnvelope = serializeEnvelope(await encrypt({ plaintext: text, key: keyHex }));
  assert.equal(plainDecrypt(coreEnvelope, keyHex), text, 'plain code cannot read the core envelope');
  const plainEnvelope = plainEncrypt(text, keyHex);
  assert.equal((await decrypt({ envelope: plainEnvelope, key: keyHex })).plaintext, text);

  const coreEncrypt: Job = async () => serializeEnvelope(await encrypt({ plaintext: text, key: keyHex }));
  const coreDecrypt: Job = async () => (await decrypt({ envelope: plainEnvelope, key: keyHex })).plaintext;

  for (const [op, core, plain, floor] of [
    ['encrypt', coreEncrypt, () => plainEncrypt(text, keyHex), encryptFloor(text, key)],
    ['decrypt', coreDecrypt, () => plainDecrypt(plainEnvelope, keyHex), decryptFloor(text, key)],
  ] as [string, Job, Job, FloorParts][]) {
    const variants: Record<string, Job> = { core, plain };
    for (const [part, ways] of Object.entries(floor.parts))
      for (const [way, job] of Object.entries(ways)) variants[`${part}: ${way}`] = job;
    for (const [check, job] of Object.entries(floor.checks)) variants[`check: ${check}`] = job;
    const t = await timeGroup(variants, { rounds, warmup: 1, prime: true });

    log(`  ${op} ${label}: core ${ms(t.core!)}, plain ${ms(t.plain!)}`);
    let floorMs = 0;
    const partText: string[] = [];
    for (const [part, ways] of Object.entries(floor.parts)) {
      const names = Object.keys(ways).map((w) => `${part}: ${w}`);
      const winner = best(t, names);
      floorMs += winner.ms;
      partText.push(`${part} ${ms(winner.ms)}`);
      for (const n of names) log(`    ${n.padEnd(52)} ${ms(t[n]!)}${n === winner.name ? '  ← best' : ''}`);
    }
    let checksMs = 0;
    for (const check of Object.keys(floor.checks)) {
      checksMs += t[`check: ${check}`]!;
      log(`    ${`check: ${check}`.padEnd(52)} ${ms(t[`check: ${check}`]!)}  (not in the floor)`);
    }
    const what = op === 'encrypt' ? 'encrypt + serializeEnvelope' : 'decrypt of the envelope text';
    // The same two again, unprimed and alternating, so each run follows the other's big
    // allocations and faults in fresh memory: the first operation after other heavy work.
    const cold = await timeGroup({ core, plain }, { rounds, warmup: 0 });
    log(
      `  ${op} ${label} cold (each run right after the other): core ${ms(cold.core!)}, plain ${ms(cold.plain!)}`,
    );
    coldNotes.push(
      `${op} ${label}: core ${ms(cold.core!)}, (a) plain ${ms(cold.plain!)} → ${x(cold.core! / cold.plain!)}`,
    );
    const ratios = [
      { label: '(a)', value: t.core! / t.plain!, limit: 0.5 },
      { label: '(b)', value: t.core! / floorMs, limit: 1.3 },
    ];
    const baseline =
      `(a) plain ${ms(t.plain!)}; (b) floor ${ms(floorMs)} = ${partText.join(' + ')}` +
      (checksMs > 0 ? `; core's strict base64 decode + isUtf8 alone ${ms(checksMs)}` : '');
    if (goals) {
      ratioRow(`${op} ${label} (${what})`, ms(t.core!), baseline, ratios);
    } else {
      rows.push({
        row: `${op} ${label} (${what})`,
        measured: ms(t.core!),
        baseline,
        ratio: ratios.map((r) => `${r.label} ${x(r.value)}`).join(', '),
        goal: 'report only',
        result: 'info',
      });
    }
  }
}

// ---- password derivation and batch ---------------------------------------------------------

async function passwordSection(): Promise<void> {
  const passwordBytes = Buffer.from(PASSWORD.normalize('NFC'), 'utf8');
  const batch = Array.from({ length: 100 }, (_, i) => realisticText(200 + 10 * i, i + 1));
  const t = await timeGroup(
    {
      'core encrypt (password)': () => encrypt({ plaintext: 'tiny', password: PASSWORD }),
      'core encryptBatch of 100': () => encryptBatch({ plaintexts: batch, password: PASSWORD }),
      'raw crypto.pbkdf2': () => pbkdf2Raw(passwordBytes, randomBytes(16)),
    },
    { rounds: quick ? 3 : 9, warmup: 1 },
  );
  const raw = t['raw crypto.pbkdf2']!;
  const one = t['core encrypt (password)']!;
  const many = t['core encryptBatch of 100']!;
  ratioRow(
    'one password derivation (encrypt of a tiny text, 600,000 it.)',
    ms(one),
    `raw pbkdf2 ${ms(raw)}`,
    [{ label: '', value: one / raw, limit: 1.05 }],
  );
  ratioRow('encryptBatch: 100 texts, one password', ms(many), `one derivation (raw pbkdf2) ${ms(raw)}`, [
    { label: '', value: many / raw, limit: 1.3 },
  ]);
}

// ---- generated keys ---------------------------------------------------------------------------

const COUNT = 100_000;

function plainUuid(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC variant
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function plainNanoid(alphabet: string, size: number): string {
  const mask = (2 << Math.floor(Math.log2(alphabet.length - 1))) - 1;
  let id = '';
  while (id.length < size) {
    for (const byte of randomBytes(size)) {
      const index = byte & mask; // mask, then reject indexes past the end: no modulo bias
      if (index < alphabet.length) {
        id += alphabet[index];
        if (id.length === size) break;
      }
    }
  }
  return id;
}

async function keysSection(): Promise<void> {
  const types: [string, GenerateKeyOptions, () => string][] = [
    ['api-key', { type: 'api-key' }, () => `sk_${randomBytes(32).toString('hex')}`],
    ['uuid-v4', { type: 'uuid-v4' }, plainUuid],
    ['nanoid', { type: 'nanoid' }, () => plainNanoid(NANOID_URL_ALPHABET, 21)],
    ['secret', { type: 'secret' }, () => randomBytes(32).toString('hex')],
  ];
  for (const [name, options, plain] of types) {
    const many = (make: () => string) => () => {
      let last = '';
      for (let i = 0; i < COUNT; i++) last = make();
      return last;
    };
    assert.equal(generateKey(options).key.length, plain().length, `${name}: not the same format`);
    const t = await timeGroup(
      {
        'keyGenerator().next()': () => {
          const generator = keyGenerator(options);
          return many(() => generator.next())();
        },
        generateKey: many(() => generateKey(options).key),
        plain: many(plain),
      },
      { rounds: quick ? 3 : 5, warmup: 1 },
    );
    const next = t['keyGenerator().next()']!;
    const each = t.generateKey!;
    ratioRow(
      `100,000 ${name} keys`,
      `next() ${ms(next)}; generateKey ${ms(each)}`,
      `plain per-key randomBytes ${ms(t.plain!)}`,
      [
        { label: 'next()', value: next / t.plain!, limit: 1.1 },
        { label: 'generateKey', value: each / t.plain!, limit: 1.3 },
      ],
    );
  }
}

// ---- event loop -------------------------------------------------------------------------------

/** The longest gap in a 1 ms interval probe (and the loop-delay histogram) while `work` runs. */
async function longestStall(work: () => Promise<unknown>): Promise<{ stall: number; elapsed: number }> {
  gc();
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let last = performance.now();
  let longestGap = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - last);
    last = now;
  }, 1);
  const start = performance.now();
  await work();
  const elapsed = performance.now() - start;
  clearInterval(probe);
  histogram.disable();
  // The probe asks for a tick every 1 ms: anything beyond that is the loop being busy.
  return { stall: Math.max(longestGap - 1, histogram.max / 1e6 - 1, 0), elapsed };
}

async function stallSection(): Promise<void> {
  const trials: { stall: number; elapsed: number }[] = [];
  const idle: number[] = [];
  for (let trial = 0; trial < (quick ? 1 : 3); trial++) {
    trials.push(
      await longestStall(() =>
        Promise.all([
          generateKeyPair({ algorithm: 'RSA', key_size: 4096 }),
          encrypt({ plaintext: 'tiny', password: PASSWORD, iterations: ITERATIONS }),
        ]),
      ),
    );
    // Control: the same probe with nothing running, for the machine's own noise (other processes).
    idle.push((await longestStall(() => new Promise((resolve) => setTimeout(resolve, 300)))).stall);
  }
  const stall = median(trials.map((t) => t.stall));
  rows.push({
    row: 'event loop, RSA-4096 key pair + 600,000-it. derivation at once',
    measured: `longest stall ${ms(stall)} (median of ${trials.length})`,
    baseline: `trials ${trials.map((t) => `${ms(t.stall)} in ${ms(t.elapsed)}`).join(', ')}; idle probe ${idle.map(ms).join(', ')}`,
    ratio: '—',
    goal: '≤ 20 ms',
    result: stall <= 20 ? 'PASS' : 'MISS',
  });
}

// ---- memory ---------------------------------------------------------------------------------

async function memorySection(bytes: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'keysmith-bench-'));
  try {
    const text = realisticText(bytes);
    const keyHex = '5a'.repeat(32);
    const textFile = path.join(dir, 'text.txt');
    const envelopeFile = path.join(dir, 'envelope.json');
    writeFileSync(textFile, text, 'utf8');
    writeFileSync(envelopeFile, plainEncrypt(text, keyHex), 'utf8');
    const script = process.argv[1]!;
    const results: Partial<Record<MemoryJob, MemoryResult>> = {};
    // Each job in its own fresh process, twice, keeping the lower peak (less noise from the OS).
    for (const job of ['core-encrypt', 'plain-encrypt', 'core-decrypt', 'plain-decrypt'] as MemoryJob[]) {
      const file = job.endsWith('encrypt') ? textFile : envelopeFile;
      for (let i = 0; i < 2; i++) {
        const r = await measureJob(script, job, file);
        if (!results[job] || r.peakRss < results[job].peakRss) results[job] = r;
      }
    }
    const perMiB = (n: number) => n / bytes;
    for (const op of ['encrypt', 'decrypt'] as const) {
      const core = results[`core-${op}`]!;
      const plain = results[`plain-${op}`]!;
      const c = perMiB(core.peakRss);
      const p = perMiB(plain.peakRss);
      rows.push({
        row: `peak memory, ${op} ${bytes / MiB} MiB (RSS growth per MiB of plaintext)`,
        measured: `${c.toFixed(2)} MiB/MiB (+${(core.peakRss / MiB).toFixed(0)} MiB; result held ${(core.retained / MiB).toFixed(0)} MiB)`,
        baseline: `(a) plain ${p.toFixed(2)} MiB/MiB (+${(plain.peakRss / MiB).toFixed(0)} MiB)`,
        ratio: x(c / p),
        goal: '≤ 1× (a)',
        result: c <= p ? 'PASS' : 'MISS',
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function memoryChild(job: MemoryJob, file: string): Promise<void> {
  const keyHex = '5a'.repeat(32);
  const run: Record<MemoryJob, (input: string) => Promise<unknown>> = {
    'core-encrypt': async (t) => serializeEnvelope(await encrypt({ plaintext: t, key: keyHex })),
    'plain-encrypt': async (t) => plainEncrypt(t, keyHex),
    'core-decrypt': async (e) => (await decrypt({ envelope: e, key: keyHex })).plaintext,
    'plain-decrypt': async (e) => plainDecrypt(e, keyHex),
  };
  await measureInChild(file, run[job]);
}

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (process.argv[2] === '--memory-child') {
    await memoryChild(process.argv[3] as MemoryJob, process.argv[4]!);
    return;
  }
  gc(); // fails early without --expose-gc
  const started = performance.now();
  log(`Keysmith bench on Node ${process.version}${quick ? ' (quick)' : ''}`);
  if (wanted('envelope')) {
    await envelopeSection(16 * MiB, quick ? 3 : 11, true);
    await envelopeSection(1 * MiB, quick ? 5 : 21, false);
  }
  if (wanted('password')) {
    log('password derivation…');
    await passwordSection();
  }
  if (wanted('keys')) {
    log('keys…');
    await keysSection();
  }
  if (wanted('stall')) {
    log('event loop…');
    await stallSection();
  }
  if (wanted('memory')) {
    log('memory…');
    await memorySection(16 * MiB);
  }
  if (wanted('find')) {
    log('finding envelopes in files…');
    await findEnvelopesSection(quick ? 11 : 41, log);
  }
  if (wanted('cli')) {
    log('whole processes: the CLI against Python cryptography…');
    cliSection(16 * MiB, quick ? 3 : 11, log);
  }
  if (wanted('render')) {
    log('render and rekey of 1,000 password envelopes…');
    await renderRekeySection(quick ? 3 : 7, log);
  }
  printTable(
    `Keysmith core benchmark — Node ${process.version}, medians of interleaved runs, ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  if (coldNotes.length > 0) {
    console.log(
      '\nEnvelope rows are steady-state times (each run primed by an untimed run of the same job).\n' +
        'Cold, each run straight after the other job (memory faulted in afresh, not a goal):',
    );
    for (const note of coldNotes) console.log(`  ${note}`);
  }
  if (cliNotes.length > 0) {
    console.log("\nWhere the CLI's whole-process time goes (medians from the rows above):");
    for (const note of cliNotes) console.log(`  ${note}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

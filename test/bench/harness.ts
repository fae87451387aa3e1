/**
 * Timing helpers for the benchmark. Everything is compared within one run: variants of a group are
 * interleaved round by round (alternating forward and backward order, so neither always runs
 * right after the other), each run starts after a full GC, and the median is kept.
 */
import { performance } from 'node:perf_hooks';

export type Job = () => unknown;

const maybeGc = (globalThis as { gc?: () => void }).gc;

/** Full garbage collection (the bench is run with --expose-gc; see `npm run bench`). */
export function gc(): void {
  if (!maybeGc) throw new Error('Run the benchmark with node --expose-gc (npm run bench).');
  maybeGc();
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface GroupOptions {
  /** Timed rounds (each variant runs once per round). */
  rounds: number;
  /** Untimed runs of each variant first (JIT, allocator and page warm-up). */
  warmup?: number;
  /** Runs per timed sample, for jobs too short to time one at a time. */
  repeat?: number;
  /** GC before each sample (default true); off for tiny jobs where a GC would dwarf the job. */
  gcEach?: boolean;
  /**
   * Run each job once, untimed, right before each of its samples (default false). For jobs that
   * allocate tens of MiB: otherwise a sample's time depends on which job ran before it, because
   * memory another job's allocations handed back to the OS has to be faulted in again (~1.4 µs per
   * 4 KiB page here: up to ~30 ms on a 16 MiB decrypt). Primed, every job is timed in its own
   * steady state.
   */
  prime?: boolean;
}

/** Median milliseconds per variant, variants interleaved. */
export async function timeGroup(
  variants: Record<string, Job>,
  { rounds, warmup = 1, repeat = 1, gcEach = true, prime = false }: GroupOptions,
): Promise<Record<string, number>> {
  const names = Object.keys(variants);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let w = 0; w < warmup; w++) for (const name of names) await variants[name]!();
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const job = variants[name]!;
      if (prime) {
        gc();
        await job();
      }
      if (gcEach) gc();
      const start = performance.now();
      for (let r = 0; r < repeat; r++) await job();
      samples[name]!.push((performance.now() - start) / repeat);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n]!)]));
}

/** The smallest value and its name: "each part at its best speed". */
export function best(times: Record<string, number>, names: readonly string[]): { name: string; ms: number } {
  let winner = { name: names[0]!, ms: times[names[0]!]! };
  for (const name of names) if (times[name]! < winner.ms) winner = { name, ms: times[name]! };
  return winner;
}

// ---- the table ------------------------------------------------------------------------------

export interface Row {
  row: string;
  measured: string;
  baseline: string;
  ratio: string;
  goal: string;
  /** PASS / MISS, or 'info' for a row without a goal. */
  result: string;
}

export const rows: Row[] = [];

export function ms(value: number): string {
  return value >= 100
    ? `${value.toFixed(0)} ms`
    : value >= 10
      ? `${value.toFixed(1)} ms`
      : `${value.toFixed(2)} ms`;
}

export function x(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

/** Adds a row with a "ratio ≤ limit" goal. */
export function ratioRow(
  row: string,
  measured: string,
  baseline: string,
  ratios: { label: string; value: number; limit: number }[],
): void {
  rows.push({
    row,
    measured,
    baseline,
    ratio: ratios.map((r) => (r.label ? `${r.label} ${x(r.value)}` : x(r.value))).join(', '),
    goal: ratios.map((r) => `${r.label ? `${r.label} ` : ''}≤ ${r.limit}×`).join(', '),
    result: ratios.every((r) => r.value <= r.limit) ? 'PASS' : 'MISS',
  });
}

export function printTable(title: string): void {
  const header: Row = {
    row: 'row',
    measured: 'measured',
    baseline: 'baseline(s)',
    ratio: 'ratio(s)',
    goal: 'goal',
    result: 'result',
  };
  const keys = Object.keys(header) as (keyof Row)[];
  const width = Object.fromEntries(
    keys.map((k) => [k, Math.max(...[header, ...rows].map((r) => [...r[k]].length))]),
  ) as Record<keyof Row, number>;
  const line = (r: Row) => keys.map((k) => r[k] + ' '.repeat(width[k] - [...r[k]].length)).join(' | ');
  const rule = keys.map((k) => '-'.repeat(width[k])).join('-|-');
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(rule);
  for (const r of rows) console.log(line(r));
}

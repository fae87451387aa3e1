/**
 * Peak memory of one operation, measured in a fresh child process so earlier work in the bench
 * cannot lend it memory that is already resident. A worker thread samples the process's RSS every
 * ~0.2 ms while the main thread runs the operation (synchronous work included), so the peak is
 * seen even when it lasts only a moment.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { gc } from './harness';

export type MemoryJob = 'core-encrypt' | 'core-decrypt' | 'plain-encrypt' | 'plain-decrypt';

export interface MemoryResult {
  /** Highest RSS seen during the operation, less the RSS just before it, in bytes. */
  peakRss: number;
  /** heapUsed + external (which includes arrayBuffers) after the operation and a GC, its result still held, less before. */
  retained: number;
}

const SAMPLER = `
const { workerData, parentPort } = require('node:worker_threads');
const flags = new Int32Array(workerData, 0, 2);
const peak = new Float64Array(workerData, 8, 1);
parentPort.postMessage('ready');
for (;;) {
  const state = Atomics.load(flags, 0);
  if (state === 2) break;
  if (state === 1) {
    const rss = process.memoryUsage.rss();
    if (rss > peak[0]) peak[0] = rss;
  }
  Atomics.wait(flags, 1, 0, 0.2);
}
`;

/** Runs in the child: reads its input file, then measures `run`. */
export async function measureInChild(
  inputFile: string,
  run: (input: string) => Promise<unknown>,
): Promise<void> {
  const input = readFileSync(inputFile, 'utf8');
  const shared = new SharedArrayBuffer(16);
  const flags = new Int32Array(shared, 0, 2);
  const peak = new Float64Array(shared, 8, 1);
  const worker = new Worker(SAMPLER, { eval: true, workerData: shared });
  await new Promise((resolve) => worker.once('message', resolve));

  const heap = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external; // external includes arrayBuffers
  };
  gc();
  gc();
  const rssBefore = process.memoryUsage.rss();
  const heapBefore = heap();
  peak[0] = rssBefore;
  Atomics.store(flags, 0, 1);
  const result = await run(input);
  Atomics.store(flags, 0, 0);
  const peakRss = Math.max(peak[0]!, process.memoryUsage.rss()) - rssBefore;
  // What is left is what the result holds (ArrayBuffers are freed by a background sweeper: give it
  // a moment, then collect again).
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  const retained = heap() - heapBefore;
  Atomics.store(flags, 0, 2);
  Atomics.notify(flags, 1);
  await worker.terminate();
  if (result === undefined) throw new Error('no result');
  const answer: MemoryResult = { peakRss, retained };
  process.send!(answer);
}

/** Runs in the parent: forks this same script as a child for one job. */
export function measureJob(script: string, job: MemoryJob, inputFile: string): Promise<MemoryResult> {
  return new Promise((resolve, reject) => {
    const child = fork(script, ['--memory-child', job, inputFile], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let answer: MemoryResult | undefined;
    child.on('message', (m) => (answer = m as MemoryResult));
    child.on('error', reject);
    child.on('exit', (code) =>
      answer ? resolve(answer) : reject(new Error(`memory child ${job} exited with ${code}`)),
    );
  });
}

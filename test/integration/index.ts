/**
 * Entry of the integration suites: runs inside the real VS Code extension host (code-server via
 * test/host/run.ts, or desktop VS Code via @vscode/test-electron) and exports run() as both expect.
 */
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import path from 'node:path';

export async function run(): Promise<void> {
  // Through console.log at call time, so the harness's tagging (test/host/hostEntry.ts) applies.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(...args);
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000 });
  // Suites are bundled next to this file (out/test/integration/*.test.js).
  for (const file of readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  const only = process.env.KEYSMITH_TEST_GREP;
  if (only) mocha.grep(only);

  const stats = await new Promise<Mocha.Stats>((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats!));
  });
  console.log(
    `${stats.passes} passed, ${stats.failures} failed${stats.pending ? `, ${stats.pending} skipped` : ''}`,
  );
  if (stats.failures > 0) throw new Error(`${stats.failures} integration test(s) failed`);
}

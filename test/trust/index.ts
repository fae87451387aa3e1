/**
 * Suites that need the workspace opened untrusted (Restricted Mode). Run by `npm run test:trust`:
 * the harness with --untrusted and the fixture test/fixtures/untrusted-workspace.
 */
import Mocha from 'mocha';
import path from 'node:path';

export async function run(): Promise<void> {
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(...args);
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000 });
  mocha.addFile(path.join(__dirname, 'trust.test.js'));
  const stats = await new Promise<Mocha.Stats>((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats!));
  });
  console.log(`${stats.passes} passed, ${stats.failures} failed`);
  if (stats.failures > 0) throw new Error(`${stats.failures} test(s) failed`);
}

/**
 * Entry of the integration suites: runs inside the real VS Code extension host (code-server or
 * desktop VS Code via @vscode/test-electron) and exports run() as both expect.
 *
 * The extension host's console reaches the harness as plain text, so every reporter line is
 * formatted here and tagged; the harness prints the tagged lines.
 */
import Mocha from 'mocha';
import { format } from 'node:util';
import path from 'node:path';
import { readdirSync } from 'node:fs';
import * as vscode from 'vscode';

export const REPORT_TAG = '[keysmith-test]';

export async function run(): Promise<void> {
  const print = (...args: unknown[]) => console.log(`${REPORT_TAG} ${format(...args)}`);
  print(`VS Code ${vscode.version} extension host, Node ${process.version}`);

  Mocha.reporters.Base.consoleLog = print;
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
  print(
    `${stats.passes} passed, ${stats.failures} failed${stats.pending ? `, ${stats.pending} skipped` : ''}`,
  );
  if (stats.failures > 0) throw new Error(`${stats.failures} integration test(s) failed`);
}

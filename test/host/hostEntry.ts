/**
 * The test entry the harness always loads into the extension host: it reports the host's versions,
 * tags everything the tests print so the harness can pick it out of the workbench's console, and
 * runs the real entry (KEYSMITH_TESTS_ENTRY, any compiled module exporting run()).
 */
import { format } from 'node:util';
import * as vscode from 'vscode';
import { REPORT_TAG } from './reportTag';

export async function run(): Promise<void> {
  const methods = ['log', 'info', 'warn', 'error'] as const;
  const original = methods.map((name) => console[name]);
  const print = original[0]!;
  // The extension host forwards console output to the page unformatted: format and tag it here.
  // The host defines these read-only (an assignment would be ignored), but they can be redefined.
  const set = (name: (typeof methods)[number], value: unknown) =>
    Object.defineProperty(console, name, { value, writable: true, configurable: true });
  for (const name of methods) set(name, (...args: unknown[]) => print(`${REPORT_TAG} ${format(...args)}`));
  try {
    console.log(`VS Code ${vscode.version} extension host, Node ${process.version}`);
    const entry = process.env.KEYSMITH_TESTS_ENTRY;
    if (!entry) throw new Error('KEYSMITH_TESTS_ENTRY is not set');
    // A path known only at run time: Node's own require, not the bundler's.
    const tests = module.require(entry) as { run?: () => Promise<void> | void };
    if (typeof tests.run !== 'function') throw new Error(`${entry} does not export run()`);
    await tests.run();
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    throw error;
  } finally {
    methods.forEach((name, index) => set(name, original[index]));
  }
}

/**
 * `npm run test:electron`: the same integration suites in desktop VS Code, through
 * @vscode/test-electron, on machines that can download VS Code (not in CI here, which is offline).
 * An entry point: nothing imports it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ROOT } from '../paths';

async function main(): Promise<void> {
  const workspace = mkdtempSync(path.join(tmpdir(), 'keysmith-electron-'));
  await runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, 'out', 'test', 'integration', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

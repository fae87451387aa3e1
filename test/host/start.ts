/**
 * `npm start`: the "try it now" command. Packages Keysmith into a .vsix with @vscode/vsce, installs
 * it into a local code-server (VS Code 1.139.1) and serves VS Code on http://127.0.0.1:8080 with a
 * sample workspace. State (settings, stored keys, the workspace) persists in .vscode-test/start.
 *
 *   npm start                 port 8080
 *   npm start -- --port 9000  another port (or KEYSMITH_PORT=9000)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CODE_SERVER, NODE24, ROOT, ensureHostInstalled, startCodeServer } from './run';

function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

function run(command: string, args: string[], what: string): void {
  console.log(`[start] ${what}…`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${what} failed`);
}

async function main(): Promise<void> {
  const port = Number(option('--port') ?? process.env.KEYSMITH_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('--port must be a port number');
  const state = path.resolve(option('--state') ?? path.join(ROOT, '.vscode-test', 'start'));
  ensureHostInstalled();

  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  const vsix = path.join(ROOT, `keysmith-${version}.vsix`);
  run(
    path.join(ROOT, 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--out', vsix],
    `packaging ${path.basename(vsix)}`,
  );

  const extensionsDir = path.join(state, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  run(
    NODE24,
    [
      CODE_SERVER,
      '--extensions-dir',
      extensionsDir,
      '--user-data-dir',
      path.join(state, 'user-data'),
      '--install-extension',
      vsix,
      '--force',
    ],
    'installing it into code-server',
  );

  const workspace = path.join(state, 'workspace');
  if (!existsSync(workspace))
    cpSync(path.join(ROOT, 'test', 'fixtures', 'sample-workspace'), workspace, { recursive: true });

  const server = await startCodeServer({ port, scratch: state, workspace, extensionsDir, testDriver: false });
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
  console.log(`[start] Keysmith ${version} is running in VS Code: ${url}`);
  // Ctrl+C stops the server through the harness's own signal handling (test/host/run.ts).
  console.log('[start] Press Ctrl+C to stop.');
}

main().catch((error: unknown) => {
  console.error(`[start] ${(error as Error).message}`);
  process.exit(1);
});

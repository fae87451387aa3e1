/** Playwright helpers for driving the real VS Code workbench (code-server in headless Chromium). */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import type { Operation } from '../../src/protocol';
import {
  ROOT,
  ensureHostInstalled,
  launchBrowser,
  saveScreenshot,
  startCodeServer,
  workbenchUrl,
  type CodeServer,
} from '../host/harness';

export interface Workbench {
  server: CodeServer;
  browser: Browser;
  page: Page;
  /** A copy of the sample workspace, opened as the folder. */
  workspace: string;
  close(): Promise<void>;
}

/**
 * For a mocha suite: opens a workbench before its tests, closes it after them, and saves a
 * screenshot of every failing test (`test-results/ui-<name>-failure-*.png`).
 */
export function useWorkbench(
  name: string,
  options: Parameters<typeof openWorkbench>[0] = {},
): () => Workbench {
  let workbench: Workbench | undefined;
  before(async () => {
    workbench = await openWorkbench(options);
  });
  after(async () => {
    await workbench?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await saveScreenshot(workbench.page, `ui-${name}-failure-${Date.now()}.png`);
    }
  });
  return () => workbench!;
}

/**
 * Starts code-server on a copy of the sample workspace with the extension under development,
 * opens the workbench in headless Chromium and waits until Keysmith's contributions are there.
 * KEYSMITH_UI_CONSOLE=1 prints the page's console.
 */
export async function openWorkbench(
  options: { settings?: Record<string, unknown>; viewport?: { width: number; height: number } } = {},
): Promise<Workbench> {
  await ensureHostInstalled();
  const workspace = mkdtempSync(path.join(tmpdir(), 'keysmith-ui-'));
  cpSync(path.join(ROOT, 'test', 'fixtures', 'sample-workspace'), workspace, { recursive: true });
  const server = await startCodeServer({ workspace, settings: options.settings });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 800 } });
  if (process.env.KEYSMITH_UI_CONSOLE)
    page.on('console', (m) => console.log(`[console] ${m.text().slice(0, 300)}`));
  const close = async () => {
    await browser.close().catch(() => undefined);
    await server.stop();
    rmSync(workspace, { recursive: true, force: true });
  };
  try {
    await page.goto(workbenchUrl(server));
    await waitForWorkbench(page);
  } catch (error) {
    await saveScreenshot(page, `ui-start-failure-${Date.now()}.png`);
    await close();
    throw error;
  }
  return { server, browser, page, workspace, close };
}

/** Waits until the workbench has rendered and the extension host has started. */
export async function waitForWorkbench(page: Page): Promise<void> {
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.waitForSelector('.activitybar', { timeout: 60_000 });
  // Keysmith's container in the activity bar means its contributions (commands too) are registered.
  await page.locator('.activitybar [aria-label^="Keysmith"]').first().waitFor({ timeout: 60_000 });
}

/** Runs a command from the command palette by its title, as a person would: type, then pick it. */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  // Click the row whose label is exactly the title: Enter would run whatever ranks first
  // ("Compare New Untitled Text Files" for "New Untitled Text File").
  const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  await page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact }) })
    .first()
    .click();
}

/**
 * Types into an input box with this exact title and presses Enter. Waiting for the title matters:
 * consecutive boxes (Password, then Confirm Password) reuse one input element, so typing before
 * the next box is up would answer the previous one.
 */
export async function answerInputBox(page: Page, title: string, text: string): Promise<void> {
  await page
    .locator('.quick-input-widget .quick-input-title')
    .filter({ hasText: new RegExp(`^${title}$`) })
    .waitFor({ state: 'visible' });
  await answerQuickInput(page, text);
}

/** Answers an open quick pick or input box. */
export async function answerQuickInput(page: Page, text: string, expectRow?: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(text);
  if (expectRow)
    await page.locator('.quick-input-list .monaco-list-row', { hasText: expectRow }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** The text of the active editor as rendered (Monaco draws spaces as U+00A0). */
export async function editorText(page: Page): Promise<string> {
  const lines = await page
    .locator('.editor-instance .monaco-editor .view-lines >> visible=true')
    .first()
    .locator('.view-line')
    .allInnerTexts();
  return lines.join('\n').replace(/\u00a0/g, ' ');
}

export async function newUntitledFile(page: Page): Promise<void> {
  await runFromPalette(page, 'File: New Untitled Text File');
  // Click into the visible editor so typing goes to the document.
  const lines = page.locator('.editor-instance .monaco-editor .view-lines >> visible=true').first();
  await lines.waitFor();
  await lines.click();
}

/** Polls the active editor until its text matches, and returns that text. */
export async function waitForEditorText(page: Page, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await editorText(page);
    if (pattern.test(text)) return text;
    await page.waitForTimeout(100);
  }
  throw new Error(`the editor never showed ${pattern} (it shows ${JSON.stringify(text.slice(0, 200))})`);
}

/** Waits for a notification with this text, as a toast or in the notification centre. */
export async function expectNotification(page: Page, text: string): Promise<void> {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  try {
    await toast.waitFor({ timeout: 5_000 });
  } catch {
    // Toasts are not always shown (e.g. while the window is not focused); the centre keeps them all.
    await runFromPalette(page, 'Notifications: Show Notifications');
    await page.locator('.notifications-center', { hasText: text }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Escape');
  }
}

/** The four webview views of the Keysmith container, by operation, with their pane titles. */
export const VIEW_TITLES: Record<Operation, string> = {
  generateKey: 'Generate Key',
  keyPair: 'Key Pair',
  encrypt: 'Encrypt',
  decrypt: 'Decrypt',
};

/**
 * The page of one of Keysmith's webview views: VS Code's outer frame, then its inner frame that
 * holds our HTML. Webview frames are not inside their panes in the DOM (VS Code lays them over
 * the pane), so the outer frame is found by its page (`#app[data-operation]`) and marked with
 * `data-keysmith-view`. A view that is hidden and shown again gets a new frame: look it up again.
 */
export async function sidebarView(
  page: Page,
  operation: Operation,
  timeoutMs = 30_000,
): Promise<FrameLocator> {
  const deadline = Date.now() + timeoutMs;
  const marked = `iframe.webview.ready[data-keysmith-view="${operation}"]`;
  while (Date.now() < deadline) {
    if ((await page.locator(marked).count()) > 0) break;
    for (const outer of await page
      .locator('iframe.webview.ready:not([data-keysmith-view])')
      .elementHandles()) {
      const inner = await (await outer.contentFrame())?.$('iframe#active-frame');
      const frame = await inner?.contentFrame();
      const shown = await frame
        ?.$eval('#app', (app) => (app as HTMLElement).dataset.operation)
        .catch(() => undefined);
      if (shown)
        await outer.evaluate(
          (element, name) => (element as Element).setAttribute('data-keysmith-view', name),
          shown,
        );
    }
    if ((await page.locator(marked).count()) > 0) break;
    await page.waitForTimeout(100);
  }
  return page.frameLocator(marked).frameLocator('iframe#active-frame');
}

/** The pane of one view in the Keysmith container (its header is VS Code's, with the title actions). */
export function viewPane(page: Page, operation: Operation): Locator {
  return page.locator('.sidebar .pane', {
    has: page.locator('.pane-header', { hasText: new RegExp(`^${VIEW_TITLES[operation]}`, 'i') }),
  });
}

/** Shows the Keysmith container, clicking its activity-bar item only when it is not already shown. */
export async function openKeysmithContainer(page: Page): Promise<void> {
  const title = page.locator('.sidebar .composite.title', { hasText: 'Keysmith' });
  if (!(await title.isVisible())) {
    await page.locator('.activitybar [aria-label^="Keysmith"]').first().click();
    await title.first().waitFor();
  }
}

/** Expands a view's pane when it is collapsed. */
export async function expandView(page: Page, operation: Operation): Promise<void> {
  const header = viewPane(page, operation).locator('.pane-header').first();
  await header.waitFor();
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
}

/**
 * Shows the Keysmith container with the view of `operation` expanded, and waits until its page has
 * had its init (it is no longer aria-busy; for Generate Key, the first key is on show).
 */
export async function openSidebarView(
  page: Page,
  operation: Operation = 'generateKey',
): Promise<FrameLocator> {
  await openKeysmithContainer(page);
  await expandView(page, operation);
  const view = await sidebarView(page, operation);
  await view.locator('#app:not([aria-busy])').waitFor({ timeout: 30_000 });
  if (operation === 'generateKey')
    await view.locator('#key-value').filter({ hasText: /./ }).waitFor({ timeout: 30_000 });
  return view;
}

/** Presses one of a view's title-bar buttons (VS Code's action bar in the pane header). */
export async function clickViewTitleAction(page: Page, operation: Operation, title: string): Promise<void> {
  const pane = viewPane(page, operation);
  const header = pane.locator('.pane-header').first();
  // The actions show while the pane is hovered or focused.
  await header.hover();
  await header.locator(`.actions .action-label[aria-label^="${title}"]`).first().click();
}

/** Drags the sash between the side bar and the editor so the side bar is `width` pixels wide. */
export async function setSidebarWidth(page: Page, width: number): Promise<void> {
  const box = (await page.locator('.part.sidebar').boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
  await page.waitForTimeout(300);
}

/**
 * A picture for the README, written to media/screenshots/ (committed; kept out of the .vsix by
 * .vscodeignore): the smallest rectangle around `parts` (the side bar; a menu and the editor
 * under it), plus `margin` pixels, so each picture shows what its caption says and stays small.
 */
export async function saveReadmePicture(
  page: Page,
  name: string,
  parts: Locator[],
  margin = 0,
): Promise<string> {
  const boxes = [];
  for (const part of parts) {
    // The editor re-renders its lines when something arrives late (a CodeLens moves them down):
    // a line caught in between has no box, so each part is asked again until it is on show.
    let box = null;
    for (let tries = 0; !box && tries < 20; tries++) {
      if (tries > 0) await page.waitForTimeout(100);
      box = await part.boundingBox({ timeout: 5_000 }).catch(() => null);
    }
    if (!box) throw new Error(`${part} is not on show for ${name}`);
    boxes.push(box);
  }
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - margin);
  const y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - margin);
  const right = Math.min(viewport.width, Math.max(...boxes.map((b) => b.x + b.width)) + margin);
  const bottom = Math.min(viewport.height, Math.max(...boxes.map((b) => b.y + b.height)) + margin);
  const folder = path.join(ROOT, 'media', 'screenshots');
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, name);
  await page.screenshot({
    path: file,
    animations: 'disabled',
    caret: 'hide',
    clip: { x, y, width: right - x, height: bottom - y },
  });
  return file;
}

/** Playwright helpers for driving the real VS Code workbench (code-server in headless Chromium). */
import type { Page } from 'playwright-core';

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

/**
 * UI tests: a person's path through the real workbench — the command palette, a Keysmith quick
 * pick, the document — driven with Playwright in headless Chromium against code-server.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { saveScreenshot } from '../host/harness';
import {
  answerInputBox,
  answerQuickInput,
  editorText,
  expectNotification,
  newUntitledFile,
  runFromPalette,
  sidebarView,
  waitForEditorText,
  useWorkbench,
} from './workbench';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('workbench UI', function () {
  this.timeout(120_000);
  const workbench = useWorkbench('palette');
  let page: Page;

  before(() => {
    page = workbench().page;
  });

  it('shows the Keysmith container in the activity bar, and its view', async () => {
    const item = page.locator('.activitybar [aria-label^="Keysmith"]').first();
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    await item.click();
    await page.locator('.sidebar .composite.title', { hasText: 'Keysmith' }).first().waitFor();
    // The Generate Key webview view: VS Code's outer frame, then the inner frame holding Keysmith's
    // page, whose script has run once the first key is on show.
    const view = await sidebarView(page, 'generateKey');
    await view.locator('#key-form').waitFor();
    await view
      .locator('#key-value')
      .filter({ hasText: /^sk_[0-9a-f]{64}$/ })
      .waitFor();
    await saveScreenshot(page, 'activity-bar.png');
  });

  it('inserts a UUID from the command palette and its quick pick', async () => {
    await newUntitledFile(page);
    await runFromPalette(page, 'Keysmith: Insert Key…');
    await answerQuickInput(page, 'UUID', 'UUID v4');
    const text = (await waitForEditorText(page, /[0-9a-f]{8}-/)).trim();
    assert.match(text, UUID);
    const file = await saveScreenshot(page, 'workbench.png');
    assert.ok(file.endsWith('workbench.png'));
  });

  it('an API key from the palette carries the configured prefix', async () => {
    await newUntitledFile(page);
    await runFromPalette(page, 'Keysmith: Insert API Key');
    assert.match((await waitForEditorText(page, /sk_[0-9a-f]{64}/)).trim(), /^sk_[0-9a-f]{64}$/);
  });

  it('encrypts the selection with a password asked twice, and decrypts it back', async () => {
    await newUntitledFile(page);
    await page.keyboard.type('db_password: hunter2');
    await page.keyboard.press('Control+A');
    await runFromPalette(page, 'Keysmith: Encrypt Selection');
    await answerQuickInput(page, 'Use a password', 'Use a password');
    await answerInputBox(page, 'Password', 'tr0ub4dor&3');
    await answerInputBox(page, 'Confirm Password', 'tr0ub4dor&3');
    const encrypted = await waitForEditorText(
      page,
      /^\{"v":1,"algorithm":"AES-256-GCM","kdf":"PBKDF2-SHA256","iterations":600000,/,
    );
    assert.doesNotMatch(encrypted, /hunter2/);
    await saveScreenshot(page, 'encrypted.png');

    // A wrong password: an error notification, and the envelope stays.
    await page.keyboard.press('Control+A');
    await runFromPalette(page, 'Keysmith: Decrypt Selection');
    await answerInputBox(page, 'Password', 'wrong password');
    await expectNotification(page, 'Could not decrypt: the key or password is wrong');
    assert.equal(await editorText(page), encrypted);

    await page.keyboard.press('Control+A');
    await runFromPalette(page, 'Keysmith: Decrypt Selection');
    await answerInputBox(page, 'Password', 'tr0ub4dor&3');
    assert.equal(await waitForEditorText(page, /^db_password: hunter2$/), 'db_password: hunter2');
  });
});

/**
 * UI test of the Stored Keys pane as a person meets it: a native pane in the Keysmith container
 * with Store a Key in its title bar, a welcome button while nothing is stored, and a row per key
 * with its inline actions once one is.
 */
import type { Locator, Page } from 'playwright-core';
import { saveScreenshot } from '../host/harness';
import { answerInputBox, answerQuickInput, expectNotification, useWorkbench } from './workbench';

const NAME = 'ui-stored';

/** The Stored Keys pane (header and body) of the shown Keysmith container. */
function storedKeysPane(page: Page): Locator {
  const header = page.locator('.pane-header', { has: page.locator('.title', { hasText: /^Stored Keys$/ }) });
  return page.locator('.sidebar .pane', { has: header }).first();
}

describe('Stored Keys pane', function () {
  this.timeout(120_000);
  const workbench = useWorkbench('stored-keys');
  let page: Page;

  before(() => {
    page = workbench().page;
  });

  it('is a pane of the Keysmith container with Store a Key in its title bar, and a welcome button', async () => {
    await page.locator('.activitybar [aria-label^="Keysmith"]').first().click();
    await page.locator('.sidebar .composite.title', { hasText: 'Keysmith' }).first().waitFor();
    const pane = storedKeysPane(page);
    await pane.waitFor({ timeout: 30_000 });
    // Pane title actions show while the pointer is over the header.
    await pane.locator('.pane-header').hover();
    await pane
      .locator('.pane-header .actions .action-label[aria-label^="Store a Key…"]')
      .waitFor({ state: 'visible' });
    await pane
      .locator('.welcome-view-content .monaco-button', { hasText: /^Store a Key$/ })
      .waitFor({ state: 'visible' });
  });

  it('the welcome button stores a key, which becomes a row with Copy, Encrypt and Remove inline', async () => {
    const pane = storedKeysPane(page);
    await pane.locator('.welcome-view-content .monaco-button', { hasText: /^Store a Key$/ }).click();
    await answerInputBox(page, 'Store a Key', NAME);
    await answerQuickInput(page, 'Generate a new random key', 'Generate a new random key');
    await expectNotification(page, `stored key "${NAME}"`);
    const row = pane.locator('.monaco-list-row', { hasText: NAME }).first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await row.hover();
    for (const label of ['Copy a Stored Key…', 'Encrypt Selection with This Key', 'Remove a Stored Key…']) {
      await row.locator(`.actions .action-label[aria-label^="${label}"]`).waitFor({ state: 'visible' });
    }
    await saveScreenshot(page, 'ui-stored-keys.png');
  });
});

/**
 * The editor's context menu in the real workbench: Keysmith's entries appear where they can run,
 * and they run. The README's pictures of the menu and of an encrypted document are taken here.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { saveScreenshot } from '../host/harness';
import {
  answerInputBox,
  answerQuickInput,
  newUntitledFile,
  saveReadmePicture,
  useWorkbench,
  waitForEditorText,
} from './workbench';

describe('editor context menu', function () {
  this.timeout(120_000);
  // Wrapped lines, so the picture of an encrypted document shows the whole envelope.
  const workbench = useWorkbench('context', {
    settings: { 'editor.wordWrap': 'on', 'editor.minimap.enabled': false },
  });
  let page: Page;

  before(() => {
    page = workbench().page;
  });

  const menu = () => page.locator('.context-view .monaco-menu').first();
  // By role and exact name: a submenu's item lives inside its parent's element in the DOM.
  const menuItem = (label: string) => page.getByRole('menuitem', { name: label, exact: true }).first();

  const editorLines = () =>
    page.locator('.editor-instance .monaco-editor .view-lines >> visible=true').first().locator('.view-line');

  /** Right-clicks on the first line, near its start (where the cursor goes too). */
  async function openContextMenu(): Promise<void> {
    await editorLines()
      .first()
      .click({ button: 'right', position: { x: 30, y: 5 } });
    await menu().waitFor();
  }

  /** Opens a submenu and clicks one of its items, moving the pointer as a person would. */
  async function clickInSubmenu(submenu: string, label: string): Promise<void> {
    await menuItem(submenu).hover();
    await clickMenuItem(label);
  }

  /**
   * Hover, a short pause, then click: the menu ignores a click that comes right after it opened
   * (so the right-click's own mouse-up does not pick an item).
   */
  async function clickMenuItem(label: string): Promise<void> {
    const item = menuItem(label);
    await item.waitFor();
    await item.hover();
    await page.waitForTimeout(250);
    await item.click();
  }

  it('inserts a key from the Keysmith: Insert submenu', async () => {
    await newUntitledFile(page);
    await openContextMenu();
    await clickInSubmenu('Keysmith: Insert', 'Insert UUID v4');
    assert.match(
      (await waitForEditorText(page, /[0-9a-f]{8}-/)).trim(),
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('offers Encrypt Selection only with a selection, and it encrypts', async () => {
    await newUntitledFile(page);
    await page.keyboard.type('token: s3cr3t');
    await openContextMenu();
    assert.equal(await menuItem('Encrypt Selection').count(), 0, 'no selection, no Encrypt Selection');
    await page.keyboard.press('Escape');

    await page.keyboard.press('Control+A');
    await openContextMenu();
    await saveScreenshot(page, 'context-menu.png');
    await menuItem('Encrypt Selection').hover();
    await page.waitForTimeout(250);
    await saveReadmePicture(page, 'context-menu.png', [menu(), editorLines().first()], 6);
    await clickMenuItem('Encrypt Selection');
    await answerQuickInput(page, 'Use a password', 'Use a password');
    await answerInputBox(page, 'Password', 'pa55word');
    await answerInputBox(page, 'Confirm Password', 'pa55word');
    await waitForEditorText(page, /^\{"v":1,"algorithm":"AES-256-GCM","kdf":"PBKDF2-SHA256"/);
    // The document as it now is: the tab, and the envelope where the text was (not selected), with
    // its CodeLens — which arrives a moment later and moves the line down, so it is waited for.
    await page.locator('.contentWidgets .codelens-decoration').first().waitFor();
    await page.keyboard.press('End');
    await page.mouse.move(1200, 700);
    await saveReadmePicture(
      page,
      'encrypted-document.png',
      [page.locator('.editor-group-container .title').first(), editorLines().last()],
      12,
    );

    // Decrypt from the menu with the cursor inside the envelope (no selection needed).
    await openContextMenu();
    await clickMenuItem('Decrypt Selection');
    await answerInputBox(page, 'Password', 'pa55word');
    assert.equal((await waitForEditorText(page, /^token: s3cr3t$/)).trim(), 'token: s3cr3t');
  });
});

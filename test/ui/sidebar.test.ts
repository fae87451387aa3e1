/**
 * UI tests of the Keysmith sidebar view in the real workbench (code-server in headless Chromium):
 * a person's path through the webview's forms, the document they change, and screenshots of the
 * view in a dark and a light theme at a usual and at the narrowest sidebar width.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { ROOT, saveScreenshot } from '../host/harness';
import {
  answerQuickInput,
  editorText,
  newUntitledFile,
  openSidebarView,
  runFromPalette,
  setSidebarWidth,
  sidebarView,
  waitForEditorText,
  useWorkbench,
} from './workbench';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PASSWORD = 'tr0ub4dor&3';

describe('sidebar view UI', function () {
  this.timeout(180_000);
  const workbench = useWorkbench('sidebar', {
    settings: { 'workbench.colorTheme': 'Default Dark Modern' },
    viewport: { width: 1280, height: 1000 },
  });
  let page: Page;
  /** The view's page: the webview's outer frame, then VS Code's inner frame that holds our HTML. */
  let view: FrameLocator;

  before(() => {
    page = workbench().page;
    view = sidebarView(page);
  });

  async function openView(): Promise<void> {
    await openSidebarView(page);
  }

  async function keyValue(): Promise<string> {
    return (await view.locator('#key-value').textContent()) ?? '';
  }

  /** Picks a type and waits until the key on show is a new one of that type. */
  async function generate(type: string, pattern: RegExp): Promise<string> {
    const before = await keyValue();
    await view.locator('#key-type').selectOption(type);
    return waitForNewKey(before, pattern);
  }

  async function waitForNewKey(before: string, pattern: RegExp): Promise<string> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const value = await keyValue();
      if (value !== before && pattern.test(value)) return value;
      await page.waitForTimeout(50);
    }
    throw new Error(`no new ${pattern} key appeared (the panel shows ${JSON.stringify(await keyValue())})`);
  }

  /** Whether anything in the view is wider than the view (a horizontal scroll bar). */
  async function overflowsHorizontally(): Promise<boolean> {
    return view
      .locator('body')
      .evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  }

  it('opens from the activity bar: four forms and a first key with its entropy', async () => {
    await openView();
    for (const heading of ['Generate Key', 'Key Pair', 'Encrypt', 'Decrypt']) {
      await view.locator('summary h2', { hasText: new RegExp(`^${heading}$`, 'i') }).waitFor();
    }
    assert.match(await keyValue(), /^sk_[0-9a-f]{64}$/);
    assert.equal(await view.locator('#key-entropy').textContent(), '256 bits of entropy');
    // Labels belong to their controls (what a screen reader and a click rely on).
    await view.getByLabel('Type', { exact: true }).selectOption('uuid-v4');
    await view.locator('#key-value').filter({ hasText: UUID }).waitFor();
  });

  it('generates each key type and inserts it at the cursor', async () => {
    await newUntitledFile(page);
    const inserted: string[] = [];
    const cases: [string, RegExp, (() => Promise<void>)?][] = [
      ['api-key', /^sk_[0-9a-f]{64}$/],
      ['uuid-v4', UUID],
      [
        'nanoid',
        /^[A-Za-z0-9_-]{10}$/,
        async () => {
          await view.locator('#key-length').fill('10');
          await view.locator('#key-length').press('Enter');
        },
      ],
      ['secret', /^[0-9a-f]{10}$/],
    ];
    for (const [type, pattern, setUp] of cases) {
      let value = await generate(type, type === 'nanoid' ? /./ : pattern);
      if (setUp) {
        await setUp();
        await view.locator('#key-value').filter({ hasText: pattern }).waitFor();
        value = await keyValue();
      }
      assert.match(value, pattern);
      await view.locator('#key-insert').click();
      await view.locator('#key-status', { hasText: 'Inserted at the cursor.' }).waitFor();
      inserted.push(value);
      assert.equal((await waitForEditorText(page, new RegExp(`${value}$`))).trim(), inserted.join(''));
    }
    // The length stayed 10 for the secret too (one field), so its entropy is 40 bits.
    assert.equal(await view.locator('#key-entropy').textContent(), '40 bits of entropy');
  });

  it('an invalid option is shown under its field and nothing is on offer to insert', async () => {
    await view.locator('#key-type').selectOption('nanoid');
    await view.locator('#key-length').fill('1');
    await view.locator('#key-length').press('Enter');
    const error = view.locator('#key-length-error');
    await error.filter({ hasText: 'length must be a whole number from 2 to 256' }).waitFor();
    assert.equal(await view.locator('#key-length').getAttribute('aria-invalid'), 'true');
    assert.equal(await view.locator('#key-result').isHidden(), true);
    await view.locator('#key-length').fill('');
    await view.locator('#key-length').press('Enter');
    await view
      .locator('#key-value')
      .filter({ hasText: /^[A-Za-z0-9_-]{21}$/ })
      .waitFor();
    assert.equal(await error.isHidden(), true);
  });

  it('encrypts a selection and decrypts it back from the panel; a wrong password changes nothing', async () => {
    await newUntitledFile(page);
    await page.keyboard.type('db_password: hunter2');
    await page.keyboard.press('Control+A');

    await view.locator('#enc-source').selectOption('password');
    await view.locator('#enc-password').fill(PASSWORD);
    await view.locator('#enc-confirm').fill(PASSWORD);
    await view.locator('#enc-selection').click();
    const encrypted = await waitForEditorText(
      page,
      /^\{"v":1,"algorithm":"AES-256-GCM","kdf":"PBKDF2-SHA256",.*\}$/,
    );
    assert.doesNotMatch(encrypted, /hunter2/);
    await view.locator('#enc-sel-status', { hasText: 'Encrypted the selection.' }).waitFor();
    // The password lived as long as the request.
    assert.equal(await view.locator('#enc-password').inputValue(), '');
    assert.equal(await view.locator('#enc-confirm').inputValue(), '');

    // A wrong password: the real error, inline on the password field — not in a notification —
    // and the envelope stays as it was.
    await page.locator('.editor-instance .monaco-editor .view-lines >> visible=true').first().click();
    await page.keyboard.press('Control+A');
    await view.locator('#dec-source').selectOption('password');
    await view.locator('#dec-password').fill('wrong password');
    await view.locator('#dec-selection').click();
    await view
      .locator('#dec-password-error', { hasText: /^Could not decrypt: the key or password is wrong/ })
      .waitFor({ timeout: 30_000 });
    assert.equal(await view.locator('#dec-password').getAttribute('aria-invalid'), 'true');
    assert.equal(await view.locator('#dec-sel-error').isHidden(), true, 'not a second time under the button');
    // A notification would have been sent before the reply; give it a moment to show, if any.
    const toast = page.locator('.notification-toast', { hasText: 'Could not decrypt' }).first();
    const notified = await toast.waitFor({ timeout: 1_000 }).then(
      () => true,
      () => false,
    );
    assert.equal(notified, false, 'no notification: the panel shows the error');
    assert.equal(await editorText(page), encrypted);
    assert.equal(await view.locator('#dec-password').inputValue(), '');

    // The envelope pasted into the panel, with the wrong password: the error is on the password.
    await view.locator('#dec-envelope').fill(encrypted);
    await view.locator('#dec-password').fill('wrong password');
    await view.locator('#dec-text').click();
    await view
      .locator('#dec-password-error', { hasText: 'Could not decrypt: the key or password is wrong' })
      .waitFor({ timeout: 30_000 });
    assert.equal(await view.locator('#dec-result').isHidden(), true, 'no plaintext at all');
    await saveScreenshot(page, 'sidebar-wrong-password.png');

    // The right password: masked until revealed.
    await view.locator('#dec-password').fill(PASSWORD);
    await view.locator('#dec-text').click();
    await view.locator('#dec-result').waitFor({ timeout: 30_000 });
    assert.doesNotMatch((await view.locator('#dec-plaintext').textContent()) ?? '', /hunter2/);
    await view.locator('#dec-reveal').click();
    assert.equal(await view.locator('#dec-plaintext').textContent(), 'db_password: hunter2');
    assert.equal(await view.locator('#dec-reveal').getAttribute('aria-pressed'), 'true');
    await view.locator('#dec-reveal').click();
    await view.locator('#dec-clear').click();
    assert.equal(await view.locator('#dec-result').isHidden(), true);

    // And back in the editor, from the panel.
    await page.locator('.editor-instance .monaco-editor .view-lines >> visible=true').first().click();
    await page.keyboard.press('Control+A');
    await view.locator('#dec-password').fill(PASSWORD);
    await view.locator('#dec-selection').click();
    assert.equal(await waitForEditorText(page, /^db_password: hunter2$/), 'db_password: hunter2');
  });

  it('encrypts text typed into the panel and inserts the envelope', async () => {
    await newUntitledFile(page);
    await view.locator('#enc-source').selectOption('key');
    await view.locator('#enc-key').fill('00'.repeat(31));
    await view.locator('#enc-plaintext').fill('api_token=abc');
    await view.locator('#enc-text').click();
    await view.locator('#enc-key-error', { hasText: '64 hexadecimal characters' }).waitFor();
    assert.equal(await view.locator('#enc-result').isHidden(), true);

    await view.locator('#enc-key').fill('ab'.repeat(32));
    await view.locator('#enc-text').click();
    await view.locator('#enc-result').waitFor();
    const envelope = await view.locator('#enc-envelope').inputValue();
    assert.match(envelope, /^\{"v":1,"algorithm":"AES-256-GCM","iv":/);
    assert.equal(await view.locator('#enc-key').inputValue(), '', 'the key field is cleared');
    await view.locator('#enc-insert').click();
    assert.equal(await waitForEditorText(page, /^\{"v":1/), envelope);
  });

  it('saves a key pair as PEM files, with progress while RSA works, and shows the public key', async () => {
    await view.locator('#pair-algorithm').selectOption('RSA');
    await view.locator('#pair-size').selectOption('4096');
    await view.locator('#pair-name').fill('ui-sidebar');
    await view.locator('#pair-save').click();
    await view.locator('#pair-progress').waitFor({ state: 'visible', timeout: 10_000 });
    await view.locator('#pair-result').waitFor({ timeout: 60_000 });
    const publicKey = await view.locator('#pair-public').inputValue();
    assert.match(publicKey, /^-----BEGIN PUBLIC KEY-----/);
    assert.equal(
      readFileSync(path.join(workbench().workspace, 'keys', 'ui-sidebar_public.pem'), 'utf8'),
      publicKey,
    );
    assert.ok(existsSync(path.join(workbench().workspace, 'keys', 'ui-sidebar_private.pem')));
    assert.equal(await view.locator('#pair-progress').isHidden(), true);

    // Again with the same name: the error is on the name, with a way to replace the files.
    await view.locator('#pair-algorithm').selectOption('EC');
    await view.locator('#pair-save').click();
    await view.locator('#pair-name-error', { hasText: 'already exists' }).waitFor();
    await view.locator('#pair-replace').click();
    await view.locator('#pair-status', { hasText: 'Saved' }).waitFor({ timeout: 30_000 });
    assert.notEqual(await view.locator('#pair-public').inputValue(), publicKey);
  });

  it('works from the keyboard: Enter regenerates, Tab reaches the actions, focus is visible', async () => {
    await openView();
    await view.locator('#key-type').selectOption('uuid-v4');
    await view.locator('#key-value').filter({ hasText: UUID }).waitFor();
    const first = await keyValue();
    await view.locator('#key-regenerate').focus();
    await page.keyboard.press('Enter');
    await waitForNewKey(first, UUID);
    await page.keyboard.press('Tab');
    assert.equal(await view.locator(':focus').getAttribute('id'), 'key-copy-json');
    const outline = await view
      .locator('#key-copy-json')
      .evaluate((element) => getComputedStyle(element).outlineStyle);
    assert.equal(outline, 'solid');
  });

  it('looks right in dark and light themes, at a usual and at the narrowest width (screenshots)', async () => {
    await openView();
    // Something in every section: a key, an inline error, an envelope.
    await view.locator('#key-type').selectOption('api-key');
    await view.locator('#enc-source').selectOption('password');
    await view.locator('#enc-password').fill('x');
    await view.locator('#enc-confirm').fill('y');
    await view.locator('#enc-selection').click();
    await view.locator('#enc-confirm-error', { hasText: 'do not match' }).waitFor();

    // A window tall enough for the whole view, so each screenshot shows all four forms.
    await page.setViewportSize({ width: 1280, height: 2300 });
    for (const theme of ['dark', 'light']) {
      if (theme === 'light') {
        await runFromPalette(page, 'Preferences: Color Theme');
        await answerQuickInput(page, 'Light Modern', 'Light Modern');
        await page.waitForTimeout(500);
      }
      for (const width of [300, 170]) {
        await setSidebarWidth(page, width);
        const actual = (await page.locator('.part.sidebar').boundingBox())!.width;
        assert.ok(Math.abs(actual - width) <= 8, `the side bar is ${width}px wide (it is ${actual}px)`);
        assert.equal(
          await overflowsHorizontally(),
          false,
          `no horizontal scrolling at ${actual}px (${theme})`,
        );
        await view.locator('body').evaluate(() => window.scrollTo(0, 0));
        await page
          .locator('.part.sidebar')
          .screenshot({ path: path.join(ROOT, 'test-results', `sidebar-${theme}-${width}.png`) });
      }
      await saveScreenshot(page, `sidebar-${theme}-workbench.png`);
    }
    await page.setViewportSize({ width: 1280, height: 1000 });
  });
});

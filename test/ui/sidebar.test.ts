/**
 * UI tests of the Keysmith container's webview views in the real workbench (code-server in headless
 * Chromium): one native pane per operation (Generate Key, Key Pair, Encrypt, Decrypt), a person's
 * path through their forms and title-bar buttons, the document they change, what survives hiding
 * a view (the non-secret choices) and what does not (secrets, plaintext, results), and screenshots
 * in a dark and a light theme at a usual and at the narrowest sidebar width.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { OPERATIONS, type Operation } from '../../src/protocol';
import { inspectKey } from '../../src/core/keyFormats';
import { ROOT, saveScreenshot } from '../host/harness';
import {
  answerQuickInput,
  clickViewTitleAction,
  editorText,
  expandView,
  newUntitledFile,
  openSidebarView,
  runFromPalette,
  setSidebarWidth,
  sidebarView,
  viewPane,
  VIEW_TITLES,
  waitForEditorText,
  useWorkbench,
} from './workbench';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PASSWORD = 'tr0ub4dor&3';
const FORM_IDS: Record<Operation, string> = {
  generateKey: '#key-form',
  keyPair: '#pair-form',
  encrypt: '#enc-form',
  decrypt: '#dec-form',
};

describe('sidebar views UI', function () {
  this.timeout(180_000);
  const workbench = useWorkbench('sidebar', {
    settings: { 'workbench.colorTheme': 'Default Dark Modern' },
    viewport: { width: 1280, height: 1000 },
  });
  let page: Page;
  /** Each view's page: the webview's outer frame, then VS Code's inner frame that holds our HTML. */
  let keyView: FrameLocator;
  let pairView: FrameLocator;
  let encView: FrameLocator;
  let decView: FrameLocator;

  before(() => {
    page = workbench().page;
  });

  /** Shows every view and (re)finds their pages (a view hidden and shown again has a new page). */
  async function openViews(): Promise<void> {
    keyView = await openSidebarView(page, 'generateKey');
    pairView = await openSidebarView(page, 'keyPair');
    encView = await openSidebarView(page, 'encrypt');
    decView = await openSidebarView(page, 'decrypt');
  }

  function editorLines() {
    return page.locator('.editor-instance .monaco-editor .view-lines >> visible=true').first();
  }

  async function keyValue(): Promise<string> {
    return (await keyView.locator('#key-value').textContent()) ?? '';
  }

  /** Picks a type and waits until the key on show is a new one of that type. */
  async function generate(type: string, pattern: RegExp): Promise<string> {
    const before = await keyValue();
    await keyView.locator('#key-type').selectOption(type);
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
  async function overflowsHorizontally(view: FrameLocator): Promise<boolean> {
    return view
      .locator('body')
      .evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  }

  it('opens from the activity bar: one native pane per operation, each page with its form only', async () => {
    await openViews();
    for (const operation of OPERATIONS) {
      await viewPane(page, operation).locator('.pane-header').first().waitFor();
      const view = await sidebarView(page, operation);
      for (const other of OPERATIONS) {
        assert.equal(
          await view.locator(FORM_IDS[other]).count(),
          other === operation ? 1 : 0,
          `the ${VIEW_TITLES[operation]} page holds ${other === operation ? 'its' : 'no other'} form`,
        );
      }
      // VS Code's pane header is the header now: no imitation of one in the page.
      assert.equal(await view.locator('summary, details, h2').count(), 0);
    }
    assert.match(await keyValue(), /^sk_[0-9a-f]{64}$/);
    assert.equal(await keyView.locator('#key-entropy').textContent(), '256 bits of entropy');
    // Labels belong to their controls (what a screen reader and a click rely on).
    await keyView.getByLabel('Type', { exact: true }).selectOption('uuid-v4');
    await keyView.locator('#key-value').filter({ hasText: UUID }).waitFor();
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
          await keyView.locator('#key-length').fill('10');
          await keyView.locator('#key-length').press('Enter');
        },
      ],
      ['secret', /^[0-9a-f]{10}$/],
    ];
    for (const [type, pattern, setUp] of cases) {
      let value = await generate(type, type === 'nanoid' ? /./ : pattern);
      if (setUp) {
        await setUp();
        await keyView.locator('#key-value').filter({ hasText: pattern }).waitFor();
        value = await keyValue();
      }
      assert.match(value, pattern);
      await keyView.locator('#key-insert').click();
      await keyView.locator('#key-status', { hasText: 'Inserted at the cursor.' }).waitFor();
      inserted.push(value);
      assert.equal((await waitForEditorText(page, new RegExp(`${value}$`))).trim(), inserted.join(''));
    }
    // The length stayed 10 for the secret too (one field), so its entropy is 40 bits.
    assert.equal(await keyView.locator('#key-entropy').textContent(), '40 bits of entropy');
  });

  it('an invalid option is shown under its field and nothing is on offer to insert', async () => {
    await keyView.locator('#key-type').selectOption('nanoid');
    await keyView.locator('#key-length').fill('1');
    await keyView.locator('#key-length').press('Enter');
    const error = keyView.locator('#key-length-error');
    await error.filter({ hasText: 'length must be a whole number from 2 to 256' }).waitFor();
    assert.equal(await keyView.locator('#key-length').getAttribute('aria-invalid'), 'true');
    assert.equal(await keyView.locator('#key-result').isHidden(), true);
    await keyView.locator('#key-length').fill('');
    await keyView.locator('#key-length').press('Enter');
    await keyView
      .locator('#key-value')
      .filter({ hasText: /^[A-Za-z0-9_-]{21}$/ })
      .waitFor();
    assert.equal(await error.isHidden(), true);
  });

  it('encrypts a selection and decrypts it back from the panel; a wrong password changes nothing', async () => {
    await newUntitledFile(page);
    await page.keyboard.type('db_password: hunter2');
    await page.keyboard.press('Control+A');

    await encView.locator('#enc-source').selectOption('password');
    await encView.locator('#enc-password').fill(PASSWORD);
    await encView.locator('#enc-confirm').fill(PASSWORD);
    await encView.locator('#enc-selection').click();
    const encrypted = await waitForEditorText(
      page,
      /^\{"v":1,"algorithm":"AES-256-GCM","kdf":"PBKDF2-SHA256",.*\}$/,
    );
    assert.doesNotMatch(encrypted, /hunter2/);
    await encView.locator('#enc-sel-status', { hasText: 'Encrypted the selection.' }).waitFor();
    // The password lived as long as the request.
    assert.equal(await encView.locator('#enc-password').inputValue(), '');
    assert.equal(await encView.locator('#enc-confirm').inputValue(), '');

    // A wrong password: the real error, inline on the password field — not in a notification —
    // and the envelope stays as it was.
    await editorLines().click();
    await page.keyboard.press('Control+A');
    await decView.locator('#dec-source').selectOption('password');
    await decView.locator('#dec-password').fill('wrong password');
    await decView.locator('#dec-selection').click();
    await decView
      .locator('#dec-password-error', { hasText: /^Could not decrypt: the key or password is wrong/ })
      .waitFor({ timeout: 30_000 });
    assert.equal(await decView.locator('#dec-password').getAttribute('aria-invalid'), 'true');
    assert.equal(
      await decView.locator('#dec-sel-error').isHidden(),
      true,
      'not a second time under the button',
    );
    // A notification would have been sent before the reply; give it a moment to show, if any.
    const toast = page.locator('.notification-toast', { hasText: 'Could not decrypt' }).first();
    const notified = await toast.waitFor({ timeout: 1_000 }).then(
      () => true,
      () => false,
    );
    assert.equal(notified, false, 'no notification: the panel shows the error');
    assert.equal(await editorText(page), encrypted);
    assert.equal(await decView.locator('#dec-password').inputValue(), '');

    // The envelope pasted into the panel, with the wrong password: the error is on the password.
    await decView.locator('#dec-envelope').fill(encrypted);
    await decView.locator('#dec-password').fill('wrong password');
    await decView.locator('#dec-text').click();
    await decView
      .locator('#dec-password-error', { hasText: 'Could not decrypt: the key or password is wrong' })
      .waitFor({ timeout: 30_000 });
    assert.equal(await decView.locator('#dec-result').isHidden(), true, 'no plaintext at all');
    await saveScreenshot(page, 'sidebar-wrong-password.png');

    // The right password: masked until revealed.
    await decView.locator('#dec-password').fill(PASSWORD);
    await decView.locator('#dec-text').click();
    await decView.locator('#dec-result').waitFor({ timeout: 30_000 });
    assert.doesNotMatch((await decView.locator('#dec-plaintext').textContent()) ?? '', /hunter2/);
    await decView.locator('#dec-reveal').click();
    assert.equal(await decView.locator('#dec-plaintext').textContent(), 'db_password: hunter2');
    assert.equal(await decView.locator('#dec-reveal').getAttribute('aria-pressed'), 'true');
    await decView.locator('#dec-reveal').click();
    await decView.locator('#dec-clear').click();
    assert.equal(await decView.locator('#dec-result').isHidden(), true);

    // And back in the editor, from the panel.
    await editorLines().click();
    await page.keyboard.press('Control+A');
    await decView.locator('#dec-password').fill(PASSWORD);
    await decView.locator('#dec-selection').click();
    assert.equal(await waitForEditorText(page, /^db_password: hunter2$/), 'db_password: hunter2');
  });

  it('encrypts text typed into the panel and inserts the envelope', async () => {
    await newUntitledFile(page);
    await encView.locator('#enc-source').selectOption('key');
    await encView.locator('#enc-key').fill('00'.repeat(31));
    await encView.locator('#enc-plaintext').fill('api_token=abc');
    await encView.locator('#enc-text').click();
    await encView.locator('#enc-key-error', { hasText: '64 hexadecimal characters' }).waitFor();
    assert.equal(await encView.locator('#enc-result').isHidden(), true);

    await encView.locator('#enc-key').fill('ab'.repeat(32));
    await encView.locator('#enc-text').click();
    await encView.locator('#enc-result').waitFor();
    const envelope = await encView.locator('#enc-envelope').inputValue();
    assert.match(envelope, /^\{"v":1,"algorithm":"AES-256-GCM","iv":/);
    assert.equal(await encView.locator('#enc-key').inputValue(), '', 'the key field is cleared');
    await encView.locator('#enc-insert').click();
    assert.equal(await waitForEditorText(page, /^\{"v":1/), envelope);
  });

  it('saves a key pair as PEM files, with progress while RSA works, and shows the public key', async () => {
    await pairView.locator('#pair-algorithm').selectOption('RSA');
    await pairView.locator('#pair-size').selectOption('4096');
    await pairView.locator('#pair-name').fill('ui-sidebar');
    await pairView.locator('#pair-save').click();
    await pairView.locator('#pair-progress').waitFor({ state: 'visible', timeout: 10_000 });
    await pairView.locator('#pair-result').waitFor({ timeout: 60_000 });
    const publicKey = await pairView.locator('#pair-public').inputValue();
    assert.match(publicKey, /^-----BEGIN PUBLIC KEY-----/);
    assert.equal(
      readFileSync(path.join(workbench().workspace, 'keys', 'ui-sidebar_public.pem'), 'utf8'),
      publicKey,
    );
    assert.ok(existsSync(path.join(workbench().workspace, 'keys', 'ui-sidebar_private.pem')));
    assert.equal(await pairView.locator('#pair-progress').isHidden(), true);

    // Again with the same name: the error is on the name, with a way to replace the files.
    await pairView.locator('#pair-algorithm').selectOption('EC');
    await pairView.locator('#pair-save').click();
    await pairView.locator('#pair-name-error', { hasText: 'already exists' }).waitFor();
    await pairView.locator('#pair-replace').click();
    await pairView.locator('#pair-status', { hasText: 'Saved' }).waitFor({ timeout: 30_000 });
    assert.notEqual(await pairView.locator('#pair-public').inputValue(), publicKey);
  });

  it('saves an Ed25519 OpenSSH pair with a passphrase typed twice and a comment; the passphrase is then cleared', async () => {
    await pairView.locator('#pair-algorithm').selectOption('Ed25519');
    assert.equal(await pairView.locator('#pair-size').isVisible(), false, 'no size for Ed25519');
    assert.equal(await pairView.locator('#pair-curve').isVisible(), false, 'no curve for Ed25519');
    await pairView.locator('#pair-format').selectOption('jwk');
    assert.equal(await pairView.locator('#pair-passphrase').isVisible(), false, 'a JWK has no passphrase');
    await pairView.locator('#pair-format').selectOption('openssh');
    await pairView.locator('#pair-name').fill('ui-ssh');
    await pairView.locator('#pair-passphrase').fill('sidebar passphrase');
    await pairView.locator('#pair-confirm').fill('sidebar passphrasE');
    await pairView.locator('#pair-comment').fill('me@ui');
    await pairView.locator('#pair-save').click();
    await pairView.locator('#pair-confirm-error').filter({ hasText: /./ }).waitFor();
    const keys = path.join(workbench().workspace, 'keys');
    assert.equal(existsSync(path.join(keys, 'ui-ssh')), false, 'nothing written on a mismatch');

    await pairView.locator('#pair-confirm').fill('sidebar passphrase');
    await pairView.locator('#pair-save').click();
    await pairView.locator('#pair-status', { hasText: /^Saved .*ui-ssh/ }).waitFor({ timeout: 30_000 });
    const publicLine = await pairView.locator('#pair-public').inputValue();
    assert.match(publicLine, /^ssh-ed25519 AAAA\S+ me@ui\n?$/);
    assert.equal(readFileSync(path.join(keys, 'ui-ssh.pub'), 'utf8'), publicLine);
    const privateText = readFileSync(path.join(keys, 'ui-ssh'), 'utf8');
    assert.match(privateText, /^-----BEGIN OPENSSH PRIVATE KEY-----/);
    const opened = await inspectKey(privateText, { passphrase: 'sidebar passphrase' });
    assert.ok(!Array.isArray(opened) && opened.encrypted && opened.algorithm === 'Ed25519');
    assert.equal(await pairView.locator('#pair-passphrase').inputValue(), '');
    assert.equal(await pairView.locator('#pair-confirm').inputValue(), '');
    await pairView.locator('#pair-format').selectOption('pem');
    await pairView.locator('#pair-algorithm').selectOption('EC');
  });

  it('works from the keyboard: Enter regenerates, Tab reaches the actions, focus is visible', async () => {
    await openViews();
    await keyView.locator('#key-type').selectOption('uuid-v4');
    await keyView.locator('#key-value').filter({ hasText: UUID }).waitFor();
    const first = await keyValue();
    await keyView.locator('#key-regenerate').focus();
    await page.keyboard.press('Enter');
    await waitForNewKey(first, UUID);
    await page.keyboard.press('Tab');
    assert.equal(await keyView.locator(':focus').getAttribute('id'), 'key-copy-json');
    const outline = await keyView
      .locator('#key-copy-json')
      .evaluate((element) => getComputedStyle(element).outlineStyle);
    assert.equal(outline, 'solid');
  });

  it('runs the main actions from the panes’ title bars, as the page’s buttons do', async () => {
    await openViews();
    await newUntitledFile(page);
    // Generate Key: Regenerate, Insert, Copy.
    await keyView.locator('#key-type').selectOption('uuid-v4');
    await keyView.locator('#key-value').filter({ hasText: UUID }).waitFor();
    const first = await keyValue();
    await clickViewTitleAction(page, 'generateKey', 'Regenerate');
    const second = await waitForNewKey(first, UUID);
    await clickViewTitleAction(page, 'generateKey', 'Insert at Cursor');
    await keyView.locator('#key-status', { hasText: 'Inserted at the cursor.' }).waitFor();
    assert.equal((await waitForEditorText(page, new RegExp(`${second}$`))).trim(), second);
    await clickViewTitleAction(page, 'generateKey', 'Copy');
    await keyView.locator('#key-status', { hasText: /^Copied/ }).waitFor();

    // Encrypt, then Decrypt, the selection with a typed key.
    const key = 'cd'.repeat(32);
    await editorLines().click();
    await page.keyboard.press('Control+A');
    await encView.locator('#enc-source').selectOption('key');
    await encView.locator('#enc-key').fill(key);
    await clickViewTitleAction(page, 'encrypt', 'Encrypt Selection');
    await waitForEditorText(page, /^\{"v":1,"algorithm":"AES-256-GCM","iv":/);
    await encView.locator('#enc-sel-status', { hasText: 'Encrypted the selection.' }).waitFor();
    await editorLines().click();
    await page.keyboard.press('Control+A');
    await decView.locator('#dec-source').selectOption('key');
    // Without the key: the page's own check, inline, as with its button.
    await clickViewTitleAction(page, 'decrypt', 'Decrypt Selection');
    await decView.locator('#dec-key-error').filter({ hasText: /./ }).waitFor();
    await decView.locator('#dec-key').fill(key);
    await clickViewTitleAction(page, 'decrypt', 'Decrypt Selection');
    assert.equal(await waitForEditorText(page, UUID), second);

    // Key Pair: Save.
    await pairView.locator('#pair-algorithm').selectOption('EC');
    await pairView.locator('#pair-name').fill('ui-title-bar');
    await clickViewTitleAction(page, 'keyPair', 'Save Key Pair');
    // The result area still shows the earlier test's pair: wait for this save's own message.
    await pairView
      .locator('#pair-status', { hasText: /^Saved .*ui-title-bar_private\.pem/ })
      .waitFor({ timeout: 30_000 });
    assert.ok(existsSync(path.join(workbench().workspace, 'keys', 'ui-title-bar_public.pem')));
  });

  /** The outer frame of a view's webview: where VS Code receives what the page gives setState. */
  async function outerFrame(operation: Operation) {
    const element = await page
      .locator(`iframe.webview.ready[data-keysmith-view="${operation}"]`)
      .elementHandle();
    return (await element!.contentFrame())!;
  }

  it('keeps the non-secret choices when a view is hidden and shown, and never a secret', async () => {
    await openViews();
    // Record every state a page hands VS Code: setState goes from the page to the webview's outer
    // frame, which sends it on to the workbench through a MessagePort; listen there.
    for (const operation of OPERATIONS) {
      await (
        await outerFrame(operation)
      ).evaluate(() => {
        const states: string[] = [];
        (window as unknown as { keysmithStates: string[] }).keysmithStates = states;
        const post = MessagePort.prototype.postMessage;
        MessagePort.prototype.postMessage = function (this: MessagePort, ...args: unknown[]) {
          const message = args[0] as { channel?: string; data?: unknown } | undefined;
          if (message?.channel === 'do-update-state') states.push(String(message.data));
          return (post as (...a: unknown[]) => void).apply(this, args);
        } as typeof MessagePort.prototype.postMessage;
      });
    }
    const secret = 'hunter2-plaintext';
    const hexKey = 'ef'.repeat(32);
    await pairView.locator('#pair-algorithm').selectOption('RSA');
    await pairView.locator('#pair-size').selectOption('2048');
    await pairView.locator('#pair-name').fill('kept-name');
    await pairView.locator('#pair-name').press('Tab');
    await keyView.locator('#key-type').selectOption('nanoid');
    await encView.locator('#enc-source').selectOption('password');
    await encView.locator('#enc-password').fill(PASSWORD);
    await encView.locator('#enc-confirm').fill(PASSWORD);
    await encView.locator('#enc-plaintext').fill(secret);
    await decView.locator('#dec-source').selectOption('key');
    await decView.locator('#dec-key').fill(hexKey);
    await decView.locator('#dec-envelope').fill('{"v":1,"algorithm":"AES-256-GCM","iv":"secret-envelope"}');
    await decView.locator('#dec-envelope').press('Tab');

    const states: Record<string, string[]> = {};
    for (const operation of OPERATIONS) {
      states[operation] = await (
        await outerFrame(operation)
      ).evaluate(() => (window as unknown as { keysmithStates: string[] }).keysmithStates);
    }
    const last = (operation: Operation) => states[operation]!.at(-1) ?? '';
    assert.match(last('keyPair'), /RSA/);
    assert.match(last('keyPair'), /kept-name/);
    assert.match(last('keyPair'), /2048/);
    assert.match(last('generateKey'), /nanoid/);
    assert.match(last('encrypt'), /password/);
    assert.match(last('decrypt'), /"dec-source":"key"/);
    const everything = JSON.stringify(states);
    for (const text of [PASSWORD, secret, hexKey, 'secret-envelope'])
      assert.ok(!everything.includes(text), `no saved state holds ${text}`);

    // Hidden: another container, then back; and the Encrypt pane collapsed and expanded again.
    await runFromPalette(page, 'View: Show Explorer');
    await page.locator('.sidebar .composite.title', { hasText: 'Explorer' }).first().waitFor();
    await openViews();
    const encHeader = viewPane(page, 'encrypt').locator('.pane-header').first();
    await encHeader.click();
    await page
      .waitForFunction(
        () => document.querySelector('iframe.webview.ready[data-keysmith-view="encrypt"]') === null,
        undefined,
        { timeout: 10_000 },
      )
      .catch(() => undefined);
    await expandView(page, 'encrypt');
    encView = await openSidebarView(page, 'encrypt');

    assert.equal(await pairView.locator('#pair-algorithm').inputValue(), 'RSA');
    assert.equal(await pairView.locator('#pair-size').inputValue(), '2048');
    assert.equal(await pairView.locator('#pair-name').inputValue(), 'kept-name');
    assert.equal(await keyView.locator('#key-type').inputValue(), 'nanoid');
    assert.equal(await encView.locator('#enc-source').inputValue(), 'password');
    assert.equal(await decView.locator('#dec-source').inputValue(), 'key');
    // The secrets, the plaintext and the pasted envelope went with the page.
    assert.equal(await encView.locator('#enc-password').inputValue(), '');
    assert.equal(await encView.locator('#enc-confirm').inputValue(), '');
    assert.equal(await encView.locator('#enc-plaintext').inputValue(), '');
    assert.equal(await decView.locator('#dec-key').inputValue(), '');
    assert.equal(await decView.locator('#dec-envelope').inputValue(), '');

    // Back to the defaults for the next tests.
    await pairView.locator('#pair-name').fill('');
    await pairView.locator('#pair-name').press('Tab');
    await pairView.locator('#pair-algorithm').selectOption('EC');
    await keyView.locator('#key-type').selectOption('api-key');
  });

  it('looks right in dark and light themes, at a usual and at the narrowest width (screenshots)', async () => {
    await openViews();
    // Something in each pane: a key, an inline error.
    await keyView.locator('#key-type').selectOption('api-key');
    await keyView.locator('#key-value').filter({ hasText: /^sk_/ }).waitFor();
    await encView.locator('#enc-source').selectOption('password');
    await encView.locator('#enc-password').fill('x');
    await encView.locator('#enc-confirm').fill('y');
    await encView.locator('#enc-selection').click();
    await encView.locator('#enc-confirm-error', { hasText: 'do not match' }).waitFor();

    await page.setViewportSize({ width: 1280, height: 2000 });
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
        for (const [operation, view] of [
          ['generateKey', keyView],
          ['keyPair', pairView],
          ['encrypt', encView],
          ['decrypt', decView],
        ] as const) {
          assert.equal(
            await overflowsHorizontally(view),
            false,
            `no horizontal scrolling in ${operation} at ${actual}px (${theme})`,
          );
        }
        await page
          .locator('.part.sidebar')
          .screenshot({ path: path.join(ROOT, 'test-results', `sidebar-${theme}-${width}.png`) });
      }
      await saveScreenshot(page, `sidebar-${theme}-workbench.png`);
    }
    await page.setViewportSize({ width: 1280, height: 1000 });
  });
});

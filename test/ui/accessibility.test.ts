/**
 * Accessibility of the Keysmith container's webview views (Generate Key, Key Pair, Encrypt,
 * Decrypt) in the real workbench: axe-core finds no violations in any of the four pages, in the
 * light and the dark theme — in the default state, with every kind of result shown, and with
 * inline errors shown — and every control of each page is reached with Tab and shows a focus
 * ring. The light and dark pictures of the container in the README are taken here too.
 */
import assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { DomId, OPERATION_ID_PREFIX, OPERATIONS, type Operation } from '../../src/protocol';
import { saveScreenshot } from '../host/harness';
import { describeViolations, keysmithFrames, runAxe } from './axe';
import {
  expandView,
  openSidebarView,
  saveReadmePicture,
  setSidebarWidth,
  useWorkbench,
  viewPane,
} from './workbench';

const THEMES = [
  { name: 'light', colorTheme: 'Default Light Modern' },
  { name: 'dark', colorTheme: 'Default Dark Modern' },
] as const;
const HEX_KEY = 'ab'.repeat(32);

for (const theme of THEMES) {
  describe(`sidebar views accessibility (${theme.name})`, function () {
    this.timeout(180_000);
    const workbench = useWorkbench(`a11y-${theme.name}`, {
      settings: { 'workbench.colorTheme': theme.colorTheme },
      // Tall enough for every pane's whole page: axe judges contrast only of what is on screen.
      viewport: { width: 1280, height: 2400 },
    });
    let page: Page;
    let views: Record<Operation, FrameLocator>;

    async function openViews(): Promise<void> {
      const opened: Partial<Record<Operation, FrameLocator>> = {};
      for (const operation of OPERATIONS) opened[operation] = await openSidebarView(page, operation);
      views = opened as Record<Operation, FrameLocator>;
    }

    before(async () => {
      page = workbench().page;
      await openViews();
      await setSidebarWidth(page, 300);
    });

    /** Runs axe in each of the four views' pages and fails with the list of violations, if any. */
    async function expectNoViolations(state: string): Promise<void> {
      const frames = await keysmithFrames(page);
      assert.deepEqual(
        frames.map((f) => f.operation).sort(),
        [...OPERATIONS].sort(),
        'each of the four views is on show',
      );
      for (const { operation, frame } of frames) {
        const { violations, incomplete } = await runAxe(page, frame);
        const contrastUnsure = incomplete.filter((v) => v.rule === 'color-contrast');
        if (process.env.KEYSMITH_AXE_VERBOSE || contrastUnsure.length > 0) {
          console.log(
            `[axe] ${theme.name}, ${operation}, ${state}: incomplete:\n${describeViolations(incomplete)}`,
          );
        }
        assert.equal(
          violations.length,
          0,
          `${theme.name}, ${operation}, ${state}:\n${describeViolations(violations)}`,
        );
      }
    }

    it('each page has exactly its own ids of DomId, the table both sides of the page import', async () => {
      for (const operation of OPERATIONS) {
        const onPage = await views[operation]
          .locator('body')
          .evaluate(() => [...document.querySelectorAll('[id]')].map((element) => element.id))
          // VS Code's own additions to a webview page (its default styles, its API script) start with _.
          .then((ids) => ids.filter((id) => !id.startsWith('_')));
        // Replace is added next to a "… already exists." error only.
        const expected = Object.values(DomId).filter(
          (id) =>
            id === DomId.app || (id.startsWith(OPERATION_ID_PREFIX[operation]) && id !== DomId.pairReplace),
        );
        assert.deepEqual([...onPage].sort(), [...expected].sort(), operation);
      }
    });

    it('the default state has no violations', async () => {
      await expectNoViolations('default state');
    });

    it('with results shown (a key, a public key, an envelope, a plaintext) it has no violations', async () => {
      await views.keyPair.locator('#pair-name').fill(`a11y-${theme.name}`);
      await views.keyPair.locator('#pair-save').click();
      await views.keyPair.locator('#pair-result').waitFor({ timeout: 30_000 });

      await views.encrypt.locator('#enc-source').selectOption('key');
      await views.encrypt.locator('#enc-key').fill(HEX_KEY);
      await views.encrypt.locator('#enc-plaintext').fill('db_password: hunter2');
      await views.encrypt.locator('#enc-text').click();
      await views.encrypt.locator('#enc-result').waitFor();
      const envelope = await views.encrypt.locator('#enc-envelope').inputValue();

      await views.decrypt.locator('#dec-envelope').fill(envelope);
      await views.decrypt.locator('#dec-source').selectOption('key');
      await views.decrypt.locator('#dec-key').fill(HEX_KEY);
      await views.decrypt.locator('#dec-text').click();
      await views.decrypt.locator('#dec-result').waitFor();
      await views.generateKey.locator('#key-result').waitFor();
      await expectNoViolations('results shown, plaintext masked');

      await views.decrypt.locator('#dec-reveal').click();
      await views.decrypt.locator('#dec-plaintext', { hasText: 'hunter2' }).waitFor();
      await expectNoViolations('results shown, plaintext revealed');
      await views.decrypt.locator('#dec-reveal').click();
    });

    it('with inline errors shown (under fields and under buttons) it has no violations', async () => {
      // Under a field, from the host: a nanoid length out of range.
      await views.generateKey.locator('#key-type').selectOption('nanoid');
      await views.generateKey.locator('#key-length').fill('1');
      await views.generateKey.locator('#key-length').press('Enter');
      await views.generateKey.locator('#key-length-error').filter({ hasText: /./ }).waitFor();
      // Under a field, from the page: the passwords differ.
      await views.encrypt.locator('#enc-source').selectOption('password');
      await views.encrypt.locator('#enc-password').fill('x');
      await views.encrypt.locator('#enc-confirm').fill('y');
      await views.encrypt.locator('#enc-selection').click();
      await views.encrypt.locator('#enc-confirm-error').filter({ hasText: /./ }).waitFor();
      // Under the buttons: no editor to decrypt in.
      await views.decrypt.locator('#dec-source').selectOption('key');
      await views.decrypt.locator('#dec-key').fill(HEX_KEY);
      await views.decrypt.locator('#dec-selection').click();
      await views.decrypt.locator('#dec-sel-error').filter({ hasText: /./ }).waitFor();
      // A key pair's name the host refuses.
      await views.keyPair.locator('#pair-name').fill('../outside');
      await views.keyPair.locator('#pair-save').click();
      await views.keyPair.locator('#pair-name-error').filter({ hasText: /./ }).waitFor();
      await expectNoViolations('inline errors shown');
      await saveScreenshot(page, `a11y-${theme.name}-errors.png`);

      // Back to a clean form for the next tests.
      await views.generateKey.locator('#key-length').fill('');
      await views.generateKey.locator('#key-type').selectOption('api-key');
      await views.keyPair.locator('#pair-name').fill('');
      await views.generateKey.locator('#key-value').filter({ hasText: /^sk_/ }).waitFor();
    });

    it('in each page every control is reached with Tab, in order, and shows a focus ring', async () => {
      for (const { operation, frame } of await keysmithFrames(page)) {
        /** What Tab should reach: every control on show (not disabled, not inside something hidden). */
        const expected = await frame.evaluate(() =>
          [
            ...document.querySelectorAll<HTMLElement>(
              'input, select, textarea, button, [tabindex]:not([tabindex="-1"])',
            ),
          ]
            .filter((el) => !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0)
            .map((el) => el.id || `${el.tagName.toLowerCase()}:${el.textContent?.trim()}`),
        );
        // Into the page from the keyboard (Tab, then back), so the first control shows :focus-visible.
        await frame.locator('input, select, textarea, button').first().focus();
        await page.keyboard.press('Tab');
        await page.keyboard.press('Shift+Tab');
        const reached: string[] = [];
        const unringed: string[] = [];
        for (let i = 0; i < expected.length + 5; i++) {
          const focused = await frame.evaluate(() => {
            const el = document.activeElement as HTMLElement | null;
            if (!el || el === document.body || !document.hasFocus()) return undefined;
            const style = getComputedStyle(el);
            const ring =
              (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) ||
              style.boxShadow !== 'none';
            return { name: el.id || `${el.tagName.toLowerCase()}:${el.textContent?.trim()}`, ring };
          });
          if (!focused || reached.includes(focused.name)) break;
          reached.push(focused.name);
          if (!focused.ring) unringed.push(focused.name);
          await page.keyboard.press('Tab');
        }
        assert.deepEqual(reached, expected, `${operation}: Tab reaches every control on show, in order`);
        assert.deepEqual(unringed, [], `${operation}: every focused control shows a focus ring`);
      }
    });

    it(`pictures the container for the README (sidebar-${theme.name}.png)`, async () => {
      // Generate Key and Encrypt with their results; the Key Pair and Decrypt panes folded.
      await page.setViewportSize({ width: 1280, height: 1000 });
      await setSidebarWidth(page, 300);
      for (const operation of ['keyPair', 'decrypt'] as const) {
        const header = viewPane(page, operation).locator('.pane-header').first();
        if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
      }
      views.encrypt = await openSidebarView(page, 'encrypt');
      await views.encrypt.locator('#enc-source').selectOption('key');
      await views.encrypt.locator('#enc-key').fill(HEX_KEY);
      await views.encrypt.locator('#enc-plaintext').fill('db_password: hunter2');
      await views.encrypt.locator('#enc-text').click();
      await views.encrypt.locator('#enc-result').waitFor();
      await views.encrypt.locator('body').evaluate(() => {
        (document.activeElement as HTMLElement | null)?.blur();
        window.scrollTo(0, 0);
      });
      await page.mouse.move(900, 450);
      await page.waitForTimeout(300);
      await saveReadmePicture(page, `sidebar-${theme.name}.png`, [page.locator('.part.sidebar')]);
      for (const operation of ['keyPair', 'decrypt'] as const) await expandView(page, operation);
      await page.setViewportSize({ width: 1280, height: 2400 });
    });
  });
}

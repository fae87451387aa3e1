/**
 * Accessibility of the sidebar view in the real workbench: axe-core finds no violations in the
 * light and the dark theme — in the default state, with every kind of result shown, and with
 * inline errors shown — and every control is reached with Tab and shows a focus ring. The light
 * and dark pictures of the view in the README are taken here too.
 */
import assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { DomId } from '../../src/protocol';
import { saveScreenshot } from '../host/harness';
import { describeViolations, runAxe, webviewFrames } from './axe';
import { openSidebarView, saveReadmePicture, setSidebarWidth, useWorkbench } from './workbench';

const THEMES = [
  { name: 'light', colorTheme: 'Default Light Modern' },
  { name: 'dark', colorTheme: 'Default Dark Modern' },
] as const;
const HEX_KEY = 'ab'.repeat(32);

for (const theme of THEMES) {
  describe(`sidebar accessibility (${theme.name})`, function () {
    this.timeout(180_000);
    const workbench = useWorkbench(`a11y-${theme.name}`, {
      settings: { 'workbench.colorTheme': theme.colorTheme },
      // Tall enough for the whole view: axe judges contrast only of what is on screen.
      viewport: { width: 1280, height: 2400 },
    });
    let page: Page;
    let view: FrameLocator;

    before(async () => {
      page = workbench().page;
      view = await openSidebarView(page);
      await setSidebarWidth(page, 300);
    });

    /** Runs axe in every webview on show and fails with the list of violations, if any. */
    async function expectNoViolations(state: string): Promise<void> {
      const frames = await webviewFrames(page);
      assert.ok(frames.length > 0, 'a webview is on show');
      for (const frame of frames) {
        const { violations, incomplete } = await runAxe(page, frame);
        const contrastUnsure = incomplete.filter((v) => v.rule === 'color-contrast');
        if (process.env.KEYSMITH_AXE_VERBOSE || contrastUnsure.length > 0) {
          console.log(`[axe] ${theme.name}, ${state}: incomplete:\n${describeViolations(incomplete)}`);
        }
        assert.equal(violations.length, 0, `${theme.name}, ${state}:\n${describeViolations(violations)}`);
      }
    }

    it('has exactly the ids of DomId, the table both sides of the page import', async () => {
      const onPage = await view
        .locator('body')
        .evaluate(() => [...document.querySelectorAll('[id]')].map((element) => element.id))
        // VS Code's own additions to a webview page (its default styles, its API script) start with _.
        .then((ids) => ids.filter((id) => !id.startsWith('_')));
      // Replace is added next to a "… already exists." error only.
      const expected = Object.values(DomId).filter((id) => id !== DomId.pairReplace);
      assert.deepEqual([...onPage].sort(), [...expected].sort());
    });

    it('the default state has no violations', async () => {
      await expectNoViolations('default state');
    });

    it('with results shown (a key, a public key, an envelope, a plaintext) it has no violations', async () => {
      await view.locator('#pair-name').fill(`a11y-${theme.name}`);
      await view.locator('#pair-save').click();
      await view.locator('#pair-result').waitFor({ timeout: 30_000 });

      await view.locator('#enc-source').selectOption('key');
      await view.locator('#enc-key').fill(HEX_KEY);
      await view.locator('#enc-plaintext').fill('db_password: hunter2');
      await view.locator('#enc-text').click();
      await view.locator('#enc-result').waitFor();
      const envelope = await view.locator('#enc-envelope').inputValue();

      await view.locator('#dec-envelope').fill(envelope);
      await view.locator('#dec-source').selectOption('key');
      await view.locator('#dec-key').fill(HEX_KEY);
      await view.locator('#dec-text').click();
      await view.locator('#dec-result').waitFor();
      await expectNoViolations('results shown, plaintext masked');

      await view.locator('#dec-reveal').click();
      await view.locator('#dec-plaintext', { hasText: 'hunter2' }).waitFor();
      await expectNoViolations('results shown, plaintext revealed');
      await view.locator('#dec-reveal').click();
    });

    it('with inline errors shown (under fields and under buttons) it has no violations', async () => {
      // Under a field, from the host: a nanoid length out of range.
      await view.locator('#key-type').selectOption('nanoid');
      await view.locator('#key-length').fill('1');
      await view.locator('#key-length').press('Enter');
      await view.locator('#key-length-error').filter({ hasText: /./ }).waitFor();
      // Under a field, from the page: the passwords differ.
      await view.locator('#enc-source').selectOption('password');
      await view.locator('#enc-password').fill('x');
      await view.locator('#enc-confirm').fill('y');
      await view.locator('#enc-selection').click();
      await view.locator('#enc-confirm-error').filter({ hasText: /./ }).waitFor();
      // Under the buttons: no editor to decrypt in.
      await view.locator('#dec-source').selectOption('key');
      await view.locator('#dec-key').fill(HEX_KEY);
      await view.locator('#dec-selection').click();
      await view.locator('#dec-sel-error').filter({ hasText: /./ }).waitFor();
      // A key pair's name the host refuses.
      await view.locator('#pair-name').fill('../outside');
      await view.locator('#pair-save').click();
      await view.locator('#pair-name-error').filter({ hasText: /./ }).waitFor();
      await expectNoViolations('inline errors shown');
      await saveScreenshot(page, `a11y-${theme.name}-errors.png`);

      // Back to a clean form for the next tests.
      await view.locator('#key-length').fill('');
      await view.locator('#key-type').selectOption('api-key');
      await view.locator('#pair-name').fill('');
      await view.locator('#key-value').filter({ hasText: /^sk_/ }).waitFor();
    });

    it('every control is reached with Tab, in order, and shows a focus ring', async () => {
      const frame = (await webviewFrames(page))[0]!;
      /** What Tab should reach: every control on show (not disabled, not inside something hidden). */
      const expected = await frame.evaluate(() =>
        [
          ...document.querySelectorAll<HTMLElement>(
            'summary, input, select, textarea, button, [tabindex]:not([tabindex="-1"])',
          ),
        ]
          .filter((el) => !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0)
          .filter((el) => el.tagName === 'SUMMARY' || !el.closest('details:not([open])'))
          .map((el) => el.id || `${el.tagName.toLowerCase()}:${el.textContent?.trim()}`),
      );
      // Into the page from the keyboard (Tab, then back), so the first control shows :focus-visible.
      await frame.locator('summary').first().focus();
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
      assert.deepEqual(reached, expected, 'Tab reaches every control on show, in document order');
      assert.deepEqual(unringed, [], 'every focused control shows a focus ring');
    });

    it(`pictures the view for the README (sidebar-${theme.name}.png)`, async () => {
      // Generate Key and Encrypt with their results; the two other forms folded.
      await page.setViewportSize({ width: 1280, height: 1000 });
      await setSidebarWidth(page, 300);
      for (const section of ['#section-pair', '#section-dec']) {
        await view.locator(`${section} > summary`).click();
      }
      await view.locator('#enc-source').selectOption('key');
      await view.locator('#enc-key').fill(HEX_KEY);
      await view.locator('#enc-plaintext').fill('db_password: hunter2');
      await view.locator('#enc-text').click();
      await view.locator('#enc-result').waitFor();
      await view.locator('body').evaluate(() => {
        (document.activeElement as HTMLElement | null)?.blur();
        window.scrollTo(0, 0);
      });
      await page.mouse.move(900, 450);
      await saveReadmePicture(page, `sidebar-${theme.name}.png`, [page.locator('.part.sidebar')]);
      for (const section of ['#section-pair', '#section-dec']) {
        await view.locator(`${section} > summary`).click();
      }
      await page.setViewportSize({ width: 1280, height: 2400 });
    });
  });
}

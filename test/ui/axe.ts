/**
 * axe-core in the sidebar's webview views. Each view's page is the inner frame of VS Code's webview
 * (`iframe.webview.ready` → `iframe#active-frame`). Its document is transparent, so axe would judge
 * contrast against white: the side bar's real background is painted on the frame's root first.
 * The page's Content-Security-Policy admits only the script with its nonce, so axe's source is
 * evaluated in the frame by Playwright rather than added as a script tag.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Frame, Page } from 'playwright-core';
import { ROOT } from '../host/harness';

let axeSource: string | undefined;

/** The inner frame of every webview view on show (Keysmith's pages). */
export async function webviewFrames(page: Page): Promise<Frame[]> {
  const frames: Frame[] = [];
  for (const outer of await page.locator('iframe.webview.ready').elementHandles()) {
    const outerFrame = await outer.contentFrame();
    const inner = await outerFrame?.waitForSelector('iframe#active-frame');
    const frame = await inner?.contentFrame();
    if (frame) frames.push(frame);
  }
  return frames;
}

/** The inner frame of each Keysmith view on show, by the operation its page names (`#app[data-operation]`). */
export async function keysmithFrames(page: Page): Promise<{ operation: string; frame: Frame }[]> {
  const found: { operation: string; frame: Frame }[] = [];
  for (const frame of await webviewFrames(page)) {
    const operation = await frame
      .$eval('#app', (app) => (app as HTMLElement).dataset.operation ?? '')
      .catch(() => '');
    if (operation) found.push({ operation, frame });
  }
  return found;
}

/** One violation, short enough to read in an assertion message. */
export interface Violation {
  rule: string;
  impact: string;
  help: string;
  nodes: { target: string; summary: string }[];
}

/** Paints the side bar's background behind the page and runs axe (WCAG 2.x A/AA and best practices). */
export async function runAxe(
  page: Page,
  frame: Frame,
): Promise<{ violations: Violation[]; incomplete: Violation[] }> {
  axeSource ??= readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  const background = await page
    .locator('.part.sidebar')
    .first()
    .evaluate((sidebar) => getComputedStyle(sidebar).backgroundColor);
  // CSSOM writes are not inline-style markup, so the CSP (style-src without 'unsafe-inline') allows them.
  await frame.evaluate((color) => {
    document.documentElement.style.backgroundColor = color;
  }, background);
  const loaded = await frame.evaluate(() => 'axe' in window);
  if (!loaded) await frame.evaluate(axeSource);
  const results = await frame.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<AxeResults> } }).axe;
    const { violations, incomplete } = await axe.run(document);
    const brief = (list: AxeResults['violations']) =>
      list.map((result) => ({
        rule: result.id,
        impact: result.impact ?? '',
        help: result.help,
        nodes: result.nodes.map((node) => ({
          target: node.target.join(' '),
          summary: node.failureSummary ?? '',
        })),
      }));
    return { violations: brief(violations), incomplete: brief(incomplete) };
  });
  return results;
}

/** Violations as lines: `rule (impact): help — target: why`. */
export function describeViolations(violations: Violation[]): string {
  return violations
    .flatMap((v) =>
      v.nodes.map(
        (n) => `${v.rule} (${v.impact}): ${v.help} — ${n.target}: ${n.summary.replace(/\s+/g, ' ')}`,
      ),
    )
    .join('\n');
}

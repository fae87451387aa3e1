/**
 * UI test: Edit Envelope as a person does it — open a file with an envelope, run Edit Envelope
 * (from the palette with the cursor in the envelope, then from the envelope's Edit CodeLens),
 * type the password into the input box, change the text in the plaintext editor that opens
 * beside, save it (Ctrl+S) — and the file's envelope is a new one (new salt and IV) that opens
 * to the new text with the same password, the rest of the file as it was.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { decrypt, encrypt, parseEnvelope, serializeEnvelope } from '../../src/core';
import { saveScreenshot } from '../host/harness';
import { answerInputBox, runFromPalette, useWorkbench } from './workbench';

const PASSWORD = `ui-${randomBytes(6).toString('hex')}`;
const ENVELOPE = /\{"v":1,[^{}]*\}/;

/** The text of the active editor group's editor as rendered (Monaco draws spaces as U+00A0). */
async function activeEditorText(page: Page): Promise<string> {
  const lines = await page
    .locator('.editor-group-container.active .monaco-editor .view-lines .view-line')
    .allInnerTexts();
  return lines.join('\n').replace(/\u00a0/g, ' ');
}

async function waitForActiveText(page: Page, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 20_000;
  let text = '';
  while (Date.now() < deadline) {
    text = await activeEditorText(page);
    if (pattern.test(text)) return text;
    await page.waitForTimeout(100);
  }
  throw new Error(
    `the active editor never showed ${pattern} (it shows ${JSON.stringify(text.slice(0, 200))})`,
  );
}

/** Opens a workspace file with Quick Open (Ctrl+P), as a person would. */
async function quickOpen(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
}

describe('Edit Envelope in the workbench', function () {
  this.timeout(180_000);
  const workbench = useWorkbench('editEnvelope', {
    // Fast to derive in the test; a new envelope gets the setting's count.
    settings: { 'keysmith.encryption.iterations': 100_000 },
  });
  let page: Page;

  before(() => {
    page = workbench().page;
  });

  /**
   * Edits the envelope of `file` (line 3, `  "token": {envelope}`): the password typed into the
   * input box, the text replaced in the plaintext editor, Ctrl+S; returns the file's new text
   * once the source is saved too.
   */
  async function editAndSave(
    file: string,
    password: string,
    open: () => Promise<void>,
    typed: string,
  ): Promise<string> {
    const name = path.basename(file);
    const before = readFileSync(file, 'utf8');
    await open();
    await answerInputBox(page, 'Password', password);
    // The plaintext editor opens beside, titled after the file and the line.
    await page
      .locator('.tabs-container .tab.active', { hasText: `${name} — line 3` })
      .waitFor({ timeout: 30_000 });
    await waitForActiveText(page, /^old secret$/);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(typed);
    await waitForActiveText(page, new RegExp(`^${typed}$`));
    await page.keyboard.press('Control+S');

    // The source (group 1) now holds a new envelope: save it too, and read the file.
    await page.keyboard.press('Control+1');
    const oldEnvelope = ENVELOPE.exec(before)![0];
    await waitForActiveText(page, /"token": \{"v":1,/);
    const deadline = Date.now() + 20_000;
    while ((await activeEditorText(page)).includes(oldEnvelope.slice(0, 120)) && Date.now() < deadline) {
      await page.waitForTimeout(100);
    }
    await page.keyboard.press('Control+S');
    let onDisk = readFileSync(file, 'utf8');
    while (onDisk === before && Date.now() < deadline) {
      await page.waitForTimeout(100);
      onDisk = readFileSync(file, 'utf8');
    }
    return onDisk;
  }

  async function sourceFile(name: string): Promise<{ file: string; salt: string; iv: string }> {
    const envelope = await encrypt({ plaintext: 'old secret', password: PASSWORD, iterations: 100_000 });
    const file = path.join(workbench().workspace, name);
    writeFileSync(file, `{\n  "name": "demo",\n  "token": ${serializeEnvelope(envelope)}\n}\n`);
    return { file, salt: envelope.salt!, iv: envelope.iv };
  }

  async function expectNewEnvelope(
    onDisk: string,
    old: { salt: string; iv: string },
    text: string,
  ): Promise<void> {
    const written = ENVELOPE.exec(onDisk)?.[0] ?? '';
    assert.equal(onDisk, `{\n  "name": "demo",\n  "token": ${written}\n}\n`, 'only the envelope changed');
    const after = parseEnvelope(written);
    assert.notEqual(after.salt, old.salt);
    assert.notEqual(after.iv, old.iv);
    assert.equal((await decrypt({ envelope: after, password: PASSWORD })).plaintext, text);
  }

  it("from the envelope's Edit CodeLens, before any Keysmith command ran (activated at start-up): password, type, Ctrl+S", async () => {
    const source = await sourceFile('lens-edit.json');
    const onDisk = await editAndSave(
      source.file,
      PASSWORD,
      async () => {
        await quickOpen(page, 'lens-edit.json');
        const edit = page.locator('.contentWidgets .codelens-decoration a', { hasText: /^Edit$/ }).first();
        await edit.waitFor({ timeout: 30_000 });
        await edit.click();
      },
      'from the lens',
    );
    await saveScreenshot(page, 'edit-envelope.png');
    await expectNewEnvelope(onDisk, source, 'from the lens');
  });

  it('from the palette: Edit Envelope, password, type, Ctrl+S — the file gets a fresh envelope', async () => {
    const source = await sourceFile('palette-edit.json');
    const onDisk = await editAndSave(
      source.file,
      PASSWORD,
      async () => {
        await quickOpen(page, 'palette-edit.json');
        // The cursor inside the envelope: a click on its line (it runs past the editor's width).
        await page.locator('.editor-group-container.active .view-line', { hasText: '"token"' }).click();
        await runFromPalette(page, 'Keysmith: Edit Envelope');
      },
      'new secret, typed',
    );
    await expectNewEnvelope(onDisk, source, 'new secret, typed');
  });
});

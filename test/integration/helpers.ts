import * as vscode from 'vscode';
import type { KeyStore } from '../../src/editor/keyStore';
import type { KeysmithTestApi } from '../../src/extension';

export const EXTENSION_ID = 'keysmith.keysmith';

/** A fresh untitled editor holding `text`, with the given selections (default: cursor at 0:0). */
export async function openEditor(text: string, selections?: vscode.Selection[]): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
  const editor = await vscode.window.showTextDocument(document);
  if (selections) editor.selections = selections;
  return editor;
}

export function at(line: number, character: number): vscode.Selection {
  return new vscode.Selection(line, character, line, character);
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

let untitledCount = 0;

/**
 * A new untitled document holding exactly `text`, under a name no other test used (VS Code reuses
 * "Untitled-N" names, and a document still closing could be handed out again under its old name).
 */
export async function openUntitled(text: string, language = 'plaintext'): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.from({
    scheme: 'untitled',
    path: `keysmith-test-${process.pid}-${++untitledCount}`,
  });
  let document = await vscode.workspace.openTextDocument(uri);
  document = await vscode.languages.setTextDocumentLanguage(document, language);
  if (text.includes('\r\n')) {
    // A document has one line ending, LF for a new untitled one: CRLF text needs CRLF set first.
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((builder) => builder.setEndOfLine(vscode.EndOfLine.CRLF));
  }
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, new vscode.Position(0, 0), text);
  if (!(await vscode.workspace.applyEdit(edit)) || document.getText() !== text) {
    throw new Error(`could not fill ${uri.toString()}`);
  }
  return document;
}

/**
 * Closes every editor, reverting each dirty untitled one first (closeAllEditors alone leaves a
 * second dirty untitled document open, and the next test's untitled document could get its name).
 */
export async function closeEverything(): Promise<void> {
  for (const document of vscode.workspace.textDocuments) {
    if (document.isDirty && !document.isClosed && document.uri.scheme === 'untitled') {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  }
  await closeAllEditors();
}

/**
 * Runs `run` with Keysmith's error and warning notifications recorded instead of shown (the tests
 * run in Keysmith's own extension host, so it calls these very functions), each prefixed with its
 * kind: `error: Keysmith: …`.
 */
export async function notificationsDuring<T>(run: () => Promise<T>): Promise<{ value: T; shown: string[] }> {
  const window = vscode.window as unknown as Record<string, unknown>;
  const names = ['showErrorMessage', 'showWarningMessage'];
  const originals = names.map((name) => window[name]);
  const shown: string[] = [];
  for (const name of names) {
    window[name] = (message: string) => {
      shown.push(`${name === 'showErrorMessage' ? 'error' : 'warning'}: ${message}`);
      return Promise.resolve(undefined);
    };
  }
  try {
    return { value: await run(), shown };
  } finally {
    names.forEach((name, index) => (window[name] = originals[index]));
  }
}

/**
 * Replaces a function of the real `vscode.window` (the tests run in Keysmith's own extension host,
 * so Keysmith calls the replacement) until the returned restore function runs.
 */
export function replaceInWindow<K extends keyof typeof vscode.window>(key: K, value: unknown): () => void {
  const window = vscode.window as unknown as Record<string, unknown>;
  const original = window[key];
  window[key] = value;
  return () => {
    window[key] = original;
  };
}

/** The extension's own key store (the real SecretStorage), reached through the Stored Keys view. */
export async function keysmithKeyStore(): Promise<KeyStore> {
  const api = (await vscode.extensions.getExtension<KeysmithTestApi>(EXTENSION_ID)!.activate())!;
  return (api.storedKeys as unknown as { keys: KeyStore }).keys;
}

/**
 * Scripted answers to Keysmith's prompts, until the returned restore functions run: a quick pick
 * gets the first item whose label includes the next text of `picks` (undefined: dismissed), an
 * input box the next text of `inputs` (with `validate`, the box's own check must accept it). Each
 * prompt is recorded in `asked`, with its title (and a pick's labels).
 */
export function scriptPrompts(
  asked: { kind: string; title?: string; labels?: string[] }[],
  picks: (string | undefined)[],
  inputs: (string | undefined)[],
  options: { validate?: boolean } = {},
): (() => void)[] {
  return [
    replaceInWindow(
      'showQuickPick',
      async (
        items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>,
        pickOptions?: vscode.QuickPickOptions,
      ) => {
        const list = await items;
        asked.push({ kind: 'pick', title: pickOptions?.title, labels: list.map((item) => item.label) });
        const wanted = picks.shift();
        return wanted === undefined ? undefined : list.find((item) => item.label.includes(wanted));
      },
    ),
    replaceInWindow('showInputBox', async (boxOptions?: vscode.InputBoxOptions) => {
      asked.push({ kind: 'input', title: boxOptions?.title });
      const value = inputs.shift();
      if (options.validate && value !== undefined) {
        const problem = await boxOptions?.validateInput?.(value);
        if (problem) throw new Error(`the input box refused ${JSON.stringify(value)}: ${String(problem)}`);
      }
      return value;
    }),
  ];
}

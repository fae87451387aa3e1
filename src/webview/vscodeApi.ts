/**
 * The webview's handle on VS Code: post messages to the host and keep a small state across
 * reloads. Each view's page has its own state (VS Code keeps one per webview view). What goes into
 * it is only the non-secret form choices listed in {@link PERSISTED_CONTROLS} — never a key, a
 * password, a plaintext, an envelope or a generated value.
 *
 * setState rather than retainContextWhenHidden: a hidden view's page is then really gone, and
 * with it whatever secret was typed or shown there; only these choices come back with the view.
 */
import { DomId, type FromWebviewMessage } from '../protocol';

interface VsCodeApi {
  postMessage(message: FromWebviewMessage): void;
  getState(): unknown;
  setState(state: SavedState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The form controls whose values are remembered while the view is hidden (none is secret). */
export const PERSISTED_CONTROLS = [
  DomId.keyType,
  DomId.keyPrefix,
  DomId.keyLength,
  DomId.keyAlphabet,
  DomId.pairAlgorithm,
  DomId.pairSize,
  DomId.pairCurve,
  DomId.pairName,
  DomId.pairFolder,
  DomId.pairFormat,
  DomId.encSource,
  DomId.encKeyName,
  DomId.decSource,
  DomId.decKeyName,
] as const;
export type PersistedControl = (typeof PERSISTED_CONTROLS)[number];

export interface SavedState {
  choices: Partial<Record<PersistedControl, string>>;
}

/** acquireVsCodeApi may be called once per page. */
export const vscode: VsCodeApi = acquireVsCodeApi();

/** The saved state, checked: a state from an older version (or none) gives an empty one. */
export function loadState(): SavedState {
  const state = vscode.getState();
  const empty: SavedState = { choices: {} };
  if (typeof state !== 'object' || state === null) return empty;
  const { choices } = state as Record<string, unknown>;
  const result: SavedState = { choices: {} };
  if (typeof choices === 'object' && choices !== null) {
    for (const id of PERSISTED_CONTROLS) {
      const value = (choices as Record<string, unknown>)[id];
      if (typeof value === 'string') result.choices[id] = value;
    }
  }
  return result;
}

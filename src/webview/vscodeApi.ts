/**
 * The webview's handle on VS Code: post messages to the host and keep a small state across
 * reloads. What goes into the state is only the non-secret form choices listed in
 * {@link PERSISTED_CONTROLS} — never a key, a password, a plaintext or a generated value.
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
  /** Which sections are collapsed, by section id. */
  collapsed: string[];
  choices: Partial<Record<PersistedControl, string>>;
}

/** acquireVsCodeApi may be called once per page. */
export const vscode: VsCodeApi = acquireVsCodeApi();

/** The saved state, checked: a state from an older version (or none) gives an empty one. */
export function loadState(): SavedState {
  const state = vscode.getState();
  const empty: SavedState = { collapsed: [], choices: {} };
  if (typeof state !== 'object' || state === null) return empty;
  const { collapsed, choices } = state as Record<string, unknown>;
  const result: SavedState = {
    collapsed: Array.isArray(collapsed) ? collapsed.filter((id): id is string => typeof id === 'string') : [],
    choices: {},
  };
  if (typeof choices === 'object' && choices !== null) {
    for (const id of PERSISTED_CONTROLS) {
      const value = (choices as Record<string, unknown>)[id];
      if (typeof value === 'string') result.choices[id] = value;
    }
  }
  return result;
}

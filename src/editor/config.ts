/**
 * The one typed reader of Keysmith's settings (mirrors `contributes.configuration`). Values are
 * read when used, so a change in Settings applies to the next command without a reload. Values
 * typed into settings.json by hand are not trusted: an iteration count is clamped to its bounds,
 * key size and curve fall back to the default, and the core refuses any other bad value by name.
 */
import * as vscode from 'vscode';
import { EC_CURVES, limits, RSA_KEY_SIZES, type GenerateKeyOptions } from '../core';
import type { Defaults } from '../protocol';

/** The defaults the sidebar's forms show come from here too (protocol.ts: never anything secret). */
export interface KeysmithConfig extends Defaults {
  iterations: number;
  prettyEnvelopes: boolean;
}

/** The setting's bounds: no weaker than the count decrypt warns about, no stronger than it accepts. */
export const ITERATIONS_SETTING = {
  min: limits.WEAK_ITERATIONS,
  max: limits.MAX_ITERATIONS,
  default: limits.DEFAULT_ITERATIONS,
};

export function readConfig(scope?: vscode.ConfigurationScope): KeysmithConfig {
  const config = vscode.workspace.getConfiguration('keysmith', scope);
  const oneOf = <T>(value: unknown, allowed: readonly T[], fallback: T): T =>
    allowed.includes(value as T) ? (value as T) : fallback;
  const iterations = config.get<number>('encryption.iterations', ITERATIONS_SETTING.default);
  return {
    apiKeyPrefix: config.get<string>('apiKey.prefix', 'sk'),
    nanoidLength: config.get<number>('nanoid.length', 21),
    nanoidAlphabet: config.get<string>('nanoid.alphabet', ''),
    secretLength: config.get<number>('secret.length', 64),
    keyPairFolder: config.get<string>('keyPair.folder', 'keys'),
    rsaKeySize: oneOf(config.get('keyPair.rsaKeySize'), RSA_KEY_SIZES, 3072),
    curve: oneOf(config.get('keyPair.curve'), EC_CURVES, 'P-256'),
    pkcs8: config.get('keyPair.privateKeyFormat') === 'pkcs8',
    // A weaker count than the bound, even typed by hand, is not honoured.
    iterations: Number.isInteger(iterations)
      ? Math.min(Math.max(iterations, ITERATIONS_SETTING.min), ITERATIONS_SETTING.max)
      : ITERATIONS_SETTING.default,
    prettyEnvelopes: config.get('encryption.envelopeLayout') === 'pretty',
  };
}

/** Whether envelopes get their CodeLens (`keysmith.envelopes.codeLens`, read per document). */
export function envelopeCodeLensEnabled(scope?: vscode.ConfigurationScope): boolean {
  return (
    vscode.workspace.getConfiguration('keysmith', scope).get<boolean>('envelopes.codeLens', true) !== false
  );
}

/**
 * Key options with what the caller left out filled in from the settings (for the options that
 * apply to the type; anything else the caller gave is passed on, for the core to refuse by name).
 */
export function withKeySettings(
  request: GenerateKeyOptions,
  scope?: vscode.ConfigurationScope,
): GenerateKeyOptions {
  const config = readConfig(scope);
  // Only undefined means "use the setting": null or '' are mistakes for the core to name.
  const or = <T>(value: T | undefined, setting: T) => (value === undefined ? setting : value);
  switch (request.type) {
    case 'api-key':
      return { ...request, prefix: or(request.prefix, config.apiKeyPrefix) };
    case 'nanoid':
      return {
        ...request,
        length: or(request.length, config.nanoidLength),
        alphabet: or(request.alphabet, config.nanoidAlphabet || undefined),
      };
    case 'secret':
      return { ...request, length: or(request.length, config.secretLength) };
    default:
      return request;
  }
}

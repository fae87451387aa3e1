/** Small guards shared by the public functions: each names the field it checks. */
import { KeysmithError, type KeysmithErrorCode } from './errors';

export function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KeysmithError('INVALID_ARGUMENT', `${what} must be an options object.`);
  }
  return value as Record<string, unknown>;
}

/** An integer in [min, max], or the default when the value is undefined. */
export function integerInRange(
  value: unknown,
  field: string,
  min: number,
  max: number,
  fallback: number,
  code: KeysmithErrorCode,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new KeysmithError(code, `${field} must be a whole number from ${min} to ${max}.`, field);
  }
  return value;
}

/** Refuses options that do not apply, so a typo or a wrong combination is never silently ignored. */
export function rejectUnknown(
  options: Record<string, unknown>,
  allowed: readonly string[],
  what: string,
): void {
  for (const name of Object.keys(options)) {
    if (options[name] !== undefined && !allowed.includes(name)) {
      throw new KeysmithError('INVALID_ARGUMENT', `${name} does not apply to ${what}.`, name);
    }
  }
}

/** An optional AbortSignal; anything else is a mistake worth naming, not something to ignore. */
export function optionalSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) {
    throw new KeysmithError('INVALID_ARGUMENT', 'signal must be an AbortSignal.', 'signal');
  }
  return value;
}

/**
 * Runs the work for one item of a batch; in a batch (not for a single item), an error it throws
 * is marked with the item's index.
 */
export function itemRunner(batch: boolean): <T>(index: number, run: () => T) => T {
  return (index, run) => {
    try {
      return run();
    } catch (error) {
      throw batch && error instanceof KeysmithError ? error.atIndex(index) : error;
    }
  };
}

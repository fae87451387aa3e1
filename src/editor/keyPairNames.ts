/**
 * The file names of a key pair in each format, until src/node/keyPairFiles.ts has them (the CLI
 * names the same files): pem/pkcs8 → `<name>_private.pem` and `<name>_public.pem`; openssh →
 * `<name>` and `<name>.pub`, as ssh-keygen names them; jwk → `<name>_private.jwk.json` and
 * `<name>_public.jwks.json`. And the writer's temporary files next to a private key, which a
 * .gitignore entry covers too.
 *
 * TODO(lead): switch to keyPairFiles — `keyPairPaths(folder, name, format)` and
 * `temporaryFilePatterns(privatePath)` once the CLI helper's branch is merged; then delete this file.
 */
import path from 'node:path';
import type { KeyPairFormat } from '../core/keyFormats';
import type { KeyPairPaths } from '../node/keyPairFiles';

const SUFFIXES: Record<KeyPairFormat, { private: string; public: string }> = {
  pem: { private: '_private.pem', public: '_public.pem' },
  pkcs8: { private: '_private.pem', public: '_public.pem' },
  openssh: { private: '', public: '.pub' },
  jwk: { private: '_private.jwk.json', public: '_public.jwks.json' },
};

// TODO(lead): switch to keyPairFiles
export function keyPairPathsFor(folder: string, name: string, format: KeyPairFormat): KeyPairPaths {
  const suffix = SUFFIXES[format];
  return {
    privatePath: path.join(folder, name + suffix.private),
    publicPath: path.join(folder, name + suffix.public),
  };
}

/** The private file's suffix of a format (`_private.pem`, '' for OpenSSH, `_private.jwk.json`). */
export function privateSuffix(format: KeyPairFormat): string {
  return SUFFIXES[format].private;
}

/** The public file's suffix of a format. */
export function publicSuffix(format: KeyPairFormat): string {
  return SUFFIXES[format].public;
}

/**
 * The pair for a private-key path chosen in a save dialog: the private key exactly there, the
 * public key next to it, named after the private key's stem in the format's way.
 */
// TODO(lead): switch to keyPairFiles
export function keyPairPathsFromPrivatePathFor(privatePath: string, format: KeyPairFormat): KeyPairPaths {
  const folder = path.dirname(privatePath);
  const base = path.basename(privatePath);
  const lower = base.toLowerCase();
  let stem = base;
  for (const ending of [SUFFIXES[format].private, '.pem', '.json']) {
    if (ending && lower.endsWith(ending)) {
      stem = base.slice(0, -ending.length);
      break;
    }
  }
  return { privatePath, publicPath: path.join(folder, (stem || 'key') + SUFFIXES[format].public) };
}

/**
 * Glob patterns (for the private key's own folder) of the temporary and backup files the writer
 * puts next to it: `.<file>.<12 hex>.tmp` and `.old` (see keyPairFiles' temporaryName).
 */
// TODO(lead): switch to keyPairFiles
export function temporaryFilePatternsFor(privatePath: string): string[] {
  // Glob characters of the name itself are escaped; only the random part is a wildcard.
  const base = path.basename(privatePath).replace(/[\\*?[]/g, '\\$&');
  return [`.${base}.*.tmp`, `.${base}.*.old`];
}

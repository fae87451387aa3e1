/**
 * `keysmith rekey FILE…`: every envelope of each file re-encrypted from the old key or password
 * to the new one (the core's rekeyTexts: a password derived once per distinct salt and iterations
 * across all files), for rotating the key of a repository's secrets.
 *
 * - All or nothing: every file is read and every envelope opened and sealed again before any file
 *   is written; a file's folder that cannot be written is found before that, too. Should a write
 *   still fail, the files already written are put back as they were (their original bytes).
 * - Each file is written atomically: complete under a temporary name in its own folder (mode set
 *   to the original's, flushed), then renamed over it; the temporary file never stays behind.
 * - A file without envelopes is left alone (not rewritten: same inode, same times).
 * - A symlink is followed: its target is rewritten in place, the link stays as it is. The same file
 *   named twice (or through a link) is rekeyed once.
 */
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { findEnvelopes, formatForFileName, limits, rekeyTexts, type TextFormat } from '../core';
import { decodeUtf8Strict } from '../core/encoding';
import { writeFileAtomically } from '../node/keyPairFiles';
import { CliError, IoError } from './cliError';
import { ioError, readInput } from './io';
import {
  locatedError,
  parseInteger,
  plural,
  readSecretFromEnv,
  secretOf,
  TO_FLAGS,
  type Values,
} from './options';

const MAX_FILE_BYTES = limits.MAX_ENVELOPE_CHARS;

interface RekeyFile {
  /** As given on the command line (for messages). */
  name: string;
  /** Where it is written: the symlink's target, if it is one. */
  realPath: string;
  mode: number;
  links: number;
  bytes: Buffer;
  text: string;
  format: TextFormat;
  count: number;
}

export async function runRekey(values: Values, positionals: string[]): Promise<void> {
  const from = readSecretFromEnv(values, 'rekey');
  const to = readSecretFromEnv(values, 'rekey', TO_FLAGS);
  const iterations =
    values.iterations === undefined ? undefined : parseInteger(values.iterations as string, '--iterations');
  if (iterations !== undefined && !('password' in to)) {
    throw new CliError('rekey: --iterations applies only to --to-password-env');
  }
  const kid = values.kid as string | undefined;
  if (kid !== undefined && !('key' in to)) {
    // A kid names the stored key an envelope was made with: a password has none.
    throw new CliError('rekey: --kid applies only to --to-key-env');
  }
  if (kid !== undefined && !limits.KID_PATTERN.test(kid)) {
    throw new CliError('rekey: --kid must be 1 to 64 of A-Z a-z 0-9 . _ -');
  }
  if (positionals.length === 0) throw new CliError('rekey: give the FILE(s) whose envelopes to re-encrypt');
  if (positionals.some((name) => name === '')) throw new CliError('rekey: a FILE name is empty');

  // Read and check everything first.
  const files: RekeyFile[] = [];
  const seen = new Set<string>();
  for (const name of positionals) {
    const file = await readRekeyFile(name);
    if (seen.has(file.realPath)) continue;
    seen.add(file.realPath);
    files.push(file);
  }
  const changing = files.filter((file) => file.count > 0);
  if (changing.length === 0) {
    process.stderr.write(
      `keysmith: rekey: no envelopes in ${plural(files.length, 'file')}; nothing changed\n`,
    );
    return;
  }
  for (const file of changing) await checkWritable(file);

  let result: { texts: string[]; count: number };
  try {
    result = await rekeyTexts(
      changing.map(({ text, format }) => ({ text, format })),
      secretOf(from),
      {
        ...secretOf(to),
        ...(iterations !== undefined && { iterations }),
        ...(kid !== undefined && { kid }),
      },
    );
  } catch (error) {
    const index = (error as { index?: unknown }).index;
    const file = typeof index === 'number' ? changing[index] : undefined;
    throw locatedError('rekey', file?.name ?? changing.map((f) => f.name).join(', '), error);
  }

  await writeAll(changing, result.texts);
  if (iterations !== undefined && iterations < limits.WEAK_ITERATIONS) {
    process.stderr.write(
      `keysmith: warning: ${iterations.toLocaleString('en')} PBKDF2 iterations is weak; use at least ${limits.WEAK_ITERATIONS.toLocaleString('en')}\n`,
    );
  }
  for (const file of changing) {
    if (file.links > 1) {
      process.stderr.write(
        `keysmith: warning: ${file.name} had ${plural(file.links - 1, 'other hard link')}; ${file.links > 2 ? 'they keep' : 'it keeps'} the old envelopes\n`,
      );
    }
  }
  process.stderr.write(
    `keysmith: rekeyed ${plural(result.count, 'envelope')} in ${plural(changing.length, 'file')}\n`,
  );
}

async function readRekeyFile(name: string): Promise<RekeyFile> {
  let realPath: string;
  let stat;
  try {
    realPath = await fs.realpath(name);
    stat = await fs.stat(realPath);
  } catch (error) {
    throw ioError(error, 'read', name);
  }
  if (stat.isDirectory()) throw new IoError(`cannot read ${name}: it is a folder`);
  if (!stat.isFile())
    throw new CliError(`rekey: ${name} is not a regular file (it cannot be replaced atomically)`);
  const bytes = await readInput({ file: name }, MAX_FILE_BYTES, `rekey: ${name} is larger than 64 MiB`);
  const text = decodeUtf8Strict(bytes);
  if (text === undefined) throw new CliError(`rekey: ${name} is not valid UTF-8 text`);
  const format = formatForFileName(name);
  let count = 0;
  for (const found of findEnvelopes(text)) {
    if (found.error) throw locatedError('rekey', name, found.error, found.line);
    count++;
  }
  return { name, realPath, mode: stat.mode & 0o7777, links: stat.nlink, bytes, text, format, count };
}

/** The folder must take a new file (the temporary one) and a rename: found out before writing. */
async function checkWritable(file: RekeyFile): Promise<void> {
  try {
    await fs.access(path.dirname(file.realPath), constants.W_OK | constants.X_OK);
  } catch (error) {
    throw ioError(error, 'write', file.name);
  }
}

/** Each file atomically; if one fails, the ones already written get their original bytes back. */
async function writeAll(files: RekeyFile[], texts: string[]): Promise<void> {
  const written: RekeyFile[] = [];
  for (const [index, file] of files.entries()) {
    try {
      await writeFileAtomically(file.realPath, Buffer.from(texts[index]!, 'utf8'), {
        mode: file.mode,
        exactMode: true,
        overwrite: true,
      });
    } catch (error) {
      const failure = ioError(error, 'write', file.name);
      const notRestored: string[] = [];
      for (const done of written) {
        try {
          await writeFileAtomically(done.realPath, done.bytes, {
            mode: done.mode,
            exactMode: true,
            overwrite: true,
          });
        } catch {
          notRestored.push(done.name);
        }
      }
      const restored =
        written.length === 0
          ? 'no file was changed'
          : notRestored.length === 0
            ? `${written.map((f) => f.name).join(', ')} put back as ${written.length === 1 ? 'it was' : 'they were'}`
            : `could not put back ${notRestored.join(', ')} (now under the new key)`;
      throw new IoError(`${failure.message}; ${restored}`);
    }
    written.push(file);
  }
}

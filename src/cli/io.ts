import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import type { KeyPairFormat } from '../core/keyFormats';
import {
  existingPaths,
  keyPairPathsFromPrefix,
  writeKeyPairFiles as writeKeyPairFilesSafely,
  writeFileAtomically,
} from '../node/keyPairFiles';
import { CliError, IoError } from './cliError';

/** An errno in a few words, with the errno itself for searching: "permission denied (EACCES)". */
function errnoWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const words: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'it is a folder',
    ENOTDIR: 'a part of the path is not a folder',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'read-only file system',
    EPIPE: 'the reading end of the pipe was closed',
    EIO: 'input/output error',
  };
  if (code && words[code]) return `${words[code]} (${code})`;
  const message = error instanceof Error ? error.message : String(error);
  return code ?? message.split('\n')[0] ?? 'unknown error';
}

/** The I/O error of reading or writing `what` ("stdin", "stdout", or a file's path). */
export function ioError(error: unknown, verb: 'read' | 'write', what: string): IoError {
  if (error instanceof CliError) return error;
  return new IoError(`cannot ${verb} ${what}: ${errnoWords(error)}`);
}

/** Where input comes from: stdin, or a file (`--in FILE`). */
export interface Input {
  file?: string;
}

/** How the input is called in messages: "stdin" or the file's path. */
export function inputName(input: Input): string {
  return input.file ?? 'stdin';
}

/**
 * Reads all of stdin or of a file as bytes, refusing more than `limit` bytes (a CliError with
 * `tooLarge`) before buffering them all. Anything the system refuses is an IoError naming the file
 * or stream: a missing file, a folder, no permission, a read error.
 *
 * Speed: read with readSync into one buffer (sized from fstat for a regular file, grown by
 * doubling otherwise) rather than `for await` over 64 KiB stream chunks and a final concat: for
 * 16 MiB that saves the copy (~11–16 ms) and the thread-pool round trips. A non-blocking
 * descriptor (EAGAIN: a pipe some other process made non-blocking) falls back to the stream.
 */
export async function readInput(input: Input, limit: number, tooLarge: string): Promise<Buffer> {
  const name = inputName(input);
  let fd: number | undefined;
  try {
    fd = input.file !== undefined ? openSync(input.file, 'r') : 0;
    const stat = fstatSync(fd);
    if (stat.isDirectory()) {
      // `< folder`: Node's stdin reads a folder as empty, which would pass for empty input.
      throw new IoError(`cannot read ${name}: it is a folder`);
    }
    if (input.file !== undefined && stat.isFile() && stat.size > limit) throw new CliError(tooLarge);
    // One byte more than a regular file's size, so its end is seen without growing the buffer.
    const size = stat.isFile() ? Math.max(Math.min(stat.size, limit) + 1, 64 * 1024) : 1024 * 1024;
    return await readAll(fd, Buffer.allocUnsafe(Math.min(size, limit + 1)), limit, tooLarge);
  } catch (error) {
    throw ioError(error, 'read', name);
  } finally {
    if (fd !== undefined && fd !== 0) {
      try {
        closeSync(fd);
      } catch {
        // Nothing was written through it; a failed close loses nothing.
      }
    }
  }
}

/** Reads `fd` to its end into `buffer`, grown (by doubling, to at most `limit` + 1) as needed. */
async function readAll(fd: number, buffer: Buffer, limit: number, tooLarge: string): Promise<Buffer> {
  let total = 0;
  for (;;) {
    if (total === buffer.byteLength) {
      if (total > limit) {
        buffer.fill(0);
        throw new CliError(tooLarge);
      }
      const grown = Buffer.allocUnsafe(Math.min(buffer.byteLength * 2, limit + 1));
      buffer.copy(grown, 0, 0, total);
      buffer.fill(0);
      buffer = grown;
    }
    let count: number;
    try {
      count = readSync(fd, buffer, total, buffer.byteLength - total, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      return readRestFromStream(fd, buffer.subarray(0, total), limit, tooLarge);
    }
    if (count === 0) break;
    total += count;
  }
  if (total > limit) {
    buffer.fill(0);
    throw new CliError(tooLarge);
  }
  return buffer.subarray(0, total);
}

/** The rest of a non-blocking descriptor, through Node's stream (which waits for it in libuv). */
async function readRestFromStream(
  fd: number,
  head: Buffer,
  limit: number,
  tooLarge: string,
): Promise<Buffer> {
  const source = (
    fd === 0 ? process.stdin : createReadStream('', { fd, autoClose: false })
  ) as AsyncIterable<Buffer>;
  const chunks: Buffer[] = [head];
  let total = head.byteLength;
  for await (const chunk of source) {
    total += chunk.byteLength;
    if (total > limit) throw new CliError(tooLarge);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** Reads all of stdin as bytes, refusing more than `limit` bytes before buffering them all. */
export async function readStdin(limit: number, tooLarge: string): Promise<Buffer> {
  return readInput({}, limit, tooLarge);
}

/**
 * Writes to stdout and resolves once the data is handed to the system; a failure (EPIPE: the
 * reader is gone, as with `| head -c1`; ENOSPC on a full disk) rejects with an IoError instead of
 * crashing. The exit code is set, not process.exit()ed, so a piped stdout drains fully.
 */
export function writeStdout(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(data, (error) => (error ? reject(ioError(error, 'write', 'stdout')) : resolve()));
  });
}

/**
 * The stream's own 'error' event follows a failed write's callback: without a listener it would be
 * an uncaught exception (a stack trace, exit 1). The callback has already reported it.
 */
export function quietStdoutErrors(): void {
  process.stdout.on('error', () => undefined);
}

/** Where output goes: stdout, or a file (`--out FILE`), replaced only with `--force`. */
export interface Output {
  file?: string;
  force: boolean;
  /** Plaintext: the file is created with mode 0600 exactly. */
  secret: boolean;
}

/** Refuses early (before any work) an `--out` file that exists, unless `--force`. */
export async function checkOutput(output: Output, command: string): Promise<void> {
  if (output.file === undefined || output.force) return;
  let existing: string[];
  try {
    existing = await existingPaths([output.file]);
  } catch (error) {
    throw ioError(error, 'write', output.file);
  }
  if (existing.length > 0) throw alreadyExists(command, output.file);
}

function alreadyExists(command: string, file: string): CliError {
  return new CliError(
    `${command}: ${file} already exists; refusing to overwrite it (give --force to replace it)`,
  );
}

/**
 * Writes the output: to stdout, or atomically to the `--out` file (complete under a temporary
 * name in the same folder, then linked or renamed into place; nothing left behind on failure).
 */
export async function writeOutput(output: Output, data: string | Uint8Array, command: string): Promise<void> {
  if (output.file === undefined) return writeStdout(data);
  let written: boolean;
  try {
    written = await writeFileAtomically(output.file, data, {
      mode: output.secret ? 0o600 : 0o666,
      exactMode: output.secret,
      overwrite: output.force,
    });
  } catch (error) {
    throw ioError(error, 'write', output.file);
  }
  if (!written) throw alreadyExists(command, output.file);
}

/**
 * Writes the private key (mode 0600) and the public key under the format's names — pem/pkcs8:
 * `<prefix>_private.pem`, `<prefix>_public.pem`; openssh: `<prefix>`, `<prefix>.pub`; jwk:
 * `<prefix>_private.jwk.json`, `<prefix>_public.jwks.json` — with the extension's own writer
 * (src/node/keyPairFiles.ts): never overwriting, each file complete under a temporary name before
 * it is linked into place, the first removed again if the second fails.
 */
export async function writeKeyPairFiles(
  prefix: string,
  privatePem: string,
  publicPem: string,
  format: KeyPairFormat = 'pem',
): Promise<{ privatePath: string; publicPath: string }> {
  const paths = keyPairPathsFromPrefix(prefix, format);
  let outcome;
  try {
    outcome = await writeKeyPairFilesSafely({ ...paths, privatePem, publicPem, overwrite: false });
  } catch (error) {
    throw fileError(error, paths.privatePath);
  }
  if (!outcome.written) {
    throw new CliError(`generate-keypair: ${outcome.existing[0]} already exists; refusing to overwrite it`);
  }
  return paths;
}

/** A key-pair file that could not be written: an I/O error (exit 3), naming the file. */
function fileError(error: unknown, file: string): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? `the folder ${path.dirname(file)} does not exist`
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : ((error as Error).message ?? String(error));
  return new IoError(`cannot write ${file}: ${why}`);
}

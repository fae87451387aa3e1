import { randomBytes } from 'node:crypto';
import { link, lstat, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './cliError';

/** Reads all of stdin as bytes, refusing more than `limit` bytes before buffering them all. */
export async function readStdin(limit: number, tooLarge: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > limit) throw new CliError(tooLarge);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

export function writeStdout(data: string | Uint8Array): void {
  // The exit code is set, not process.exit()ed, so a piped stdout drains fully before Node exits.
  process.stdout.write(data);
}

/**
 * Writes `<prefix>_private.pem` (mode 0600) and `<prefix>_public.pem`, never overwriting: both
 * names are checked first, and each file is written in full under a temporary name and then
 * hard-linked into place, which fails atomically if the name was taken meanwhile. A reader never
 * sees a half-written key, and if the second file fails the first is removed again.
 */
export async function writeKeyPairFiles(
  prefix: string,
  privatePem: string,
  publicPem: string,
): Promise<{ privatePath: string; publicPath: string }> {
  const privatePath = `${prefix}_private.pem`;
  const publicPath = `${prefix}_public.pem`;
  for (const file of [privatePath, publicPath]) {
    if (await exists(file))
      throw new CliError(`generate-keypair: ${file} already exists; refusing to overwrite it`);
  }
  await createExclusive(privatePath, privatePem, 0o600);
  try {
    await createExclusive(publicPath, publicPem, 0o644);
  } catch (error) {
    await unlink(privatePath).catch(() => undefined);
    throw error;
  }
  return { privatePath, publicPath };
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch {
    return false;
  }
}

async function createExclusive(file: string, content: string, mode: number): Promise<void> {
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  let handle;
  try {
    handle = await open(temporary, 'wx', mode);
  } catch (error) {
    throw fileError(error, file);
  }
  try {
    // open()'s mode passes through the umask, which can only remove bits; chmod makes it exact.
    if (mode === 0o600) await handle.chmod(0o600);
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temporary).catch(() => undefined); // no half-written key left behind (disk full, ...)
    throw fileError(error, file);
  }
  await handle.close();
  try {
    await link(temporary, file);
  } catch (error) {
    throw fileError(error, file);
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

function fileError(error: unknown, file: string): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'EEXIST'
      ? 'it already exists; refusing to overwrite it'
      : code === 'ENOENT'
        ? `the folder ${path.dirname(file)} does not exist`
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : ((error as Error).message ?? String(error));
  return new CliError(`generate-keypair: cannot write ${file}: ${why}`);
}

import path from 'node:path';
import { writeKeyPairFiles as writeKeyPairFilesSafely } from '../node/keyPairFiles';
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
 * Writes `<prefix>_private.pem` (mode 0600) and `<prefix>_public.pem` with the extension's own
 * writer (src/node/keyPairFiles.ts): never overwriting, each file complete under a temporary name
 * before it is linked into place, the first removed again if the second fails.
 */
export async function writeKeyPairFiles(
  prefix: string,
  privatePem: string,
  publicPem: string,
): Promise<{ privatePath: string; publicPath: string }> {
  const paths = { privatePath: `${prefix}_private.pem`, publicPath: `${prefix}_public.pem` };
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

function fileError(error: unknown, file: string): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? `the folder ${path.dirname(file)} does not exist`
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : ((error as Error).message ?? String(error));
  return new CliError(`generate-keypair: cannot write ${file}: ${why}`);
}

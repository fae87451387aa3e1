/**
 * `keysmith render [FILE]`: the file with every envelope replaced by its plaintext, written so the
 * file stays valid for its format (the core's renderText), for deploys that need the real config.
 * All or nothing: the output is computed whole before a byte of it is written, so a broken
 * envelope or one that does not open means nothing on stdout (or in --out) at all.
 */
import { limits, renderText, formatForFileName, type TextFormat } from '../core';
import { decodeUtf8Strict } from '../core/encoding';
import { CliError } from './cliError';
import { checkOutput, inputName, readInput, writeOutput, type Input, type Output } from './io';
import { locatedError, readSecretFromEnv, secretOf, type Values } from './options';

/** `--format` on the command line → the core's format; `auto` goes by the file name. */
const FORMATS: Record<string, TextFormat | 'auto'> = {
  auto: 'auto',
  env: 'dotenv',
  json: 'json',
  yaml: 'yaml',
  text: 'text',
};

/** The largest file render reads: as large as one envelope may be. */
const MAX_FILE_BYTES = limits.MAX_ENVELOPE_CHARS;

export async function runRender(values: Values, positionals: string[]): Promise<void> {
  const secret = readSecretFromEnv(values, 'render');
  if (positionals.length > 1) {
    throw new CliError(`render: give at most one FILE (got ${positionals.length}); render them one by one`);
  }
  const file = positionals[0];
  if (file === '') throw new CliError('render: FILE is empty; give a file name, or none for stdin');
  const input: Input = file === undefined || file === '-' ? {} : { file };
  const format = formatOf(values.format as string | undefined, input);
  const output = outputOf(values);
  await checkOutput(output, 'render');

  const name = inputName(input);
  const bytes = await readInput(input, MAX_FILE_BYTES, `render: ${name} is larger than 64 MiB`);
  const text = decodeUtf8Strict(bytes);
  bytes.fill(0);
  if (text === undefined) throw new CliError(`render: ${name} is not valid UTF-8 text`);

  let rendered: string;
  try {
    rendered = await renderText(text, format, secretOf(secret));
  } catch (error) {
    throw locatedError('render', name, error);
  }
  await writeOutput(output, rendered, 'render');
}

function formatOf(flag: string | undefined, input: Input): TextFormat {
  const chosen = FORMATS[flag ?? 'auto'];
  if (chosen === undefined) {
    throw new CliError(
      `render: --format must be one of ${Object.keys(FORMATS).join(', ')} (got '${flag!.slice(0, 20)}')`,
    );
  }
  if (chosen !== 'auto') return chosen;
  // stdin has no name to go by: its envelopes are replaced by their plaintext as it is.
  return input.file === undefined ? 'text' : formatForFileName(input.file);
}

/** `--out FILE [--force]`, as decrypt has them: the plaintext file is mode 0600, written atomically. */
function outputOf(values: Values): Output {
  const outFile = values.out as string | undefined;
  if (outFile === '') throw new CliError('render: --out needs a file name');
  if (values.force === true && outFile === undefined) {
    throw new CliError('render: --force applies only with --out FILE');
  }
  return { ...(outFile !== undefined && { file: outFile }), force: values.force === true, secret: true };
}

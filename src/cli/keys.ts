/**
 * `keysmith generate-keypair`, `inspect` and `convert` (issue 12): key pairs as JWT, SSH and TLS
 * tools take them — PEM, PKCS#8 (encrypted with a passphrase), OpenSSH, JWK/JWKS — what a key is,
 * and a key in another format. Passphrases come only from environment variables (never argv) and
 * are never printed: messages name the variable.
 *
 * Exit codes as for every command: 2 usage error, malformed key, wrong or missing passphrase (one
 * line on stderr); 3 I/O error naming the file.
 */
import {
  convertKey,
  inspectKey,
  publicJwkOf,
  readKey,
  type KeyFormat,
  type KeyInfo,
  type KeyPairFormat,
} from '../core/keyFormats';
import { generateKeyPair, isKeysmithError, type GenerateKeyPairOptions } from '../core';
import { decodeUtf8Strict } from '../core/encoding';
import { publicFileText } from '../node/keyPairFiles';
import { CliError } from './cliError';
import { readInput, writeKeyPairFiles, writeStdout } from './io';
import { parseInteger, type Values } from './options';

export const KEY_PAIR_FORMATS: readonly KeyPairFormat[] = ['pem', 'pkcs8', 'openssh', 'jwk'];
export const CONVERT_FORMATS: readonly KeyFormat[] = [...KEY_PAIR_FORMATS, 'jwks'];
/** A key file, JWKS included, is a few KiB; anything far larger is not one. */
const MAX_KEY_FILE_BYTES = 1024 * 1024;

/**
 * The passphrase in the variable `--<flag> VAR` names, or undefined without the flag. A missing
 * or empty variable is a usage error naming the variable, never its value.
 */
function passphraseFromEnv(values: Values, flag: string, command: string): string | undefined {
  const name = values[flag] as string | undefined;
  if (name === undefined) return undefined;
  if (name === '') throw new CliError(`${command}: --${flag} needs a variable name`);
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new CliError(`${command}: environment variable ${name} (--${flag}) is not set or empty`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], flag: string, command: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new CliError(`${command}: ${flag} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export async function runGenerateKeyPair(values: Values): Promise<void> {
  const command = 'generate-keypair';
  const algorithm = values.algorithm;
  if (algorithm !== 'RSA' && algorithm !== 'EC' && algorithm !== 'Ed25519') {
    throw new CliError(`${command}: --algorithm must be RSA, EC or Ed25519`);
  }
  if (values.curve !== undefined && algorithm !== 'EC') {
    throw new CliError(`${command}: --curve applies only to --algorithm EC`);
  }
  if (values['key-size'] !== undefined && algorithm !== 'RSA') {
    throw new CliError(`${command}: --key-size applies only to --algorithm RSA`);
  }
  let format: KeyPairFormat = values.pkcs8 === true ? 'pkcs8' : 'pem';
  if (values.format !== undefined) {
    format = oneOf(values.format, KEY_PAIR_FORMATS, '--format', command);
    if (values.pkcs8 === true && format !== 'pkcs8') {
      throw new CliError(`${command}: --pkcs8 means --format pkcs8; it cannot go with --format ${format}`);
    }
  }
  const comment = values.comment as string | undefined;
  if (comment !== undefined && format !== 'openssh') {
    throw new CliError(`${command}: --comment applies only to --format openssh`);
  }
  if (format === 'jwk' && values['passphrase-env'] !== undefined) {
    throw new CliError(
      `${command}: a JWK cannot be passphrase-protected; --passphrase-env works with --format pem, pkcs8 or openssh`,
    );
  }
  const passphrase = passphraseFromEnv(values, 'passphrase-env', command);

  // pem and pkcs8 as the options always said them (format is the new option for the others).
  const output = {
    ...(format === 'pkcs8' ? { pkcs8: true } : format !== 'pem' && { format }),
    ...(passphrase !== undefined && { passphrase }),
    ...(comment !== undefined && { comment }),
  };
  let options: GenerateKeyPairOptions;
  if (algorithm === 'RSA') {
    options = { algorithm, ...output };
    if (values['key-size'] !== undefined) {
      options.key_size = parseInteger(values['key-size'] as string, '--key-size') as never;
    }
  } else if (algorithm === 'EC') {
    options = { algorithm, ...output };
    if (values.curve !== undefined) options.curve = values.curve as never;
  } else {
    options = { algorithm, ...output };
  }
  const pair = await generateKeyPair(options);

  const json = values.json === true;
  // The fingerprints and the public JWK come from the public key as written, so they describe
  // exactly what the user got.
  let extra = {};
  if (json) {
    const read = await readKey(pair.public_key);
    const one = Array.isArray(read) ? read[0]! : read;
    extra = { fingerprints: one.info.fingerprints, public_jwk: publicJwkOf(one.key) };
  }
  const out = values.out as string | undefined;
  if (out === undefined) {
    await writeStdout(
      json ? `${JSON.stringify({ ...pair, ...extra })}\n` : `${pair.private_key}${pair.public_key}`,
    );
    return;
  }
  if (out === '') throw new CliError(`${command}: --out needs a path prefix`);
  const publicText = await publicFileText(pair.public_key, format);
  const paths = await writeKeyPairFiles(out, pair.private_key, publicText, format);
  if (json) {
    const { private_key: _privateKey, ...rest } = pair;
    await writeStdout(
      `${JSON.stringify({ ...rest, ...extra, private_key_path: paths.privatePath, public_key_path: paths.publicPath })}\n`,
    );
  } else {
    await writeStdout(`${paths.privatePath}\n${paths.publicPath}\n`);
  }
}

/** FILE (or stdin when there is none, or `-`) as text; at most one FILE. */
async function readKeyText(positionals: string[], command: string): Promise<{ text: string; name: string }> {
  if (positionals.length > 1) {
    throw new CliError(`${command}: give one FILE (or none, to read stdin); got ${positionals.length}`);
  }
  const file = positionals[0] === '-' ? undefined : positionals[0];
  const name = file ?? 'stdin';
  const bytes = await readInput(
    file === undefined ? {} : { file },
    MAX_KEY_FILE_BYTES,
    `${command}: ${name} is larger than 1 MiB; that is not a key file`,
  );
  try {
    if (bytes.byteLength === 0) throw new CliError(`${command}: ${name} is empty`);
    const text = decodeUtf8Strict(bytes);
    if (text === undefined)
      throw new CliError(`${command}: ${name} is not UTF-8 text (a DER file? convert it to PEM)`);
    return { text, name };
  } finally {
    bytes.fill(0); // it may be a private key
  }
}

/**
 * A core error about the key in `name`, as one line naming it. A key that needs a passphrase says
 * how to give one.
 */
function keyError(error: unknown, command: string, name: string, passphraseFlag: string): unknown {
  if (!isKeysmithError(error)) return error;
  const message =
    error.code === 'PASSPHRASE_REQUIRED'
      ? `${error.message.replace(/\.$/, '')} (with --${passphraseFlag} VAR)`
      : error.message;
  return new CliError(`${command}: ${name}: ${message}`);
}

/** The JSON of `inspect --json`: the fields the issue names, in its order. */
function infoJson(info: KeyInfo): object {
  const { kind, algorithm, key_size, curve, encrypted, fingerprints } = info;
  return { kind, algorithm, key_size, curve, encrypted, fingerprints };
}

/** A few lines a person reads. */
function infoText(info: KeyInfo): string {
  const lines = [
    `kind:           ${info.kind}`,
    `algorithm:      ${info.algorithm}`,
    ...(info.key_size !== null ? [`key size:       ${info.key_size} bits`] : []),
    ...(info.curve !== null ? [`curve:          ${info.curve}`] : []),
    `format:         ${info.format}`,
    `encrypted:      ${info.encrypted ? 'yes' : 'no'}`,
    `sha256:         ${info.fingerprints.sha256}`,
    `ssh:            ${info.fingerprints.ssh}`,
    `jwk thumbprint: ${info.fingerprints.jwk_thumbprint}`,
    ...(info.comment !== undefined && info.comment !== '' ? [`comment:        ${info.comment}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

export async function runInspect(values: Values, positionals: string[]): Promise<void> {
  const command = 'inspect';
  const passphrase = passphraseFromEnv(values, 'passphrase-env', command);
  const { text, name } = await readKeyText(positionals, command);
  let info: KeyInfo | KeyInfo[];
  try {
    info = await inspectKey(text, passphrase === undefined ? {} : { passphrase });
  } catch (error) {
    throw keyError(error, command, name, 'passphrase-env');
  }
  if (values.json === true) {
    await writeStdout(`${JSON.stringify(Array.isArray(info) ? info.map(infoJson) : infoJson(info))}\n`);
  } else if (Array.isArray(info)) {
    const blocks = info.map((one, index) => `key ${index + 1} of ${info.length}\n${infoText(one)}`);
    await writeStdout(`JWKS with ${info.length} key${info.length === 1 ? '' : 's'}\n\n${blocks.join('\n')}`);
  } else {
    await writeStdout(infoText(info));
  }
}

export async function runConvert(values: Values, positionals: string[]): Promise<void> {
  const command = 'convert';
  if (values.to === undefined) {
    throw new CliError(`${command}: --to is required (one of ${CONVERT_FORMATS.join(', ')})`);
  }
  const to = oneOf(values.to, CONVERT_FORMATS, '--to', command);
  const comment = values.comment as string | undefined;
  if (comment !== undefined && to !== 'openssh') {
    throw new CliError(`${command}: --comment applies only to --to openssh`);
  }
  if (values['to-passphrase-env'] !== undefined) {
    if (to === 'jwk' || to === 'jwks') {
      throw new CliError(
        `${command}: a JWK cannot be passphrase-protected; --to-passphrase-env works with --to pem, pkcs8 or openssh`,
      );
    }
    if (values.public === true) {
      throw new CliError(
        `${command}: --to-passphrase-env protects a private key; it cannot go with --public`,
      );
    }
  }
  const passphrase = passphraseFromEnv(values, 'passphrase-env', command);
  const toPassphrase = passphraseFromEnv(values, 'to-passphrase-env', command);
  const { text, name } = await readKeyText(positionals, command);
  let converted: string;
  try {
    converted = await convertKey(text, {
      to,
      ...(values.public === true && { public: true }),
      ...(passphrase !== undefined && { passphrase }),
      ...(toPassphrase !== undefined && { toPassphrase }),
      ...(comment !== undefined && { comment }),
    });
  } catch (error) {
    throw keyError(error, command, name, 'passphrase-env');
  }
  await writeStdout(converted);
}

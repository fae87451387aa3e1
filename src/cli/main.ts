/**
 * `keysmith`: the core on the command line, so what the editor encrypts, scripts and CI can
 * decrypt. Secrets come only from environment variables (argv is visible to every process).
 * encrypt and decrypt take and give exact bytes (any, not only UTF-8 text), from stdin or --in,
 * to stdout or --out (written atomically).
 *
 * render, run and rekey do the same for envelopes inside other files (.env, JSON, YAML, text):
 * src/cli/render.ts, run.ts, rekey.ts.
 *
 * Exit codes: 0 success; 1 could not decrypt (nothing on stdout); 2 usage error, malformed input,
 * or a plaintext that cannot be written in its place; 3 I/O error (EPIPE, ENOSPC, EACCES, a folder
 * as input, a missing file) — with one line on stderr naming what is wrong (the file or stream for
 * 3; the file and line for an envelope), never a stack trace. `run` exits with its COMMAND's code
 * (128 + n after signal n; 126 cannot execute, 127 not found).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  encrypt,
  envelopeWarnings,
  generateKey,
  isKeysmithError,
  KEY_TYPES,
  limits,
  serializeEnvelope,
  type Envelope,
  type GenerateKeyOptions,
  type KeyType,
} from '../core';
import { decryptReadEnvelope } from '../core/decrypt';
import { decodeUtf8Strict } from '../core/encoding';
import { readEnvelope } from '../core/envelope';
import { CliError, IoError } from './cliError';
import { parseInteger, readSecretFromEnv, secretOf, type Values } from './options';
import { runConvert, runGenerateKeyPair, runInspect } from './keys';
import { runRekey } from './rekey';
import { runRender } from './render';
import { runRun } from './run';
import {
  checkOutput,
  inputName,
  quietStdoutErrors,
  readInput,
  writeOutput,
  writeStdout,
  type Input,
  type Output,
} from './io';

const HELP: Record<string, string> = {
  main: `Usage: keysmith <command> [options]

Commands:
  generate-key       print an API key, UUID v4, nanoid or hex secret
  generate-keypair   create an RSA, EC or Ed25519 key pair: PEM, PKCS#8, OpenSSH or JWK
  inspect            what a key is (PEM, OpenSSH, JWK, JWKS): kind, algorithm, size, fingerprints
  convert            a key in another format (pem, pkcs8, openssh, jwk, jwks), or its public half
  encrypt            any bytes (stdin or --in) -> AES-256-GCM envelope (JSON) on stdout or --out
  decrypt            envelope (stdin or --in) -> the plaintext's exact bytes on stdout or --out
  render             a file (.env, JSON, YAML, text) with every envelope replaced by its plaintext
  run                run a command with the decrypted values of .env files in its environment
  rekey              re-encrypt every envelope of files under a new key or password

Run 'keysmith <command> --help' for a command's options.
Exit codes: 0 ok, 1 could not decrypt (nothing on stdout), 2 usage error, malformed input, or a
            key's passphrase wrong or missing, 3 I/O error (EPIPE, ENOSPC, EACCES, a folder as input, a missing file);
            run: its command's exit code.
Errors are one line on stderr; for 3 it names the file or stream, for an envelope its file and line.`,
  'generate-key': `Usage: keysmith generate-key [--type api-key|uuid-v4|nanoid|secret] [--prefix P] [--length N] [--json]

  --type     api-key (default): <prefix>_ + 64 hex chars, 256 bits
             uuid-v4: RFC 9562 version 4, 122 bits
             nanoid: URL-safe A-Z a-z 0-9 _ -, 21 chars (126 bits) by default
             secret: hex characters, 64 (256 bits) by default
  --prefix   api-key prefix (default sk)
  --length   nanoid: 2-256 characters; secret: 8-1024 hex characters
  --json     print {"key","type","entropy_bits"} as the reference API returns`,
  'generate-keypair': `Usage: keysmith generate-keypair --algorithm RSA|EC|Ed25519 [--key-size N] [--curve P-256|P-384|P-521]
                                [--format pem|pkcs8|openssh|jwk] [--passphrase-env VAR] [--comment TEXT]
                                [--out PATH_PREFIX] [--json]

  --algorithm          RSA, EC or Ed25519
  --key-size           RSA: 2048 (default), 3072 or 4096
  --curve              EC: P-256 (default), P-384 or P-521
  --format             pem (default): PKCS#1 / SEC1 private key (Ed25519: PKCS#8), SPKI public key
                       pkcs8: the private key as PKCS#8 (BEGIN PRIVATE KEY)
                       openssh: BEGIN OPENSSH PRIVATE KEY and the one-line public key
                       (ssh-ed25519 / ecdsa-sha2-nistp256 / ssh-rsa AAAA... comment)
                       jwk: the private JWK and the public JWK (kid = RFC 7638 thumbprint, alg, use)
  --pkcs8              the same as --format pkcs8
  --passphrase-env VAR protect the private key with the passphrase in the environment variable VAR:
                       pem/pkcs8 -> encrypted PKCS#8 (BEGIN ENCRYPTED PRIVATE KEY, AES-256-CBC),
                       openssh -> as ssh-keygen does (bcrypt KDF, aes256-ctr); not with jwk
  --comment TEXT       the OpenSSH key's comment (e.g. you@host); --format openssh only
  --out P              write the files, never overwriting one, the private key with mode 0600:
                       pem, pkcs8: P_private.pem and P_public.pem
                       openssh:    P and P.pub (as ssh-keygen names them: --out ~/.ssh/id_ed25519)
                       jwk:        P_private.jwk.json and P_public.jwks.json (a JWKS document)
                       and print their paths
  --json               print the reference API's response object with fingerprints
                       {sha256, ssh, jwk_thumbprint} and public_jwk; with --out, the file paths
                       (private_key_path, public_key_path) instead of the private key
  Without --out, prints the private key, then the public key.
  Exit codes: 0 ok, 2 usage error (a file in the way, a missing passphrase variable), 3 I/O error.`,
  inspect: `Usage: keysmith inspect [FILE] [--passphrase-env VAR] [--json]

  Tells what the key in FILE (stdin when FILE is absent or -) is: PEM of every kind (PKCS#1, SEC1,
  PKCS#8, encrypted PKCS#8, SPKI), an OpenSSH public line or private key, a JWK or a JWKS.
  Prints its kind (public or private), algorithm, key size or curve, format, whether it is
  encrypted, its fingerprints (SHA-256 of the SPKI DER in hex; OpenSSH's SHA256:..., as
  ssh-keygen -l prints it; the RFC 7638 JWK thumbprint) and its OpenSSH comment.
  --passphrase-env VAR the environment variable holding the passphrase of an encrypted private key
  --json               print {kind, algorithm, key_size, curve, encrypted, fingerprints}
                       (an array of them for a JWKS)
  Exit codes: 0 ok, 2 malformed or unsupported key, passphrase wrong or missing, 3 I/O error.`,
  convert: `Usage: keysmith convert [FILE] --to pem|pkcs8|openssh|jwk|jwks [--public]
                        [--passphrase-env VAR] [--to-passphrase-env VAR] [--comment TEXT]

  Prints the key in FILE (stdin when FILE is absent or -; any format inspect reads) in another
  format. A private key stays private unless --public.
  --to                 pem: PKCS#1 / SEC1 private (Ed25519: PKCS#8), SPKI public
                       pkcs8: PKCS#8 private; openssh: OpenSSH private key or public line;
                       jwk: one JWK; jwks: a JWKS document {"keys": [...]}
  --public             write the key's public half
  --passphrase-env VAR the environment variable holding the passphrase that opens FILE
  --to-passphrase-env VAR
                       protect the output private key with this variable's passphrase:
                       pem/pkcs8 -> encrypted PKCS#8, openssh -> bcrypt + aes256-ctr; not jwk/jwks
  --comment TEXT       the OpenSSH comment of the output (default: FILE's own); --to openssh only
  Exit codes: 0 ok, 2 usage error, malformed or unsupported key, passphrase wrong or missing,
  3 I/O error.`,
  encrypt: `Usage: keysmith encrypt (--key-env VAR | --password-env VAR) [--iterations N] [--pretty]
                        [--in FILE] [--out FILE [--force]] [--allow-empty]

  Reads the plaintext (exact bytes: text or binary, at most 64 MiB) from stdin and prints an
  envelope v1 on stdout.
  --key-env VAR        the environment variable holding a 64-hex-character key
  --password-env VAR   the environment variable holding a password (PBKDF2-HMAC-SHA256)
  --iterations N       PBKDF2 iterations, 1000-10000000 (default 600000); password only
  --pretty             write the envelope on several lines
  --in FILE            read the plaintext from FILE instead of stdin
  --out FILE           write the envelope to FILE (atomically; never replaces a file without --force)
  --force              with --out: replace FILE if it exists
  --allow-empty        encrypt empty input (refused by default: it is usually a mistake)
  Exit codes: 0 ok, 2 usage error (empty input, FILE exists), 3 I/O error.`,
  decrypt: `Usage: keysmith decrypt (--key-env VAR | --password-env VAR) [--in FILE] [--out FILE [--force]]

  Reads an envelope from stdin and writes the plaintext's exact bytes on stdout.
  --key-env VAR        the environment variable holding the 64-hex-character key
  --password-env VAR   the environment variable holding the password
  --in FILE            read the envelope from FILE instead of stdin
  --out FILE           write the plaintext to FILE, mode 0600, atomically (a temporary file in the
                       same folder, then moved into place); never replaces a file without --force
  --force              with --out: replace FILE if it exists
  Exit code 1 (and nothing on stdout or in FILE) when the key or password is wrong or the envelope
  was modified; 2 usage error or malformed envelope; 3 I/O error.`,
  render: `Usage: keysmith render [FILE] (--key-env VAR | --password-env VAR) [--format auto|env|json|yaml|text]
                       [--out FILE [--force]]

  Prints FILE (stdin when FILE is absent or -) with every envelope replaced by its plaintext,
  written so the file stays valid for its format: a quoted string as a JSON or YAML value, escaped
  inside a string literal, a .env value that dotenv and python-dotenv read back exactly.
  --key-env VAR        the environment variable holding the 64-hex-character key
  --password-env VAR   the environment variable holding the password (derived once per salt)
  --format F           auto (default): from FILE's name (.env*, *.env -> env; .json/.jsonc -> json;
                       .yml/.yaml -> yaml; .js/.ts -> javascript; else text), text for stdin;
                       env, json, yaml: that format; text: the plaintext as it is
  --out FILE           write to FILE, mode 0600, atomically, instead of stdout; never replaces a
                       file without --force
  --force              with --out: replace FILE if it exists
  All or nothing: if any envelope is broken or does not open, nothing is printed and one line on
  stderr names the file and line. Exit codes: 0 ok, 1 could not decrypt, 2 usage error, malformed
  envelope or a plaintext that cannot be written in its place, 3 I/O error.`,
  run: `Usage: keysmith run [--env-file FILE | -f FILE]... (--key-env VAR | --password-env VAR)
                    [--override] -- COMMAND [ARGS...]

  Reads .env files, opens the envelopes in their values, and runs COMMAND with the variables added
  to its environment. The plaintext is never written to disk. COMMAND is started directly, without
  a shell (write 'sh -c "..."' for one); its stdin, stdout and stderr are keysmith's.
  --env-file FILE, -f FILE
                       a .env file to read (default .env); give it again for more: later files win.
                       (Node itself stops with "node: FILE: not found", exit 9, when a file given
                       as --env-file is missing — Node bug nodejs/node#54232; -f has no such quirk.)
  --key-env VAR        the environment variable holding the 64-hex-character key
  --password-env VAR   the environment variable holding the password (derived once per salt)
  --override           values from the files replace variables already set in the environment
                       (by default, as with dotenv, a variable already set is kept); the key's or
                       password's own variable is never replaced
  All or nothing: every envelope in every file must open before COMMAND starts (else exit 1, or 2
  for a malformed envelope, naming the file and line). SIGINT, SIGTERM and SIGHUP are passed on to
  COMMAND. Exit code: COMMAND's; 128+n if signal n ended it; 126 COMMAND cannot be executed, 127
  not found; keysmith's own 1, 2 or 3 (with a 'keysmith:' line on stderr) before COMMAND starts.`,
  rekey: `Usage: keysmith rekey FILE... (--key-env OLD | --password-env OLD)
                      (--to-key-env NEW | --to-password-env NEW) [--iterations N] [--kid NAME]

  Re-encrypts every envelope of each FILE from the old key or password to the new one, in place:
  the rest of each file is kept byte for byte. A summary goes to stderr.
  --key-env OLD / --password-env OLD          the variable holding the key or password that opens them
  --to-key-env NEW / --to-password-env NEW    the variable holding the new key or password
  --iterations N       PBKDF2 iterations for --to-password-env, 1000-10000000 (default 600000)
  --kid NAME           the key id written into the new envelopes (1-64 of A-Z a-z 0-9 . _ -)
  All or nothing: every file is read and every envelope re-encrypted before any file is written;
  if one fails, no file changes. Each file is written atomically (a temporary file in its folder,
  mode kept, then renamed over it). A file without envelopes is not rewritten; a symlink's target
  is rewritten, the link kept. Exit codes: 0 ok, 1 could not decrypt, 2 usage error or malformed
  envelope, 3 I/O error.`,
};

type Options = NonNullable<ParseArgsConfig['options']>;
const help: Options = { help: { type: 'boolean', short: 'h' } };
const secretOptions: Options = { 'key-env': { type: 'string' }, 'password-env': { type: 'string' } };
const fileOptions: Options = { in: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } };

/**
 * `positionals`: what the command takes besides options — nothing, FILE names, or (run) a command
 * after `--`.
 */
interface CommandSpec {
  options: Options;
  positionals?: 'files' | 'command';
  run: (values: Values, positionals: string[]) => Promise<number | void>;
}

const COMMANDS: Record<string, CommandSpec> = {
  'generate-key': {
    options: {
      type: { type: 'string' },
      prefix: { type: 'string' },
      length: { type: 'string' },
      json: { type: 'boolean' },
    },
    run: runGenerateKey,
  },
  'generate-keypair': {
    options: {
      algorithm: { type: 'string' },
      'key-size': { type: 'string' },
      curve: { type: 'string' },
      format: { type: 'string' },
      pkcs8: { type: 'boolean' },
      'passphrase-env': { type: 'string' },
      comment: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
    run: runGenerateKeyPair,
  },
  inspect: {
    options: { 'passphrase-env': { type: 'string' }, json: { type: 'boolean' } },
    positionals: 'files',
    run: runInspect,
  },
  convert: {
    options: {
      to: { type: 'string' },
      public: { type: 'boolean' },
      'passphrase-env': { type: 'string' },
      'to-passphrase-env': { type: 'string' },
      comment: { type: 'string' },
    },
    positionals: 'files',
    run: runConvert,
  },
  encrypt: {
    options: {
      ...secretOptions,
      ...fileOptions,
      iterations: { type: 'string' },
      pretty: { type: 'boolean' },
      'allow-empty': { type: 'boolean' },
    },
    run: runEncrypt,
  },
  decrypt: { options: { ...secretOptions, ...fileOptions }, run: runDecrypt },
  render: {
    options: {
      ...secretOptions,
      format: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean' },
    },
    positionals: 'files',
    run: runRender,
  },
  run: {
    options: {
      ...secretOptions,
      'env-file': { type: 'string', short: 'f', multiple: true },
      override: { type: 'boolean' },
    },
    positionals: 'command',
    run: runRun,
  },
  rekey: {
    options: {
      ...secretOptions,
      'to-key-env': { type: 'string' },
      'to-password-env': { type: 'string' },
      iterations: { type: 'string' },
      kid: { type: 'string' },
    },
    positionals: 'files',
    run: runRekey,
  },
};

export async function main(argv: string[]): Promise<number> {
  quietStdoutErrors();
  const [command, ...rest] = argv;
  if (command === undefined) {
    process.stderr.write(`${HELP.main}\n`);
    return 2;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP.main}\n`);
    return 0;
  }
  const spec = COMMANDS[command];
  if (!spec)
    throw new CliError(`unknown command '${command}' (expected ${Object.keys(COMMANDS).join(', ')})`);
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseCommandLine(command, rest, spec));
  } catch (error) {
    if (error instanceof CliError) throw error;
    // parseArgs says e.g. "Unknown option '--foo'"; keep its words, drop its advice lines.
    throw new CliError(`${command}: ${String((error as Error).message).split('\n')[0]}`);
  }
  if (values.help) {
    process.stdout.write(`${HELP[command]}\n`);
    return 0;
  }
  try {
    const code = await spec.run(values, positionals);
    if (typeof code === 'number') return code;
  } catch (error) {
    // The core's messages name the field; say which command it came from.
    if (isKeysmithError(error) && error.code !== 'DECRYPT_FAILED') {
      throw new CliError(`${command}: ${error.message}`);
    }
    if (error instanceof IoError) throw new IoError(`${command}: ${error.message}`);
    throw error;
  }
  return 0;
}

/**
 * The options and positionals of one command. For `run`, everything after the first `--` is the
 * command to run, as it is (its own options included); nothing may come between keysmith's
 * options and the `--`.
 */
function parseCommandLine(
  command: string,
  args: string[],
  spec: CommandSpec,
): { values: Values; positionals: string[] } {
  const { values, positionals, tokens } = parseArgs({
    args,
    options: { ...spec.options, ...help },
    strict: true,
    allowPositionals: spec.positionals !== undefined,
    tokens: true,
  });
  if (spec.positionals !== 'command') return { values: values as Values, positionals };
  const terminator = tokens.find((token) => token.kind === 'option-terminator');
  const before = tokens.filter(
    (token) => token.kind === 'positional' && (!terminator || token.index < terminator.index),
  );
  if (before.length > 0 && values.help !== true) {
    throw new CliError(
      `${command}: '${before[0]!.kind === 'positional' ? before[0]!.value : ''}' is not an option; put the command to run after --, e.g. keysmith run --key-env KEY -- npm start`,
    );
  }
  return { values: values as Values, positionals: terminator ? args.slice(terminator.index + 1) : [] };
}

async function runGenerateKey(values: Values): Promise<void> {
  const type = (values.type as string | undefined) ?? 'api-key';
  if (!(KEY_TYPES as readonly string[]).includes(type)) {
    throw new CliError(`generate-key: --type must be one of ${KEY_TYPES.join(', ')}`);
  }
  const options: GenerateKeyOptions = { type: type as KeyType };
  if (values.prefix !== undefined) options.prefix = values.prefix as string;
  if (values.length !== undefined) options.length = parseInteger(values.length as string, '--length');
  const result = generateKey(options);
  await writeStdout(values.json ? `${JSON.stringify(result)}\n` : `${result.key}\n`);
}

async function runEncrypt(values: Values): Promise<void> {
  const secret = secretOf(readSecretFromEnv(values, 'encrypt'));
  const iterations =
    values.iterations === undefined ? undefined : parseInteger(values.iterations as string, '--iterations');
  if (iterations !== undefined && 'key' in secret) {
    throw new CliError('encrypt: --iterations applies only to --password-env');
  }
  const { input, output } = filesOf(values, 'encrypt', false);
  await checkOutput(output, 'encrypt');
  const limit = `plaintext in ${inputName(input)} is larger than 64 MiB`;
  const plaintext = await readInput(input, limits.MAX_PLAINTEXT_BYTES, limit);
  // Empty input is nearly always a mistake (a missing file through `cat`, a wrong redirect).
  if (plaintext.byteLength === 0 && values['allow-empty'] !== true) {
    throw new CliError(`encrypt: ${inputName(input)} is empty (give --allow-empty to encrypt empty input)`);
  }
  // Exact bytes, whatever they are: the envelope is AES-GCM over them (text is its UTF-8).
  let envelope;
  try {
    envelope = await encrypt({ plaintext, ...secret, ...(iterations !== undefined && { iterations }) });
  } finally {
    plaintext.fill(0); // also when encrypt refuses (a bad key or password)
  }
  for (const warning of envelopeWarnings(envelope)) process.stderr.write(`keysmith: warning: ${warning}\n`);
  await writeOutput(output, envelopeBytes(envelope, values.pretty === true), 'encrypt');
}

/**
 * The envelope's text and a newline, as UTF-8 bytes. Speed: the ciphertext (base64, so ASCII;
 * ~22 MiB for 16 MiB of plaintext) is copied in as latin1 — the same bytes — rather than through
 * Buffer.from(text, 'utf8') over the whole envelope, which costs ~40 ms per 16 MiB here (V8's
 * UTF-8 writer on a rope) against ~20 ms; only the few fields around it go through UTF-8.
 */
function envelopeBytes(envelope: Envelope, pretty: boolean): Buffer {
  const shell = serializeEnvelope({ ...envelope, ciphertext: '' }, { pretty });
  const key = shell.lastIndexOf('"ciphertext":');
  const at = key < 0 ? -1 : shell.indexOf('""', key) + 1;
  if (at <= 0) return Buffer.from(`${serializeEnvelope(envelope, { pretty })}\n`, 'utf8');
  const head = shell.slice(0, at);
  const tail = `${shell.slice(at)}\n`;
  const ciphertext = envelope.ciphertext;
  const headBytes = Buffer.byteLength(head, 'utf8');
  const out = Buffer.allocUnsafe(headBytes + ciphertext.length + Buffer.byteLength(tail, 'utf8'));
  let written = out.write(head, 0, 'utf8');
  written += out.write(ciphertext, written, 'latin1');
  written += out.write(tail, written, 'utf8');
  return out.subarray(0, written);
}

async function runDecrypt(values: Values): Promise<void> {
  const secret = secretOf(readSecretFromEnv(values, 'decrypt'));
  const { input, output } = filesOf(values, 'decrypt', true);
  await checkOutput(output, 'decrypt');
  const bytes = await readInput(
    input,
    limits.MAX_ENVELOPE_CHARS,
    `the envelope in ${inputName(input)} is larger than the 64 MiB limit allows`,
  );
  if (bytes.byteLength === 0) throw new CliError(`decrypt: ${inputName(input)} is empty`);
  const text = decodeUtf8Strict(bytes);
  if (text === undefined) throw new CliError(`decrypt: ${inputName(input)} is not valid UTF-8 text`);
  const decoded = readEnvelope(text.trim());
  for (const warning of envelopeWarnings(decoded.envelope)) {
    process.stderr.write(`keysmith: warning: ${warning}\n`);
  }
  // The plaintext's exact bytes, whatever they are (binary data included), decrypted over the
  // ciphertext readEnvelope decoded (not decoded again, as decryptBytes({ envelope }) would).
  const plaintext = await decryptReadEnvelope(decoded, secret);
  try {
    await writeOutput(output, plaintext, 'decrypt');
  } finally {
    plaintext.fill(0);
  }
}

/** `--in`, `--out` and `--force`; `secret`: the output is plaintext (a file of mode 0600). */
function filesOf(values: Values, command: string, secret: boolean): { input: Input; output: Output } {
  const inFile = values.in as string | undefined;
  const outFile = values.out as string | undefined;
  if (inFile === '') throw new CliError(`${command}: --in needs a file name`);
  if (outFile === '') throw new CliError(`${command}: --out needs a file name`);
  if (values.force === true && outFile === undefined) {
    throw new CliError(`${command}: --force applies only with --out FILE`);
  }
  return {
    input: inFile === undefined ? {} : { file: inFile },
    output: { ...(outFile !== undefined && { file: outFile }), force: values.force === true, secret },
  };
}

/** One line on stderr, no stack trace; the core's messages already name the field. */
export function reportError(error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`keysmith: ${error.message}\n`);
    return error.exitCode;
  }
  if (isKeysmithError(error)) {
    process.stderr.write(`keysmith: ${error.message}\n`);
    return error.code === 'DECRYPT_FAILED' ? 1 : 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`keysmith: ${message.split('\n')[0]}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportError(error);
  },
);

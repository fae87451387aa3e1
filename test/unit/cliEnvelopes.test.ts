/**
 * `keysmith render`, `run` and `rekey` end to end (issue 11, "On the command line"): dist/cli.js as
 * a child process, as deploy scripts and CI run it. Rendered files are read back by the parsers
 * applications use (JSON.parse, the `yaml` and `dotenv` packages) and must give exactly the
 * plaintexts; run's child reports its own environment; rekey is checked on disk (mode, inode, no
 * temporary file left, files unchanged byte for byte on failure).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { encrypt, encryptBatch, findEnvelopes, serializeEnvelope } from '../../src/core';
import { pyDotenv, pyYamlLoad } from './judges';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const KEY = randomBytes(32).toString('hex');
const NEW_KEY = randomBytes(32).toString('hex');
const WRONG_KEY = randomBytes(32).toString('hex');
const PASSWORD = 'pässwörd ☃ correct horse';
const NEW_PASSWORD = 'a new password, rotated';
/** Low so the tests are quick; the CLI's own default is 600,000. */
const ITERATIONS = 1000;

/**
 * Values that are hard to write back: quotes, #, $, =, backslashes, non-ASCII — each one that a
 * .env file can hold too (dotenv and python-dotenv reading it the same).
 */
const PLAINTEXTS = {
  simple: 'db-password',
  spaced: '  leading and trailing spaces  ',
  apostrophe: "it's one",
  doubleQuote: 'say "hi"',
  hash: 'before # after',
  dollar: 'cost: $HOME $(id) 5$',
  equals: 'a=b=c',
  backslash: 'C:\\path\\to\\file',
  unicode: 'ünïcödé ☃ 🔑 日本語',
} as const;
/**
 * Both quotes: fine in JSON, YAML and text, but no .env value reads the same in dotenv and
 * python-dotenv (they unescape quotes differently), so render refuses to place it there.
 */
const BOTH_QUOTES = `it's a "quoted" value`;
/** Refused in .env by the core likewise (python-dotenv would expand it); fine elsewhere. */
const BRACED = 'a ${PATH} b';
const MULTILINE = '-----BEGIN KEY-----\nline two\nline three\n-----END KEY-----';

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const BASE_ENV = () => ({
  PATH: process.env.PATH ?? '',
  KS_KEY: KEY,
  KS_NEW_KEY: NEW_KEY,
  KS_WRONG_KEY: WRONG_KEY,
  KS_PASSWORD: PASSWORD,
  KS_NEW_PASSWORD: NEW_PASSWORD,
});

function cli(
  args: string[],
  options: { input?: string | Buffer; cwd?: string; env?: Record<string, string | undefined> } = {},
): Run {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...BASE_ENV(), ...options.env }))
    if (value !== undefined) env[name] = value;
  const result = spawnSync(process.execPath, [CLI, ...args], {
    input: options.input ?? '',
    cwd: options.cwd,
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout.toString('utf8'),
    stderr: result.stderr.toString('utf8'),
  };
}

/** Exit `status`, nothing on stdout, one line on stderr matching `mentions`, no stack trace. */
function assertFailure(run: Run, status: number, mentions: RegExp): void {
  assert.equal(run.status, status, `exit ${run.status}: ${run.stderr}`);
  assert.equal(run.stdout, '', 'nothing on stdout');
  assert.match(run.stderr, /^keysmith: [^\n]+\n$/, `one line on stderr: ${JSON.stringify(run.stderr)}`);
  assert.match(run.stderr, mentions);
  assert.doesNotMatch(run.stderr, /\n\s+at |Error:/, 'no stack trace');
}

/** No plaintext and no secret (not even a fragment of one) in what keysmith said. */
function assertNoSecrets(text: string): void {
  for (const secret of [
    KEY,
    NEW_KEY,
    WRONG_KEY,
    PASSWORD,
    NEW_PASSWORD,
    ...Object.values(PLAINTEXTS),
    BOTH_QUOTES,
    BRACED,
    MULTILINE,
  ]) {
    assert.ok(!text.includes(secret), `a secret or plaintext in ${JSON.stringify(text)}`);
  }
}

type Secret = { key: string } | { password: string };
const byKey: Secret = { key: KEY };
const byPassword: Secret = { password: PASSWORD };

async function seal(plaintext: string, secret: Secret = byKey, pretty = false): Promise<string> {
  const iterations = 'password' in secret ? { iterations: ITERATIONS } : {};
  return serializeEnvelope(await encrypt({ plaintext, ...secret, ...iterations }), { pretty });
}

/** The envelope as it is written inside a JSON (or JS, or YAML double-quoted) string literal. */
const escaped = (envelope: string) => JSON.stringify(envelope).slice(1, -1);

/** What dotenv gives for an entry: the test's view of a .env file written by hand. */
function dotenvLines(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n');
}

/** What python-dotenv reads from a .env text: the same, with and without interpolation, no error. */
function parsePythonDotenv(text: string): Record<string, string | null> {
  const [result] = pyDotenv([text]);
  assert.deepEqual(result!.errors, [], 'python-dotenv reads every line');
  assert.deepEqual(result!.interpolated, result!.plain, 'python-dotenv interpolates nothing');
  return result!.plain;
}

describe('CLI: envelopes in files — render, run, rekey (issue 11)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => assert.ok(existsSync(CLI), `${CLI} is built by npm test (node esbuild.mjs --tests)`));
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'keysmith-cli-envelopes-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string | Buffer, mode?: number) => {
    const at = path.join(dir, name);
    writeFileSync(at, content);
    if (mode !== undefined) chmodSync(at, mode);
    return at;
  };

  describe('--help', () => {
    for (const command of ['render', 'run', 'rekey']) {
      it(`${command} --help prints its usage and exits 0; keysmith --help lists it`, () => {
        const run = cli([command, '--help']);
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stdout, new RegExp(`^Usage: keysmith ${command} `));
        assert.match(cli(['--help']).stdout, new RegExp(`\\n  ${command} +\\S`));
      });
    }
  });

  describe('render', () => {
    it('.env: every envelope (unquoted, single-quoted, export, pretty) opened; dotenv and python-dotenv read back exactly the plaintexts', async () => {
      const expected: Record<string, string> = { PLAIN: 'kept as it is', ...PLAINTEXTS, MULTI: MULTILINE };
      const lines = ['# app settings', 'PLAIN=kept as it is'];
      for (const [name, value] of Object.entries(PLAINTEXTS)) lines.push(`${name}=${await seal(value)}`);
      lines.push(`export MULTI='${await seal(MULTILINE)}'`);
      const source = file('app.env', `${lines.join('\n')}\n`);
      const run = cli(['render', source, '--key-env', 'KS_KEY']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stderr, '');
      assert.deepEqual(parseDotenv(run.stdout), expected);
      assert.deepEqual(parsePythonDotenv(run.stdout), expected, 'python-dotenv reads the same');
      assert.match(run.stdout, /^# app settings\nPLAIN=kept as it is\n/, 'the rest of the file as it was');
      assert.equal(findEnvelopes(run.stdout).length, 0, 'no envelope left');
    });

    it('.env named .env.production, and --format env for a name that says nothing', async () => {
      const text = `${dotenvLines({ A: await seal(PLAINTEXTS.apostrophe), B: await seal(PLAINTEXTS.hash) })}\n`;
      for (const [name, extra] of [
        ['.env.production', []],
        ['settings.conf', ['--format', 'env']],
      ] as [string, string[]][]) {
        const run = cli(['render', file(name, text), '--key-env', 'KS_KEY', ...extra]);
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(parseDotenv(run.stdout), { A: PLAINTEXTS.apostrophe, B: PLAINTEXTS.hash }, name);
      }
    });

    it('JSON: envelopes as values (compact, pretty, in an array) and escaped inside strings; JSON.parse reads back exactly', async () => {
      const source = [
        '{',
        `  "db": { "password": ${await seal(BOTH_QUOTES)}, "port": 5432 },`,
        `  "pretty": ${(await seal(MULTILINE, byKey, true)).replace(/\n/g, '\n  ')},`,
        `  "list": [${await seal(PLAINTEXTS.unicode)}, ${await seal(PLAINTEXTS.backslash)}],`,
        `  "url": "postgres://app:${escaped(await seal(BRACED))}@db/app",`,
        `  "whole": "${escaped(await seal(PLAINTEXTS.spaced))}"`,
        '}',
        '',
      ].join('\n');
      const run = cli(['render', file('config.json', source), '--key-env', 'KS_KEY']);
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), {
        db: { password: BOTH_QUOTES, port: 5432 },
        pretty: MULTILINE,
        list: [PLAINTEXTS.unicode, PLAINTEXTS.backslash],
        url: `postgres://app:${BRACED}@db/app`,
        whole: PLAINTEXTS.spaced,
      });
    });

    it('YAML: envelopes as values (flow, pretty over lines, in a list) and escaped in a double-quoted string; the yaml package and PyYAML read back exactly', async () => {
      const pretty = (await seal(MULTILINE, byKey, true)).replace(/\n/g, '\n  ');
      const source = [
        'app:',
        `  password: ${await seal(BOTH_QUOTES)}`,
        `  hash: ${await seal(PLAINTEXTS.hash)}`,
        `certificate: ${pretty}`,
        'tokens:',
        `  - ${await seal(PLAINTEXTS.unicode)}`,
        `  - ${await seal(BRACED)}`,
        `quoted: "${escaped(await seal(PLAINTEXTS.backslash))}"`,
        '',
      ].join('\n');
      const expected = {
        app: { password: BOTH_QUOTES, hash: PLAINTEXTS.hash },
        certificate: MULTILINE,
        tokens: [PLAINTEXTS.unicode, BRACED],
        quoted: PLAINTEXTS.backslash,
      };
      for (const name of ['values.yaml', 'values.yml']) {
        const run = cli(['render', file(name, source), '--key-env', 'KS_KEY']);
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(parseYaml(run.stdout), expected, 'the yaml package (YAML 1.2)');
        assert.deepEqual(pyYamlLoad([run.stdout]), [{ ok: expected }], 'PyYAML (YAML 1.1)');
      }
    });

    it('text: each envelope replaced by its plaintext as it is, the rest byte for byte (file, stdin, -)', async () => {
      const source = `Hello,\nthe password is ${await seal(BOTH_QUOTES)} and\r\nthe key:\n${await seal(MULTILINE, byKey, true)}\nend ✓\n`;
      const expected = `Hello,\nthe password is ${BOTH_QUOTES} and\r\nthe key:\n${MULTILINE}\nend ✓\n`;
      const notes = file('notes.txt', source);
      for (const args of [[notes], [], ['-']]) {
        const run = cli(['render', ...args, '--key-env', 'KS_KEY'], { input: source });
        assert.equal(run.status, 0, run.stderr);
        assert.equal(run.stdout, expected, `render ${args.join(' ') || '(stdin)'}`);
      }
      // stdin is text unless told: the same .env through stdin is not quoted for dotenv.
      const asEnv = cli(['render', '--key-env', 'KS_KEY', '--format', 'env'], {
        input: `A=${await seal(PLAINTEXTS.hash)}\n`,
      });
      assert.equal(asEnv.status, 0, asEnv.stderr);
      assert.deepEqual(parseDotenv(asEnv.stdout), { A: PLAINTEXTS.hash });
    });

    it('a file without envelopes is printed as it is', () => {
      const source = '{ "plain": true }\n';
      const run = cli(['render', file('plain.json', source), '--key-env', 'KS_KEY']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, source);
    });

    it('password envelopes sharing one salt (encryptBatch) open with --password-env', async () => {
      const names = Object.keys(PLAINTEXTS);
      const sealed = await encryptBatch({
        plaintexts: Object.values(PLAINTEXTS),
        password: PASSWORD,
        iterations: ITERATIONS,
      });
      const source = sealed.map((envelope, i) => `${names[i]}=${serializeEnvelope(envelope)}`).join('\n');
      const run = cli(['render', file('.env', `${source}\n`), '--password-env', 'KS_PASSWORD']);
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(parseDotenv(run.stdout), PLAINTEXTS);
      assert.deepEqual(parsePythonDotenv(run.stdout), PLAINTEXTS);
    });

    it('--out FILE: written with mode 0600; an existing FILE only with --force', async () => {
      const source = file('app.env', `A=${await seal(PLAINTEXTS.simple)}\n`);
      const out = path.join(dir, 'rendered.env');
      const run = cli(['render', source, '--key-env', 'KS_KEY', '--out', out]);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, '');
      assert.deepEqual(parseDotenv(readFileSync(out)), { A: PLAINTEXTS.simple });
      assert.equal(statSync(out).mode & 0o777, 0o600);
      writeFileSync(out, 'old');
      assertFailure(
        cli(['render', source, '--key-env', 'KS_KEY', '--out', out]),
        2,
        /already exists.*--force/,
      );
      assert.equal(readFileSync(out, 'utf8'), 'old');
      assert.equal(cli(['render', source, '--key-env', 'KS_KEY', '--out', out, '--force']).status, 0);
      assert.deepEqual(parseDotenv(readFileSync(out)), { A: PLAINTEXTS.simple });
    });

    describe('all or nothing: nothing on stdout, one line naming the file and line', () => {
      it('one envelope of another key among many: exit 1', async () => {
        const lines: string[] = [];
        for (const [name, value] of Object.entries(PLAINTEXTS)) lines.push(`${name}=${await seal(value)}`);
        lines.splice(4, 0, `OTHER=${await seal('under another key', { key: WRONG_KEY })}`); // line 5
        const source = file('app.env', `${lines.join('\n')}\n`);
        const out = path.join(dir, 'out.env');
        for (const extra of [[], ['--out', out]]) {
          const run = cli(['render', source, '--key-env', 'KS_KEY', ...extra]);
          assertFailure(run, 1, /^keysmith: render: .*app\.env: line 5: Could not decrypt/);
          assertNoSecrets(run.stderr);
          assert.ok(!existsSync(out), 'no --out file either');
        }
      });

      it('a malformed envelope: exit 2, naming the line and the field', async () => {
        const good = await seal(PLAINTEXTS.simple);
        const broken = good.replace(/"iv":"[^"]+"/, '"iv":"AAAA"');
        const source = file('config.json', `{\n  "a": ${good},\n  "b": ${broken}\n}\n`);
        const run = cli(['render', source, '--key-env', 'KS_KEY']);
        assertFailure(run, 2, /render: .*config\.json: line 3: .*\biv\b/);
        assertNoSecrets(run.stderr);
      });

      it('a password envelope given a key (and the other way round): exit 2, naming the line', async () => {
        const source = file('a.txt', `x\n${await seal(PLAINTEXTS.simple, byPassword)}\n`);
        assertFailure(cli(['render', source, '--key-env', 'KS_KEY']), 2, /a\.txt: line 2: .*password/);
        const keyed = file('b.txt', `${await seal(PLAINTEXTS.simple)}\n`);
        assertFailure(cli(['render', keyed, '--password-env', 'KS_PASSWORD']), 2, /b\.txt: line 1: .*key/);
      });

      it('the wrong password: exit 1', async () => {
        const source = file('a.env', `A=${await seal(PLAINTEXTS.simple, byPassword)}\n`);
        const run = cli(['render', source, '--password-env', 'KS_NEW_PASSWORD']);
        assertFailure(run, 1, /a\.env: line 1: Could not decrypt/);
        assertNoSecrets(run.stderr);
      });

      it('a plaintext that cannot be written in its place (both quotes in a .env value): exit 2, naming the line, not the value', async () => {
        const source = file(
          'app.env',
          `A=${await seal(PLAINTEXTS.simple)}\n# note\nB=${await seal(BOTH_QUOTES)}\n`,
        );
        const out = path.join(dir, 'out.env');
        const run = cli(['render', source, '--key-env', 'KS_KEY', '--out', out]);
        assertFailure(run, 2, /render: .*app\.env: line 3: .*both ' and "/);
        assertNoSecrets(run.stderr);
        assert.ok(!existsSync(out));
        // The same envelope in a JSON file is a quoted string like any other.
        const json = cli([
          'render',
          file('b.json', `{"b": ${await seal(BOTH_QUOTES)}}`),
          '--key-env',
          'KS_KEY',
        ]);
        assert.equal(json.status, 0, json.stderr);
        assert.deepEqual(JSON.parse(json.stdout), { b: BOTH_QUOTES });
      });
    });

    it('usage and I/O errors: unset or empty variable, not a key, bad --format, two files, missing file, not UTF-8', () => {
      const source = file('a.txt', 'no envelopes\n');
      assertFailure(
        cli(['render', source, '--key-env', 'NOPE']),
        2,
        /environment variable NOPE is not set or empty/,
      );
      assertFailure(
        cli(['render', source, '--key-env', 'EMPTY'], { env: { EMPTY: '' } }),
        2,
        /EMPTY is not set or empty/,
      );
      assertFailure(
        cli(['render', source, '--key-env', 'KS_PASSWORD']),
        2,
        /the key in KS_PASSWORD must be 64 hex/,
      );
      assertFailure(cli(['render', source]), 2, /exactly one of --key-env VAR or --password-env VAR/);
      assertFailure(
        cli(['render', source, '--key-env', 'KS_KEY', '--format', 'toml']),
        2,
        /--format must be one of auto, env, json, yaml, text/,
      );
      assertFailure(cli(['render', source, source, '--key-env', 'KS_KEY']), 2, /at most one FILE/);
      assertFailure(
        cli(['render', path.join(dir, 'missing.env'), '--key-env', 'KS_KEY']),
        3,
        /render: cannot read .*missing\.env: no such file/,
      );
      assertFailure(cli(['render', dir, '--key-env', 'KS_KEY']), 3, /it is a folder/);
      assertFailure(
        cli(['render', file('bin.txt', Buffer.from([0xff, 0xfe])), '--key-env', 'KS_KEY']),
        2,
        /bin\.txt is not valid UTF-8 text/,
      );
      assertFailure(
        cli(['render', source, '--key-env', 'KS_KEY', '--force']),
        2,
        /--force applies only with --out/,
      );
    });
  });

  describe('run', () => {
    /** A node child printing the named variables of its environment as JSON (null: unset). */
    const printEnv = (...names: string[]) => [
      '--',
      process.execPath,
      '-e',
      'process.stdout.write(JSON.stringify(Object.fromEntries(process.argv.slice(1).map((n) => [n, process.env[n] ?? null]))))',
      ...names,
    ];
    const childEnv = (run: Run): Record<string, string | null> => {
      assert.equal(run.status, 0, run.stderr);
      return JSON.parse(run.stdout) as Record<string, string | null>;
    };

    it('the decrypted values of .env (the default file) are in the child environment, exactly', async () => {
      const lines = ['# comment', 'PLAIN=not secret'];
      for (const [name, value] of Object.entries(PLAINTEXTS)) lines.push(`${name}=${await seal(value)}`);
      lines.push(`MULTI='${await seal(MULTILINE)}'`);
      lines.push(`URL=postgres://app:${await seal('pw')}@db/app`);
      // Nothing is written back into a file, so a value render cannot place is fine here.
      lines.push(`BOTH=${await seal(BOTH_QUOTES)}`, `BRACED=${await seal(BRACED)}`);
      file('.env', `${lines.join('\n')}\n`);
      const names = ['PLAIN', ...Object.keys(PLAINTEXTS), 'MULTI', 'URL', 'BOTH', 'BRACED', 'KS_KEY'];
      const run = cli(['run', '--key-env', 'KS_KEY', ...printEnv(...names)], { cwd: dir });
      assert.deepEqual(childEnv(run), {
        PLAIN: 'not secret',
        ...PLAINTEXTS,
        MULTI: MULTILINE,
        URL: 'postgres://app:pw@db/app',
        BOTH: BOTH_QUOTES,
        BRACED,
        KS_KEY: KEY,
      });
      assert.equal(run.stderr, '');
    });

    it('several --env-file: later files win; variables already set win unless --override; the key variable stays', async () => {
      const first = file(
        'base.env',
        `A=${await seal('a from base')}\nB=b from base\nC=${await seal('c from base')}\nKS_KEY=not the key\n`,
      );
      const second = file(
        'local.env',
        `C=${await seal('c from local')}\nD=${await seal('d from local', byPassword)}\n`,
      );
      // D is a password envelope: one secret opens all, so the password one must fail.
      const mixed = cli(
        ['run', '--env-file', first, '--env-file', second, '--key-env', 'KS_KEY', ...printEnv('C')],
        { cwd: dir },
      );
      assertFailure(mixed, 2, /local\.env: line 2: .*password/);

      writeFileSync(second, `C=${await seal('c from local')}\nD=d from local\n`);
      const env = { B: 'b from the environment', D: '' };
      const names = ['A', 'B', 'C', 'D', 'KS_KEY'];
      const args = ['run', '--env-file', first, '-f', second, '--key-env', 'KS_KEY'];
      assert.deepEqual(childEnv(cli([...args, ...printEnv(...names)], { cwd: dir, env })), {
        A: 'a from base',
        B: 'b from the environment',
        C: 'c from local',
        D: '', // set, even empty, is kept (as dotenv does)
        KS_KEY: KEY,
      });
      assert.deepEqual(childEnv(cli([...args, '--override', ...printEnv(...names)], { cwd: dir, env })), {
        A: 'a from base',
        B: 'b from base',
        C: 'c from local',
        D: 'd from local',
        KS_KEY: KEY,
      });
    });

    it("the exit code is the command's; its arguments reach it as they are (no shell)", () => {
      file('.env', 'A=1\n');
      const seven = cli(['run', '--key-env', 'KS_KEY', '--', process.execPath, '-e', 'process.exit(7)'], {
        cwd: dir,
      });
      assert.equal(seven.status, 7);
      assert.equal(seven.stderr, '');
      const args = ['$HOME', '*', '"q"', "it's", '; rm -rf /', '--key-env'];
      const echo = cli(
        [
          'run',
          '--key-env',
          'KS_KEY',
          '--',
          process.execPath,
          '-e',
          'process.stdout.write(JSON.stringify(process.argv.slice(1)))',
          ...args,
        ],
        { cwd: dir },
      );
      assert.equal(echo.status, 0, echo.stderr);
      assert.deepEqual(JSON.parse(echo.stdout), args);
    });

    describe('signals', () => {
      interface Ended {
        code: number | null;
        signal: NodeJS.Signals | null;
        stdout: string;
        stderr: string;
        /** COMMAND outlived keysmith (and was killed by the test so nothing hangs). */
        orphaned: boolean;
      }
      /**
       * keysmith run with COMMAND = node running `script`; resolves once COMMAND prints
       * "ready <its pid>". `done` resolves when keysmith has ended and its output is all read.
       */
      function startRun(script: string): Promise<{ pid: number; done: Promise<Ended> }> {
        const child = spawn(
          process.execPath,
          [CLI, 'run', '--key-env', 'KS_KEY', '--', process.execPath, '-e', script],
          { cwd: dir, env: BASE_ENV(), stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let stdout = '';
        let stderr = '';
        let commandPid: number | undefined;
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const done = new Promise<Ended>((resolve) =>
          child.on('exit', (code, signal) => {
            // COMMAND shares keysmith's stdout: should it outlive keysmith, the pipe stays open.
            let orphaned = false;
            const timer = setTimeout(() => {
              orphaned = true;
              if (commandPid !== undefined) process.kill(commandPid, 'SIGKILL');
            }, 5000);
            child.on('close', () => {
              clearTimeout(timer);
              resolve({ code, signal, stdout, stderr, orphaned });
            });
          }),
        );
        return new Promise((resolve, reject) => {
          child.stdout.on('data', (chunk: Buffer) => {
            stdout += chunk.toString();
            const ready = /ready (\d+)\n/.exec(stdout);
            if (ready && commandPid === undefined) {
              commandPid = Number(ready[1]);
              resolve({ pid: child.pid!, done });
            }
          });
          void done.then((result) => reject(new Error(`ended before ready: ${JSON.stringify(result)}`)));
        });
      }
      const READY = "process.stdout.write('ready ' + process.pid + '\\n'); setInterval(() => {}, 1000);";

      for (const [signal, code] of [
        ['SIGTERM', 43],
        ['SIGINT', 42],
        ['SIGHUP', 41],
      ] as const) {
        it(`${signal} sent to keysmith reaches the command, which exits ${code}: so does keysmith`, async () => {
          file('.env', `A=${await seal(PLAINTEXTS.simple)}\n`);
          const running = await startRun(
            `process.on('${signal}', () => { process.stdout.write('got ${signal} with ' + process.env.A + '\\n'); process.exit(${code}); }); ${READY}`,
          );
          process.kill(running.pid, signal); // keysmith alone, not its process group
          const result = await running.done;
          assert.equal(result.orphaned, false, 'the command ended with keysmith');
          assert.equal(result.code, code, result.stderr);
          assert.match(result.stdout, new RegExp(`got ${signal} with ${PLAINTEXTS.simple}\\n`));
        });
      }

      it('a command ended by the forwarded SIGTERM: keysmith exits 143 (128 + 15), as shells say', async () => {
        file('.env', 'A=1\n');
        const running = await startRun(READY);
        process.kill(running.pid, 'SIGTERM');
        const result = await running.done;
        assert.equal(result.orphaned, false, 'the command ended with keysmith');
        assert.equal(result.code, 143, result.stderr);
        assert.equal(result.signal, null);
      });
    });

    it('COMMAND not found: 127; not executable: 126; one line each', () => {
      file('.env', 'A=1\n');
      assertFailure(
        cli(['run', '--key-env', 'KS_KEY', '--', 'keysmith-no-such-command'], { cwd: dir }),
        127,
        /cannot start 'keysmith-no-such-command': command not found/,
      );
      const script = file('not-executable.sh', '#!/bin/sh\necho hi\n', 0o644);
      assertFailure(
        cli(['run', '--key-env', 'KS_KEY', '--', script], { cwd: dir }),
        126,
        /cannot start .*not-executable\.sh.*EACCES/,
      );
    });

    it('all or nothing: one envelope that does not open, and the command never starts (exit 1, line named)', async () => {
      file(
        '.env',
        `A=${await seal('a')}\nB=${await seal('b')}\n\nC=${await seal('c', { key: WRONG_KEY })}\n`,
      );
      const run = cli(
        ['run', '--key-env', 'KS_KEY', '--', process.execPath, '-e', "process.stdout.write('started')"],
        { cwd: dir },
      );
      assertFailure(run, 1, /run: \.env: line 4: Could not decrypt/);
      assertNoSecrets(run.stderr);
      // Even an envelope the environment hides must open: the file is checked as a whole.
      const hidden = cli(
        ['run', '--key-env', 'KS_KEY', '--', process.execPath, '-e', "process.stdout.write('started')"],
        { cwd: dir, env: { C: 'set' } },
      );
      assertFailure(hidden, 1, /line 4/);
    });

    it('usage and I/O errors: no --, nothing after it, a missing .env, an unset key variable', () => {
      assertFailure(
        cli(['run', '--key-env', 'KS_KEY', 'npm', 'start'], { cwd: dir }),
        2,
        /put the command to run after --/,
      );
      assertFailure(
        cli(['run', '--key-env', 'KS_KEY', '--'], { cwd: dir }),
        2,
        /give the command to run after --/,
      );
      assertFailure(
        cli(['run', '--key-env', 'KS_KEY', '--', 'true'], { cwd: dir }),
        3,
        /run: cannot read \.env: no such file/,
      );
      assertFailure(
        cli(['run', '--key-env', 'NOPE', '--', 'true'], { cwd: dir }),
        2,
        /environment variable NOPE is not set or empty/,
      );
      assertFailure(
        cli(['run', '-f', 'x.env', '--key-env', 'KS_KEY', '--', 'true'], { cwd: dir }),
        3,
        /run: cannot read x\.env: no such file/,
      );
      // Node 20 itself checks a `--env-file` it sees anywhere in argv, even a script's
      // (nodejs/node#54232): it stops first, with its own words. Either way COMMAND does not run.
      const missing = cli(
        [
          'run',
          '--env-file',
          'x.env',
          '--key-env',
          'KS_KEY',
          '--',
          process.execPath,
          '-e',
          "process.stdout.write('started')",
        ],
        {
          cwd: dir,
        },
      );
      assert.equal(missing.stdout, '');
      assert.ok(
        (missing.status === 3 && /^keysmith: run: cannot read x\.env: no such file/.test(missing.stderr)) ||
          (missing.status === 9 && /^(\S*\/)?node: x\.env: not found\n$/.test(missing.stderr)),
        `exit ${missing.status}: ${missing.stderr}`,
      );
    });

    it('no file is written anywhere: the working folder and TMPDIR stay exactly as they were, no new file in the real tmp holds the plaintext', async () => {
      const marker = `marker-${randomBytes(12).toString('hex')}`;
      const work = path.join(dir, 'work');
      const temp = path.join(dir, 'tmp');
      const home = path.join(dir, 'home');
      for (const folder of [work, temp, home]) mkdirSync(folder);
      writeFileSync(path.join(work, '.env'), `SECRET=${await seal(marker)}\nPLAIN=x\n`);
      const snapshot = () => listTree(dir);
      const before = snapshot();
      const started = Date.now() - 1000;
      const run = cli(['run', '--key-env', 'KS_KEY', ...printEnv('SECRET')], {
        cwd: work,
        env: { TMPDIR: temp, TMP: temp, TEMP: temp, HOME: home },
      });
      assert.deepEqual(childEnv(run), { SECRET: marker });
      assert.deepEqual(snapshot(), before);
      assert.deepEqual(filesHolding(tmpdir(), marker, started), []);
    });
  });

  describe('rekey', () => {
    async function twoFiles(
      from: Secret = byKey,
    ): Promise<{ env: string; json: string; expected: { env: Record<string, string>; json: unknown } }> {
      const env = file(
        'app.env',
        `# rotated\nA=${await seal(PLAINTEXTS.doubleQuote, from)}\nPLAIN=x\nB='${await seal(MULTILINE, from)}'\n`,
        0o640,
      );
      const json = file(
        'config.json',
        `{\n  "db": ${await seal(PLAINTEXTS.unicode, from, true).then((p) => p.replace(/\n/g, '\n  '))},\n  "url": "x:${escaped(await seal(PLAINTEXTS.dollar, from))}@y"\n}\n`,
        0o640,
      );
      return {
        env,
        json,
        expected: {
          env: { A: PLAINTEXTS.doubleQuote, PLAIN: 'x', B: MULTILINE },
          json: { db: PLAINTEXTS.unicode, url: `x:${PLAINTEXTS.dollar}@y` },
        },
      };
    }
    const renderWith = (target: string, ...secretArgs: string[]) => cli(['render', target, ...secretArgs]);

    it('key → key: every envelope of every file re-encrypted; atomic (mode 0640 kept, new inode, no temporary file); the new key opens all, the old none', async () => {
      const { env, json, expected } = await twoFiles();
      const inodes = [statSync(env).ino, statSync(json).ino];
      const before = readFileSync(env, 'utf8');
      const listing = readdirSync(dir).sort();
      const run = cli(['rekey', env, json, '--key-env', 'KS_KEY', '--to-key-env', 'KS_NEW_KEY']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, '');
      assert.equal(run.stderr, 'keysmith: rekeyed 4 envelopes in 2 files\n');
      assert.deepEqual(readdirSync(dir).sort(), listing, 'no temporary file left');
      for (const [i, at] of [env, json].entries()) {
        assert.equal(statSync(at).mode & 0o777, 0o640, `${at}: mode kept`);
        assert.notEqual(statSync(at).ino, inodes[i], `${at}: replaced by rename, not rewritten in place`);
      }
      const after = readFileSync(env, 'utf8');
      assert.notEqual(after, before);
      assert.match(
        after,
        /^# rotated\nA=\{"v":1,.*\}\nPLAIN=x\nB='\{"v":1,.*\}'\n$/,
        'the rest of the file byte for byte',
      );
      assert.match(
        readFileSync(json, 'utf8'),
        /^\{\n {2}"db": \{\n {4}"v": 1,[^]*\n {2}\},\n {2}"url": "x:\{\\"v\\":1,(?:\\"|[^"\\])*\}@y"\n\}\n$/,
        'pretty stays pretty, escaped stays escaped',
      );
      assert.deepEqual(parseDotenv(renderWith(env, '--key-env', 'KS_NEW_KEY').stdout), expected.env);
      assert.deepEqual(JSON.parse(renderWith(json, '--key-env', 'KS_NEW_KEY').stdout), expected.json);
      assertFailure(renderWith(env, '--key-env', 'KS_KEY'), 1, /Could not decrypt/);
      assertFailure(renderWith(json, '--key-env', 'KS_KEY'), 1, /Could not decrypt/);
    });

    it('password → key and key → password (with --iterations)', async () => {
      const { env, json, expected } = await twoFiles(byPassword);
      const toKey = cli(['rekey', env, json, '--password-env', 'KS_PASSWORD', '--to-key-env', 'KS_NEW_KEY']);
      assert.equal(toKey.status, 0, toKey.stderr);
      assert.deepEqual(parseDotenv(renderWith(env, '--key-env', 'KS_NEW_KEY').stdout), expected.env);
      assert.deepEqual(JSON.parse(renderWith(json, '--key-env', 'KS_NEW_KEY').stdout), expected.json);

      const toPassword = cli([
        'rekey',
        env,
        json,
        '--key-env',
        'KS_NEW_KEY',
        '--to-password-env',
        'KS_NEW_PASSWORD',
        '--iterations',
        '2000',
      ]);
      assert.equal(toPassword.status, 0, toPassword.stderr);
      assert.match(toPassword.stderr, /rekeyed 4 envelopes in 2 files\n$/);
      for (const found of findEnvelopes(readFileSync(env, 'utf8')))
        assert.equal(found.envelope?.iterations, 2000);
      assert.deepEqual(
        parseDotenv(renderWith(env, '--password-env', 'KS_NEW_PASSWORD').stdout),
        expected.env,
      );
      assert.deepEqual(
        JSON.parse(renderWith(json, '--password-env', 'KS_NEW_PASSWORD').stdout),
        expected.json,
      );
      assertFailure(renderWith(env, '--key-env', 'KS_NEW_KEY'), 2, /password/);
    });

    it('all or nothing across files: an envelope of another key in the second file leaves the first byte for byte (exit 1, file and line named)', async () => {
      const { env } = await twoFiles();
      const second = file(
        'second.env',
        `X=${await seal('x')}\nY=${await seal('y', { key: WRONG_KEY })}\n`,
        0o640,
      );
      const original = readFileSync(env);
      const inode = statSync(env).ino;
      const listing = readdirSync(dir).sort();
      const run = cli(['rekey', env, second, '--key-env', 'KS_KEY', '--to-key-env', 'KS_NEW_KEY']);
      assertFailure(run, 1, /rekey: .*second\.env: line 2: Could not decrypt/);
      assertNoSecrets(run.stderr);
      assert.deepEqual(readFileSync(env), original);
      assert.equal(statSync(env).ino, inode, 'not even rewritten with the same bytes');
      assert.deepEqual(readdirSync(dir).sort(), listing);
    });

    it('a malformed envelope in the second file: exit 2 with its line and field, nothing written', async () => {
      const { env } = await twoFiles();
      const original = readFileSync(env);
      const broken = file(
        'broken.json',
        `{\n\n  "a": ${(await seal('a')).replace(/"tag":"[^"]+"/, '"tag":"!!"')}\n}\n`,
      );
      assertFailure(
        cli(['rekey', env, broken, '--key-env', 'KS_KEY', '--to-key-env', 'KS_NEW_KEY']),
        2,
        /broken\.json: line 3: .*\btag\b/,
      );
      assert.deepEqual(readFileSync(env), original);
    });

    it('a file without envelopes is left untouched (same inode, same mtime), and counted out of the summary', async () => {
      const { env } = await twoFiles();
      const plain = file('plain.json', '{ "a": 1 }\n');
      const stat = statSync(plain);
      const run = cli(['rekey', env, plain, '--key-env', 'KS_KEY', '--to-key-env', 'KS_NEW_KEY']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stderr, 'keysmith: rekeyed 2 envelopes in 1 file\n');
      assert.equal(statSync(plain).ino, stat.ino);
      assert.equal(statSync(plain).mtimeMs, stat.mtimeMs);
      const none = cli(['rekey', plain, '--key-env', 'KS_KEY', '--to-key-env', 'KS_NEW_KEY']);
      assert.equal(none.status, 0, none.stderr);
      assert.match(none.stderr, /no envelopes in 1 file; nothing changed/);
    });

    it('a symlink: its target is rekeyed in place (mode kept), the link stays a link; a file named twice is done once', async () => {
      const { env, expected } = await twoFiles();
      const link = path.join(dir, 'link.env');
      symlinkSync(path.basename(env), link);
      const run = cli(['rekey', link, env, '--key-env', 'KS_KEY', '--to-key-env', 'KS_NEW_KEY']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stderr, 'keysmith: rekeyed 2 envelopes in 1 file\n');
      assert.ok(lstatSync(link).isSymbolicLink());
      assert.equal(readlinkSync(link), path.basename(env));
      assert.equal(statSync(env).mode & 0o777, 0o640);
      assert.deepEqual(parseDotenv(renderWith(env, '--key-env', 'KS_NEW_KEY').stdout), expected.env);
    });

    it('--kid is written into the new envelopes; another hard link keeps the old ones, with a warning', async () => {
      const { env, expected } = await twoFiles();
      const other = path.join(dir, 'hard-link.env');
      linkSync(env, other);
      const original = readFileSync(env);
      const run = cli(['rekey', env, '--key-env', 'KS_KEY', '--to-key-env', 'KS_NEW_KEY', '--kid', 'prod-2']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(
        run.stderr,
        'keysmith: warning: ' +
          `${env} had 1 other hard link; it keeps the old envelopes\n` +
          'keysmith: rekeyed 2 envelopes in 1 file\n',
      );
      const found = findEnvelopes(readFileSync(env, 'utf8'));
      assert.equal(found.length, 2);
      for (const one of found) assert.equal(one.envelope?.kid, 'prod-2');
      assert.deepEqual(parseDotenv(renderWith(env, '--key-env', 'KS_NEW_KEY').stdout), expected.env);
      assert.deepEqual(readFileSync(other), original, 'the other name still has the old file');
    });

    it('usage errors: no file, no new secret, --iterations with a key, a folder, a missing file', async () => {
      const { env } = await twoFiles();
      const original = readFileSync(env);
      assertFailure(cli(['rekey', '--key-env', 'KS_KEY', '--to-key-env', 'KS_NEW_KEY']), 2, /give the FILE/);
      assertFailure(
        cli(['rekey', env, '--key-env', 'KS_KEY']),
        2,
        /exactly one of --to-key-env VAR or --to-password-env VAR/,
      );
      assertFailure(
        cli(['rekey', env, '--key-env', 'KS_KEY', '--to-key-env', 'NOPE']),
        2,
        /NOPE is not set or empty/,
      );
      assertFailure(
        cli(['rekey', env, '--key-env', 'KS_KEY', '--to-key-env', 'KS_NEW_KEY', '--iterations', '2000']),
        2,
        /--iterations applies only to --to-password-env/,
      );
      assertFailure(
        cli(['rekey', env, '--key-env', 'KS_KEY', '--to-password-env', 'KS_NEW_PASSWORD', '--kid', 'prod']),
        2,
        /--kid applies only to --to-key-env/,
      );
      assertFailure(
        cli(['rekey', env, dir, '--key-env', 'KS_KEY', '--to-key-env', 'KS_NEW_KEY']),
        3,
        /rekey: cannot read .*: it is a folder/,
      );
      assertFailure(
        cli(['rekey', env, path.join(dir, 'gone.env'), '--key-env', 'KS_KEY', '--to-key-env', 'KS_NEW_KEY']),
        3,
        /cannot read .*gone\.env: no such file/,
      );
      assert.deepEqual(readFileSync(env), original);
    });
  });
});

/** Every entry under `root` with its kind, size, inode and mtime: any write shows. */
function listTree(root: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root, { recursive: true, encoding: 'utf8' }).sort()) {
    const stat = lstatSync(path.join(root, name));
    out.push(`${name} ${stat.isDirectory() ? 'dir' : stat.size} ${stat.ino} ${stat.mtimeMs}`);
  }
  return out;
}

/** Regular files under `root` changed since `since` (ms) whose bytes contain `needle`. */
function filesHolding(root: string, needle: string, since: number): string[] {
  const found: string[] = [];
  const visit = (folder: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return;
    }
    for (const name of names) {
      const at = path.join(folder, name);
      try {
        const stat = lstatSync(at);
        if (stat.isDirectory() && depth < 6) visit(at, depth + 1);
        else if (
          stat.isFile() &&
          stat.mtimeMs >= since &&
          stat.size < 4 * 1024 * 1024 &&
          readFileSync(at).includes(needle)
        )
          found.push(at);
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
  };
  visit(root, 0);
  return found;
}

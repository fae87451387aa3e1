import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { inspectKey } from '../../src/core/keyFormats';
import { generateKeyPairInteractively, generatePairUntilCancelled } from '../../src/editor/keyPairs';
import {
  addToGitignore,
  gitIgnoreStatus,
  gitTopLevel,
  gitignoreEntry,
  gitignoreFor,
} from '../../src/node/gitIgnore';
import { keyPairPathsFromPrivatePath, writeKeyPairFiles } from '../../src/node/keyPairFiles';
import { ensureTool } from '../unit/pythonCryptography';
import { closeAllEditors } from './helpers';

const COMMAND = 'keysmith.generateKeyPair';
const POSIX = process.platform !== 'win32';

interface Shown {
  kind: 'error' | 'info' | 'warning';
  message: string;
  rest: unknown[];
}

/**
 * The tests replace the user, not Keysmith: the message, quick-pick, input-box, dialog and
 * progress functions of the real `vscode.window` are swapped for scripted answers (the tests run in
 * the extension's own host, so Keysmith calls these very functions), and restored after each test.
 */
let shown: Shown[] = [];
let answerWarning: (message: string, rest: unknown[]) => string | undefined = () => undefined;
const restores: (() => void)[] = [];

function replace<K extends keyof typeof vscode.window>(key: K, value: unknown): void {
  const window = vscode.window as unknown as Record<string, unknown>;
  const original = window[key];
  window[key] = value;
  restores.push(() => {
    window[key] = original;
  });
}

let dir = '';
const cleanup: string[] = [];

function root(): string {
  return vscode.workspace.workspaceFolders![0]!.uri.fsPath;
}

function run(args?: unknown): Thenable<vscode.Uri[] | undefined> {
  return vscode.commands.executeCommand<vscode.Uri[] | undefined>(COMMAND, args);
}

function files(folder: string): string[] {
  return existsSync(folder) ? readdirSync(folder).sort() : [];
}

function mode(file: string): number {
  return statSync(file).mode & 0o777;
}

/** Asserts that the two PEM files are one key pair; returns the private key's details. */
function assertPair(privatePath: string, publicPath: string): ReturnType<typeof createPrivateKey> {
  const privateKey = createPrivateKey(readFileSync(privatePath, 'utf8'));
  const publicKey = createPublicKey(readFileSync(publicPath, 'utf8'));
  assert.ok(
    createPublicKey(privateKey)
      .export({ type: 'spki', format: 'der' })
      .equals(publicKey.export({ type: 'spki', format: 'der' })),
    'the public key is the private key’s',
  );
  return privateKey;
}

/**
 * The command returned and wrote exactly these two files in `dir` (no temporary file left), the
 * private one 0600; returns their texts.
 */
function assertWritten(
  uris: vscode.Uri[] | undefined,
  privatePath: string,
  publicPath: string,
): { privateText: string; publicText: string } {
  assert.deepEqual(
    uris?.map((uri) => uri.fsPath),
    [privatePath, publicPath],
  );
  assert.deepEqual(
    files(dir),
    [path.basename(privatePath), path.basename(publicPath)].sort(),
    'no temporary file left',
  );
  if (POSIX) assert.equal(mode(privatePath), 0o600);
  return { privateText: readFileSync(privatePath, 'utf8'), publicText: readFileSync(publicPath, 'utf8') };
}

/** No notification may carry key material: no PEM armour, no slice of a key's base64. */
function assertNoKeyMaterial(...pems: string[]): void {
  for (const { message, rest } of shown) {
    const text = [message, ...rest.map((r) => JSON.stringify(r) ?? '')].join(' ');
    assert.doesNotMatch(text, /BEGIN|PRIVATE KEY-----/);
    for (const pem of pems) {
      const body = pem.split('\n').filter((line) => line && !line.startsWith('-----'));
      for (const line of body) assert.ok(!text.includes(line.slice(0, 24)), 'a key fragment in a message');
    }
  }
}

function errors(): string[] {
  return shown.filter((s) => s.kind === 'error').map((s) => s.message);
}

async function until<T>(what: string, probe: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function gitAvailable(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

function gitInit(folder: string): void {
  mkdirSync(folder, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: folder, stdio: 'ignore', timeout: 10_000 });
}

/** A git command's output in `repo`, with an identity for commits. */
function gitOut(repo: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 10_000,
  });
}

/** A quick pick answered by label; records the labels and descriptions it was offered. */
function answerQuickPicks(...labels: (string | undefined)[]): { label: string; description?: string }[][] {
  const offered: { label: string; description?: string }[][] = [];
  replace(
    'showQuickPick',
    async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>) => {
      const list = await items;
      offered.push(list.map(({ label, description }) => ({ label, description })));
      const label = labels[offered.length - 1];
      return label === undefined ? undefined : list.find((item) => item.label === label);
    },
  );
  return offered;
}

/**
 * Input boxes answered in turn: password boxes (the passphrase, twice) from `passphrases` ('' when
 * they run out: no passphrase), the others (the name) by `name`. Returns the password boxes asked.
 */
function answerInputs(
  name: (options: vscode.InputBoxOptions) => Promise<string | undefined> | string | undefined,
  passphrases: (string | undefined)[] = [],
): vscode.InputBoxOptions[] {
  const passwordBoxes: vscode.InputBoxOptions[] = [];
  replace('showInputBox', async (options: vscode.InputBoxOptions = {}) => {
    if (!options.password) return name(options);
    passwordBoxes.push(options);
    return passphrases.length >= passwordBoxes.length ? passphrases[passwordBoxes.length - 1] : '';
  });
  return passwordBoxes;
}

describe('generate key pair command', () => {
  beforeEach(() => {
    dir = path.join(root(), `kp-${randomBytes(4).toString('hex')}`);
    shown = [];
    answerWarning = () => undefined;
    const record =
      (kind: Shown['kind']) =>
      (message: string, ...rest: unknown[]) => {
        shown.push({ kind, message, rest });
        return Promise.resolve(kind === 'warning' ? answerWarning(message, rest) : undefined);
      };
    replace('showErrorMessage', record('error'));
    replace('showInformationMessage', record('info'));
    replace('showWarningMessage', record('warning'));
  });

  afterEach(async () => {
    while (restores.length > 0) restores.pop()!();
    await closeAllEditors();
    for (const folder of [dir, ...cleanup.splice(0)]) rmSync(folder, { recursive: true, force: true });
  });

  it('EC with arguments: a 0600 SEC1 private key and its SPKI public key, the public key opened', async () => {
    const uris = await run({ algorithm: 'EC', name: 'signing', folder: path.relative(root(), dir) });
    const privatePath = path.join(dir, 'signing_private.pem');
    const publicPath = path.join(dir, 'signing_public.pem');
    const { privateText: privatePem, publicText: publicPem } = assertWritten(uris, privatePath, publicPath);
    assert.match(privatePem, /^-----BEGIN EC PRIVATE KEY-----\n/);
    assert.match(publicPem, /^-----BEGIN PUBLIC KEY-----\n/);
    const key = assertPair(privatePath, publicPath);
    assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1', 'the setting’s default curve, P-256');

    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, publicPath);
    const info = shown.filter((s) => s.kind === 'info').map((s) => s.message);
    assert.equal(info.length, 1);
    assert.ok(info[0]!.includes('signing_private.pem') && info[0]!.includes('signing_public.pem'), info[0]);
    assert.deepEqual(errors(), []);
    assertNoKeyMaterial(privatePem, publicPem);
  });

  it('pkcs8: true gives PKCS#8; RSA 2048 is PKCS#1 by default', async () => {
    const folder = path.relative(root(), dir);
    const [ecPrivate, ecPublic] = (await run({
      algorithm: 'EC',
      curve: 'P-521',
      pkcs8: true,
      name: 'p8',
      folder,
    }))!;
    assert.match(readFileSync(ecPrivate!.fsPath, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(
      assertPair(ecPrivate!.fsPath, ecPublic!.fsPath).asymmetricKeyDetails?.namedCurve,
      'secp521r1',
    );

    const [rsaPrivate, rsaPublic] = (await run({ algorithm: 'RSA', keySize: 2048, name: 'rsa', folder }))!;
    assert.match(readFileSync(rsaPrivate!.fsPath, 'utf8'), /^-----BEGIN RSA PRIVATE KEY-----\n/);
    const key = assertPair(rsaPrivate!.fsPath, rsaPublic!.fsPath);
    assert.equal(key.asymmetricKeyType, 'rsa');
    assert.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
    if (POSIX) assert.equal(mode(rsaPrivate!.fsPath), 0o600);
    assert.deepEqual(errors(), []);
  });

  it('Ed25519 as OpenSSH with a passphrase and a comment: `<name>` (0600) and `<name>.pub`, as ssh-keygen names and reads them', async () => {
    const sshKeygen = ensureTool('ssh-keygen', 'openssh-client');
    const passphrase = 'correct horse ☃';
    const uris = await run({
      algorithm: 'Ed25519',
      format: 'openssh',
      passphrase,
      comment: 'deploy@ci',
      name: 'deploy',
      folder: path.relative(root(), dir),
    });
    const privatePath = path.join(dir, 'deploy');
    const publicPath = path.join(dir, 'deploy.pub');
    const { privateText, publicText: publicLine } = assertWritten(uris, privatePath, publicPath);
    assert.match(privateText, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    assert.match(publicLine, /^ssh-ed25519 AAAA[A-Za-z0-9+/]+=* deploy@ci\n$/);
    // ssh-keygen -y opens the private key with the passphrase and derives the same public key.
    const derived = execFileSync(sshKeygen, ['-y', '-P', passphrase, '-f', privatePath], {
      encoding: 'utf8',
    });
    assert.equal(derived.split(' ').slice(0, 2).join(' '), publicLine.split(' ').slice(0, 2).join(' '));
    const wrong = spawnSync(sshKeygen, ['-y', '-P', 'not it', '-f', privatePath], { encoding: 'utf8' });
    assert.notEqual(wrong.status, 0, 'a wrong passphrase does not open it');
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, publicPath);
    assert.deepEqual(errors(), []);
    assertNoKeyMaterial(privateText);
    for (const { message, rest } of shown) assert.ok(![message, ...rest].join(' ').includes(passphrase));
  });

  it('JWK: a private JWK (0600) and a JWKS whose kid is the RFC 7638 thumbprint', async () => {
    const uris = await run({
      algorithm: 'RSA',
      keySize: 2048,
      format: 'jwk',
      name: 'issuer',
      folder: path.relative(root(), dir),
    });
    assert.deepEqual(
      uris?.map((uri) => path.basename(uri.fsPath)),
      ['issuer_private.jwk.json', 'issuer_public.jwks.json'],
    );
    if (POSIX) assert.equal(mode(uris![0]!.fsPath), 0o600);
    const privateJwk = JSON.parse(readFileSync(uris![0]!.fsPath, 'utf8')) as Record<string, string>;
    const jwks = JSON.parse(readFileSync(uris![1]!.fsPath, 'utf8')) as { keys: Record<string, string>[] };
    assert.equal(jwks.keys.length, 1);
    const publicJwk = jwks.keys[0]!;
    assert.deepEqual([publicJwk.kty, publicJwk.alg, publicJwk.use], ['RSA', 'RS256', 'sig']);
    assert.equal(publicJwk.d, undefined, 'no private member in the JWKS');
    // RFC 7638: SHA-256 of the required members in lexicographic order, no whitespace.
    const thumbprint = createHash('sha256')
      .update(JSON.stringify({ e: publicJwk.e, kty: 'RSA', n: publicJwk.n }))
      .digest('base64url');
    assert.equal(publicJwk.kid, thumbprint);
    const privateKey = createPrivateKey({ key: privateJwk, format: 'jwk' });
    assert.ok(
      createPublicKey(privateKey)
        .export({ type: 'spki', format: 'der' })
        .equals(createPublicKey({ key: publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'der' })),
      'the JWKS holds the private key’s public half',
    );
    assert.deepEqual(errors(), []);
  });

  it('PEM with a passphrase: an encrypted PKCS#8 private key that opens only with it', async () => {
    const uris = await run({
      algorithm: 'EC',
      curve: 'P-384',
      passphrase: 'pass phrase',
      name: 'locked',
      folder: path.relative(root(), dir),
    });
    const privatePem = readFileSync(uris![0]!.fsPath, 'utf8');
    assert.match(privatePem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    assert.throws(() => createPrivateKey({ key: privatePem, passphrase: 'wrong' }));
    const key = createPrivateKey({ key: privatePem, passphrase: 'pass phrase' });
    assert.equal(key.asymmetricKeyDetails?.namedCurve, 'secp384r1');
    assert.ok(
      createPublicKey(key)
        .export({ type: 'spki', format: 'der' })
        .equals(
          createPublicKey(readFileSync(uris![1]!.fsPath, 'utf8')).export({ type: 'spki', format: 'der' }),
        ),
    );
    assert.deepEqual(errors(), []);
  });

  it('prompted: Ed25519 → OpenSSH, the passphrase asked twice (a mismatch asks again), then the name', async () => {
    const config = vscode.workspace.getConfiguration('keysmith');
    await config.update('keyPair.folder', path.relative(root(), dir), vscode.ConfigurationTarget.Global);
    try {
      const offered = answerQuickPicks('Ed25519', 'OpenSSH');
      let suggested: string | undefined;
      const passwordBoxes = answerInputs(
        (options) => {
          suggested = options.value;
          return 'laptop';
        },
        ['first', 'typo', 'first', 'first'],
      );
      const uris = await run();
      assert.equal(offered.length, 2, 'algorithm and format only');
      assert.equal(suggested, 'id_ed25519');
      assert.equal(passwordBoxes.length, 4);
      assert.ok(passwordBoxes.every((box) => box.password && box.ignoreFocusOut));
      assert.match(passwordBoxes[2]!.prompt ?? '', /did not match/);
      assert.doesNotMatch(passwordBoxes[0]!.prompt ?? '', /did not match/);
      assert.deepEqual(
        uris?.map((uri) => uri.fsPath),
        [path.join(dir, 'laptop'), path.join(dir, 'laptop.pub')],
      );
      const privateText = readFileSync(uris![0]!.fsPath, 'utf8');
      const info = await inspectKey(privateText, { passphrase: 'first' });
      assert.ok(!Array.isArray(info));
      assert.deepEqual([info.kind, info.algorithm, info.encrypted], ['private', 'Ed25519', true]);
      await assert.rejects(inspectKey(privateText, { passphrase: 'typo' }), /passphrase/i);
      if (POSIX) assert.equal(mode(uris![0]!.fsPath), 0o600);

      // JWK has no encrypted form: no passphrase box at all.
      answerQuickPicks('EC', 'P-256', 'JWK');
      const none = answerInputs(() => 'web');
      const jwk = await run();
      assert.equal(none.length, 0);
      assert.deepEqual(
        jwk?.map((uri) => path.basename(uri.fsPath)),
        ['web_private.jwk.json', 'web_public.jwks.json'],
      );
      assert.deepEqual(errors(), []);
    } finally {
      await config.update('keyPair.folder', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('the settings supply the folder (created when missing), curve, key size and private key format', async () => {
    const config = vscode.workspace.getConfiguration('keysmith');
    const folder = path.join(dir, 'nested', 'from-setting');
    await config.update('keyPair.folder', path.relative(root(), folder), vscode.ConfigurationTarget.Global);
    await config.update('keyPair.curve', 'P-384', vscode.ConfigurationTarget.Global);
    await config.update('keyPair.rsaKeySize', 2048, vscode.ConfigurationTarget.Global);
    await config.update('keyPair.privateKeyFormat', 'pkcs8', vscode.ConfigurationTarget.Global);
    try {
      const ec = await run({ algorithm: 'EC' });
      assert.equal(ec?.[0]?.fsPath, path.join(folder, 'id_ec_private.pem'));
      assert.match(readFileSync(ec[0]!.fsPath, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
      assert.equal(assertPair(ec[0]!.fsPath, ec[1]!.fsPath).asymmetricKeyDetails?.namedCurve, 'secp384r1');

      const rsa = await run({ algorithm: 'RSA' });
      assert.equal(rsa?.[0]?.fsPath, path.join(folder, 'id_rsa_private.pem'));
      assert.equal(assertPair(rsa[0]!.fsPath, rsa[1]!.fsPath).asymmetricKeyDetails?.modulusLength, 2048);
      assert.deepEqual(errors(), []);
    } finally {
      for (const key of [
        'keyPair.folder',
        'keyPair.curve',
        'keyPair.rsaKeySize',
        'keyPair.privateKeyFormat',
      ]) {
        await config.update(key, undefined, vscode.ConfigurationTarget.Global);
      }
    }
  });

  it('an existing file is never replaced without overwrite, and then nothing at all is written', async () => {
    const folder = path.relative(root(), dir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'old_private.pem'), 'keep me');
    assert.equal(await run({ algorithm: 'EC', name: 'old', folder }), undefined);
    assert.equal(readFileSync(path.join(dir, 'old_private.pem'), 'utf8'), 'keep me');
    assert.equal(existsSync(path.join(dir, 'old_public.pem')), false, 'the other file is not created');

    // Only the public key exists: the private key is not written either.
    writeFileSync(path.join(dir, 'pub_public.pem'), 'keep me too');
    assert.equal(
      await run({ algorithm: 'RSA', keySize: 2048, name: 'pub', folder, overwrite: false }),
      undefined,
    );
    assert.equal(readFileSync(path.join(dir, 'pub_public.pem'), 'utf8'), 'keep me too');
    assert.equal(existsSync(path.join(dir, 'pub_private.pem')), false);

    assert.deepEqual(files(dir), ['old_private.pem', 'pub_public.pem']);
    const refusals = errors();
    assert.equal(refusals.length, 2);
    assert.match(refusals[0]!, /old_private\.pem already exists.*overwrite/);
    assert.match(refusals[1]!, /pub_public\.pem already exists/);
    assert.equal(
      shown.filter((s) => s.kind === 'warning').length,
      0,
      'with arguments, never a confirmation dialog',
    );
  });

  it('overwrite: true replaces both files, and the new private key is 0600 again', async () => {
    const args = { algorithm: 'EC', name: 'again', folder: path.relative(root(), dir) };
    const [privateUri, publicUri] = (await run(args))!;
    const before = [readFileSync(privateUri!.fsPath, 'utf8'), readFileSync(publicUri!.fsPath, 'utf8')];
    if (POSIX) chmodSync(privateUri!.fsPath, 0o644); // a replaced file must not keep the old mode

    const replaced = await run({ ...args, overwrite: true });
    assert.deepEqual(
      replaced?.map((uri) => uri.fsPath),
      [privateUri!.fsPath, publicUri!.fsPath],
    );
    assert.notEqual(readFileSync(privateUri!.fsPath, 'utf8'), before[0]);
    assert.notEqual(readFileSync(publicUri!.fsPath, 'utf8'), before[1]);
    assertPair(privateUri!.fsPath, publicUri!.fsPath);
    if (POSIX) assert.equal(mode(privateUri!.fsPath), 0o600);
    assert.deepEqual(files(dir), ['again_private.pem', 'again_public.pem']);
    assert.deepEqual(errors(), []);
  });

  it('a file that appears while the pair is generated is kept, and then nothing is written', async () => {
    replace(
      'withProgress',
      async (
        _options: vscode.ProgressOptions,
        task: (p: vscode.Progress<unknown>, t: vscode.CancellationToken) => Thenable<unknown>,
      ) => {
        const result = await task({ report: () => undefined }, new vscode.CancellationTokenSource().token);
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, 'race_public.pem'), 'theirs'); // someone else was faster
        return result;
      },
    );
    assert.equal(await run({ algorithm: 'EC', name: 'race', folder: path.relative(root(), dir) }), undefined);
    assert.equal(readFileSync(path.join(dir, 'race_public.pem'), 'utf8'), 'theirs');
    assert.deepEqual(files(dir), ['race_public.pem'], 'no private key, no temporary file');
    assert.equal(errors().length, 1);
    assert.match(errors()[0]!, /race_public\.pem/);
  });

  it('when the second file cannot be put in place, the first is undone (the replaced key restored)', async () => {
    mkdirSync(path.join(dir, 'blocked_public.pem', 'inside'), { recursive: true }); // rename cannot replace it
    writeFileSync(path.join(dir, 'blocked_private.pem'), 'old private', { mode: 0o600 });
    await assert.rejects(
      writeKeyPairFiles({
        privatePath: path.join(dir, 'blocked_private.pem'),
        publicPath: path.join(dir, 'blocked_public.pem'),
        privatePem: 'new private',
        publicPem: 'new public',
        overwrite: true,
      }),
    );
    assert.equal(readFileSync(path.join(dir, 'blocked_private.pem'), 'utf8'), 'old private');
    assert.deepEqual(
      files(dir),
      ['blocked_private.pem', 'blocked_public.pem'],
      'no temporary or backup file left',
    );

    // Nothing there before: the first file is removed again.
    mkdirSync(path.join(dir, 'fresh'));
    mkdirSync(path.join(dir, 'fresh', 'x_public.pem', 'inside'), { recursive: true });
    await assert.rejects(
      writeKeyPairFiles({
        privatePath: path.join(dir, 'fresh', 'x_private.pem'),
        publicPath: path.join(dir, 'fresh', 'x_public.pem'),
        privatePem: 'new private',
        publicPem: 'new public',
        overwrite: true,
      }),
    );
    assert.deepEqual(files(path.join(dir, 'fresh')), ['x_public.pem']);
  });

  it('names and folders that leave the workspace folder are refused and nothing is written', async () => {
    const outside = path.join(tmpdir(), `keysmith-outside-${randomBytes(4).toString('hex')}`);
    cleanup.push(outside);
    mkdirSync(outside, { recursive: true });
    mkdirSync(dir, { recursive: true });
    const escapes: [unknown, RegExp][] = [
      [{ algorithm: 'EC', name: '../escape', folder: path.relative(root(), dir) }, /name/],
      [{ algorithm: 'EC', name: 'escape', folder: path.relative(root(), outside) }, /outside the workspace/],
      [{ algorithm: 'EC', name: 'escape', folder: outside }, /outside the workspace/],
      [{ algorithm: 'EC', name: 'escape', folder: '..' }, /outside the workspace/],
    ];
    if (POSIX) {
      // A folder inside the workspace by its path, outside by a symlink.
      symlinkSync(outside, path.join(dir, 'link'));
      escapes.push([
        { algorithm: 'EC', name: 'escape', folder: path.relative(root(), path.join(dir, 'link', 'keys')) },
        /outside the workspace/,
      ]);
      escapes.push([
        { algorithm: 'EC', name: 'escape', folder: path.relative(root(), path.join(dir, 'link')) },
        /outside the workspace/,
      ]);
    }
    for (const [args, expected] of escapes) {
      shown = [];
      assert.equal(await run(args), undefined, JSON.stringify(args));
      assert.equal(errors().length, 1, JSON.stringify(args));
      assert.match(errors()[0]!, expected);
    }
    assert.deepEqual(files(outside), [], 'nothing written or created outside');
    assert.deepEqual(files(dir), POSIX ? ['link'] : []);
    assert.deepEqual(
      files(path.dirname(root())).filter((f) => f.includes('escape')),
      [],
    );
  });

  it('bad arguments are refused with one message naming the field, and nothing is written', async () => {
    const folder = path.relative(root(), dir);
    const cases: [unknown, RegExp][] = [
      [{ algorithm: 'DSA', folder }, /algorithm/],
      [{ folder }, /algorithm/],
      [{ algorithm: 'rsa', folder }, /algorithm/],
      [{ algorithm: 'RSA', keySize: 1024, folder }, /keySize/],
      [{ algorithm: 'RSA', keySize: '2048', folder }, /keySize/],
      [{ algorithm: 'EC', keySize: 2048, folder }, /keySize/],
      [{ algorithm: 'EC', curve: 'P-192', folder }, /curve/],
      [{ algorithm: 'RSA', curve: 'P-256', folder }, /curve/],
      [{ algorithm: 'EC', name: '', folder }, /name/],
      [{ algorithm: 'EC', name: 'has space', folder }, /name/],
      [{ algorithm: 'EC', name: 'a/b', folder }, /name/],
      [{ algorithm: 'EC', name: '..', folder }, /name/],
      [{ algorithm: 'EC', name: 'x'.repeat(65), folder }, /name/],
      [{ algorithm: 'EC', name: 42, folder }, /name/],
      [{ algorithm: 'EC', folder: 7 }, /folder/],
      [{ algorithm: 'EC', pkcs8: 'yes', folder }, /pkcs8/],
      [{ algorithm: 'EC', overwrite: 1, folder }, /overwrite/],
      [{ algorithm: 'EC', size: 256, folder }, /size/],
      [{ algorithm: 'Ed25519', curve: 'P-256', folder }, /curve/],
      [{ algorithm: 'Ed25519', keySize: 2048, folder }, /keySize/],
      [{ algorithm: 'EC', format: 'der', folder }, /format/],
      [{ algorithm: 'EC', format: 'jwk', passphrase: 'p', folder }, /passphrase/],
      [{ algorithm: 'EC', passphrase: '', folder }, /passphrase/],
      [{ algorithm: 'EC', passphrase: 7, folder }, /passphrase/],
      [{ algorithm: 'EC', format: 'pem', comment: 'me', folder }, /comment/],
      [{ algorithm: 'EC', format: 'openssh', comment: 'two\nlines', folder }, /comment/],
      ['EC', /argument/],
      [['EC'], /argument/],
      [null, /argument/],
    ];
    for (const [args, field] of cases) {
      shown = [];
      assert.equal(await run(args), undefined, JSON.stringify(args));
      assert.equal(errors().length, 1, `one message for ${JSON.stringify(args)}`);
      assert.match(errors()[0]!, field, JSON.stringify(args));
    }
    assert.deepEqual(files(dir), []);
    assert.equal(existsSync(path.join(root(), 'keys')), false, 'not even the default folder');
  });

  it('a Uri argument (from a menu) means the prompts; Escape at any step ends silently', async () => {
    const config = vscode.workspace.getConfiguration('keysmith');
    await config.update('keyPair.folder', path.relative(root(), dir), vscode.ConfigurationTarget.Global);
    try {
      let offered = answerQuickPicks(undefined);
      assert.equal(await run(vscode.Uri.file(root())), undefined);
      assert.equal(offered.length, 1, 'the algorithm was asked');

      offered = answerQuickPicks('EC', undefined);
      assert.equal(await run(), undefined);
      assert.equal(offered.length, 2, 'the curve was asked');

      offered = answerQuickPicks('Ed25519', undefined);
      assert.equal(await run(), undefined);
      assert.equal(offered.length, 2, 'Ed25519 has no size step: the format was asked');

      let asked = 0;
      answerQuickPicks('RSA', '2048 bits', 'PEM');
      let passwordBoxes = answerInputs(() => {
        asked++;
        return undefined;
      }, [undefined]);
      assert.equal(await run(), undefined);
      assert.deepEqual([passwordBoxes.length, asked], [1, 0], 'Escape in the passphrase box');

      answerQuickPicks('RSA', '2048 bits', 'PEM');
      passwordBoxes = answerInputs(() => {
        asked++;
        return undefined;
      }, ['secret', undefined]);
      assert.equal(await run(), undefined);
      assert.deepEqual([passwordBoxes.length, asked], [2, 0], 'Escape in the confirmation box');

      answerQuickPicks('RSA', '2048 bits', 'PEM');
      answerInputs(() => {
        asked++;
        return undefined;
      });
      assert.equal(await run(), undefined);
      assert.equal(asked, 1, 'the name was asked');

      assert.deepEqual(shown, [], 'no message at all');
      assert.deepEqual(files(dir), []);
    } finally {
      await config.update('keyPair.folder', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('the prompts: algorithm, then the setting’s curve first, then a name validated as it is typed', async () => {
    const config = vscode.workspace.getConfiguration('keysmith');
    await config.update('keyPair.folder', path.relative(root(), dir), vscode.ConfigurationTarget.Global);
    await config.update('keyPair.curve', 'P-384', vscode.ConfigurationTarget.Global);
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'taken_public.pem'), 'x');
      const offered = answerQuickPicks('EC', 'P-521', 'PEM');
      const validations: [string, unknown][] = [];
      let suggested: string | undefined;
      const passwordBoxes = answerInputs(async (options) => {
        suggested = options.value;
        for (const value of ['../up', '', 'a b', 'x'.repeat(65), 'ok.name-1_2', 'taken']) {
          validations.push([value, await options.validateInput!(value)]);
        }
        return 'typed';
      });
      const uris = await run();
      assert.deepEqual(
        offered.map((items) => items.map((item) => item.label)),
        [
          ['RSA', 'EC', 'Ed25519'],
          ['P-384', 'P-256', 'P-521'],
          ['PEM', 'OpenSSH', 'JWK'],
        ],
      );
      assert.equal(passwordBoxes.length, 1, 'an empty passphrase is not asked again');
      assert.equal(passwordBoxes[0]!.ignoreFocusOut, true);
      assert.ok(
        offered[0]!.every((item) => item.description),
        'the algorithms are described',
      );
      assert.ok(offered[1]![0]!.description, 'the default is marked');
      assert.equal(offered[1]![1]!.description, undefined);
      assert.equal(suggested, 'id_ec');

      const verdicts = Object.fromEntries(validations);
      for (const bad of ['../up', '', 'a b', 'x'.repeat(65)]) {
        assert.equal(typeof verdicts[bad], 'string', `"${bad}" is refused`);
      }
      assert.equal(verdicts['ok.name-1_2'], undefined);
      const taken = verdicts['taken'] as vscode.InputBoxValidationMessage;
      assert.equal(
        taken.severity,
        vscode.InputBoxValidationSeverity.Warning,
        'an existing name warns, not refuses',
      );
      assert.match(taken.message, /taken_public\.pem/);

      assert.deepEqual(
        uris?.map((uri) => uri.fsPath),
        [path.join(dir, 'typed_private.pem'), path.join(dir, 'typed_public.pem')],
      );
      assert.equal(
        assertPair(uris[0]!.fsPath, uris[1]!.fsPath).asymmetricKeyDetails?.namedCurve,
        'secp521r1',
      );
    } finally {
      await config.update('keyPair.folder', undefined, vscode.ConfigurationTarget.Global);
      await config.update('keyPair.curve', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('prompted, an existing file is replaced only after a modal confirmation', async () => {
    const config = vscode.workspace.getConfiguration('keysmith');
    await config.update('keyPair.folder', path.relative(root(), dir), vscode.ConfigurationTarget.Global);
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'mine_private.pem'), 'keep me');
      answerInputs(() => 'mine');

      answerQuickPicks('EC', 'P-256', 'PEM');
      assert.equal(await run(), undefined, 'declined');
      const modal = shown.find((s) => s.kind === 'warning');
      assert.ok(modal, 'asked');
      assert.match(modal.message, /mine_private\.pem/);
      assert.equal((modal.rest[0] as vscode.MessageOptions).modal, true);
      assert.ok(modal.rest.includes('Overwrite'));
      assert.equal(readFileSync(path.join(dir, 'mine_private.pem'), 'utf8'), 'keep me');
      assert.deepEqual(files(dir), ['mine_private.pem'], 'declined: nothing written');

      answerWarning = (_message, rest) =>
        (rest[0] as vscode.MessageOptions).modal ? 'Overwrite' : undefined;
      answerQuickPicks('EC', 'P-256', 'PEM');
      const uris = await run();
      assert.ok(uris);
      assertPair(uris[0]!.fsPath, uris[1]!.fsPath);
      if (POSIX) assert.equal(mode(uris[0]!.fsPath), 0o600);
      assert.deepEqual(errors(), []);
    } finally {
      await config.update('keyPair.folder', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('without a folder open, a save dialog chooses the private key and the public key goes next to it', async () => {
    assert.deepEqual(keyPairPathsFromPrivatePath(path.join('/k', 'deploy_private.pem')), {
      privatePath: path.join('/k', 'deploy_private.pem'),
      publicPath: path.join('/k', 'deploy_public.pem'),
    });
    assert.equal(
      keyPairPathsFromPrivatePath(path.join('/k', 'server.PEM')).publicPath,
      path.join('/k', 'server_public.pem'),
    );
    assert.equal(
      keyPairPathsFromPrivatePath(path.join('/k', 'plain')).publicPath,
      path.join('/k', 'plain_public.pem'),
    );

    const chosen = path.join(dir, 'chosen');
    mkdirSync(chosen, { recursive: true });
    answerQuickPicks('RSA', '2048 bits', 'PEM');
    answerInputs(() => undefined);
    let dialog: vscode.SaveDialogOptions | undefined;
    replace('showSaveDialog', async (options: vscode.SaveDialogOptions) => {
      dialog = options;
      return vscode.Uri.file(path.join(chosen, 'deploy.pem'));
    });
    const uris = await generateKeyPairInteractively(undefined);
    assert.match(dialog?.defaultUri?.fsPath ?? '', /id_rsa_private\.pem$/);
    assert.deepEqual(
      uris?.map((uri) => uri.fsPath),
      [path.join(chosen, 'deploy.pem'), path.join(chosen, 'deploy_public.pem')],
    );
    assertPair(uris[0]!.fsPath, uris[1]!.fsPath);
    if (POSIX) assert.equal(mode(uris[0]!.fsPath), 0o600);
  });

  it('cancelling the progress notification writes nothing and shows nothing', async () => {
    let progressOptions: vscode.ProgressOptions | undefined;
    replace(
      'withProgress',
      (
        options: vscode.ProgressOptions,
        task: (p: vscode.Progress<unknown>, t: vscode.CancellationToken) => Thenable<unknown>,
      ) => {
        progressOptions = options;
        const source = new vscode.CancellationTokenSource();
        const result = task({ report: () => undefined }, source.token);
        source.cancel(); // the user presses Cancel while RSA-4096 is being generated
        return result;
      },
    );
    const started = Date.now();
    assert.equal(
      await run({ algorithm: 'RSA', keySize: 4096, name: 'cancelled', folder: path.relative(root(), dir) }),
      undefined,
    );
    assert.equal(progressOptions?.location, vscode.ProgressLocation.Notification);
    assert.equal(progressOptions?.cancellable, true);
    assert.deepEqual(shown, []);
    assert.deepEqual(files(dir), []);
    assert.ok(Date.now() - started < 5_000);

    // On its own: a cancelled token ends the wait at once, without an error.
    const source = new vscode.CancellationTokenSource();
    const pending = generatePairUntilCancelled({ algorithm: 'RSA', keySize: 4096 }, false, source.token);
    source.cancel();
    assert.equal(await pending, undefined);
    assert.ok(
      (
        await generatePairUntilCancelled(
          { algorithm: 'EC', curve: 'P-256' },
          false,
          new vscode.CancellationTokenSource().token,
        )
      )?.private_key,
    );
  });

  describe('git', function () {
    before(function () {
      if (!gitAvailable()) this.skip();
    });

    it('offers to git-ignore a private key git would commit, and adds the entry once', async () => {
      const repo = path.join(dir, 'repo');
      gitInit(repo);
      answerWarning = (message) => (message.includes('git') ? 'Add to .gitignore' : undefined);
      const uris = await run({
        algorithm: 'EC',
        name: 'g',
        folder: path.relative(root(), path.join(repo, 'keys')),
      });
      assert.ok(uris);
      const offer = await until('the offer', () => shown.find((s) => s.kind === 'warning'));
      assert.match(offer.message, /g_private\.pem/);
      assert.notEqual((offer.rest[0] as vscode.MessageOptions | undefined)?.modal, true, 'not modal');
      const gitignore = path.join(repo, '.gitignore');
      // The file is created a moment before its line is appended: wait for the text, not the file.
      await until(
        'the .gitignore',
        () => (existsSync(gitignore) && readFileSync(gitignore, 'utf8')) || undefined,
      );
      const written = '/keys/g_private.pem\n/keys/.g_private.pem.*.tmp\n/keys/.g_private.pem.*.old\n';
      await until('the whole entry', () => readFileSync(gitignore, 'utf8') === written || undefined);
      assert.equal(await gitIgnoreStatus(uris[0]!.fsPath), 'ignored');
      assert.equal(await gitIgnoreStatus(uris[1]!.fsPath), 'not-ignored', 'the public key may be committed');
      // The writer's temporary and backup names beside the key are ignored too, and nothing else.
      const ignoredByRules = (relative: string) =>
        spawnSync('git', ['check-ignore', '-q', '--no-index', relative], { cwd: repo }).status === 0;
      assert.ok(ignoredByRules('keys/.g_private.pem.0123456789ab.tmp'));
      assert.ok(ignoredByRules('keys/.g_private.pem.0123456789ab.old'));
      assert.ok(!ignoredByRules('keys/.g_public.pem.0123456789ab.tmp'));
      assert.ok(!ignoredByRules('.g_private.pem.0123456789ab.tmp'), 'only in the key’s folder');
      const added = await until('the confirmation', () =>
        shown.find((s) => s.kind === 'info' && /added/.test(s.message)),
      );
      assert.match(added.message, /\/keys\/g_private\.pem/);

      assert.equal(await addToGitignore(gitignore, '/keys/g_private.pem'), false, 'not twice');
      assert.equal(await addToGitignore(gitignore, 'keys/g_private.pem'), false, 'the same rule unanchored');
      assert.equal(
        await addToGitignore(gitignore, ['/keys/g_private.pem', '/keys/other_private.pem']),
        true,
        'only the missing line of several',
      );
      assert.equal(readFileSync(gitignore, 'utf8'), written + '/keys/other_private.pem\n');
    });

    it('a private key git already tracks: says so, and offers git rm --cached with the entry; declining changes nothing', async () => {
      const repo = path.join(dir, 'tracked');
      gitInit(repo);
      mkdirSync(path.join(repo, 'keys'));
      writeFileSync(path.join(repo, 'keys', 't_private.pem'), 'an old key, committed by mistake\n');
      writeFileSync(path.join(repo, '.gitignore'), '*.log\n');
      const gitIn = (...args: string[]) => gitOut(repo, ...args);
      gitIn('add', '.');
      gitIn('commit', '-qm', 'oops');
      const args = {
        algorithm: 'EC',
        name: 't',
        folder: path.relative(root(), path.join(repo, 'keys')),
        overwrite: true,
      };

      answerWarning = () => undefined; // dismissed
      assert.ok(await run(args));
      const offer = await until('the offer', () => shown.find((s) => s.kind === 'warning'));
      assert.match(offer.message, /already tracks .*t_private\.pem/);
      assert.ok(offer.rest.includes('Stop Tracking and Ignore'), 'the offer is to stop tracking');
      assert.notEqual((offer.rest[0] as vscode.MessageOptions | undefined)?.modal, true, 'not modal');
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(gitIn('ls-files', 'keys'), 'keys/t_private.pem\n', 'declined: still tracked');
      assert.equal(
        readFileSync(path.join(repo, '.gitignore'), 'utf8'),
        '*.log\n',
        'declined: .gitignore as it was',
      );

      shown = [];
      answerWarning = (message) =>
        message.includes('already tracks') ? 'Stop Tracking and Ignore' : undefined;
      const uris = await run(args);
      const done = await until('the result', () =>
        shown.find((s) => s.kind === 'info' && /no longer tracks/.test(s.message)),
      );
      assert.match(done.message, /treat it as exposed/);
      assert.equal(gitIn('ls-files', 'keys'), '', 'no longer tracked');
      assert.ok(existsSync(uris![0]!.fsPath), 'the file stays');
      assert.equal(await gitIgnoreStatus(uris![0]!.fsPath), 'ignored');
      assert.equal(
        readFileSync(path.join(repo, '.gitignore'), 'utf8'),
        '*.log\n/keys/t_private.pem\n/keys/.t_private.pem.*.tmp\n/keys/.t_private.pem.*.old\n',
      );
      assert.match(
        gitIn('status', '--porcelain', '--', 'keys'),
        /^D {2}keys\/t_private\.pem$/m,
        'staged as a removal',
      );
      assert.ok(!shown.some((s) => /another rule/.test(s.message)), 'no false blame');
      assert.deepEqual(errors(), []);
    });

    it('a tracked key a rule already covers: only git rm --cached, no line added', async () => {
      const repo = path.join(dir, 'covered');
      gitInit(repo);
      writeFileSync(path.join(repo, 'c_private.pem'), 'old\n');
      const gitIn = (...args: string[]) => gitOut(repo, ...args);
      gitIn('add', '.');
      gitIn('commit', '-qm', 'oops');
      // The rule came later: git still tracks the file, and check-ignore says "not ignored".
      writeFileSync(path.join(repo, '.gitignore'), '*_private.pem\n');
      assert.equal(await gitIgnoreStatus(path.join(repo, 'c_private.pem')), 'not-ignored');
      answerWarning = (message) =>
        message.includes('already tracks') ? 'Stop Tracking and Ignore' : undefined;
      await run({ algorithm: 'EC', name: 'c', folder: path.relative(root(), repo), overwrite: true });
      await until('the result', () =>
        shown.find((s) => s.kind === 'info' && /no longer tracks/.test(s.message)),
      );
      assert.equal(gitIn('ls-files', 'c_private.pem'), '');
      assert.equal(readFileSync(path.join(repo, '.gitignore'), 'utf8'), '*_private.pem\n');
    });

    it('appending keeps the file’s line endings and ends with one line break', async () => {
      mkdirSync(dir, { recursive: true });
      const lf = path.join(dir, 'lf.gitignore');
      writeFileSync(lf, 'node_modules');
      assert.equal(await addToGitignore(lf, '/keys/a_private.pem'), true);
      assert.equal(readFileSync(lf, 'utf8'), 'node_modules\n/keys/a_private.pem\n');

      const crlf = path.join(dir, 'crlf.gitignore');
      writeFileSync(crlf, 'dist\r\nout\r\n');
      assert.equal(await addToGitignore(crlf, '/b_private.pem'), true);
      assert.equal(await addToGitignore(crlf, '/b_private.pem'), false);
      assert.equal(readFileSync(crlf, 'utf8'), 'dist\r\nout\r\n/b_private.pem\r\n');

      const fresh = path.join(dir, 'new.gitignore');
      assert.equal(await addToGitignore(fresh, '/c_private.pem'), true);
      assert.equal(readFileSync(fresh, 'utf8'), '/c_private.pem\n');
      // An unanchored name without a slash is a different rule (any folder): still added.
      writeFileSync(fresh, 'c_private.pem\n');
      assert.equal(await addToGitignore(fresh, '/c_private.pem'), true);
    });

    it('entries are escaped and go to the workspace’s own .gitignore when the repository starts above it', async () => {
      const repo = path.join(dir, 'outer');
      gitInit(repo);
      const keys = path.join(repo, 'ws', 'we[ir]d*');
      mkdirSync(keys, { recursive: true });
      const file = path.join(keys, 'k_private.pem');
      writeFileSync(file, 'x');
      assert.equal(await gitIgnoreStatus(file), 'not-ignored');

      const top = await gitignoreFor(file);
      assert.equal(top, path.join(repo, '.gitignore'));
      const workspaceOwn = await gitignoreFor(file, path.join(repo, 'ws'));
      assert.equal(workspaceOwn, path.join(repo, 'ws', '.gitignore'));

      const entry = await gitignoreEntry(workspaceOwn!, file);
      assert.equal(entry, '/we\\[ir]d\\*/k_private.pem');
      await addToGitignore(workspaceOwn!, entry);
      assert.equal(await gitIgnoreStatus(file), 'ignored', 'git reads the escaped entry as this file');
      writeFileSync(path.join(keys, 'other_private.pem'), 'x');
      assert.equal(
        await gitIgnoreStatus(path.join(keys, 'other_private.pem')),
        'not-ignored',
        'and only this file',
      );
    });

    it('no offer when git already ignores the key, nor outside a repository', async () => {
      const repo = path.join(dir, 'ignored');
      gitInit(repo);
      writeFileSync(path.join(repo, '.gitignore'), '*.pem\n');
      const uris = await run({ algorithm: 'EC', name: 'i', folder: path.relative(root(), repo) });
      assert.equal(await gitIgnoreStatus(uris![0]!.fsPath), 'ignored');

      const plain = await run({
        algorithm: 'EC',
        name: 'n',
        folder: path.relative(root(), path.join(dir, 'plain')),
      });
      if (!(await gitTopLevel(root()))) {
        assert.equal(await gitIgnoreStatus(plain![0]!.fsPath), 'unknown', 'outside a repository');
      }
      // The offer is shown in the background: give it the time git takes, then check it never came.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      assert.deepEqual(
        shown.filter((s) => s.kind === 'warning'),
        [],
      );
      assert.equal(readFileSync(path.join(repo, '.gitignore'), 'utf8'), '*.pem\n');
    });
  });
});

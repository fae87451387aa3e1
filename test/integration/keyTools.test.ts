/**
 * The key hover, its Copy as… links (keysmith.copyKeyAs) and keysmith.inspectKey in the real host.
 * Hovers are asked for through vscode.executeHoverProvider, as the editor asks; links are run by
 * parsing their command URIs out of the hover's markdown; prompts and notifications are answered
 * by replacing vscode.window's functions (the tests run in Keysmith's own extension host).
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import * as vscode from 'vscode';
import { convertKey, inspectKey, type KeyInfo } from '../../src/core';
import {
  closeEverything,
  notificationsDuring,
  openUntitled,
  replaceInWindow,
  scriptPrompts,
} from './helpers';

const COPY = 'keysmith.copyKeyAs';
const INSPECT = 'keysmith.inspectKey';
const PASSPHRASE = 'hover passphrase';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = generateKeyPairSync('ed25519');
const spki = ec.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const pkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
const encryptedPkcs8 = ec.privateKey.export({
  type: 'pkcs8',
  format: 'pem',
  cipher: 'aes-256-cbc',
  passphrase: PASSPHRASE,
}) as string;
const pkcs8 = ed.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

async function hoverOf(
  document: vscode.TextDocument,
  offset: number,
): Promise<{ text: string; markdown?: vscode.MarkdownString }> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    'vscode.executeHoverProvider',
    document.uri,
    document.positionAt(offset),
  );
  const contents = hovers.flatMap((hover) => hover.contents);
  const markdown = contents.find((c): c is vscode.MarkdownString => c instanceof vscode.MarkdownString);
  const text = contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
  return { text, ...(markdown && { markdown }) };
}

interface Link {
  label: string;
  command: string;
  args: Record<string, unknown>;
}

/** The command links of a hover's markdown, with their decoded arguments. */
function linksOf(markdown: string): Link[] {
  return [...markdown.matchAll(/\[([^\]]+)\]\(command:([\w.]+)\?([^ )]+) "[^"]*"\)/g)].map((m) => ({
    label: m[1]!,
    command: m[2]!,
    args: (JSON.parse(decodeURIComponent(m[3]!)) as [Record<string, unknown>])[0],
  }));
}

/** Runs `run` with the information messages recorded (their buttons answered by `answer`). */
async function infoDuring<T>(
  run: () => Thenable<T>,
  answer: (items: string[]) => string | undefined = () => undefined,
): Promise<{ value: T; infos: string[] }> {
  const infos: string[] = [];
  const restore = replaceInWindow('showInformationMessage', (message: string, ...items: string[]) => {
    infos.push(message);
    return Promise.resolve(answer(items));
  });
  try {
    const { value, shown } = await notificationsDuring(async () => run());
    assert.deepEqual(shown, [], 'no error or warning');
    return { value, infos };
  } finally {
    restore();
  }
}

/** Fails if anything asks for input while `run` runs. */
async function noPromptsDuring<T>(run: () => Thenable<T>): Promise<T> {
  const asked: { kind: string; title?: string }[] = [];
  const restores = scriptPrompts(asked, [], []);
  try {
    return await run();
  } finally {
    restores.forEach((restore) => restore());
    assert.deepEqual(asked, [], 'no prompt');
  }
}

async function clipboardBecomes(wanted: string): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    if ((await vscode.env.clipboard.readText()) === wanted) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.equal(await vscode.env.clipboard.readText(), wanted);
}

describe('Key tools: the key hover, Copy as… and Inspect Key', function () {
  this.timeout(60_000);
  let sshLine: string;
  let jwk: string;
  let encryptedOpenSsh: string;
  before(async () => {
    sshLine = (await convertKey(pkcs8, { to: 'openssh', public: true, comment: 'dev@laptop' })).trim();
    jwk = await convertKey(spki, { to: 'jwk' });
    encryptedOpenSsh = await convertKey(pkcs8, { to: 'openssh', toPassphrase: PASSPHRASE, comment: 'c' });
  });
  afterEach(closeEverything);

  it('hovers a PEM public key: kind, algorithm, curve, format, fingerprints, trusted links', async () => {
    const document = await openUntitled(`config:\n${spki}\ntrailer\n`);
    const info = (await inspectKey(spki)) as KeyInfo;
    const { text, markdown } = await hoverOf(document, document.getText().indexOf('-----BEGIN') + 50);
    assert.match(text, /EC P-256 public key/);
    assert.match(text, /Format: PEM, SPKI/);
    assert.ok(text.includes(info.fingerprints.sha256));
    assert.ok(text.includes(info.fingerprints.ssh));
    assert.ok(text.includes(info.fingerprints.jwk_thumbprint));
    assert.deepEqual(markdown?.isTrusted, { enabledCommands: [COPY, INSPECT] });
    assert.deepEqual(
      linksOf(text).map((l) => l.label),
      ['Copy as JWK', 'Copy as OpenSSH', 'Copy public PEM'],
    );
    assert.equal((await hoverOf(document, document.getText().indexOf('trailer') + 2)).text, '');
  });

  it('hovers an OpenSSH line in authorized_keys (options first) and a JWK in JSON', async () => {
    const keys = await openUntitled(`# keys\nno-pty,from="10.0.0.0/8" ${sshLine}\n`);
    const { text } = await hoverOf(keys, keys.getText().indexOf('AAAA') + 10);
    const info = (await inspectKey(sshLine)) as KeyInfo;
    assert.match(text, /Ed25519 public key/);
    assert.match(text, /Format: OpenSSH public key/);
    assert.match(text, /Comment: dev@laptop/);
    assert.ok(text.includes(info.fingerprints.ssh));
    assert.equal((await hoverOf(keys, keys.getText().indexOf('no-pty') + 1)).text, '', 'not on the options');

    const json = await openUntitled(`{"issuer": "me", "key": ${jwk.trim()}}\n`, 'json');
    const jwkHover = await hoverOf(json, json.getText().indexOf('"crv"'));
    assert.match(jwkHover.text, /EC P-256 public key/);
    assert.match(jwkHover.text, /Format: JWK/);

    const jwks = JSON.parse(await convertKey(spki, { to: 'jwks' })) as { keys: object[] };
    jwks.keys.push(JSON.parse(await convertKey(sshLine, { to: 'jwk' })) as object);
    const set = await openUntitled(JSON.stringify(jwks, null, 2), 'json');
    const setHover = await hoverOf(set, set.getText().indexOf('"keys"') + 2);
    assert.match(setHover.text, /JWKS of 2 key\(s\)/);
    assert.match(setHover.text, /1\. EC P-256 public key/);
    assert.match(setHover.text, /2\. Ed25519 public key/);
    assert.deepEqual(linksOf(setHover.text), [], 'several keys: hover one of them to copy it');
  });

  it('hovers a private PEM without any private key material in the markdown or its links', async () => {
    const document = await openUntitled(`${pkcs1}`);
    const { text } = await hoverOf(document, 100);
    assert.match(text, /RSA 2048-bit private key/);
    assert.match(text, /Format: PEM, PKCS#1/);
    assert.match(text, /Encrypted: no/);
    const decoded = decodeURIComponent(text);
    const body = pkcs1.split('\n').filter((line) => line.length > 0 && !line.startsWith('-----'));
    const privateJwk = JSON.parse(await convertKey(pkcs1, { to: 'jwk' })) as Record<string, string>;
    for (const secret of [...body, privateJwk.d!, privateJwk.p!, privateJwk.q!, privateJwk.dp!]) {
      assert.ok(!decoded.includes(secret), 'no private material');
      assert.ok(!decoded.includes(secret.slice(0, 24)), 'not even a fragment');
    }
    for (const link of linksOf(text)) {
      assert.deepEqual(
        Object.keys(link.args).sort(),
        ['character', 'line', 'to', 'uri', ...(link.args.public === false ? ['public'] : [])].sort(),
      );
    }
  });

  it('the hover links copy what convertKey gives: public halves, and the private key (cleared later)', async () => {
    const document = await openUntitled(`# deploy key\n\n${pkcs1}`);
    const { text } = await hoverOf(document, document.getText().indexOf('-----BEGIN') + 80);
    const links = linksOf(text).filter((l) => l.command === COPY);
    assert.equal(links.length, 6);
    for (const link of links) {
      const { infos, value } = await infoDuring(() =>
        vscode.commands.executeCommand(link.command, link.args),
      );
      assert.equal(value, true, link.label);
      const to = link.args.to as 'jwk' | 'openssh' | 'pem' | 'pkcs8';
      const isPublic = link.args.public !== false;
      const copied = await vscode.env.clipboard.readText();
      if (isPublic) {
        assert.equal(copied, await convertKey(pkcs1, { to, public: true }));
      } else {
        // A private OpenSSH key has random check integers: compare the keys, not the texts.
        assert.equal(await convertKey(copied, { to: 'jwk' }), await convertKey(pkcs1, { to: 'jwk' }));
        if (to !== 'openssh') assert.equal(copied, await convertKey(pkcs1, { to }));
      }
      assert.match(
        infos[0]!,
        isPublic
          ? /^Keysmith: copied the public key as /
          : /private key .*cleared from the clipboard in 45 seconds/,
      );
    }
  });

  it('an encrypted key: says so without asking; an encrypted OpenSSH key shows its public key', async () => {
    const document = await openUntitled(`a:\n${encryptedPkcs8}\nb:\n${encryptedOpenSsh}`);
    const pkcs8Hover = await noPromptsDuring(() =>
      hoverOf(document, document.getText().indexOf('-----BEGIN ENC') + 60),
    );
    assert.match(pkcs8Hover.text, /encrypted private key/);
    assert.match(pkcs8Hover.text, /Encrypted: yes/);
    assert.match(pkcs8Hover.text, /Format: PEM, encrypted PKCS#8/);
    assert.ok(linksOf(pkcs8Hover.text).some((l) => l.command === INSPECT));

    const sshHover = await noPromptsDuring(() =>
      hoverOf(document, document.getText().indexOf('-----BEGIN OPENSSH') + 60),
    );
    const publicInfo = (await inspectKey(sshLine)) as KeyInfo;
    assert.match(sshHover.text, /encrypted Ed25519 private key/);
    assert.ok(sshHover.text.includes(publicInfo.fingerprints.ssh));
    // Its public half copies without the passphrase.
    const link = linksOf(sshHover.text).find((l) => l.args.to === 'openssh')!;
    await noPromptsDuring(() => infoDuring(() => vscode.commands.executeCommand(COPY, link.args)));
    // (The comment is in the encrypted part: the public line in the clear has none.)
    assert.equal(
      await vscode.env.clipboard.readText(),
      await convertKey(pkcs8, { to: 'openssh', public: true }),
    );
  });

  it('a malformed block: the hover names what is wrong (never a passphrase)', async () => {
    const lines = spki.trim().split('\n');
    const document = await openUntitled(`x\n${lines.slice(0, 2).join('\n')}\n\nmore text\n`);
    const { text } = await hoverOf(document, document.getText().indexOf('-----BEGIN') + 30);
    assert.match(text, /damaged key/);
    assert.match(text, /line 2: the PEM block .*has no END line/);
    assert.doesNotMatch(text, /passphrase/i);

    const bad = await openUntitled(`${spki.replace(/\n(.)/, '\n!')}`);
    assert.match(
      (await hoverOf(bad, 40)).text,
      /line 2: the PUBLIC KEY block has a character that is not base64/,
    );
  });

  it('inspectKey with arguments returns the KeyInfo (an array for a JWKS) and never prompts', async () => {
    const { value, infos } = await infoDuring(() =>
      vscode.commands.executeCommand<KeyInfo>(INSPECT, { text: spki }),
    );
    assert.deepEqual(value, await inspectKey(spki));
    assert.match(infos[0]!, /^Keysmith: EC P-256 public key \(PEM\)\. SSH fingerprint SHA256:/);

    const jwks = await convertKey(spki, { to: 'jwks' });
    const array = await infoDuring(() => vscode.commands.executeCommand(INSPECT, { text: jwks }));
    assert.deepEqual(array.value, await inspectKey(jwks));

    const opened = await infoDuring(() =>
      vscode.commands.executeCommand<KeyInfo>(INSPECT, { text: encryptedPkcs8, passphrase: PASSPHRASE }),
    );
    assert.equal(opened.value.encrypted, true);
    assert.equal(opened.value.kind, 'private');

    const refused = await noPromptsDuring(() =>
      notificationsDuring(async () => vscode.commands.executeCommand(INSPECT, { text: encryptedPkcs8 })),
    );
    assert.equal(refused.value, undefined);
    assert.match(refused.shown[0]!, /^error: Keysmith: .*passphrase/);
    const wrong = await notificationsDuring(async () =>
      vscode.commands.executeCommand(INSPECT, { text: encryptedPkcs8, passphrase: 'nope' }),
    );
    assert.match(wrong.shown[0]!, /passphrase does not open this key/);
  });

  it('inspectKey on the selection, and its Copy button copies the public key', async () => {
    const document = await openUntitled(`before\n${sshLine}\nafter ${spki}`);
    const editor = await vscode.window.showTextDocument(document);
    const start = document.positionAt(document.getText().indexOf('ssh-ed25519'));
    editor.selection = new vscode.Selection(start, start.translate(0, sshLine.length));
    const { value, infos } = await infoDuring(
      () => vscode.commands.executeCommand<KeyInfo>(INSPECT),
      (items) => items.find((item) => item === 'Copy public PEM'),
    );
    assert.deepEqual(value, await inspectKey(sshLine));
    assert.match(infos[0]!, /Ed25519 public key .*comment "dev@laptop"/);
    await clipboardBecomes(await convertKey(sshLine, { to: 'pem' }));
  });

  it('inspectKey at the cursor asks the passphrase: right opens it; wrong says so', async () => {
    const document = await openUntitled(`key:\n${encryptedPkcs8}`);
    const editor = await vscode.window.showTextDocument(document);
    const inside = document.positionAt(document.getText().indexOf('-----BEGIN') + 70);
    editor.selection = new vscode.Selection(inside, inside);

    const asked: { kind: string; title?: string }[] = [];
    let restores = scriptPrompts(asked, [], [PASSPHRASE], { validate: true });
    try {
      const { value } = await infoDuring(() => vscode.commands.executeCommand<KeyInfo>(INSPECT));
      assert.deepEqual(value, await inspectKey(encryptedPkcs8, { passphrase: PASSPHRASE }));
    } finally {
      restores.forEach((restore) => restore());
    }
    assert.deepEqual(asked, [{ kind: 'input', title: 'Key Passphrase' }]);

    restores = scriptPrompts(asked, [], ['wrong one']);
    try {
      const { value, shown } = await notificationsDuring(async () => vscode.commands.executeCommand(INSPECT));
      assert.equal(value, undefined);
      assert.deepEqual(shown, ['error: Keysmith: The passphrase does not open this key.']);
    } finally {
      restores.forEach((restore) => restore());
    }

    // Try Again: a second box, and the right passphrase then opens it.
    const errors: string[] = [];
    restores = [
      ...scriptPrompts(asked, [], ['wrong again', PASSPHRASE]),
      replaceInWindow('showErrorMessage', (message: string, ...items: string[]) => {
        errors.push(message);
        return Promise.resolve(items.find((item) => item === 'Try Again'));
      }),
      replaceInWindow('showInformationMessage', () => Promise.resolve(undefined)),
    ];
    try {
      asked.length = 0;
      const value = await vscode.commands.executeCommand<KeyInfo>(INSPECT);
      assert.equal(value?.encrypted, true);
      assert.equal(asked.length, 2);
      assert.deepEqual(errors, ['Keysmith: The passphrase does not open this key.']);
    } finally {
      restores.forEach((restore) => restore());
    }
  });

  it('Copy as JWK of an encrypted PKCS#8 key asks its passphrase and copies the public JWK', async () => {
    const document = await openUntitled(encryptedPkcs8);
    const { text } = await hoverOf(document, 60);
    const link = linksOf(text).find((l) => l.args.to === 'jwk')!;
    const asked: { kind: string; title?: string }[] = [];
    const restores = scriptPrompts(asked, [], [PASSPHRASE]);
    try {
      await infoDuring(() => vscode.commands.executeCommand(COPY, link.args));
    } finally {
      restores.forEach((restore) => restore());
    }
    assert.equal(asked.length, 1);
    assert.equal(
      await vscode.env.clipboard.readText(),
      await convertKey(encryptedPkcs8, { to: 'jwk', public: true, passphrase: PASSPHRASE }),
    );
  });

  it('an encrypted OpenSSH key: Inspect… and a private copy ask the passphrase (bcrypt behind a progress)', async () => {
    const document = await openUntitled(`# id_ed25519\n${encryptedOpenSsh}`);
    const { text } = await hoverOf(document, document.getText().indexOf('-----BEGIN') + 60);
    const inspect = linksOf(text).find((l) => l.command === INSPECT)!;
    assert.deepEqual(Object.keys(inspect.args).sort(), ['character', 'line', 'uri']);
    const asked: { kind: string; title?: string }[] = [];
    let restores = scriptPrompts(asked, [], [PASSPHRASE]);
    try {
      const { value } = await infoDuring(() =>
        vscode.commands.executeCommand<KeyInfo>(INSPECT, inspect.args),
      );
      assert.deepEqual(value, await inspectKey(encryptedOpenSsh, { passphrase: PASSPHRASE }));
      assert.equal(value.comment, 'c');
    } finally {
      restores.forEach((restore) => restore());
    }
    restores = scriptPrompts(asked, [], [PASSPHRASE]);
    try {
      const args = { ...inspect.args, to: 'jwk', public: false };
      const { infos } = await infoDuring(() => vscode.commands.executeCommand(COPY, args));
      assert.match(
        infos[0]!,
        /copied the private key as JWK; it will be cleared from the clipboard in 45 seconds/,
      );
    } finally {
      restores.forEach((restore) => restore());
    }
    assert.equal(asked.length, 2);
    assert.equal(
      await vscode.env.clipboard.readText(),
      await convertKey(encryptedOpenSsh, { to: 'jwk', passphrase: PASSPHRASE }),
    );
  });

  it('copyKeyAs refuses bad arguments by name, and says when the key is no longer there', async () => {
    const document = await openUntitled(`text\n${spki}`);
    const uri = document.uri.toString();
    const cases: [unknown, RegExp][] = [
      [{ uri, line: 1, character: 0, to: 'der' }, /to must be one of jwk, openssh, pem, pkcs8/],
      [{ uri, line: 99, character: 0, to: 'jwk' }, /line must be a whole number from 0 to/],
      [{ uri: 'untitled:nope', line: 1, character: 0, to: 'jwk' }, /uri must name an open document/],
      [{ uri, line: 1, character: 0, to: 'jwk', key: spki }, /key is not an option/],
      [{ uri, line: 0, character: 1, to: 'jwk' }, /there is no key at line 1/],
    ];
    for (const [args, message] of cases) {
      const { value, shown } = await notificationsDuring(async () =>
        vscode.commands.executeCommand(COPY, args),
      );
      assert.equal(value, false);
      assert.equal(shown.length, 1);
      assert.match(shown[0]!, message);
    }
  });

  it('a 20,000-line file with a key in the middle still hovers right', async () => {
    const filler = (from: number) =>
      Array.from({ length: 10_000 }, (_, i) => `line ${from + i}: ${'lorem ipsum '.repeat(4)}`).join('\n');
    const document = await openUntitled(`${filler(0)}\n${pkcs1}${filler(10_000)}\n`);
    const begin = document.getText().indexOf('-----BEGIN');
    const { text } = await hoverOf(document, begin + 500);
    assert.match(text, /RSA 2048-bit private key/);
    assert.equal((await hoverOf(document, begin - 200)).text, '');
    assert.equal((await hoverOf(document, document.getText().length - 10)).text, '');
  });
});

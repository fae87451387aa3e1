import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { convertKey, inspectKey, isKeysmithError, type KeyInfo } from '../../src/core';
import {
  findKeyAt,
  KEY_WINDOW_CHARS,
  KEY_WINDOW_LINES,
  keyWindowBounds,
  keyWindowOf,
  openSshPublicLineOf,
} from '../../src/core/keysInText';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = generateKeyPairSync('ed25519');
const spki = ec.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const sec1 = ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string;
const pkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
const pkcs8 = ed.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const encrypted = ed.privateKey.export({
  type: 'pkcs8',
  format: 'pem',
  cipher: 'aes-256-cbc',
  passphrase: 'pw',
}) as string;

/** The found key's text, read by the core (what the hover shows). */
async function infoAt(text: string, offset: number): Promise<KeyInfo> {
  const found = findKeyAt(text, offset);
  assert.ok(found, `a key at ${offset}`);
  return (await inspectKey(found.text)) as KeyInfo;
}

describe('keysInText: finding the key under a position', () => {
  let sshLine: string;
  let jwk: string;
  let opensshPrivate: string;
  let opensshEncrypted: string;
  before(async () => {
    sshLine = (await convertKey(pkcs8, { to: 'openssh', public: true, comment: 'me@host' })).trim();
    jwk = await convertKey(spki, { to: 'jwk' });
    opensshPrivate = await convertKey(pkcs8, { to: 'openssh' });
    opensshEncrypted = await convertKey(pkcs8, { to: 'openssh', toPassphrase: 'pw', comment: 'c' });
  });

  it('finds each PEM kind from inside it, and only the block the cursor is in', async () => {
    const blocks = [spki, sec1, pkcs1, pkcs8, encrypted, opensshPrivate];
    const labels = [
      'PUBLIC KEY',
      'EC PRIVATE KEY',
      'RSA PRIVATE KEY',
      'PRIVATE KEY',
      'ENCRYPTED PRIVATE KEY',
    ];
    const text = `intro line\n${blocks.join('\nbetween\n')}\nend`;
    let from = 0;
    for (const [i, block] of blocks.entries()) {
      const start = text.indexOf(block, from);
      from = start + block.length;
      for (const offset of [start, start + 40, start + block.trimEnd().length]) {
        const found = findKeyAt(text, offset);
        assert.equal(found?.form, 'pem');
        assert.equal(found.start, start);
        assert.equal(found.text, block.trimEnd());
        assert.equal(found.label, labels[i] ?? 'OPENSSH PRIVATE KEY');
      }
    }
    assert.equal(findKeyAt(text, 3), undefined, 'before the first block');
    assert.equal(findKeyAt(text, text.indexOf('between') + 3), undefined, 'between blocks');
    assert.equal(findKeyAt(text, text.length - 1), undefined, 'after the last block');
    assert.equal((await infoAt(text, text.indexOf(pkcs1) + 100)).key_size, 2048);
  });

  it('finds a PEM in a YAML block scalar, indentation removed, also from the indentation', async () => {
    const indented = spki
      .trimEnd()
      .split('\n')
      .map((line) => `    ${line}`)
      .join('\n');
    const text = `tls:\n  public: |\n${indented}\n  other: 1\n`;
    const found = findKeyAt(text, text.indexOf('-----BEGIN') + 40 + 5);
    assert.equal(found?.text, spki.trimEnd());
    assert.equal(findKeyAt(text, text.indexOf('    -----BEGIN') + 1)?.text, spki.trimEnd());
    assert.equal((await infoAt(text, text.indexOf('-----BEGIN') + 40)).algorithm, 'EC');
  });

  it('finds an OpenSSH line alone, in authorized_keys with options, in known_hosts, quoted', async () => {
    const [type, base64] = sshLine.split(' ');
    const cases: [string, string][] = [
      [sshLine, sshLine],
      [`no-pty,from="10.0.0.1,192.168.0.0/16",command="echo hi" ${sshLine}`, sshLine],
      [`github.com,140.82.121.4 ${type} ${base64}`, `${type} ${base64}`],
      [`  - ${sshLine}`, sshLine],
      [`{"key": "${sshLine}", "n": 1}`, sshLine],
      [`key: '${sshLine}'`, sshLine],
    ];
    for (const [line, key] of cases) {
      const text = `# keys\n${line}\n# end`;
      const start = text.indexOf(`${type} `);
      const found = findKeyAt(text, start + 30);
      assert.equal(found?.form, 'openssh', line);
      assert.equal(found.text, key, line);
      assert.equal(found.start, start, line);
      assert.equal(text.slice(found.start, found.end), key, line);
      assert.equal(findKeyAt(text, 2), undefined);
    }
    const info = await infoAt(`x ${sshLine}`, 5);
    assert.equal(info.comment, 'me@host');
    assert.equal(info.algorithm, 'Ed25519');
    // On the options, not on the key: nothing.
    assert.equal(findKeyAt(`no-pty ${sshLine}`, 2), undefined);
  });

  it('finds the JWK enclosing the cursor, and a JWKS from its own members', async () => {
    const single = `const config = ${jwk.trimEnd()};\n`;
    const found = findKeyAt(single, single.indexOf('"crv"'));
    assert.equal(found?.form, 'jwk');
    assert.equal(found.text, jwk.trimEnd());
    assert.equal(found.jwks, undefined);
    assert.equal(findKeyAt(single, 3), undefined, 'outside the object');

    const jwks = await convertKey(spki, { to: 'jwks' });
    const two = JSON.stringify({ issuer: 'x', jwks: JSON.parse(jwks) }, null, 2);
    const inner = findKeyAt(two, two.indexOf('"kty"'));
    assert.equal(inner?.jwks, undefined, 'inside one key: that key');
    assert.equal(((await inspectKey(inner!.text)) as KeyInfo).kind, 'public');
    const whole = findKeyAt(two, two.indexOf('"keys"'));
    assert.equal(whole?.jwks, true);
    assert.ok(Array.isArray(await inspectKey(whole.text)));
    assert.equal(findKeyAt(two, two.indexOf('"issuer"')), undefined, 'the outer object is no key');
    assert.equal(findKeyAt('{"kty": "EC", broken', 3), undefined, 'not JSON');
    const brace = findKeyAt('{"a": "}{", "kty": "EC"}', 10);
    assert.equal(brace?.text, '{"a": "}{", "kty": "EC"}', 'braces inside strings');
  });

  it('finds a broken block, so the core can name what is wrong', async () => {
    const lines = spki.trimEnd().split('\n');
    const truncated = `${lines.slice(0, 3).join('\n')}\n\nnext paragraph`;
    const found = findKeyAt(truncated, truncated.indexOf('-----BEGIN') + 40);
    assert.equal(found?.text, lines.slice(0, 3).join('\n'));
    await assert.rejects(inspectKey(found.text), (error: unknown) => {
      assert.ok(isKeysmithError(error));
      assert.equal(error.code, 'MALFORMED_KEY');
      assert.match(error.message, /no END line/);
      return true;
    });
    const badChar = spki.replace(/\n(.)/, '\n!');
    const bad = findKeyAt(badChar, 40);
    await assert.rejects(inspectKey(bad!.text), /not base64/);
  });

  it('leaves out a PEM written with \\n escapes in a string literal', () => {
    const escaped = JSON.stringify({ key: spki });
    assert.equal(findKeyAt(escaped, escaped.indexOf('-----BEGIN') + 40), undefined);
  });

  it('the window: ±200 lines, at most 32 KB around the position', () => {
    assert.deepEqual(keyWindowBounds(100, 0, 200), { from: 0, to: 200 });
    const half = KEY_WINDOW_CHARS / 2;
    assert.deepEqual(keyWindowBounds(100_000, 0, 200_000), { from: 100_000 - half, to: 100_000 + half });
    // Unused room on one side goes to the other.
    assert.deepEqual(keyWindowBounds(100_000, 0, 100_010), {
      from: 100_010 - KEY_WINDOW_CHARS,
      to: 100_010,
    });
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}`);
    const text = lines.join('\n');
    const cursor = text.indexOf('line 500');
    const window = keyWindowOf(text, cursor);
    assert.ok(window.text.startsWith(`line ${500 - KEY_WINDOW_LINES}\n`), window.text.slice(0, 20));
    assert.ok(window.text.endsWith(`\nline ${500 + KEY_WINDOW_LINES}`));
    assert.equal(text.slice(window.start, window.start + window.text.length), window.text);
    const long = 'x'.repeat(100_000);
    assert.equal(keyWindowOf(long, 50_000).text.length, KEY_WINDOW_CHARS);
  });

  it('a key in the middle of a large file is found from its window; one bigger than it is not', () => {
    const filler = Array.from({ length: 10_000 }, (_, i) => `filler ${i} ${'-'.repeat(20)}`).join('\n');
    const text = `${filler}\n${pkcs1}${filler}`;
    const cursor = text.indexOf('-----BEGIN RSA') + 200;
    const window = keyWindowOf(text, cursor);
    assert.ok(window.text.length <= KEY_WINDOW_CHARS);
    assert.equal(findKeyAt(window.text, cursor, window.start)?.text, pkcs1.trimEnd());
    assert.equal(findKeyAt(window.text, cursor, window.start)?.start, text.indexOf('-----BEGIN RSA'));

    const body = 'QUFB\n'.repeat(KEY_WINDOW_CHARS / 4);
    const huge = `-----BEGIN PUBLIC KEY-----\n${body}-----END PUBLIC KEY-----\n`;
    const middle = huge.length / 2;
    const hugeWindow = keyWindowOf(huge, middle);
    assert.equal(findKeyAt(hugeWindow.text, middle, hugeWindow.start), undefined);
  });

  it('reads the public key of an encrypted OpenSSH private key without its passphrase', async () => {
    const line = openSshPublicLineOf(opensshEncrypted);
    const expected = (await convertKey(pkcs8, { to: 'openssh', public: true })).trim();
    assert.equal(line, expected);
    assert.equal(openSshPublicLineOf(spki), undefined);
    assert.equal(openSshPublicLineOf(opensshEncrypted.replace(/\n(.)/, '\nQ')), undefined);
  });
});

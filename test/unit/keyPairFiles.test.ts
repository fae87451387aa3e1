/**
 * src/node/keyPairFiles.ts on its own, in plain Node: names, paths, the workspace boundary (by
 * path and through symlinks), and the all-or-nothing writer (mode 0600, no overwrite without
 * being asked, the first file undone when the second cannot be placed).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KeyPairFormat } from '../../src/core/keyFormats';
import {
  ensureKeyFolder,
  existingPaths,
  isInside,
  isTemporaryFileOf,
  isValidKeyName,
  keyPairPaths,
  keyPairPathsFromPrefix,
  keyPairPathsFromPrivatePath,
  PRIVATE_KEY_MODE,
  resolveKeyFolder,
  temporaryFilePatterns,
  writeFileAtomically,
  writeKeyPairFiles,
} from '../../src/node/keyPairFiles';

const POSIX = process.platform !== 'win32';

describe('node/keyPairFiles', () => {
  let root = '';
  beforeEach(() => {
    root = realpathSync(mkdtempSync(path.join(tmpdir(), 'keysmith-kpf-')));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const files = (folder: string) => readdirSync(folder).sort();
  const content = (name: string) => ({
    ...keyPairPaths(root, name),
    privatePem: `private ${name}`,
    publicPem: `public ${name}`,
  });

  describe('names and paths', () => {
    it('accepts 1 to 64 of A–Z a–z 0–9 . _ - and nothing else', () => {
      for (const name of ['a', 'id_rsa', 'deploy-2024.v1', 'x'.repeat(64)])
        assert.ok(isValidKeyName(name), name);
      for (const name of ['', '.', '..', '...', 'a/b', 'a\\b', 'has space', 'x'.repeat(65), 'ü', 'a\0b']) {
        assert.ok(!isValidKeyName(name), JSON.stringify(name));
      }
    });

    it('puts <name>_private.pem and <name>_public.pem in the folder', () => {
      assert.deepEqual(keyPairPaths(path.join('k', 'f'), 'id_ec'), {
        privatePath: path.join('k', 'f', 'id_ec_private.pem'),
        publicPath: path.join('k', 'f', 'id_ec_public.pem'),
      });
    });

    it('names each format’s pair: PEM, OpenSSH as ssh-keygen does, a private JWK and a public JWKS', () => {
      const at = (format: Parameters<typeof keyPairPaths>[2]) => keyPairPaths('k', 'id', format);
      assert.deepEqual(at('pkcs8'), keyPairPaths('k', 'id'));
      assert.deepEqual(at('openssh'), {
        privatePath: path.join('k', 'id'),
        publicPath: path.join('k', 'id.pub'),
      });
      assert.deepEqual(at('jwk'), {
        privatePath: path.join('k', 'id_private.jwk.json'),
        publicPath: path.join('k', 'id_public.jwks.json'),
      });
      assert.deepEqual(keyPairPathsFromPrefix('~/x/id_ed25519', 'openssh'), {
        privatePath: '~/x/id_ed25519',
        publicPath: '~/x/id_ed25519.pub',
      });
      assert.deepEqual(keyPairPathsFromPrefix('a/b'), {
        privatePath: 'a/b_private.pem',
        publicPath: 'a/b_public.pem',
      });
    });

    it('puts the public key next to a private key chosen in a save dialog', () => {
      const at = (base: string) => keyPairPathsFromPrivatePath(path.join('d', base)).publicPath;
      assert.equal(at('x_private.pem'), path.join('d', 'x_public.pem'));
      assert.equal(at('X_PRIVATE.PEM'), path.join('d', 'X_public.pem'));
      assert.equal(at('deploy.pem'), path.join('d', 'deploy_public.pem'));
      assert.equal(at('deploy'), path.join('d', 'deploy_public.pem'));
      assert.equal(at('.pem'), path.join('d', 'key_public.pem'));
      assert.equal(
        keyPairPathsFromPrivatePath(path.join('d', 'deploy.pem')).privatePath,
        path.join('d', 'deploy.pem'),
      );
    });

    it('names the public key after a chosen private key in each format’s way', () => {
      const at = (base: string, format: KeyPairFormat) =>
        path.basename(keyPairPathsFromPrivatePath(path.join('d', base), format).publicPath);
      assert.equal(at('id_ed25519', 'openssh'), 'id_ed25519.pub');
      assert.equal(at('deploy.pem', 'openssh'), 'deploy.pem.pub', 'ssh-keygen appends .pub to any name');
      assert.equal(at('issuer_private.jwk.json', 'jwk'), 'issuer_public.jwks.json');
      assert.equal(at('issuer.json', 'jwk'), 'issuer_public.jwks.json');
      assert.equal(at('issuer', 'jwk'), 'issuer_public.jwks.json');
      assert.equal(at('tls_private.pem', 'pkcs8'), 'tls_public.pem');
    });

    it('tells inside from outside by path', () => {
      const parent = path.resolve('/w/ws');
      assert.ok(isInside(parent, parent));
      assert.ok(isInside(parent, path.join(parent, 'keys', 'a')));
      assert.ok(isInside(parent, path.join(parent, '..foo')), 'a name starting with two dots is inside');
      assert.ok(!isInside(parent, path.resolve('/w')));
      assert.ok(!isInside(parent, path.resolve('/w/ws2')));
      assert.ok(!isInside(parent, path.resolve('/w/ws/../other')));
    });
  });

  describe('the workspace boundary', () => {
    it('resolves a folder inside the workspace, relative or absolute, without creating it', async () => {
      assert.equal(await resolveKeyFolder(root, 'keys'), path.join(root, 'keys'));
      assert.equal(await resolveKeyFolder(root, path.join(root, 'a', 'b')), path.join(root, 'a', 'b'));
      assert.equal(await resolveKeyFolder(root, '.'), root);
      assert.deepEqual(files(root), []);
    });

    it('refuses a folder outside it: by path, by a NUL, or through a symlink', async () => {
      assert.equal(await resolveKeyFolder(root, '..'), undefined);
      assert.equal(await resolveKeyFolder(root, '../elsewhere'), undefined);
      assert.equal(await resolveKeyFolder(root, tmpdir()), undefined);
      assert.equal(await resolveKeyFolder(root, 'keys\0'), undefined);
      if (!POSIX) return;
      const outside = mkdtempSync(path.join(tmpdir(), 'keysmith-out-'));
      try {
        symlinkSync(outside, path.join(root, 'link'));
        assert.equal(await resolveKeyFolder(root, 'link'), undefined);
        assert.equal(await resolveKeyFolder(root, path.join('link', 'deeper', 'keys')), undefined);
        assert.equal(await ensureKeyFolder(root, path.join(root, 'link', 'made')), false);
        assert.equal(await ensureKeyFolder(root, path.join(root, 'fine', 'made')), true);
        assert.ok(statSync(path.join(root, 'fine', 'made')).isDirectory());
      } finally {
        rmSync(outside, { recursive: true, force: true });
      }
    });

    it('lists what exists already, dangling symlinks included', async () => {
      writeFileSync(path.join(root, 'file'), '');
      mkdirSync(path.join(root, 'folder'));
      if (POSIX) symlinkSync(path.join(root, 'nowhere'), path.join(root, 'dangling'));
      const asked = ['file', 'folder', 'missing', ...(POSIX ? ['dangling'] : [])].map((f) =>
        path.join(root, f),
      );
      assert.deepEqual(
        await existingPaths(asked),
        asked.filter((f) => !f.endsWith('missing')),
      );
    });
  });

  describe('writing a pair', () => {
    it('writes both files, the private key with mode 0600, and leaves no temporary file', async () => {
      assert.deepEqual(await writeKeyPairFiles({ ...content('a'), overwrite: false }), { written: true });
      assert.deepEqual(files(root), ['a_private.pem', 'a_public.pem']);
      assert.equal(readFileSync(path.join(root, 'a_private.pem'), 'utf8'), 'private a');
      assert.equal(readFileSync(path.join(root, 'a_public.pem'), 'utf8'), 'public a');
      if (POSIX) assert.equal(statSync(path.join(root, 'a_private.pem')).mode & 0o777, PRIVATE_KEY_MODE);
    });

    it('sets the private key’s mode to exactly 0600 even under a umask that takes the owner’s write bit', async function () {
      if (!POSIX) this.skip();
      const before = process.umask(0o277);
      try {
        assert.deepEqual(await writeKeyPairFiles({ ...content('u'), overwrite: false }), { written: true });
        assert.ok(
          await writeFileAtomically(path.join(root, 'single'), 'x', {
            mode: 0o600,
            exactMode: true,
            overwrite: false,
          }),
        );
      } finally {
        process.umask(before);
      }
      assert.equal(statSync(path.join(root, 'u_private.pem')).mode & 0o777, PRIVATE_KEY_MODE);
      assert.equal(statSync(path.join(root, 'single')).mode & 0o777, 0o600);
      assert.equal(readFileSync(path.join(root, 'u_private.pem'), 'utf8'), 'private u');
    });

    it('temporaryFilePatterns: git ignores every temporary name of that key, and not the key itself', function () {
      const git = (args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
      if (git(['--version']).status !== 0) this.skip();
      assert.equal(git(['init', '-q']).status, 0);
      const key = path.join(root, 'dep[1]*_private.pem');
      const patterns = temporaryFilePatterns(key);
      writeFileSync(path.join(root, '.gitignore'), `${patterns.join('\n')}\n`);
      const tmp = `.dep[1]*_private.pem.${randomBytes(6).toString('hex')}.tmp`;
      const old = `.dep[1]*_private.pem.${randomBytes(6).toString('hex')}.old`;
      assert.ok(isTemporaryFileOf(key, tmp) && isTemporaryFileOf(key, old));
      assert.ok(!isTemporaryFileOf(key, '.dep[1]*_private.pem.zz.tmp'));
      const ignored = (name: string) => git(['check-ignore', '-q', '--no-index', name]).status === 0;
      assert.ok(ignored(tmp), tmp);
      assert.ok(ignored(old), old);
      assert.ok(ignored(`sub/${tmp}`) === false, 'anchored to the key’s own folder');
      for (const name of [
        'dep[1]*_private.pem',
        '.dep1x_private.pem.abcdefabcdef.tmp',
        '.other_private.pem.abcdefabcdef.tmp',
      ])
        assert.ok(!ignored(name), name);
    });

    it('without overwrite, a file in the way means nothing is written, and says which', async () => {
      writeFileSync(path.join(root, 'b_public.pem'), 'theirs');
      assert.deepEqual(await writeKeyPairFiles({ ...content('b'), overwrite: false }), {
        written: false,
        existing: [path.join(root, 'b_public.pem')],
      });
      assert.deepEqual(files(root), ['b_public.pem']);
      assert.equal(readFileSync(path.join(root, 'b_public.pem'), 'utf8'), 'theirs');
    });

    it('with overwrite, replaces both — and replaces a symlink rather than writing through it', async () => {
      writeFileSync(path.join(root, 'c_private.pem'), 'old', { mode: 0o644 });
      const target = path.join(root, 'target');
      writeFileSync(target, 'not to be touched');
      if (POSIX) symlinkSync(target, path.join(root, 'c_public.pem'));
      assert.deepEqual(await writeKeyPairFiles({ ...content('c'), overwrite: true }), { written: true });
      assert.equal(readFileSync(path.join(root, 'c_private.pem'), 'utf8'), 'private c');
      assert.equal(readFileSync(path.join(root, 'c_public.pem'), 'utf8'), 'public c');
      assert.equal(readFileSync(target, 'utf8'), 'not to be touched');
      if (POSIX) assert.equal(statSync(path.join(root, 'c_private.pem')).mode & 0o777, PRIVATE_KEY_MODE);
      assert.deepEqual(files(root), ['c_private.pem', 'c_public.pem', 'target']);
    });

    it('when the second file cannot be placed, the first is undone and the old one restored', async () => {
      writeFileSync(path.join(root, 'd_private.pem'), 'old private');
      mkdirSync(path.join(root, 'd_public.pem', 'inside'), { recursive: true }); // rename cannot replace it
      await assert.rejects(writeKeyPairFiles({ ...content('d'), overwrite: true }));
      assert.equal(readFileSync(path.join(root, 'd_private.pem'), 'utf8'), 'old private');
      assert.deepEqual(files(root), ['d_private.pem', 'd_public.pem']);
    });

    it('a missing folder is the file system’s error (ENOENT), and nothing is left behind', async () => {
      const folder = path.join(root, `missing-${randomBytes(3).toString('hex')}`);
      await assert.rejects(
        writeKeyPairFiles({
          ...keyPairPaths(folder, 'e'),
          privatePem: 'p',
          publicPem: 'q',
          overwrite: false,
        }),
        (error: NodeJS.ErrnoException) => error.code === 'ENOENT',
      );
      assert.deepEqual(files(root), []);
    });
  });
});

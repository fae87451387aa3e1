/**
 * The .gitignore half of src/node/gitIgnore.ts that needs no git: the escaped, anchored entry for
 * a file, and appending it (once, in the file's line endings, never through a symlink). Whether
 * git reads the entry as that one file is tested with real git in test/integration.
 */
import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addToGitignore, anchoredEntry, gitignoreEntry } from '../../src/node/gitIgnore';

describe('node/gitIgnore', () => {
  let dir = '';
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'keysmith-gi-')));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('the entry', () => {
    it('is anchored and joins the segments with /', () => {
      assert.equal(anchoredEntry(['keys', 'id_ec_private.pem']), '/keys/id_ec_private.pem');
      assert.equal(anchoredEntry(['k_private.pem']), '/k_private.pem');
    });

    it('escapes what git reads as a pattern: \\ * ? [ and trailing spaces', () => {
      assert.equal(anchoredEntry(['we[ir]d*', 'k_private.pem']), '/we\\[ir]d\\*/k_private.pem');
      assert.equal(anchoredEntry(['a?b', 'c\\d']), '/a\\?b/c\\\\d');
      assert.equal(anchoredEntry(['name  ']), '/name\\ \\ ');
      assert.equal(anchoredEntry(['in side', 'x']), '/in side/x', 'inner spaces are literal already');
      assert.equal(anchoredEntry(['#not-a-comment']), '/#not-a-comment', 'the anchor keeps # and ! literal');
      assert.equal(anchoredEntry(['!not-negated']), '/!not-negated');
    });

    it('is relative to the .gitignore’s folder, through real paths', async () => {
      mkdirSync(path.join(dir, 'ws', 'keys'), { recursive: true });
      const file = path.join(dir, 'ws', 'keys', 'k_private.pem');
      assert.equal(await gitignoreEntry(path.join(dir, '.gitignore'), file), '/ws/keys/k_private.pem');
      if (process.platform === 'win32') return;
      symlinkSync(path.join(dir, 'ws'), path.join(dir, 'alias'));
      assert.equal(
        await gitignoreEntry(
          path.join(dir, 'ws', '.gitignore'),
          path.join(dir, 'alias', 'keys', 'k_private.pem'),
        ),
        '/keys/k_private.pem',
      );
    });
  });

  describe('appending', () => {
    it('creates the file, and adds a rule only once (anchored or not, when it has a slash)', async () => {
      const file = path.join(dir, '.gitignore');
      assert.equal(await addToGitignore(file, '/keys/a_private.pem'), true);
      assert.equal(await addToGitignore(file, '/keys/a_private.pem'), false);
      assert.equal(await addToGitignore(file, 'keys/a_private.pem'), false);
      assert.equal(readFileSync(file, 'utf8'), '/keys/a_private.pem\n');
    });

    it('treats /name and name as different rules (name matches in any folder)', async () => {
      const file = path.join(dir, '.gitignore');
      writeFileSync(file, 'c_private.pem\n');
      assert.equal(await addToGitignore(file, '/c_private.pem'), true);
      assert.equal(readFileSync(file, 'utf8'), 'c_private.pem\n/c_private.pem\n');
    });

    it('keeps CRLF line endings and ends with exactly one line break', async () => {
      const lf = path.join(dir, 'lf');
      writeFileSync(lf, 'node_modules');
      await addToGitignore(lf, '/a');
      assert.equal(readFileSync(lf, 'utf8'), 'node_modules\n/a\n');
      const crlf = path.join(dir, 'crlf');
      writeFileSync(crlf, 'dist\r\nout\r\n');
      await addToGitignore(crlf, '/b');
      assert.equal(readFileSync(crlf, 'utf8'), 'dist\r\nout\r\n/b\r\n');
    });

    it('refuses an entry of several lines, and a .gitignore that is not a regular file', async () => {
      await assert.rejects(addToGitignore(path.join(dir, 'x'), '/a\n/b'));
      await assert.rejects(addToGitignore(path.join(dir, 'x'), ''));
      mkdirSync(path.join(dir, 'folder'));
      await assert.rejects(addToGitignore(path.join(dir, 'folder'), '/a'));
      if (process.platform === 'win32') return;
      const target = path.join(dir, 'target');
      writeFileSync(target, 'keep\n');
      symlinkSync(target, path.join(dir, 'link'));
      await assert.rejects(addToGitignore(path.join(dir, 'link'), '/a'));
      assert.equal(readFileSync(target, 'utf8'), 'keep\n');
    });
  });
});

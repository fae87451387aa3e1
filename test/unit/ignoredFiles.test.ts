/**
 * src/node/ignoredFiles.ts against real git: git check-ignore is the judge of what .gitignore
 * leaves out, so the fallback reader is compared with its answers on the same files, and the
 * git-backed query is checked on a repository and outside one.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gitIgnoredIn, gitignoreMatcher } from '../../src/node/ignoredFiles';

const GITIGNORES: Record<string, string> = {
  '': [
    '# comment',
    '*.log',
    '!keep.log',
    '/build',
    'tmp/',
    'docs/**/draft*.md',
    '**/cache',
    'a?c.txt',
    'x[0-9].env',
    'x[!0-9]z.env',
    '\\#hash',
    'secret.json   ',
    'nested/only-here.txt',
    'out/**',
    '!out/kept.txt',
    'two**stars',
  ].join('\n'),
  sub: ['*.txt', '!important.txt', '/local.env'].join('\r\n'),
  'sub/deeper': ['!*.txt'].join('\n'),
};

const PATHS = [
  'app.log',
  'keep.log',
  'logs/app.log',
  'logs/keep.log',
  'build/config.json',
  'src/build/config.json',
  'build.json',
  'tmp/x.json',
  'src/tmp/x.json',
  'tmp.json',
  'docs/draft1.md',
  'docs/a/b/draft2.md',
  'docs/final.md',
  'cache/x',
  'a/b/cache/y',
  'cachefile',
  'abc.txt',
  'abbc.txt',
  'x1.env',
  'xa.env',
  'xaz.env',
  'x1z.env',
  '#hash',
  'secret.json',
  'nested/only-here.txt',
  'other/nested/only-here.txt',
  'out/a.txt',
  'out/kept.txt',
  'twoXXstars',
  'sub/notes.txt',
  'sub/important.txt',
  'sub/local.env',
  'local.env',
  'sub/x/local.env',
  'sub/deeper/z.txt',
  'config.json',
];

function gitAvailable(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

describe('node/ignoredFiles', function () {
  let dir = '';
  before(function () {
    if (!gitAvailable()) this.skip();
    dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'keysmith-ignored-')));
    execFileSync('git', ['init', '-q'], { cwd: dir, timeout: 10_000 });
    for (const [folder, text] of Object.entries(GITIGNORES)) {
      mkdirSync(path.join(dir, folder), { recursive: true });
      writeFileSync(path.join(dir, folder, '.gitignore'), text);
    }
    for (const file of PATHS) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), 'x');
    }
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  function gitSays(): Set<string> {
    let out: string;
    try {
      out = execFileSync('git', ['check-ignore', '--stdin', '-z'], {
        cwd: dir,
        input: PATHS.join('\0') + '\0',
        encoding: 'utf8',
        timeout: 10_000,
      });
    } catch (error) {
      out = (error as { stdout?: string }).stdout ?? ''; // exit 1: none ignored
    }
    return new Set(out.split('\0').filter(Boolean));
  }

  it('the fallback reader agrees with git check-ignore on every path', () => {
    const judge = gitSays();
    assert.ok(judge.size > 10 && judge.size < PATHS.length, 'the fixture ignores some paths, not all');
    const ignores = gitignoreMatcher(Object.entries(GITIGNORES).map(([folder, text]) => ({ folder, text })));
    const disagreements = PATHS.filter((file) => ignores(file) !== judge.has(file)).map(
      (file) => `${file}: git ${judge.has(file) ? 'ignores' : 'keeps'} it`,
    );
    assert.deepEqual(disagreements, []);
  });

  it('git ls-files gives the same answers, from the top or from a folder inside', async () => {
    const judge = gitSays();
    const ignores = await gitIgnoredIn(dir);
    assert.ok(ignores);
    assert.deepEqual(
      PATHS.filter((file) => ignores(file) !== judge.has(file)),
      [],
    );
    const inSub = await gitIgnoredIn(path.join(dir, 'sub'));
    assert.ok(inSub);
    const subPaths = PATHS.filter((file) => file.startsWith('sub/'));
    assert.deepEqual(
      subPaths.filter((file) => inSub(file.slice('sub/'.length)) !== judge.has(file)),
      [],
    );
  });

  it('outside a repository git does not answer (the caller reads the .gitignore files)', async () => {
    const outside = realpathSync(mkdtempSync(path.join(tmpdir(), 'keysmith-norepo-')));
    try {
      assert.equal(await gitIgnoredIn(outside), undefined);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('a tracked file is not ignored, as git has it', async () => {
    execFileSync('git', ['add', '-f', 'app.log'], { cwd: dir, timeout: 10_000 });
    try {
      const ignores = await gitIgnoredIn(dir);
      assert.equal(ignores!('app.log'), false);
      assert.equal(ignores!('logs/app.log'), true);
    } finally {
      execFileSync('git', ['rm', '-q', '--cached', 'app.log'], { cwd: dir, timeout: 10_000 });
    }
  });
});

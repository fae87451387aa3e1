/**
 * Localisation, checked without VS Code. package.json names its user-facing text by `%key%` and
 * package.nls.json holds the English: every key must have its text, every text must be used, and
 * every title, label and description of `contributes` must be a key. The runtime strings
 * (`vscode.l10n.t`) live in l10n/bundle.l10n.json, which `npm run l10n` exports from src/: the
 * committed bundle must be exactly what a fresh export gives, so a string added in src/ without
 * re-running the export, or one left in the bundle after src/ stopped using it, fails here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const BUNDLE = 'bundle.l10n.json';

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(path.resolve(ROOT, file), 'utf8'));
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every string in `value` with its JSON path, e.g. `contributes.commands[0].title`. */
function strings(value: Json, at: string): { at: string; text: string }[] {
  if (typeof value === 'string') return [{ at, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => strings(item, `${at}[${i}]`));
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => strings(v, at ? `${at}.${k}` : k));
  return [];
}

/** The value at `field` of each object of a list, or of each list of a map of lists (views). */
function fieldsOf(container: Json | undefined, at: string, fields: string[]): { at: string; value: Json }[] {
  const lists: [string, Json][] = Array.isArray(container)
    ? [[at, container]]
    : isObject(container)
      ? Object.entries(container).map(([k, v]): [string, Json] => [`${at}.${k}`, v])
      : [];
  return lists.flatMap(([listAt, list]) =>
    (Array.isArray(list) ? list : []).flatMap((item, i) =>
      fields.flatMap((field) => {
        const value = isObject(item) ? item[field] : undefined;
        return value === undefined ? [] : [{ at: `${listAt}[${i}].${field}`, value }];
      }),
    ),
  );
}

const SETTING_TEXT = ['description', 'markdownDescription', 'patternErrorMessage', 'deprecationMessage'];
const SETTING_LISTS = ['enumDescriptions', 'markdownEnumDescriptions'];

/**
 * The fields of package.json that users read, which must be `%key%`s. (Command categories stay
 * literal: "Keysmith" is the product's name.)
 */
function userFacingFields(pkg: JsonObject): { at: string; value: Json }[] {
  const contributes = isObject(pkg.contributes) ? pkg.contributes : {};
  const configurations = Array.isArray(contributes.configuration)
    ? contributes.configuration
    : [contributes.configuration ?? {}];
  const settings = configurations.flatMap((configuration, i) => {
    const at = Array.isArray(contributes.configuration)
      ? `contributes.configuration[${i}]`
      : 'contributes.configuration';
    if (!isObject(configuration)) return [];
    const title =
      configuration.title === undefined ? [] : [{ at: `${at}.title`, value: configuration.title }];
    const properties = isObject(configuration.properties) ? configuration.properties : {};
    return [
      ...title,
      ...Object.entries(properties).flatMap(([id, property]) =>
        [...SETTING_TEXT, ...SETTING_LISTS].flatMap((field) => {
          const value = isObject(property) ? property[field] : undefined;
          return value === undefined ? [] : [{ at: `${at}.properties.${id}.${field}`, value }];
        }),
      ),
    ];
  });
  const capabilities = isObject(pkg.capabilities) ? pkg.capabilities : {};
  return [
    ...fieldsOf(contributes.commands, 'contributes.commands', ['title', 'shortTitle']),
    ...fieldsOf(contributes.submenus, 'contributes.submenus', ['label']),
    ...fieldsOf(contributes.viewsContainers, 'contributes.viewsContainers', ['title']),
    ...fieldsOf(contributes.views, 'contributes.views', ['name', 'contextualTitle']),
    ...fieldsOf(contributes.viewsWelcome, 'contributes.viewsWelcome', ['contents']),
    ...settings,
    ...Object.entries(capabilities).flatMap(([name, capability]) =>
      isObject(capability) && capability.description !== undefined
        ? [{ at: `capabilities.${name}.description`, value: capability.description }]
        : [],
    ),
  ];
}

const PLACEHOLDER = /^%([^%\s]+)%$/;

/**
 * The l10n script, taken apart: `vscode-l10n-dev export --outDir <dir> <sources…>` (and after it
 * only Prettier, which changes how the bundle is laid out, never what it says).
 */
function exportScript(pkg: JsonObject): { outDir: string; sources: string[] } {
  const scripts = isObject(pkg.scripts) ? pkg.scripts : {};
  const script = scripts.l10n;
  assert.equal(typeof script, 'string', 'package.json has an "l10n" script');
  const [exportCommand = '', ...rest] = String(script).split(' && ');
  assert.ok(
    rest.every((command) => command.startsWith('prettier ')),
    `only Prettier may follow the export in the l10n script: ${String(script)}`,
  );
  const match = /^vscode-l10n-dev export --outDir (\S+)((?: \S+)+)$/.exec(exportCommand);
  assert.ok(match?.[1] && match[2], `the l10n script is "vscode-l10n-dev export --outDir <dir> <sources>"`);
  return { outDir: match[1], sources: match[2].trim().split(' ') };
}

/** Runs the installed @vscode/l10n-dev's CLI as the l10n script does, into a temporary folder. */
function freshExport(sources: string[]): Record<string, unknown> {
  const manifest = readJson('node_modules/@vscode/l10n-dev/package.json') as { bin: Record<string, string> };
  const bin = manifest.bin['vscode-l10n-dev'];
  assert.ok(bin, '@vscode/l10n-dev provides vscode-l10n-dev');
  const outDir = mkdtempSync(path.join(tmpdir(), 'keysmith-l10n-'));
  try {
    const result = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/@vscode/l10n-dev', bin), 'export', '--outDir', outDir, ...sources],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.equal(result.status, 0, `vscode-l10n-dev export failed:\n${result.stderr}`);
    const bundle = path.join(outDir, BUNDLE);
    // With no vscode.l10n.t call in src/ the tool writes nothing: the bundle would be empty.
    return existsSync(bundle) ? (JSON.parse(readFileSync(bundle, 'utf8')) as Record<string, unknown>) : {};
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

describe('localisation', function () {
  this.timeout(60_000);

  const pkg = readJson('package.json') as JsonObject;
  const nls = readJson('package.nls.json') as JsonObject;

  describe('package.json and package.nls.json', () => {
    const placeholders = strings(pkg, '').flatMap(({ at, text }) => {
      const key = PLACEHOLDER.exec(text)?.[1];
      return key === undefined ? [] : [{ at, key }];
    });

    it('every %key% in package.json has its text in package.nls.json', () => {
      const missing = placeholders.filter(({ key }) => !Object.hasOwn(nls, key));
      assert.deepEqual(
        missing.map(({ at, key }) => `${at}: %${key}%`),
        [],
        'add these keys to package.nls.json',
      );
    });

    it('every entry of package.nls.json is used by package.json', () => {
      const used = new Set(placeholders.map(({ key }) => key));
      assert.deepEqual(
        Object.keys(nls).filter((key) => !used.has(key)),
        [],
        'unused entries in package.nls.json: remove them or use them as %key% in package.json',
      );
    });

    it('every entry of package.nls.json is a non-empty string', () => {
      const bad = Object.entries(nls).filter(([, text]) => typeof text !== 'string' || text.trim() === '');
      assert.deepEqual(
        bad.map(([key]) => key),
        [],
        'entries of package.nls.json without text',
      );
    });

    it('every title, label and description users read is a %key%, not literal text', () => {
      const literal = userFacingFields(pkg).flatMap(({ at, value }) =>
        strings(value, at).filter(({ text }) => !PLACEHOLDER.test(text)),
      );
      assert.deepEqual(
        literal.map(({ at, text }) => `${at}: ${JSON.stringify(text)}`),
        [],
        'move these strings to package.nls.json and refer to them as %key%',
      );
    });
  });

  describe('l10n/bundle.l10n.json', () => {
    it('is where package.json tells VS Code to look, and where npm run l10n writes', () => {
      const { outDir } = exportScript(pkg);
      assert.equal(typeof pkg.l10n, 'string', 'package.json has "l10n": the folder of the bundles');
      assert.equal(
        path.resolve(ROOT, String(pkg.l10n)),
        path.resolve(ROOT, outDir),
        'package.json "l10n" names the folder the l10n script exports to',
      );
      assert.ok(existsSync(path.resolve(ROOT, outDir, BUNDLE)), `${outDir}/${BUNDLE} is committed`);
    });

    it('holds exactly the strings src/ passes to vscode.l10n.t (npm run l10n re-exports it)', () => {
      const { outDir, sources } = exportScript(pkg);
      const committed = readJson(path.join(outDir, BUNDLE)) as Record<string, unknown>;
      const fresh = freshExport(sources);
      const missing = Object.keys(fresh).filter((key) => !Object.hasOwn(committed, key));
      const unused = Object.keys(committed).filter((key) => !Object.hasOwn(fresh, key));
      assert.deepEqual(missing, [], `strings used in src/ but missing from the bundle: run npm run l10n`);
      assert.deepEqual(unused, [], `strings in the bundle that src/ no longer uses: run npm run l10n`);
      // Same keys; the messages and translator comments must match too.
      assert.deepEqual(committed, fresh, 'the bundle differs from a fresh export: run npm run l10n');
    });
  });
});

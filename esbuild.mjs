// One esbuild script for every target (README, "Layout"):
//   dist/extension.js  node, cjs, 'vscode' external     (the extension host entry)
//   dist/cli.js        node, cjs, with a shebang        (the `keysmith` command)
//   dist/webview.js    browser, iife                    (the sidebar's four webview views)
// Flags: --production minifies and drops source maps; --watch rebuilds on change;
//        --tests also bundles the test suites and the harness into out/test; --bench the benchmark.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');

/** @type {import('esbuild').BuildOptions} */
const nodeDefaults = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
};

/** @type {import('esbuild').BuildOptions[]} */
const targets = [
  { ...nodeDefaults, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  {
    ...nodeDefaults,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    external: [], // the CLI runs without VS Code: an import of 'vscode' must fail the build
  },
];

if (existsSync('src/webview/main.ts')) {
  targets.push({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
  });
}

/** @param {string} dir */
const testEntries = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.test.ts') || f === 'index.ts')
        .map((f) => path.join(dir, f))
    : [];

if (args.has('--tests')) {
  const testBuild = { ...nodeDefaults, sourcemap: 'inline', minify: false };
  targets.push(
    // Plain-Node unit tests of the core and the CLI.
    { ...testBuild, entryPoints: testEntries('test/unit'), outdir: 'out/test/unit', external: ['mocha'] },
    // Suites that run inside the VS Code extension host ('vscode' is provided by the host).
    {
      ...testBuild,
      entryPoints: testEntries('test/integration'),
      outdir: 'out/test/integration',
      external: ['vscode', 'mocha'],
    },
    // Suites that run in the extension host with the workspace untrusted (npm run test:trust).
    {
      ...testBuild,
      entryPoints: testEntries('test/trust'),
      outdir: 'out/test/trust',
      external: ['vscode', 'mocha'],
    },
    // The harness's programs (Node 20, outside the host: test:host, npm start, host:install,
    // test:electron) and the entry it loads into the extension host.
    {
      ...testBuild,
      entryPoints: [
        ...readdirSync('test/host/bin')
          .filter((f) => f.endsWith('.ts'))
          .map((f) => path.join('test/host/bin', f)),
        'test/host/hostEntry.ts',
      ],
      outbase: 'test/host',
      outdir: 'out/test/host',
      external: ['playwright-core', '@vscode/test-electron', 'vscode'],
    },
    // UI tests: mocha in Node driving the workbench with Playwright.
    {
      ...testBuild,
      entryPoints: testEntries('test/ui'),
      outdir: 'out/test/ui',
      external: ['playwright-core', 'mocha'],
    },
  );
}

if (args.has('--bench')) {
  targets.push({
    ...nodeDefaults,
    sourcemap: false,
    minify: false,
    entryPoints: ['test/bench/bench.ts'],
    outdir: 'out/test/bench',
  });
}

/**
 * An entry point bundled into another output would run its top-level code (its `main`) there too:
 * esbuild makes `require.main === module` true in the importer's bundle. Fail the build instead.
 * @param {import('esbuild').Metafile[]} metafiles
 */
function checkNoEntryPointImported(metafiles) {
  const entries = new Set(
    targets.flatMap((t) => /** @type {string[]} */ (t.entryPoints)).map((e) => path.normalize(e)),
  );
  const problems = [];
  for (const metafile of metafiles) {
    for (const [output, { entryPoint, inputs }] of Object.entries(metafile.outputs)) {
      if (!entryPoint) continue;
      for (const input of Object.keys(inputs)) {
        const file = path.normalize(input);
        if (entries.has(file) && file !== path.normalize(entryPoint)) {
          problems.push(`${output} bundles the entry point ${file} (imported by ${entryPoint})`);
        }
      }
    }
  }
  if (problems.length > 0) {
    console.error(`[esbuild] entry points must not be imported:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
}

if (watch) {
  const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[esbuild] watching for changes…');
} else {
  const results = await Promise.all(targets.map((t) => esbuild.build({ ...t, metafile: true })));
  checkNoEntryPointImported(results.map((r) => /** @type {import('esbuild').Metafile} */ (r.metafile)));
}

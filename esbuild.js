// Builds what the extension ships into dist/: the extension for Node (CommonJS, `vscode` external) with the
// libraries it loads on first use in dist/vendor/, the webviews' browser bundles (webview.js for the Inbox and
// the reader, composer.js for the composer) and the codicons. With --tests it transpiles the tests into out/ instead.
// Usage: node esbuild.js [--production] [--watch] [--tests] [--outdir <folder>]   (default folder: dist)
'use strict';
const esbuild = require('esbuild');
const path = require('node:path');
const fs = require('node:fs');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
const outdirFlag = process.argv.indexOf('--outdir');
const distDir = outdirFlag === -1 ? path.join(__dirname, 'dist') : path.resolve(process.argv[outdirFlag + 1]);

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'info',
  legalComments: production ? 'none' : 'inline',
};

/**
 * The mail and OAuth libraries are imported dynamically on first use. Each such package is bundled on its
 * own into dist/vendor/, so activation only parses the extension's own code, not ~2 MB of libraries.
 */
const lazyPackages = new Set();
const vendorFile = (specifier) => `vendor/${specifier.replace(/[^A-Za-z0-9]+/g, '-')}`;

/** @type {import('esbuild').Plugin} */
const lazyVendorPlugin = {
  name: 'lazy-vendor',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind !== 'dynamic-import' || args.path === 'vscode') {
        return undefined;
      }
      lazyPackages.add(args.path);
      return { path: `./${vendorFile(args.path)}.js`, external: true };
    });
    build.onEnd(async (result) => {
      if (result.errors.length === 0 && lazyPackages.size > 0) {
        await esbuild.build(vendor());
      }
    });
  },
};

/** What the extension host loads: CommonJS for Node 20, with `vscode` provided by the host. */
/** @type {import('esbuild').BuildOptions} */
const nodeBundle = {
  ...common,
  outdir: distDir,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  mainFields: ['module', 'main'],
};

/**
 * The doors through which tests swap `fetch` or trust the test CA (src/util/testTransport.ts) and move the Gmail
 * and Microsoft presets to the local stack (src/auth/testPresetEndpoints.ts) do not exist in the extension
 * bundle: every import of one gets its `.shipped.ts` twin instead, and loading the real file fails the build [SEC-12].
 */
const testOnlyModules = [path.join(__dirname, 'src', 'util', 'testTransport'), path.join(__dirname, 'src', 'auth', 'testPresetEndpoints')];
/** @type {import('esbuild').Plugin} */
const shippedTransportPlugin = {
  name: 'shipped-transport',
  setup(build) {
    build.onResolve({ filter: /(^|\/)(testTransport|testPresetEndpoints)$/ }, (args) => {
      const resolved = path.resolve(args.resolveDir, args.path);
      return testOnlyModules.includes(resolved) ? { path: `${resolved}.shipped.ts` } : undefined;
    });
    build.onLoad({ filter: /(testTransport|testPresetEndpoints)\.ts$/ }, (args) =>
      testOnlyModules.some((module) => args.path === `${module}.ts`)
        ? { errors: [{ text: `${path.relative(__dirname, args.path)} is for tests only and must not be bundled` }] }
        : undefined,
    );
  },
};

/**
 * Mailroom's own modules loaded on first use (`*.lazy.ts`, such as the highlighter with its languages): each is
 * bundled beside extension.js under its own name, where the extension's import() of `./<name>.js` finds it.
 */
const lazyModules = { 'highlighter.lazy': 'src/mail/highlighter.lazy.ts' };

/** @type {import('esbuild').BuildOptions} */
const extension = {
  ...nodeBundle,
  entryPoints: { extension: 'src/extension.ts', ...lazyModules },
  plugins: [lazyVendorPlugin, shippedTransportPlugin],
};

/** @returns {import('esbuild').BuildOptions} */
function vendor() {
  return {
    ...nodeBundle,
    entryPoints: Object.fromEntries([...lazyPackages].map((specifier) => [vendorFile(specifier), specifier])),
    logLevel: 'warning',
  };
}

/** @type {import('esbuild').BuildOptions} */
const webview = {
  ...common,
  entryPoints: { webview: 'webview/main.ts', composer: 'webview/composer.ts' },
  outdir: distDir,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  loader: { '.ttf': 'file', '.css': 'css' },
};

/** Codicons are loaded by the webview as a stylesheet + font from the extension's own dist folder. */
function copyCodicons() {
  const from = path.join(__dirname, 'node_modules', '@vscode', 'codicons', 'dist');
  const to = path.join(distDir, 'codicons');
  fs.mkdirSync(to, { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) {
    fs.copyFileSync(path.join(from, file), path.join(to, file));
  }
}

/** The .ts files under a folder, skipping installed packages (test/editor/node_modules holds the editor). */
function typeScriptSources(folder) {
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.split(path.sep).includes('node_modules'))
    .map((file) => path.join(folder, file));
}

/**
 * Tests, benchmarks and the local server stack are transpiled file by file (not bundled) into out/,
 * so mocha and the editor's extension host load them with `vscode` resolved by the host. Of the webview's
 * code only the DOM-free client (with the strings table it reads its one message from) is among them: its
 * unit tests drive it in Node.
 */
/** @type {import('esbuild').BuildOptions} */
const testFiles = {
  entryPoints: [...['src', 'test', 'bench'].flatMap((folder) => typeScriptSources(folder)), 'webview/webviewClient.ts', 'webview/strings.ts'],
  outdir: 'out',
  outbase: '.',
  bundle: false,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  logLevel: 'warning',
};

async function main() {
  copyCodicons();
  if (tests) {
    // Build beside out/ and swap it in, so a test run reading out/ never sees it half-written or gone,
    // and files of deleted sources do not linger.
    const out = path.join(__dirname, 'out');
    const fresh = `${out}.${process.pid}.new`;
    const stale = `${out}.${process.pid}.old`;
    await esbuild.build({ ...testFiles, outdir: fresh });
    if (fs.existsSync(out)) {
      fs.renameSync(out, stale);
    }
    fs.renameSync(fresh, out);
    fs.rmSync(stale, { recursive: true, force: true });
    return;
  }
  if (watch) {
    const contexts = await Promise.all([esbuild.context(extension), esbuild.context(webview)]);
    await Promise.all(contexts.map((context) => context.watch()));
    return;
  }
  await Promise.all([esbuild.build(extension), esbuild.build(webview)]);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// Builds the two bundles: the extension for Node (CommonJS, `vscode` external) and the webview for the browser.
// Usage: node esbuild.js [--production] [--watch]
'use strict';
const esbuild = require('esbuild');
const path = require('node:path');
const fs = require('node:fs');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'info',
  legalComments: production ? 'none' : 'inline',
};

/** @type {import('esbuild').BuildOptions} */
const extension = {
  ...common,
  entryPoints: { extension: 'src/extension.ts' },
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  // The mail libraries load on first use (see src/mail), so they get their own chunks-by-require.
  mainFields: ['module', 'main'],
};

/** @type {import('esbuild').BuildOptions} */
const webview = {
  ...common,
  entryPoints: { webview: 'webview/main.ts' },
  outdir: 'dist',
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  loader: { '.ttf': 'file', '.css': 'css' },
};

/** Codicons are loaded by the webview as a stylesheet + font from the extension's own dist folder. */
function copyCodicons() {
  const from = path.join(__dirname, 'node_modules', '@vscode', 'codicons', 'dist');
  const to = path.join(__dirname, 'dist', 'codicons');
  fs.mkdirSync(to, { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) {
    fs.copyFileSync(path.join(from, file), path.join(to, file));
  }
}

/**
 * Tests, benchmarks and the local server stack are transpiled file by file (not bundled) into out/,
 * so mocha and the editor's extension host load them with `vscode` resolved by the host.
 */
/** @type {import('esbuild').BuildOptions} */
const testFiles = {
  entryPoints: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'].filter((pattern) => fs.existsSync(pattern.split('/')[0])),
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
    fs.rmSync(path.join(__dirname, 'out'), { recursive: true, force: true });
    await esbuild.build(testFiles);
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

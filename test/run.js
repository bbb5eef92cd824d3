#!/usr/bin/env node
// `npm test`: bootstraps what the tests need on a fresh machine, builds, runs every layer and prints
// each layer's counts. Plain Node with no dependencies, because it runs before `npm ci` has.
//
//   node test/run.js                 every layer: static, unit, stack, integration, e2e
//   node test/run.js unit stack      only those layers
//   node test/run.js desktop         the integration suites in desktop VS Code (@vscode/test-electron)
//   node test/run.js bench           the benchmarks under bench/
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const LAYERS = ['static', 'unit', 'stack', 'integration', 'e2e'];

/** Debian packages the tests use, and a file each one installs (to tell whether it is there). */
const SYSTEM_PACKAGES = [
  { name: 'dovecot-core', file: '/usr/sbin/dovecot' },
  { name: 'dovecot-imapd', file: '/usr/lib/dovecot/imap' },
  { name: 'dovecot-lmtpd', file: '/usr/lib/dovecot/lmtp' },
  { name: 'chromium', file: '/usr/bin/chromium' },
  { name: 'ripgrep', file: '/usr/bin/rg' },
  { name: 'libkrb5-dev', file: '/usr/include/krb5.h' },
  { name: 'pkg-config', file: '/usr/bin/pkg-config' },
  { name: 'openssl', file: '/usr/bin/openssl' },
];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

/** Runs a command, streaming its output, and returns the output for counting. */
function runCaptured(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const forward = (stream) => (chunk) => {
      output += chunk.toString();
      stream.write(chunk);
    };
    child.stdout.on('data', forward(process.stdout));
    child.stderr.on('data', forward(process.stderr));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

function ensureSystemPackages() {
  const missing = SYSTEM_PACKAGES.filter((pkg) => !fs.existsSync(pkg.file)).map((pkg) => pkg.name);
  if (missing.length === 0) {
    return;
  }
  const install = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid && process.getuid() === 0) {
    console.log(`Installing Debian packages the tests need: ${missing.join(', ')}`);
    run('bash', ['-c', install], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return;
  }
  console.error(`The tests need these Debian packages: ${missing.join(', ')}\nInstall them with:\n  sudo ${install.replace('&& apt-get', '&& sudo apt-get')}`);
  process.exit(1);
}

function ensureNodeModules() {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (!fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(lock).mtimeMs) {
    console.log('Installing npm dependencies (npm ci)…');
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
}

function ensureEditor() {
  run(process.execPath, [path.join(root, 'test', 'editor', 'install.js')]);
}

function build() {
  run(process.execPath, ['esbuild.js']);
  run(process.execPath, ['esbuild.js', '--tests']);
}

function bin(name) {
  return path.join(root, 'node_modules', '.bin', name);
}

/** Finds mocha's summary lines ("12 passing", "1 failing", "2 pending") in a layer's output. */
function countMocha(output) {
  const count = (word) => {
    const matches = [...output.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))];
    return matches.reduce((sum, match) => sum + Number(match[1]), 0);
  };
  return { passed: count('passing'), failed: count('failing'), skipped: count('pending') };
}

function mochaArgs(patterns, timeoutMs) {
  return ['--timeout', String(timeoutMs), '--reporter', 'spec', ...patterns];
}

const layerRunners = {
  async static() {
    const steps = [
      [bin('tsc'), ['-p', '.']],
      [bin('tsc'), ['-p', 'webview']],
      [bin('eslint'), ['.']],
    ];
    let failed = 0;
    for (const [command, args] of steps) {
      const { code } = await runCaptured(command, args);
      if (code !== 0) failed += 1;
    }
    return { passed: steps.length - failed, failed, skipped: 0 };
  },
  async unit() {
    return runMocha(['out/test/unit/**/*.test.js', '--ignore', 'out/test/unit/**/*.stack.test.js'], 10_000);
  },
  async stack() {
    return runMocha(['out/test/stack/**/*.test.js', 'out/test/unit/**/*.stack.test.js'], 60_000, { NODE_EXTRA_CA_CERTS: testCa() });
  },
  async integration() {
    ensureEditor();
    const { code, output } = await runCaptured(process.execPath, ['out/test/editor/runIntegration.js']);
    return withExitCode(countMocha(output), code);
  },
  async e2e() {
    ensureEditor();
    run(bin('vsce'), ['package', '--no-dependencies', '--out', path.join('.test-output', 'mailroom.vsix')]);
    return runMocha(['out/test/e2e/**/*.test.js'], 240_000, { MAILROOM_VSIX: path.join(root, '.test-output', 'mailroom.vsix') });
  },
};

function testCa() {
  return path.join(root, 'test', 'stack', 'fixtures', 'ca.pem');
}

async function runMocha(patterns, timeoutMs, env = {}) {
  const { code, output } = await runCaptured(bin('mocha'), mochaArgs(patterns, timeoutMs), env);
  return withExitCode(countMocha(output), code);
}

/** A runner that failed without a failing test (crash, no tests found) still fails the layer. */
function withExitCode(counts, code) {
  if (code !== 0 && counts.failed === 0) {
    return { ...counts, failed: 1, note: `exited with ${code}` };
  }
  return counts;
}

async function main() {
  const requested = process.argv.slice(2);
  fs.mkdirSync(path.join(root, '.test-output'), { recursive: true });
  ensureNodeModules();

  if (requested[0] === 'desktop') {
    build();
    run(process.execPath, ['out/test/editor/runDesktop.js']);
    return;
  }
  if (requested[0] === 'bench') {
    ensureSystemPackages();
    build();
    run(process.execPath, ['out/bench/run.js'], { env: { ...process.env, NODE_EXTRA_CA_CERTS: testCa() } });
    return;
  }

  const layers = requested.length > 0 ? requested : LAYERS;
  const unknown = layers.filter((layer) => !LAYERS.includes(layer));
  if (unknown.length > 0) {
    console.error(`Unknown layer(s): ${unknown.join(', ')}. Layers: ${LAYERS.join(', ')}, or desktop, bench.`);
    process.exit(2);
  }
  if (layers.some((layer) => layer !== 'static' && layer !== 'unit')) {
    ensureSystemPackages();
  }
  build();

  const results = [];
  for (const layer of layers) {
    console.log(`\n=== ${layer} ===`);
    const started = Date.now();
    const counts = await layerRunners[layer]();
    results.push({ layer, ...counts, seconds: (Date.now() - started) / 1000 });
  }

  console.log('\nLayer        passed  failed  skipped  seconds');
  for (const r of results) {
    const note = r.note ? `  (${r.note})` : '';
    console.log(`${r.layer.padEnd(12)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}  ${r.seconds.toFixed(1).padStart(7)}${note}`);
  }
  const total = results.reduce((sum, r) => ({ passed: sum.passed + r.passed, failed: sum.failed + r.failed, skipped: sum.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
  console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

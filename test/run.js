#!/usr/bin/env node
// `npm test`: bootstraps what the tests need on a fresh machine, builds, runs every layer and prints
// each layer's counts. Plain Node with no dependencies, because it runs before `npm ci` has.
//
//   node test/run.js                 every layer: static, unit, browser, stack, integration, e2e
//   node test/run.js unit stack      only those layers
//
// Each layer says what it starts: unit starts nothing (no server, socket, browser or editor, and runs in a
// network namespace where no socket can connect), browser starts Chromium, stack starts servers (the local
// stack, fake IMAP/SMTP servers, loopback sign-in), integration and e2e start the editor.
//   node test/run.js desktop         the integration suites in desktop VS Code (@vscode/test-electron)
//   node test/run.js bench           the benchmarks under bench/, the real editor's included (`bench inbox`: all but
//                                    the editor; `bench windows`: only the several-windows one;
//                                    `bench editor`: the packaged .vsix in code-server)
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { root, run, bin, build, packageVsix, ensureEditor, ensureNodeModules, ensureSystemPackages, testCa, outputDir } = require('./bootstrap');

const LAYERS = ['static', 'unit', 'browser', 'stack', 'integration', 'e2e'];

/** Set for the unit mocha when it runs without a network; test/unit/networkIsolation.test.ts checks it holds. */
const ISOLATED_FLAG = 'MAILROOM_UNIT_NETWORK_ISOLATED';

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
      [bin('tsc'), ['-p', 'tsconfig.lazy.json']],
      [bin('eslint'), ['.']],
      [process.execPath, ['test/importCycles.js', 'src', 'webview']],
      [process.execPath, ['test/l10nBundle.js', '--check']],
      // One formatting for the whole tree (.prettierrc.json); `npx prettier --write .` applies it.
      [bin('prettier'), ['--check', '--log-level', 'warn', '.']],
    ];
    let failed = 0;
    for (const [command, args] of steps) {
      const { code } = await runCaptured(command, args);
      if (code !== 0) failed += 1;
    }
    return { passed: steps.length - failed, failed, skipped: 0 };
  },
  async unit() {
    const isolation = networkIsolation();
    return runMocha(['out/test/unit/**/*.test.js'], 10_000, isolation.env, isolation.prefix);
  },
  async browser() {
    return runMocha(['out/test/browser/**/*.test.js'], 10_000);
  },
  async stack() {
    return runMocha(['out/test/stack/**/*.test.js'], 60_000, { NODE_EXTRA_CA_CERTS: testCa });
  },
  async integration() {
    ensureEditor();
    // The integration runner starts the local stack and hands its summary to the extension host.
    const { code, output } = await runCaptured(process.execPath, ['out/test/editor/runIntegration.js'], { MAILROOM_STACK: '1' });
    return withExitCode(countMocha(output), code);
  },
  async e2e() {
    ensureEditor();
    const vsix = packageVsix(path.join(outputDir, 'mailroom.vsix'));
    // Each file starts its own editor and browser. No file is run again: a test that fails once is a bug in
    // Mailroom or in the test, and its screenshot, editor logs and browser console are kept under .test-output/.
    const files = fs
      .readdirSync(path.join(root, 'out', 'test', 'e2e'))
      .filter((name) => name.endsWith('.test.js'))
      .sort();
    const total = { passed: 0, failed: 0, skipped: 0 };
    for (const file of files) {
      const counts = await runMocha([path.join('out', 'test', 'e2e', file)], 240_000, { MAILROOM_VSIX: vsix });
      total.passed += counts.passed;
      total.failed += counts.failed;
      total.skipped += counts.skipped;
    }
    return total;
  },
};

async function runMocha(patterns, timeoutMs, env = {}, prefix = []) {
  const [command, ...args] = [...prefix, bin('mocha'), ...mochaArgs(patterns, timeoutMs)];
  const { code, output } = await runCaptured(command, args, env);
  return withExitCode(countMocha(output), code);
}

/**
 * `unshare -rn` starts the command in a new user and network namespace whose only interface, loopback, is
 * down: no socket can connect anywhere, so a unit test that reaches for a server fails instead of quietly
 * depending on one. Where namespaces are refused (some containers), the layer runs without it and says so.
 */
function networkIsolation() {
  const probe = spawnSync('unshare', ['-rn', 'true'], { stdio: 'ignore' });
  if (probe.status === 0) {
    console.log('unit: running in a network namespace with no reachable network (unshare -rn)');
    return { prefix: ['unshare', '-rn'], env: { [ISOLATED_FLAG]: '1' } };
  }
  const reason = probe.error ? probe.error.message : `exit ${probe.status}`;
  console.log(`unit: NOT network-isolated: unshare -rn was refused here (${reason}); running with the network reachable`);
  return { prefix: [], env: { [ISOLATED_FLAG]: '' } };
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
  fs.mkdirSync(outputDir, { recursive: true });
  ensureNodeModules();

  if (requested[0] === 'desktop') {
    build();
    run(process.execPath, ['out/test/editor/runDesktop.js']);
    return;
  }
  if (requested[0] === 'bench') {
    ensureSystemPackages();
    build();
    // `bench` and `bench editor` measure the packaged .vsix in code-server too (bench/editor.ts); `bench inbox` does not.
    const withEditor = requested.length === 1 || requested.includes('editor');
    const editor = withEditor ? (ensureEditor(), { MAILROOM_VSIX: packageVsix(path.join(outputDir, 'mailroom.vsix')) }) : {};
    run(process.execPath, ['out/bench/run.js', ...requested.slice(1)], { env: { ...process.env, ...editor, NODE_EXTRA_CA_CERTS: testCa } });
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
    console.log(
      `${r.layer.padEnd(12)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}  ${r.seconds.toFixed(1).padStart(7)}${note}`,
    );
  }
  const total = results.reduce((sum, r) => ({ passed: sum.passed + r.passed, failed: sum.failed + r.failed, skipped: sum.skipped + r.skipped }), {
    passed: 0,
    failed: 0,
    skipped: 0,
  });
  console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

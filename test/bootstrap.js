// What `npm test`, `npm run demo` and `npm run bench` need on a fresh machine, in one place.
// Plain Node with no dependencies: it runs before `npm ci` has.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** Debian packages the stack and the editor tests use, and a file each one installs. */
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

/** Installs missing Debian packages when running as root; otherwise prints the exact command and exits. */
function ensureSystemPackages() {
  const missing = SYSTEM_PACKAGES.filter((pkg) => !fs.existsSync(pkg.file)).map((pkg) => pkg.name);
  if (missing.length === 0) {
    return;
  }
  const install = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid && process.getuid() === 0) {
    console.log(`Installing Debian packages: ${missing.join(', ')}`);
    run('bash', ['-c', install], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return;
  }
  console.error(
    `Mailroom's local servers and editor tests need these Debian packages: ${missing.join(', ')}\nInstall them with:\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`,
  );
  process.exit(1);
}

/** Runs `npm ci` when node_modules is missing or older than the lockfile. */
function ensureNodeModules() {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (!fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(lock).mtimeMs) {
    console.log('Installing npm dependencies (npm ci)…');
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
}

/** Installs code-server (pinned in test/editor) once. */
function ensureEditor() {
  run(process.execPath, [path.join(root, 'test', 'editor', 'install.js')]);
}

/** Builds the extension bundles and transpiles tests, benchmarks and the stack into out/. */
function build({ production = false } = {}) {
  run(process.execPath, production ? ['esbuild.js', '--production'] : ['esbuild.js']);
  run(process.execPath, ['esbuild.js', '--tests']);
}

/** Packages the extension as a .vsix and returns its path. */
function packageVsix(file) {
  run(bin('vsce'), ['package', '--no-dependencies', '--out', file]);
  return file;
}

function bin(name) {
  return path.join(root, 'node_modules', '.bin', name);
}

const testCa = path.join(root, 'test', 'stack', 'fixtures', 'ca.pem');
const outputDir = path.join(root, '.test-output');

module.exports = { root, run, bin, build, packageVsix, ensureEditor, ensureNodeModules, ensureSystemPackages, testCa, outputDir };

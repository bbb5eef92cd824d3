#!/usr/bin/env node
// Installs the editor Mailroom's integration and end-to-end tests run in: code-server 4.100.3
// (VS Code 1.100's workbench and Node extension host), into test/editor/node_modules, separately
// from the extension's own dependencies. Plain Node, no dependencies, so it runs before anything else.
//
//   node test/editor/install.js          install if missing or stale; fast no-op when already installed
//   node test/editor/install.js --force  reinstall
//
// This machine reaches only the npm registry and Debian's apt, so the script works around the three
// places where code-server's install would otherwise reach elsewhere or be blocked:
//  - npm 11 blocks dependency install scripts unless approved. code-server's postinstall runs a nested
//    `npm install` inside node_modules/code-server/lib/vscode (and lib/vscode/extensions), a project whose
//    package.json we do not own, so its native modules can only be approved by an .npmrc. An approval in a
//    user or global .npmrc would not do: npm exports every config it has to its lifecycle scripts as
//    npm_config_* variables, and a nested project install rejects an allow-scripts coming from the
//    environment (EALLOWSCRIPTS). So package.json denies code-server's own script during `npm ci`, and this
//    script then writes lib/vscode/.npmrc with the approvals and runs code-server's postinstall.sh itself.
//  - @vscode/ripgrep downloads `rg` from a release page unless its download cache already holds the
//    tarball: we build that tarball from Debian's /usr/bin/rg (apt package ripgrep).
//  - node-gyp downloads Node's headers unless told where they are: Debian's nodejs ships them in /usr.
'use strict';

const childProcess = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const EDITOR_DIR = __dirname;
const REPO_ROOT = path.resolve(EDITOR_DIR, '..', '..');
const CODE_SERVER_DIR = path.join(EDITOR_DIR, 'node_modules', 'code-server');
const VSCODE_DIR = path.join(CODE_SERVER_DIR, 'lib', 'vscode');
const MARKER_FILE = path.join(EDITOR_DIR, 'node_modules', '.mailroom-editor-installed.json');
const WORK_DIR = path.join(REPO_ROOT, '.test-output', 'editor-install');
const REQUIRED_NODE_MAJOR = 20;

// Pinned with code-server 4.100.3: the @vscode/ripgrep version in its lib/vscode/npm-shrinkwrap.json
// and the ripgrep release that package's postinstall asks for (lib/postinstall.js, VERSION).
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_RELEASE = 'v13.0.0-10';
const RIPGREP_TARGETS = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' };

// Packages inside lib/vscode whose install scripts must run (native modules and the rg fetch).
// The Windows-only ones are listed because their (empty on Linux) node-gyp builds are part of a
// normal install; leaving them blocked would make npm report them as pending on every run.
const NESTED_ALLOWED_SCRIPTS = [
  '@parcel/watcher',
  '@vscode/deviceid',
  '@vscode/ripgrep',
  '@vscode/spdlog',
  '@vscode/windows-process-tree',
  '@vscode/windows-registry',
  'kerberos',
  'native-watchdog',
  'node-pty',
];

// What a working install has; checked after installing and before declaring "already installed".
const REQUIRED_FILES = [
  'lib/vscode/out/server-main.js',
  'lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
  'lib/vscode/node_modules/node-pty/build/Release/pty.node',
  'lib/vscode/node_modules/native-watchdog/build/Release/watchdog.node',
  'lib/vscode/node_modules/kerberos/build/Release/kerberos.node',
  'lib/vscode/node_modules/@vscode/ripgrep/bin/rg',
  'lib/vscode/extensions/node_modules/typescript/package.json',
];

const APT_PACKAGES = 'ripgrep libkrb5-dev pkg-config build-essential python3';

function log(message) {
  process.stdout.write(`[editor install] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[editor install] ERROR: ${message}\n`);
  process.exit(1);
}

/** Identifies what is installed: a changed lockfile, Node major or CPU means reinstall. */
function fingerprint() {
  const lock = fs.readFileSync(path.join(EDITOR_DIR, 'package-lock.json'));
  const hash = crypto.createHash('sha256').update(lock).digest('hex');
  return { lockSha256: hash, nodeMajor: Number(process.versions.node.split('.')[0]), arch: process.arch };
}

function missingFiles() {
  return REQUIRED_FILES.filter((file) => !fs.existsSync(path.join(CODE_SERVER_DIR, file)));
}

function isInstalled(expected) {
  if (!fs.existsSync(MARKER_FILE)) {
    return false;
  }
  try {
    const recorded = JSON.parse(fs.readFileSync(MARKER_FILE, 'utf8'));
    const same = Object.keys(expected).every((key) => recorded[key] === expected[key]);
    return same && missingFiles().length === 0;
  } catch {
    return false;
  }
}

function findOnPath(command) {
  const result = childProcess.spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Fails early with the apt command instead of deep inside a native build. */
function checkSystemPackages() {
  const missing = [];
  const tools = {
    rg: 'ripgrep',
    'krb5-config': 'libkrb5-dev',
    'pkg-config': 'pkg-config',
    make: 'build-essential',
    'g++': 'build-essential',
    python3: 'python3',
  };
  for (const [tool, aptPackage] of Object.entries(tools)) {
    if (!findOnPath(tool)) {
      missing.push(`${tool} (apt package ${aptPackage})`);
    }
  }
  if (missing.length > 0) {
    fail(`missing system tools: ${missing.join(', ')}.\n  Install them with: apt-get update && apt-get install -y ${APT_PACKAGES}`);
  }
}

/** Puts a tarball of the system's rg where @vscode/ripgrep looks before downloading. */
function prepareRipgrepCache(tmpDir) {
  const target = RIPGREP_TARGETS[process.arch];
  if (!target) {
    fail(`no ripgrep target known for CPU ${process.arch}`);
  }
  const cacheDir = path.join(tmpDir, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const tarball = path.join(cacheDir, `ripgrep-${RIPGREP_RELEASE}-${target}.tar.gz`);
  if (fs.existsSync(tarball)) {
    return;
  }
  const staging = fs.mkdtempSync(path.join(tmpDir, 'rg-staging-'));
  fs.copyFileSync(fs.realpathSync(findOnPath('rg')), path.join(staging, 'rg'));
  fs.chmodSync(path.join(staging, 'rg'), 0o755);
  fs.mkdirSync(cacheDir, { recursive: true });
  childProcess.execFileSync('tar', ['czf', tarball, '-C', staging, 'rg']);
  fs.rmSync(staging, { recursive: true, force: true });
  log(`ripgrep download cache prepared from the system rg: ${path.relative(REPO_ROOT, tarball)}`);
}

/** Approves the native builds of the nested lib/vscode install in its project .npmrc (see the header). */
function approveNestedInstallScripts() {
  fs.writeFileSync(path.join(VSCODE_DIR, '.npmrc'), `allow-scripts=${NESTED_ALLOWED_SCRIPTS.join(',')}\n`);
}

/** node-gyp would download Node's headers; use the installed ones when npm has no nodedir yet. */
function nodeHeadersDir() {
  const configured = childProcess.spawnSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8' }).stdout.trim();
  if (configured && configured !== 'undefined' && configured !== 'null') {
    return configured;
  }
  const candidates = [path.resolve(path.dirname(process.execPath), '..'), '/usr', '/usr/local'];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'include', 'node', 'node.h')));
  if (!found) {
    fail(
      `Node's C headers are not installed (looked for include/node/node.h under ${candidates.join(', ')}); install the nodejs headers (Debian: apt-get install -y libnode-dev or nodejs from a distribution that ships them).`,
    );
  }
  return found;
}

/** Runs a command with its output in a log file; on failure prints the log's tail and exits. */
function runLogged(label, command, args, options) {
  const logFile = path.join(WORK_DIR, `${label}.log`);
  log(`${label}: ${command} ${args.join(' ')} (log: ${path.relative(REPO_ROOT, logFile)})`);
  const out = fs.openSync(logFile, 'w');
  const result = childProcess.spawnSync(command, args, { ...options, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  if (result.status !== 0) {
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-60).join('\n');
    fail(`${label} failed (exit ${result.status ?? result.signal}). Last lines of ${logFile}:\n${tail}`);
  }
}

function installEnvironment(tmpDir) {
  return {
    ...process.env,
    TMPDIR: tmpDir,
    npm_config_nodedir: nodeHeadersDir(),
    // node-gyp's helpers run npx; never wait for a "Need to install…?" prompt.
    npm_config_yes: 'true',
    // kerberos tries a prebuilt binary download first; build it from source straight away (prebuild-install
    // accepts a package name here; @parcel/watcher only reacts to 'true' and keeps its prebuilt binary).
    npm_config_build_from_source: 'kerberos',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

/** code-server's postinstall.sh, run as npm would run it (it reads npm's user agent and unsafe-perm). */
function runCodeServerPostinstall(env) {
  const npmVersion = childProcess.spawnSync('npm', ['--version'], { encoding: 'utf8' }).stdout.trim();
  runLogged('code-server-postinstall', 'sh', ['./postinstall.sh'], {
    cwd: CODE_SERVER_DIR,
    env: {
      ...env,
      npm_config_user_agent: `npm/${npmVersion} node/v${process.versions.node} ${process.platform} ${process.arch} workspaces/false`,
      // It refuses to run as root unless npm was told --unsafe-perm (a no-op flag on npm 11).
      npm_config_unsafe_perm: 'true',
    },
  });
}

function main() {
  const force = process.argv.includes('--force');
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  if (nodeMajor !== REQUIRED_NODE_MAJOR) {
    fail(`code-server 4.100.3 needs Node ${REQUIRED_NODE_MAJOR}; this is Node ${process.versions.node}.`);
  }
  const expected = fingerprint();
  if (!force && isInstalled(expected)) {
    log(`code-server already installed in ${path.relative(REPO_ROOT, CODE_SERVER_DIR)}`);
    return;
  }
  checkSystemPackages();
  const started = Date.now();
  const tmpDir = path.join(WORK_DIR, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });
  prepareRipgrepCache(tmpDir);
  const env = installEnvironment(tmpDir);
  runLogged('npm-ci', 'npm', ['ci'], { cwd: EDITOR_DIR, env });
  approveNestedInstallScripts();
  runCodeServerPostinstall(env);
  const missing = missingFiles();
  if (missing.length > 0) {
    fail(`npm ci finished but the install is incomplete; missing under ${CODE_SERVER_DIR}:\n  ${missing.join('\n  ')}\nSee the logs in ${WORK_DIR}.`);
  }
  fs.writeFileSync(MARKER_FILE, `${JSON.stringify({ ...expected, installedAt: new Date().toISOString() }, null, 2)}\n`);
  log(`code-server installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main();

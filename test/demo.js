#!/usr/bin/env node
// `npm run demo`: bootstraps (npm ci, Debian packages, code-server), builds and packages Mailroom, then
// starts the local stack and VS Code with it installed (test/editor/demo.ts). Ctrl-C stops everything.
'use strict';

const path = require('node:path');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const bootstrap = require('./bootstrap');

bootstrap.ensureNodeModules();
bootstrap.ensureSystemPackages();
bootstrap.ensureEditor();
bootstrap.build({ production: true });
fs.mkdirSync(bootstrap.outputDir, { recursive: true });
const vsix = bootstrap.packageVsix(path.join(bootstrap.outputDir, 'mailroom-demo.vsix'));

const demo = spawn(process.execPath, [path.join(bootstrap.root, 'out', 'test', 'editor', 'demo.js'), vsix], {
  cwd: bootstrap.root,
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: bootstrap.testCa },
});
// Ctrl-C reaches both processes; the demo process stops the servers and exits.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => demo.kill('SIGTERM'));
demo.on('exit', (code) => process.exit(code ?? 1));

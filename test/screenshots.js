#!/usr/bin/env node
// `npm run screenshots`: refreshes the README's screenshots under media/screenshots/ from an e2e run.
// `npm run screenshots -- consent walkthrough`: only those (named as in media/screenshots/, without .png).
// It runs only the e2e files that take them (each starts its own editor and browser at the workbench's fixed
// 1280×800 viewport, so the shots are the same size every run), then copies a fixed list of their shots.
// The shots are taken by the tests, at the moment each test checks what they show, so a screenshot that
// no longer matches its caption fails its test instead of being committed.
// media/screenshots/ does not ship in the .vsix (.vscodeignore; test/e2e/packaging.test.ts checks it).
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { root, bin, build, packageVsix, ensureEditor, ensureNodeModules, ensureSystemPackages, outputDir } = require('./bootstrap');

/** media/screenshots/<name> ← .test-output/screenshots/<workbench name>-<label>.png, and the e2e file that takes it. */
const SHOTS = [
  { name: 'inbox.png', shot: 'inbox-inbox-light.png', file: 'inbox.test.js' },
  // The message the j/k test opens with Enter: a plain-text mail with attachments.
  { name: 'reader.png', shot: 'inbox-reader-light.png', file: 'inbox.test.js' },
  // Taken before "Continue in Browser": the dialog names the issuer and what Mailroom asks for, and no code exists yet.
  { name: 'consent.png', shot: 'sign-in-consent.png', file: 'signIn.test.js' },
  { name: 'send-selection-preview.png', shot: 'send-selection-preview.png', file: 'sendSelection.test.js' },
  // The snippet mail received: coloured code in the reader, and its Code in this message list.
  { name: 'snippet-reader.png', shot: 'send-selection-snippet-reader.png', file: 'sendSelection.test.js' },
  // Compare with Workspace after line 4 of the file changed.
  { name: 'snippet-compare.png', shot: 'send-selection-snippet-compare.png', file: 'sendSelection.test.js' },
  { name: 'walkthrough.png', shot: 'guided-setup-walkthrough.png', file: 'guidedSetup.test.js' },
  // A conversation with alice's reply from Sent, opened from the keyboard.
  { name: 'conversation.png', shot: 'conversations-conversation-reader.png', file: 'conversations.test.js' },
  // A part of the demo's patch series in the reader: the commit message and the coloured diff.
  { name: 'patch-reader.png', shot: 'patches-patch-reader.png', file: 'patches.test.js' },
];

const shotDirectory = path.join(outputDir, 'screenshots');
const mediaDirectory = path.join(root, 'media', 'screenshots');

/** The shots named on the command line, or all of them. */
function requestedShots() {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !SHOTS.some((shot) => shot.name === `${name}.png`));
  if (unknown.length > 0) {
    console.error(`Unknown screenshot(s): ${unknown.join(', ')}. Screenshots: ${SHOTS.map(({ name }) => name.replace(/\.png$/, '')).join(', ')}.`);
    process.exit(2);
  }
  return names.length === 0 ? SHOTS : SHOTS.filter((shot) => names.includes(shot.name.replace(/\.png$/, '')));
}

function main() {
  const shots = requestedShots();
  fs.mkdirSync(outputDir, { recursive: true });
  ensureNodeModules();
  ensureSystemPackages();
  ensureEditor();
  build();
  const vsix = packageVsix(path.join(outputDir, 'mailroom.vsix'));

  // A shot left from an earlier run must not be copied as if this run had taken it.
  for (const { shot } of shots) {
    fs.rmSync(path.join(shotDirectory, shot), { force: true });
  }
  const files = [...new Set(shots.map(({ file }) => file))];
  for (const file of files) {
    const result = spawnSync(bin('mocha'), ['--timeout', '240000', '--reporter', 'spec', path.join('out', 'test', 'e2e', file)], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, MAILROOM_VSIX: vsix },
    });
    if (result.status !== 0) {
      console.error(`${file} failed: media/screenshots/ is left as it was.`);
      process.exit(1);
    }
  }

  const missing = shots.filter(({ shot }) => !fs.existsSync(path.join(shotDirectory, shot)));
  if (missing.length > 0) {
    console.error(`The run took no ${missing.map(({ shot }) => shot).join(', ')}: media/screenshots/ is left as it was.`);
    process.exit(1);
  }
  fs.mkdirSync(mediaDirectory, { recursive: true });
  let total = 0;
  for (const { name, shot } of shots) {
    const target = path.join(mediaDirectory, name);
    fs.copyFileSync(path.join(shotDirectory, shot), target);
    const size = fs.statSync(target).size;
    total += size;
    console.log(`media/screenshots/${name}  ${(size / 1024).toFixed(0)} KiB  (from .test-output/screenshots/${shot})`);
  }
  console.log(`${shots.length} screenshots, ${(total / 1024).toFixed(0)} KiB in all. Look at each before committing it.`);
}

main();

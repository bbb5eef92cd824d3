#!/usr/bin/env node
// The static layer's import-cycle check: `node test/importCycles.js src webview` fails when a file under
// those folders reaches itself through relative imports, type-only imports included (a type cycle is
// still two modules that cannot be understood one without the other). TypeScript's own pre-processor
// reads the imports, so an `import('…')` type or a re-export counts too.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const root = path.join(__dirname, '..');

function typeScriptFiles(folder) {
  return fs
    .readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

/** The .ts file a relative specifier names, or undefined for a package or a non-TypeScript file. */
function resolve(fromFile, specifier) {
  if (!specifier.startsWith('.')) {
    return undefined;
  }
  const base = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')];
  return candidates.find((candidate) => /\.tsx?$/.test(candidate) && fs.existsSync(candidate) && fs.statSync(candidate).isFile());
}

function importGraph(files) {
  const graph = new Map();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    graph.set(file, [...new Set(importedFiles.map(({ fileName }) => resolve(file, fileName)).filter(Boolean))]);
  }
  return graph;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  let next = 0;
  const visit = (file) => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file), low.get(target)));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file), index.get(target)));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || (graph.get(file) ?? []).includes(file)) {
        found.push(component.reverse());
      }
    }
  };
  for (const file of graph.keys()) {
    if (!index.has(file)) {
      visit(file);
    }
  }
  return found;
}

const folders = process.argv.slice(2);
if (folders.length === 0) {
  console.error('Usage: node test/importCycles.js <folder>…');
  process.exit(2);
}
const files = folders.flatMap((folder) => typeScriptFiles(path.resolve(root, folder)));
const found = cycles(importGraph(files));
for (const component of found) {
  console.error(`Import cycle: ${component.map((file) => path.relative(root, file)).join(' → ')}`);
}
console.log(`${files.length} files in ${folders.join(', ')}: ${found.length === 0 ? 'no import cycles' : `${found.length} import cycle(s)`}`);
process.exit(found.length === 0 ? 0 : 1);

#!/usr/bin/env node
// Mailroom's English l10n bundle, l10n/bundle.l10n.json (key = message), made from the source, because
// `@vscode/l10n-dev export` sees `vscode.l10n.t` calls only, not the `ui` tag most texts are made with.
//
//   node test/l10nBundle.js           writes l10n/bundle.l10n.json
//   node test/l10nBundle.js --check   the static layer: fails when the committed bundle is not what the
//                                     source says, when a `ui` text is made at module load (before the
//                                     translator is installed), or when package.json shows a word that
//                                     is not a %key% of package.nls.json
//
// A message is: a `ui` text's literal parts joined by `{0}`, `{1}`… (see src/ui/text.ts); a string
// given to `translated`, `ownMessage` or `l10n.t`; a MailroomError's constant message (failureText
// translates it when shown); each message of the webviews' table (src/shared/webviewStrings.ts).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const root = path.join(__dirname, '..');
const bundlePath = path.join(root, 'l10n', 'bundle.l10n.json');

function typeScriptFiles(folder) {
  return fs
    .readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

const isText = (node) => ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node);
const hasWords = (message) => /\p{L}/u.test(message);
const TRANSLATING_CALLS = new Set(['translated', 'ownMessage']);

function calleeName(call) {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) {
    const owner = callee.expression;
    const ownerName = ts.isIdentifier(owner) ? owner.text : ts.isPropertyAccessExpression(owner) ? owner.name.text : '';
    return `${ownerName}.${callee.name.text}`;
  }
  return '';
}

function insideFunction(node) {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (ts.isFunctionLike(parent) || ts.isClassStaticBlockDeclaration(parent) || ts.isPropertyDeclaration(parent)) return true;
  }
  return false;
}

/** The messages of one file, and its `ui` texts made at module load. */
function messagesOf(file) {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const messages = [];
  const problems = [];
  const where = (node) => `${path.relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node) => {
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && node.tag.text === 'ui') {
      const template = node.template;
      const literals = ts.isNoSubstitutionTemplateLiteral(template)
        ? [template.text]
        : [template.head.text, ...template.templateSpans.map((span) => span.literal.text)];
      messages.push(literals.reduce((message, literal, index) => (index === 0 ? literal : `${message}{${index - 1}}${literal}`), ''));
      if (!insideFunction(node)) problems.push(`${where(node)}: a ui text made at module load stays English (make it inside a function)`);
    } else if (ts.isCallExpression(node) && node.arguments[0] && isText(node.arguments[0])) {
      const name = calleeName(node);
      if (TRANSLATING_CALLS.has(name) || name === 'l10n.t') messages.push(node.arguments[0].text);
    } else if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'MailroomError' &&
      node.arguments?.[1] &&
      isText(node.arguments[1])
    ) {
      messages.push(node.arguments[1].text);
    } else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === 'webviewMessages' && node.initializer) {
      const table = ts.isAsExpression(node.initializer) ? node.initializer.expression : node.initializer;
      for (const property of ts.isObjectLiteralExpression(table) ? table.properties : []) {
        if (ts.isPropertyAssignment(property) && isText(property.initializer)) messages.push(property.initializer.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { messages: messages.filter(hasWords), problems };
}

function extract() {
  const all = new Set();
  const problems = [];
  for (const file of typeScriptFiles(path.join(root, 'src'))) {
    const found = messagesOf(file);
    found.messages.forEach((message) => all.add(message));
    problems.push(...found.problems);
  }
  const bundle = Object.fromEntries([...all].sort().map((message) => [message, message]));
  return { bundle, problems };
}

/** Manifest fields the editor shows; each must be a %key% that package.nls.json defines. */
const SHOWN_FIELDS = new Set([
  'displayName',
  'description',
  'title',
  'label',
  'name',
  'contextualTitle',
  'markdownDescription',
  'enumDescriptions',
  'markdownEnumDescriptions',
  'deprecationMessage',
  'markdownDeprecationMessage',
  'patternErrorMessage',
  'altText',
]);

function manifestProblems() {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));
  const problems = [];
  const check = (value, at) => {
    const match = /^%([^%]+)%$/.exec(value);
    if (!match) problems.push(`package.json ${at}: "${value}" is shown as written; make it a %key% of package.nls.json`);
    else if (typeof nls[match[1]] !== 'string') problems.push(`package.json ${at}: ${value} is not in package.nls.json`);
  };
  const walk = (value, at, shown) => {
    if (typeof value === 'string' && shown) check(value, at);
    else if (Array.isArray(value)) value.forEach((item, index) => walk(item, `${at}[${index}]`, shown));
    else if (value && typeof value === 'object') Object.entries(value).forEach(([key, item]) => walk(item, `${at}.${key}`, SHOWN_FIELDS.has(key)));
  };
  walk({ displayName: manifest.displayName, description: manifest.description }, '', false);
  walk(manifest.contributes, 'contributes', false);
  return problems;
}

function main() {
  const { bundle, problems } = extract();
  const text = `${JSON.stringify(bundle, null, 2)}\n`;
  if (!process.argv.includes('--check')) {
    fs.mkdirSync(path.dirname(bundlePath), { recursive: true });
    fs.writeFileSync(bundlePath, text);
    console.log(`l10n: ${Object.keys(bundle).length} messages written to ${path.relative(root, bundlePath)}`);
  } else {
    const committed = fs.existsSync(bundlePath) ? JSON.parse(fs.readFileSync(bundlePath, 'utf8')) : {};
    const missing = Object.keys(bundle).filter((message) => !(message in committed));
    const stale = Object.keys(committed).filter((message) => !(message in bundle));
    missing.forEach((message) => problems.push(`l10n/bundle.l10n.json lacks ${JSON.stringify(message)}`));
    stale.forEach((message) => problems.push(`l10n/bundle.l10n.json still has ${JSON.stringify(message)}, which the source no longer says`));
    if (missing.length + stale.length > 0) problems.push('run `node test/l10nBundle.js` to regenerate it');
  }
  problems.push(...manifestProblems());
  problems.forEach((problem) => console.error(`l10n: ${problem}`));
  if (problems.length > 0) process.exitCode = 1;
  else if (process.argv.includes('--check')) console.log(`l10n: the bundle's ${Object.keys(bundle).length} messages and package.json's %keys% are current`);
}

if (require.main === module) main();

module.exports = { extract };

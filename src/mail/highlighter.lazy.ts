/**
 * highlight.js with the languages VS Code ships grammars for, bundled apart from the extension
 * (esbuild.js builds every `*.lazy` module into dist/vendor/): only sending code loads it.
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import dart from 'highlight.js/lib/languages/dart';
import diff from 'highlight.js/lib/languages/diff';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import dos from 'highlight.js/lib/languages/dos';
import fsharp from 'highlight.js/lib/languages/fsharp';
import go from 'highlight.js/lib/languages/go';
import groovy from 'highlight.js/lib/languages/groovy';
import ini from 'highlight.js/lib/languages/ini';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import kotlin from 'highlight.js/lib/languages/kotlin';
import less from 'highlight.js/lib/languages/less';
import lua from 'highlight.js/lib/languages/lua';
import makefile from 'highlight.js/lib/languages/makefile';
import markdown from 'highlight.js/lib/languages/markdown';
import objectivec from 'highlight.js/lib/languages/objectivec';
import perl from 'highlight.js/lib/languages/perl';
import php from 'highlight.js/lib/languages/php';
import powershell from 'highlight.js/lib/languages/powershell';
import python from 'highlight.js/lib/languages/python';
import r from 'highlight.js/lib/languages/r';
import ruby from 'highlight.js/lib/languages/ruby';
import rust from 'highlight.js/lib/languages/rust';
import scala from 'highlight.js/lib/languages/scala';
import scss from 'highlight.js/lib/languages/scss';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import swift from 'highlight.js/lib/languages/swift';
import typescript from 'highlight.js/lib/languages/typescript';
import vbnet from 'highlight.js/lib/languages/vbnet';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { inlineStyles } from './codeColours';

const languages = {
  bash,
  c,
  cpp,
  csharp,
  css,
  dart,
  diff,
  dockerfile,
  dos,
  fsharp,
  go,
  groovy,
  ini,
  java,
  javascript,
  json,
  kotlin,
  less,
  lua,
  makefile,
  markdown,
  objectivec,
  perl,
  php,
  powershell,
  python,
  r,
  ruby,
  rust,
  scala,
  scss,
  shell,
  sql,
  swift,
  typescript,
  vbnet,
  xml,
  yaml,
};
for (const [name, definition] of Object.entries(languages)) {
  hljs.registerLanguage(name, definition);
}

/** VS Code's language ids that highlight.js knows by another name (its own aliases cover `ts`, `py`, `sh`, …). */
const EDITOR_LANGUAGE_IDS: Readonly<Record<string, string>> = {
  typescriptreact: 'typescript',
  javascriptreact: 'javascript',
  jsonc: 'json',
  json5: 'json',
  shellscript: 'bash',
  bat: 'dos',
  html: 'xml',
  'objective-c': 'objectivec',
  'objective-cpp': 'objectivec',
  toml: 'ini',
  properties: 'ini',
  vb: 'vbnet',
  dockercompose: 'yaml',
  'cuda-cpp': 'cpp',
};

/**
 * The code as HTML with every token's colour in an inline style, or undefined for a language this
 * bundle does not know (the caller shows it uncoloured; guessing a language colours prose as code).
 */
export function highlightCode(code: string, languageId: string): string | undefined {
  const lowered = languageId.toLowerCase();
  const language = EDITOR_LANGUAGE_IDS[lowered] ?? lowered;
  if (!language || !hljs.getLanguage(language)) {
    return undefined;
  }
  return inlineStyles(hljs.highlight(code, { language, ignoreIllegals: true }).value);
}

import * as vscode from 'vscode';

/** The words people put after a fence for languages whose editor id is another word. */
const FENCE_WORDS: Readonly<Record<string, string>> = {
  ts: 'typescript',
  tsx: 'typescriptreact',
  js: 'javascript',
  jsx: 'javascriptreact',
  py: 'python',
  rs: 'rust',
  golang: 'go',
  sh: 'shellscript',
  bash: 'shellscript',
  zsh: 'shellscript',
  shell: 'shellscript',
  yml: 'yaml',
  md: 'markdown',
  'c++': 'cpp',
  cs: 'csharp',
  'c#': 'csharp',
  rb: 'ruby',
  kt: 'kotlin',
  ps1: 'powershell',
  patch: 'diff',
};

/** The editor's language id for a fence's language word; plain text when the editor knows none. */
export async function editorLanguage(word: string): Promise<string> {
  const lowered = word.toLowerCase();
  const known = await vscode.languages.getLanguages();
  const candidate = FENCE_WORDS[lowered] ?? lowered;
  return known.includes(candidate) ? candidate : 'plaintext';
}

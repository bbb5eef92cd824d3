// A pseudo-locale for the l10n tests: every message of Mailroom's English bundle (l10n/bundle.l10n.json)
// wrapped in ⟦…⟧ with accented letters, its `{0}` placeholders kept. Installed as the translator, it
// answers like `vscode.l10n.t` with a bundle: a message the bundle lacks comes back as written, in
// English, so a word that bypasses the bundle shows up as plain English in a rendered view.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Translator } from '../../src/ui/text';

const repositoryRoot = path.resolve(__dirname, '..', '..', '..');

const ACCENTED: Record<string, string> = {
  a: 'á',
  e: 'é',
  i: 'í',
  o: 'ó',
  u: 'ú',
  y: 'ý',
  n: 'ñ',
  c: 'ç',
  A: 'Á',
  E: 'É',
  I: 'Í',
  O: 'Ó',
  U: 'Ú',
  Y: 'Ý',
  N: 'Ñ',
  C: 'Ç',
};

/** `New mail from {0}` → `⟦Ñéw máíl fróm {0}⟧`. */
export function pseudoLocalise(message: string): string {
  const parts = message.split(/(\{\d+\})/);
  return `⟦${parts.map((part, index) => (index % 2 === 1 ? part : [...part].map((letter) => ACCENTED[letter] ?? letter).join(''))).join('')}⟧`;
}

/** The pseudo bundle generated from the committed English one. */
export function pseudoBundle(): Record<string, string> {
  const english = JSON.parse(fs.readFileSync(path.join(repositoryRoot, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
  return Object.fromEntries(Object.entries(english).map(([key, message]) => [key, pseudoLocalise(message)]));
}

export function pseudoTranslator(): Translator {
  const bundle = pseudoBundle();
  return (message) => bundle[message] ?? message;
}

/**
 * What is left of a shown text once its pseudo-localised parts are taken out, innermost first: a
 * message can hold another as a value (`⟦Ñót çhéçkéd: "⟦Íssúér…⟧" díd ñót páss.⟧`).
 */
export function withoutPseudo(text: string): string {
  let left = text;
  for (let previous = ''; previous !== left;) {
    previous = left;
    left = left.replace(/⟦[^⟦⟧]*⟧/g, ' ');
  }
  return left;
}

/** The texts that still hold a word once pseudo-localised parts and the given data are taken out. */
export function englishLeft(texts: readonly string[], data: readonly (string | RegExp)[]): string[] {
  return texts.filter((text) => {
    const rest = data.reduce<string>(
      (left, value) => (typeof value === 'string' ? left.split(value).join(' ') : left.replace(new RegExp(value, 'g'), ' ')),
      withoutPseudo(text),
    );
    return /\p{L}/u.test(rest);
  });
}

// The mail's CSS, read the way the browser reads it [SEC-27]. A regular expression over CSS text
// misses what the CSS tokenizer unescapes (`\75 rl(`, `@\69mport`, `u\rl(`), spells differently
// (`URL(`, `image-set("…")`, `src:` in @font-face) or hides in comments and strings: the CSP still
// stops those loads, but the reader would not know, so it counted wrong and showed no banner.
// Here the browser's own parser (a constructed stylesheet, which the CSP allows) builds the rules
// and serializes every declaration (escapes resolved, url()s in one form); a spec tokenizer then
// finds the URLs in each declaration, including the values the browser keeps as raw text until
// used (custom properties and anything with var()).
import { TokenType, tokenize } from '@csstools/css-tokenizer';
import type { CSSToken, TokenString, TokenURL } from '@csstools/css-tokenizer';

/** What happens to a URL found in the mail's CSS. */
export type UrlVerdict =
  /** It may load (an inline image, or remote content the person allowed). */
  | 'keep'
  /** Remote content that stays blocked: its declaration goes, and it counts toward the banner. */
  | 'blockRemote'
  /** Not remote but not wanted either (relative, cid:, javascript:): its declaration goes, uncounted. */
  | 'drop';

export interface CssScreen {
  verdict(url: string): UrlVerdict;
  /** Called once for each remote resource left out. */
  onBlocked(): void;
}

/** Functions whose string argument is a URL (`url("…")` is a function followed by a string token). */
const URL_STRING_FUNCTIONS = new Set(['url', 'src', 'image-set', '-webkit-image-set', 'image', '-webkit-image']);

/** CSS compares names ASCII case-insensitively (`String.toLowerCase` would also fold non-ASCII letters). */
function asciiLower(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

function opensBlock(token: CSSToken): boolean {
  const type = token[0];
  return type === TokenType.Function || type === TokenType.OpenParen || type === TokenType.OpenSquare || type === TokenType.OpenCurly;
}

function closesBlock(token: CSSToken): boolean {
  const type = token[0];
  return type === TokenType.CloseParen || type === TokenType.CloseSquare || type === TokenType.CloseCurly;
}

/** Every URL the tokens refer to; `undefined` when one is malformed (a bad-url token). */
function urlsIn(tokens: CSSToken[]): string[] | undefined {
  const urls: string[] = [];
  const openFunctions: string[] = [];
  for (const token of tokens) {
    switch (token[0]) {
      case TokenType.URL:
        urls.push(token[4].value);
        break;
      case TokenType.BadURL:
        return undefined;
      case TokenType.Function:
        openFunctions.push(asciiLower(token[4].value));
        break;
      case TokenType.OpenParen:
      case TokenType.OpenSquare:
      case TokenType.OpenCurly:
        openFunctions.push('');
        break;
      case TokenType.CloseParen:
      case TokenType.CloseSquare:
      case TokenType.CloseCurly:
        openFunctions.pop();
        break;
      case TokenType.String:
        if (URL_STRING_FUNCTIONS.has(openFunctions.at(-1) ?? '')) {
          urls.push(token[4].value);
        }
        break;
      default:
        break;
    }
  }
  return urls;
}

/** Whether every URL in the tokens may load; counts the remote ones that may not. */
function allowed(tokens: CSSToken[], screen: CssScreen): boolean {
  const urls = urlsIn(tokens);
  if (urls === undefined) {
    return false;
  }
  let allKept = true;
  for (const url of urls) {
    const verdict = screen.verdict(url);
    if (verdict === 'blockRemote') {
      screen.onBlocked();
    }
    allKept &&= verdict === 'keep';
  }
  return allKept;
}

/** Splits tokens at the semicolons outside any block or function. */
function splitAtSemicolons(tokens: CSSToken[]): CSSToken[][] {
  const parts: CSSToken[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token[0] === TokenType.EOF) {
      continue;
    }
    if (opensBlock(token)) {
      depth++;
    } else if (closesBlock(token) && depth > 0) {
      depth--;
    } else if (token[0] === TokenType.Semicolon && depth === 0) {
      parts.push([]);
      continue;
    }
    parts[parts.length - 1].push(token);
  }
  return parts;
}

function sourceText(tokens: CSSToken[]): string {
  return tokens
    .map((token) => token[1])
    .join('')
    .trim();
}

interface ScreenedDeclaration {
  /** `name: value`, with `!important` when it had it. */
  text: string;
  important: boolean;
}

/**
 * The declarations of a block as the browser serialized them (shorthands where it could, values with
 * var() as written), without those that refer to a URL the screen refuses.
 */
export function screenDeclarations(block: CSSStyleDeclaration, screen: CssScreen): { kept: ScreenedDeclaration[]; removedAny: boolean } {
  const kept: ScreenedDeclaration[] = [];
  let removedAny = false;
  for (const tokens of splitAtSemicolons(tokenize({ css: block.cssText }))) {
    const text = sourceText(tokens);
    if (text === '') {
      continue;
    }
    if (!allowed(tokens, screen)) {
      removedAny = true;
      continue;
    }
    const meaningful = tokens.filter((token) => token[0] !== TokenType.Whitespace && token[0] !== TokenType.Comment);
    const [bang, important] = meaningful.slice(-2);
    kept.push({
      text,
      important: bang?.[0] === TokenType.Delim && bang[4].value === '!' && important?.[0] === TokenType.Ident && asciiLower(important[4].value) === 'important',
    });
  }
  return { kept, removedAny };
}

function isStringOrUrl(token: CSSToken): token is TokenString | TokenURL {
  return token[0] === TokenType.String || token[0] === TokenType.URL;
}

/** Counts the remote @import rules of a sheet (the constructed sheet drops them without a trace). */
function countRemoteImports(cssText: string, screen: CssScreen): void {
  const tokens = tokenize({ css: cssText });
  let depth = 0;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (opensBlock(token)) {
      depth++;
    } else if (closesBlock(token) && depth > 0) {
      depth--;
    } else if (depth === 0 && token[0] === TokenType.AtKeyword && asciiLower(token[4].value) === 'import') {
      // Only where rules may start does the browser read an @import (one inside a block never loads).
      let end = index + 1;
      while (end < tokens.length && tokens[end][0] !== TokenType.Semicolon && tokens[end][0] !== TokenType.OpenCurly) {
        end++;
      }
      // The sheet is the first string or url token: `@import "x.css"`, `url(x.css)`, `url("x.css")`.
      const target = tokens.slice(index + 1, end).find(isStringOrUrl);
      if (target !== undefined && screen.verdict(target[4].value) === 'blockRemote') {
        screen.onBlocked();
      }
    }
  }
}

/** Screens every declaration block of the rules, at any depth (@media, @supports, nesting, keyframes…). */
function screenRules(rules: CSSRuleList, screen: CssScreen): void {
  for (const rule of [...rules]) {
    const block: unknown = (rule as { style?: unknown }).style;
    if (block instanceof CSSStyleDeclaration) {
      const { kept, removedAny } = screenDeclarations(block, screen);
      if (removedAny) {
        block.cssText = kept.map((declaration) => declaration.text).join('; ');
      }
    }
    const children: unknown = (rule as { cssRules?: unknown }).cssRules;
    if (children instanceof CSSRuleList) {
      screenRules(children, screen);
    }
  }
}

/**
 * A `<style>` element's text → the same rules, re-serialized by the browser, with every @import and
 * every declaration that refers to a refused URL left out. A rule of a kind with URLs outside any
 * declaration block (`@property` initial values…) is left out whole if it still refers to one.
 */
export function screenStyleSheet(cssText: string, screen: CssScreen): string {
  countRemoteImports(cssText, screen);
  const sheet = new CSSStyleSheet();
  // Constructed sheets ignore @import: nothing is fetched while reading.
  sheet.replaceSync(cssText);
  screenRules(sheet.cssRules, screen);
  // Every URL still in a rule is outside the blocks screened above (so not counted yet).
  return [...sheet.cssRules]
    .map((rule) => rule.cssText)
    .filter((ruleText) => allowed(tokenize({ css: ruleText }), screen))
    .join('\n');
}

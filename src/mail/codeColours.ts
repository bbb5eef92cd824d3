/**
 * highlight.js marks tokens with classes (`<span class="hljs-keyword">`). Mail clients drop `<style>` and
 * classes (Gmail keeps neither reliably), so every span gets its colour as an inline style instead. The
 * palette is GitHub's light one: dark enough on the light background the block always has, and explicit
 * everywhere, so a client in dark mode that keeps inline colours still shows readable code.
 */

/** A scope of highlight.js (`keyword`, `title.function_`) → the inline style of its tokens. */
const SCOPE_STYLES: Readonly<Record<string, string>> = {
  keyword: 'color:#cf222e',
  doctag: 'color:#cf222e',
  'template-tag': 'color:#cf222e',
  'template-variable': 'color:#cf222e',
  type: 'color:#cf222e',
  'variable.language_': 'color:#cf222e',
  title: 'color:#8250df',
  'title.class_': 'color:#8250df',
  'title.function_': 'color:#8250df',
  attr: 'color:#0550ae',
  attribute: 'color:#0550ae',
  literal: 'color:#0550ae',
  meta: 'color:#0550ae',
  number: 'color:#0550ae',
  operator: 'color:#0550ae',
  variable: 'color:#0550ae',
  'selector-attr': 'color:#0550ae',
  'selector-class': 'color:#0550ae',
  'selector-id': 'color:#0550ae',
  regexp: 'color:#0a3069',
  string: 'color:#0a3069',
  built_in: 'color:#953800',
  symbol: 'color:#953800',
  comment: 'color:#6e7781;font-style:italic',
  code: 'color:#6e7781',
  formula: 'color:#6e7781',
  name: 'color:#116329',
  quote: 'color:#116329',
  'selector-tag': 'color:#116329',
  'selector-pseudo': 'color:#116329',
  subst: 'color:#24292f',
  section: 'color:#0550ae;font-weight:bold',
  bullet: 'color:#953800',
  emphasis: 'color:#24292f;font-style:italic',
  strong: 'color:#24292f;font-weight:bold',
  addition: 'color:#116329;background-color:#dafbe1',
  deletion: 'color:#82071e;background-color:#ffebe9',
};

/** The style of a span with these classes: the most specific scope known (`title.function_`, then `title`). */
function styleOf(classes: string): string {
  const [first = '', ...subScopes] = classes.split(/\s+/).filter((name) => name.length > 0);
  const scope = first.replace(/^hljs-/, '');
  const specific = subScopes.length > 0 ? `${scope}.${subScopes.join('.')}` : scope;
  return SCOPE_STYLES[specific] ?? SCOPE_STYLES[scope] ?? '';
}

/**
 * highlight.js's markup with each `class` replaced by its style. Its text is escaped already and its only
 * tags are `<span class="…">` and `</span>`, so this rewrites attributes and nothing else; a span with a
 * scope that has no colour keeps no attribute at all.
 */
export function inlineStyles(classMarkup: string): string {
  return classMarkup.replace(/<span class="([^"<>]*)">/g, (_match, classes: string) => {
    const style = styleOf(classes);
    return style ? `<span style="${style}">` : '<span>';
  });
}

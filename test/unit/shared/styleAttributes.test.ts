import * as assert from 'node:assert/strict';
import { STYLE_ATTRIBUTE_STANDIN as S, renameStyleAttributes } from '../../../src/shared/styleAttributes';

describe('renameStyleAttributes', () => {
  const cases: [string, string, string][] = [
    ['a double-quoted style', '<p style="color: red">x</p>', `<p ${S}="color: red">x</p>`],
    ['single quotes, upper case, spaces around =', "<P STYLE = 'color:red'>x</P>", `<P ${S} = 'color:red'>x</P>`],
    ['an unquoted value', '<td style=color:red>x</td>', `<td ${S}=color:red>x</td>`],
    ['among other attributes, and self-closing', '<img alt="a style=b" style="width:1px" src=x />', `<img alt="a style=b" ${S}="width:1px" src=x />`],
    ['a quoted ">" inside the value', '<p style="content: \'>\'" title=t>x</p>', `<p ${S}="content: '>'" title=t>x</p>`],
    ['not an attribute named like it', '<p data-style="a" styles="b" xstyle=c>x</p>', '<p data-style="a" styles="b" xstyle=c>x</p>'],
    ['"style=" in text', '<p>style="color: red"</p>', '<p>style="color: red"</p>'],
    ['inside a comment', '<!-- <p style="x"> --><b style="y">', `<!-- <p style="x"> --><b ${S}="y">`],
    ['inside a raw-text element', '<style>p[style="x"] { color: red }</style><p style="y">', `<style>p[style="x"] { color: red }</style><p ${S}="y">`],
    ['inside a textarea', '<textarea><p style="x"></textarea><i style="z">', `<textarea><p style="x"></textarea><i ${S}="z">`],
    ['a lone "<" and an end tag', 'a < b </p style="x">', 'a < b </p style="x">'],
    ['an unterminated tag', '<p style="color: red', `<p ${S}="color: red`],
    ['an unterminated quote', '<p style="a>b', `<p ${S}="a>b`],
    ['a valueless attribute', '<p style>x', `<p ${S}>x`],
    ['empty input', '', ''],
  ];
  for (const [name, input, expected] of cases) {
    it(`${name}: ${JSON.stringify(input)}`, () => {
      assert.equal(renameStyleAttributes(input), expected);
    });
  }
});

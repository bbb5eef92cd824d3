import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { EDITOR_TOAST_WINDOW_MS, EDITOR_TOASTS_PER_WINDOW, NotificationPacer, PACING_WINDOW_MS } from '../../../src/ui/notificationPacing';
import type * as Surfaces from '../../../src/ui/surfaces';
import { ui } from '../../../src/ui/text';
import type { Clock } from '../../../src/util/clock';
import { FakeClock, flush } from '../../support/clock';
import type { Rendered } from '../../support/fakeVscode';
import { FakeEditor, installFakeVscode } from '../../support/fakeVscode';

/**
 * The notifications VS Code's workbench draws a toast for, as code-server 4.100 decides it
 * (`NotificationsToasts.addToast`: an `IntervalCounter(800)` whose window opens at the first notification
 * after it lapsed, and `increment() > 3` returns before the toast is scheduled). Progress notifications count.
 */
function toastedByEditor(shown: readonly Rendered[]): string[] {
  let windowStart = Number.NEGATIVE_INFINITY;
  let inWindow = 0;
  const toasted: string[] = [];
  for (const { text, at } of shown) {
    if (at - windowStart > EDITOR_TOAST_WINDOW_MS) {
      windowStart = at;
      inWindow = 0;
    }
    inWindow += 1;
    if (inWindow <= EDITOR_TOASTS_PER_WINDOW) {
      toasted.push(text);
    }
  }
  return toasted;
}

describe('Notifications are paced so that the editor draws a toast for each', () => {
  it('a burst: three at once, the others once the oldest has left the window, in the order asked', async () => {
    const clock = new FakeClock();
    const pacer = new NotificationPacer(clock);
    const shown: [number, number][] = [];
    const turns = [0, 1, 2, 3, 4, 5, 6].map(async (index) => {
      await pacer.nextTurn();
      shown.push([index, clock.now()]);
    });
    await flush();
    await clock.advance(3 * PACING_WINDOW_MS, 50);
    await Promise.all(turns);
    assert.deepEqual(
      shown.map(([index]) => index),
      [0, 1, 2, 3, 4, 5, 6],
    );
    const firstWindow = Math.ceil(PACING_WINDOW_MS / 50) * 50;
    assert.deepEqual(
      shown.map(([, at]) => at),
      [0, 0, 0, firstWindow, firstWindow, firstWindow, 2 * firstWindow],
    );
  });

  it('a notification with room goes at once, without waiting for a turn', () => {
    const pacer = new NotificationPacer(new FakeClock());
    pacer.shownNow();
    assert.equal(pacer.nextTurn(), undefined);
    assert.equal(pacer.nextTurn(), undefined);
    assert.notEqual(pacer.nextTurn(), undefined, 'the 4th in the window waits');
  });

  it('a message waiting on a clock that is replaced is measured again on the new one, not left asleep', async () => {
    const stopped = new FakeClock();
    const pacer = new NotificationPacer(stopped);
    [1, 2, 3].forEach(() => pacer.shownNow());
    let fourth = false;
    void pacer.nextTurn()?.then(() => (fourth = true));
    await flush();
    assert.equal(fourth, false, 'the 4th waits while the window is full (control)');
    pacer.useClock(new FakeClock());
    await flush();
    assert.equal(fourth, true, 'the new clock has room: the 4th goes without the old clock moving');
    assert.equal(pacer.nextTurn(), undefined, 'and the next one has room at once');
  });

  it('a clock that fails to wait: the message is shown rather than lost, and later turns still come', async () => {
    const failing: Clock = { now: () => 0, sleep: () => Promise.reject(new Error('no timers')) };
    const pacer = new NotificationPacer(failing);
    [1, 2, 3].forEach(() => pacer.shownNow());
    const shown: number[] = [];
    await Promise.all([pacer.nextTurn()?.then(() => shown.push(4)), pacer.nextTurn()?.then(() => shown.push(5))]);
    assert.deepEqual(shown, [4, 5]);
  });

  describe('through the editor surfaces', () => {
    const editor = new FakeEditor();
    const clock = new FakeClock();
    let restore: () => void;
    let surfaces: typeof Surfaces;

    before(() => {
      restore = installFakeVscode(editor);
      surfaces = createRequire(__filename)('../../../src/ui/surfaces') as typeof Surfaces;
      // Paced on the test's clock, not on the fake editor's (which has room for every notification).
      surfaces.notificationPacing.useClock(clock);
      editor.now = () => clock.now();
    });

    after(() => restore());

    it('"Sent the patch." right after Applying…, Applied and Sending… is drawn (issue 15: it was not, 3 runs in 4)', async () => {
      // The patches e2e as the workbench saw it in a run without the toast: Apply Series, then the send of a
      // commit; "Sent the patch." reached it 774 ms after "Applying…", the 4th notification of that window.
      const progress = (title: string, lasting: number): Thenable<void> =>
        surfaces.withProgress({ where: 'notification', title: ui`${title}` }, () => clock.sleep(lasting));
      const applying = progress('Applying…', 10);
      await clock.advance(20, 10);
      void surfaces.notify('info', ui`Applied 2 commits.`);
      await clock.advance(560, 10);
      const sending = progress('Sending…', 180);
      await clock.advance(190, 10);
      void surfaces.notify('info', ui`Sent the patch.`);
      await clock.advance(2_000, 10);
      await Promise.all([applying, sending]);
      await flush();

      const shown = editor.rendered.filter((entry) => entry.surface === 'progress title' || entry.surface === 'information message');
      assert.deepEqual(
        shown.map((entry) => entry.text),
        ['Applying…', 'Applied 2 commits.', 'Sending…', 'Sent the patch.'],
      );
      assert.deepEqual(toastedByEditor(shown), ['Applying…', 'Applied 2 commits.', 'Sending…', 'Sent the patch.']);
      const sent = shown[3]?.at ?? 0;
      assert.ok(sent >= PACING_WINDOW_MS && sent < PACING_WINDOW_MS + 50, `"Sent the patch." waited only for its turn: shown at ${sent} ms`);
    });
  });
});

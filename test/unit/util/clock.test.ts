import * as assert from 'node:assert/strict';
import { systemClock } from '../../../src/util/clock';

describe('system clock', () => {
  it('sleeps for the time asked', async () => {
    const started = Date.now();
    await systemClock.sleep(50);
    assert.ok(Date.now() - started >= 45);
  });

  it('an aborted sleep resolves at once, so a cancelled 25-minute wait keeps nothing alive', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const sleeping = systemClock.sleep(25 * 60_000, controller.signal);
    setTimeout(() => controller.abort(), 20);
    await sleeping;
    assert.ok(Date.now() - started < 1_000);
    await systemClock.sleep(25 * 60_000, controller.signal);
    assert.ok(Date.now() - started < 1_000, 'a sleep on an aborted signal does not start');
  });
});

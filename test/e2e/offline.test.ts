// Losing the mail server in the installed .vsix: Mailroom reaches IMAP through a relay the test can
// cut. With the network gone the Inbox keeps its messages on screen under an "Offline" banner; when
// the network is back it reconnects by itself, the banner goes, and new mail shows up again.
import * as assert from 'node:assert/strict';
import { mailroomFrame, readerShowing, signInWithDeviceCode } from './mailroom';
import { startTcpProxy } from './tcpProxy';
import type { TcpProxy } from './tcpProxy';
import { openWorkbench } from './workbench';
import type { Workbench } from './workbench';

describe('Offline and back in the installed .vsix', function () {
  this.timeout(240_000);
  let workbench: Workbench;
  let relay: TcpProxy;

  before(async () => {
    relay = await startTcpProxy();
    workbench = await openWorkbench({
      name: 'offline',
      stack: { seed: 'fixture' },
      settings: { 'mailroom.oidc.imap.port': relay.port, 'mailroom.notifications.newMail': false },
    });
    assert.ok(workbench.stack);
    relay.target = workbench.stack.imap;
    await workbench.activityBarItem('Mail').click();
    await signInWithDeviceCode(workbench);
  });

  afterEach(async function () {
    await workbench?.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await workbench?.close();
    await relay?.close();
  });

  it('keeps the messages on screen under an "Offline" banner, then reconnects by itself', async () => {
    const stack = workbench.stack;
    assert.ok(stack);
    const inbox = await mailroomFrame(workbench.page, 'inbox', 60_000);
    const rows = inbox.locator('.list .row:not(.placeholder)');
    await rows.first().waitFor({ timeout: 60_000 });
    const newest = (await rows.first().locator('.subject').innerText()).trim();

    await relay.cut();
    const banner = inbox.locator('.banner', { hasText: /Offline/ });
    await banner.waitFor({ timeout: 30_000 });
    await workbench.screenshot('offline');
    // The list is virtual (the banner takes some of its height), so check a message rather than a count.
    assert.equal((await rows.first().locator('.subject').innerText()).trim(), newest, 'the messages stay on screen');

    await relay.restore();
    await banner.waitFor({ state: 'hidden', timeout: 60_000 });
    // Live again: mail delivered now reaches the list through the rebuilt IDLE connection.
    const subject = `Back online ${Date.now()}`;
    await stack.deliver(
      stack.users[0].email,
      [`From: Bob Example <${stack.users[1].email}>`, `To: ${stack.users[0].email}`, `Subject: ${subject}`, '', 'Hello again.', ''].join('\r\n'),
    );
    await inbox.locator('.list .row', { hasText: subject }).waitFor({ timeout: 30_000 });
  });

  it('with a slow server, the reader (ready before the message is) shows the message once it arrives', async () => {
    const inbox = await mailroomFrame(workbench.page, 'inbox');
    const row = inbox.locator('.list .row:not(.placeholder)').nth(1);
    const subject = (await row.locator('.subject').innerText()).trim();
    // Slower than the reader's own start: it is ready before the message is.
    relay.latencyMs = 1_500;
    try {
      await row.click();
      await readerShowing(workbench.page, subject, 60_000);
    } finally {
      relay.latencyMs = 0;
    }
  });
});

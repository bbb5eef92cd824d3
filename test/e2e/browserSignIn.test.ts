// Signing in through the Accounts menu with the local issuer's own sign-in page in the browser, typed into
// like a person, through the loopback flow and through the URI-handler flow (the issuer's forwarding page
// and code-server's callback route); signing out revokes the refresh token at the issuer.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { screenshotDirectory } from '../editor/paths';
import type { Stack } from '../stack';
import { completeSignInPage, openSignInPage, signOutFromAccountsMenu } from './browserSignIn';
import { OIDC_PROVIDER_LABEL, waitForAccountsMenu } from './mailroom';
import { openWorkbench } from './workbench';
import type { Workbench, WorkbenchOptions } from './workbench';

/** The refresh tokens the issuer handed to this user so far (taken from the stack, never from the editor). */
function refreshTokensOf(stack: Stack, email: string): string[] {
  return stack
    .issuedTokens()
    .filter((token) => token.kind === 'RefreshToken' && token.email === email && token.issuer === stack.issuer)
    .map((token) => token.value);
}

async function activeStates(stack: Stack, tokens: string[]): Promise<boolean[]> {
  return Promise.all(tokens.map(async (token) => (await stack.introspect(token)).active));
}

function describeBrowserSignIn(flow: { title: string; name: string; progress: RegExp; callback: RegExp; settings?: WorkbenchOptions['settings'] }): void {
  describe(`Sign in through the Accounts menu in the browser: ${flow.title}`, function () {
    this.timeout(180_000);
    let workbench: Workbench;
    let stack: Stack;

    before(async () => {
      workbench = await openWorkbench({ name: flow.name, stack: {}, settings: flow.settings });
      assert.ok(workbench.stack);
      stack = workbench.stack;
    });

    afterEach(async function () {
      await workbench?.screenshotIfFailed(this.currentTest);
    });

    after(async () => {
      await workbench?.close();
    });

    it(`signs in as alice on the issuer's page typed into like a person (wrong password first), ${flow.title}; the account appears in the Accounts menu`, async () => {
      const [alice] = stack.users;
      await workbench.activityBarItem('Mail').click();
      const tab = await openSignInPage(workbench);
      await workbench.notification(flow.progress).waitFor();
      await workbench.screenshot('login-page-opened');
      await tab.screenshot({ path: path.join(screenshotDirectory, `${flow.name}-login-page.png`) });
      const landed = await completeSignInPage(tab, alice, { wrongPasswordFirst: true });
      assert.match(tab.isClosed() ? 'closed' : tab.url(), flow.callback);
      assert.doesNotMatch(landed, /did not complete|Not a sign-in/);
      await workbench.returnToEditor();
      const labels = await waitForAccountsMenu(workbench, (entries) => entries.includes(`${alice.email} (${OIDC_PROVIDER_LABEL})`));
      assert.ok(labels.includes(`${alice.email} (${OIDC_PROVIDER_LABEL})`), labels.join(' | '));
      assert.ok(!labels.some((label) => label.startsWith(`Sign in with ${OIDC_PROVIDER_LABEL}`)), 'the sign-in request is satisfied');
      await workbench.screenshot('signed-in');
      await workbench.dismiss();
    });

    it('[SEC-22] signs out from the Accounts menu: the account is gone and introspection reports its refresh token inactive', async () => {
      const [alice] = stack.users;
      const refreshTokens = refreshTokensOf(stack, alice.email);
      assert.equal(refreshTokens.length, 1, 'one sign-in, one refresh token');
      assert.deepEqual(await activeStates(stack, refreshTokens), [true], 'active while signed in');
      const labels = await signOutFromAccountsMenu(workbench, alice.email);
      assert.ok(!labels.some((label) => label.startsWith(alice.email)), labels.join(' | '));
      assert.ok(labels.some((label) => label.startsWith(`Sign in with ${OIDC_PROVIDER_LABEL}`)) || labels.length === 0, labels.join(' | '));
      const deadline = Date.now() + 10_000;
      let states = await activeStates(stack, refreshTokens);
      while (states.some(Boolean) && Date.now() < deadline) {
        await workbench.page.waitForTimeout(250);
        states = await activeStates(stack, refreshTokens);
      }
      assert.deepEqual(states, [false], 'revoked at the issuer');
    });
  });
}

describeBrowserSignIn({
  title: 'loopback flow',
  name: 'sign-in-loopback',
  progress: /through your browser and a temporary local port \(loopback\)/,
  callback: /^http:\/\/127\.0\.0\.1:\d+\/callback\?/,
});

describeBrowserSignIn({
  title: 'URI-handler flow through the forwarding page',
  name: 'sign-in-uri-handler',
  progress: /through your browser, coming back through the editor/,
  // code-server's own callback route, reached through the issuer's forwarder; it may close itself.
  callback: /^(closed|http:\/\/127\.0\.0\.1:\d+\/[^?]*\/callback\?vscode-reqid=\d+&vscode-scheme=)/,
  settings: (stack) => ({ 'mailroom.oidc.redirectUri': stack?.forwarderUrl ?? '' }),
});

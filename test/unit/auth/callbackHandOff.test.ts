// A URI-handler callback that reaches a window that did not start the sign-in is handed on (issue 13): the
// editor may route it to any of its windows. Two routers stand for two windows, each with its own attempts.
import * as assert from 'node:assert/strict';
import { UriCallbackRouter } from '../../../src/auth/flows/uriHandlerFlow';
import type { CallbackUri } from '../../../src/auth/flows/uriHandlerFlow';
import { PendingSignIns } from '../../../src/auth/pendingSignIn';
import type { PendingSignIn } from '../../../src/auth/pendingSignIn';
import { recordingLogger } from '../../support/logging';

const ISSUER = 'https://issuer.test';

function window(lines: string[]): { router: UriCallbackRouter; pending: PendingSignIns; handedOff: CallbackUri[] } {
  const pending = new PendingSignIns();
  const router = new UriCallbackRouter(pending, recordingLogger(lines).logger);
  const handedOff: CallbackUri[] = [];
  router.handOffUnclaimed((uri) => handedOff.push(uri));
  return { router, pending, handedOff };
}

function startAttempt(target: ReturnType<typeof window>): { record: PendingSignIn; outcome: Promise<unknown> } {
  const record = target.pending.create({
    provider: 'oidc',
    flow: 'uriHandler',
    issuer: ISSUER,
    issRequired: false,
    issuerName: 'issuer.test',
    clientId: 'client',
    redirectUri: 'vscode://mailroom.mailroom/auth/oidc',
    callbackPath: '/auth/oidc',
    scopes: ['openid'],
  });
  return { record, outcome: target.router.waitFor(record.state, false).outcome };
}

const callbackFor = (record: PendingSignIn): CallbackUri => ({ path: '/auth/oidc', query: `code=CODE-SENTINEL&state=${record.state}&iss=${ISSUER}` });

describe('URI callbacks handed between windows', () => {
  it('a callback for an attempt of window A that reaches window B is handed off by B and completes A’s sign-in', async () => {
    const lines: string[] = [];
    const a = window(lines);
    const b = window(lines);
    const { record, outcome } = startAttempt(a);
    b.router.handleUri(callbackFor(record));
    assert.equal(b.handedOff.length, 1);
    assert.equal(a.router.claim(b.handedOff[0]), true);
    const completed = (await outcome) as { kind: string; parameters: URLSearchParams };
    assert.equal(completed.kind, 'code');
    assert.equal(completed.parameters.get('code'), 'CODE-SENTINEL');
    // Used up: the same callback handed over again completes nothing.
    assert.equal(a.router.claim(b.handedOff[0]), false);
    assert.ok(!lines.join('\n').includes('CODE-SENTINEL'), 'the code was logged');
  });

  it('a callback for the window’s own attempt is answered there and handed to no one', async () => {
    const a = window([]);
    const { record, outcome } = startAttempt(a);
    a.router.handleUri(callbackFor(record));
    assert.equal(((await outcome) as { kind: string }).kind, 'code');
    assert.deepEqual(a.handedOff, []);
  });

  it('a callback of its own attempt that fails a check (wrong path) is dropped by that window, not handed on', () => {
    const a = window([]);
    const { record } = startAttempt(a);
    a.router.handleUri({ ...callbackFor(record), path: '/auth/google' });
    assert.deepEqual(a.handedOff, []);
  });

  it('a handed-over callback no window started is claimed by none and never handed on again (no loop)', () => {
    const a = window([]);
    const stray: CallbackUri = { path: '/auth/oidc', query: 'code=CODE-SENTINEL&state=nobody-started-this' };
    assert.equal(a.router.claim(stray), false);
    assert.deepEqual(a.handedOff, []);
  });
});

import * as assert from 'node:assert/strict';
import { validateCallback } from '../../../src/auth/callback';
import type { CallbackOutcome } from '../../../src/auth/callback';
import { PendingSignIns } from '../../../src/auth/pendingSignIn';
import type { PendingSignIn, PendingSignInInit } from '../../../src/auth/pendingSignIn';

const ISSUER = 'https://issuer.test';

function init(overrides: Partial<PendingSignInInit> = {}): PendingSignInInit {
  return {
    provider: 'oidc',
    flow: 'uriHandler',
    issuer: ISSUER,
    issRequired: false,
    issuerName: 'issuer.test',
    clientId: 'client',
    redirectUri: 'vscode://mailroom.mailroom/auth/oidc',
    callbackPath: '/auth/oidc',
    scopes: ['openid', 'mail'],
    ...overrides,
  };
}

function query(parameters: Record<string, string>): URLSearchParams {
  return new URLSearchParams(parameters);
}

function check(pending: PendingSignIns, parameters: URLSearchParams, path = '/auth/oidc'): CallbackOutcome {
  return validateCallback({ path, query: parameters }, pending);
}

function codeFor(record: PendingSignIn, extra: Record<string, string> = {}): URLSearchParams {
  return query({ code: 'the-code', state: record.state, iss: ISSUER, ...extra });
}

describe('callback validation', () => {
  it('accepts a well-formed callback once and passes on only code, state and iss', () => {
    const pending = new PendingSignIns();
    const record = pending.create(init());
    const outcome = check(pending, codeFor(record, { session_state: 'x' }));
    assert.equal(outcome.kind, 'code');
    assert.deepEqual(outcome.kind === 'code' ? [...outcome.parameters.keys()] : [], ['code', 'state', 'iss']);
    assert.equal(pending.size, 0);
  });

  it('[SEC-1] rejects a callback carrying access_token or id_token (implicit/hybrid) and fails the attempt', () => {
    for (const forbidden of ['access_token', 'id_token', 'token_type']) {
      const pending = new PendingSignIns();
      const record = pending.create(init());
      const outcome = check(pending, codeFor(record, { [forbidden]: 'AT-SENTINEL-x' }));
      assert.equal(outcome.kind, 'error', forbidden);
      assert.equal(outcome.kind === 'error' && outcome.error.code, 'InvalidResponse');
    }
  });

  it('[SEC-3] ignores a missing, wrong or replayed state', () => {
    const pending = new PendingSignIns();
    const record = pending.create(init());
    assert.equal(check(pending, query({ code: 'c', iss: ISSUER })).kind, 'ignored');
    assert.equal(check(pending, query({ code: 'c', state: 'guess', iss: ISSUER })).kind, 'ignored');
    assert.equal(check(pending, codeFor(record)).kind, 'code');
    assert.equal(check(pending, codeFor(record)).kind, 'ignored', 'the state works once');
  });

  it('[SEC-3] gives every attempt a fresh, long random state, verifier and nonce', () => {
    const pending = new PendingSignIns();
    const values = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const record = pending.create(init());
      for (const value of [record.state, record.codeVerifier, record.nonce]) {
        assert.ok(Buffer.from(value, 'base64url').length >= 32);
        values.add(value);
      }
    }
    assert.equal(values.size, 150);
  });

  it('[SEC-4] a callback without a pending sign-in is ignored; expired attempts are forgotten', () => {
    let now = 0;
    const pending = new PendingSignIns(() => now);
    const record = pending.create(init());
    now = 10 * 60_000 + 1;
    assert.equal(check(pending, codeFor(record)).kind, 'ignored');
    assert.equal(pending.size, 0);
  });

  it('[SEC-4] two concurrent sign-ins each complete only with their own state and record', () => {
    const pending = new PendingSignIns();
    const first = pending.create(init());
    const second = pending.create(init({ redirectUri: 'http://127.0.0.1:2/callback', callbackPath: '/callback', flow: 'loopback' }));
    const secondOutcome = check(pending, codeFor(second), '/callback');
    assert.equal(secondOutcome.kind === 'code' && secondOutcome.pending, second);
    assert.equal(check(pending, codeFor(first), '/callback').kind, 'ignored', 'first attempt is not on this path');
    const firstOutcome = check(pending, codeFor(first));
    assert.equal(firstOutcome.kind === 'code' && firstOutcome.pending, first);
  });

  it('[SEC-5] rejects a response whose iss is another issuer', () => {
    const pending = new PendingSignIns();
    const record = pending.create(init());
    const outcome = check(pending, codeFor(record, { iss: 'https://attacker.test' }));
    assert.equal(outcome.kind === 'error' && outcome.error.code, 'IssuerMismatch');
  });

  it('[SEC-5] requires iss when the issuer advertises it, and accepts it missing otherwise', () => {
    const strict = new PendingSignIns();
    const record = strict.create(init({ issRequired: true }));
    const outcome = check(strict, query({ code: 'c', state: record.state }));
    assert.equal(outcome.kind === 'error' && outcome.error.code, 'IssuerMismatch');
    const lenient = new PendingSignIns();
    const other = lenient.create(init());
    assert.equal(check(lenient, query({ code: 'c', state: other.state })).kind, 'code');
  });

  it("[SEC-5] matches Microsoft's templated issuer against exactly one tenant id", () => {
    const pending = new PendingSignIns();
    const template = 'https://login.microsoftonline.com/{tenantid}/v2.0';
    const good = pending.create(init({ issuer: template }));
    assert.equal(check(pending, codeFor(good, { iss: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0' })).kind, 'code');
    const bad = pending.create(init({ issuer: template }));
    const outcome = check(pending, codeFor(bad, { iss: 'https://login.microsoftonline.com/evil.test/x/v2.0' }));
    assert.equal(outcome.kind === 'error' && outcome.error.code, 'IssuerMismatch');
  });

  it('[SEC-7] ignores a callback on the wrong path without using up the state', () => {
    const pending = new PendingSignIns();
    const record = pending.create(init());
    assert.equal(check(pending, codeFor(record), '/auth/google').kind, 'ignored');
    assert.equal(check(pending, codeFor(record), '/auth/oidc').kind, 'code');
  });

  it('[SEC-7] ignores duplicated response parameters', () => {
    const pending = new PendingSignIns();
    const record = pending.create(init());
    for (const duplicated of ['code', 'state', 'iss', 'error']) {
      const parameters = codeFor(record);
      if (!parameters.has(duplicated)) {
        parameters.append(duplicated, 'first');
      }
      parameters.append(duplicated, 'second');
      assert.equal(check(pending, parameters).kind, 'ignored', duplicated);
    }
    assert.equal(pending.size, 1);
  });

  it("[SEC-9] turns authorization errors into clear messages, with the issuer's text as plain text", () => {
    const cases: [string, string][] = [
      ['access_denied', 'AccessDenied'],
      ['invalid_scope', 'InvalidScope'],
      ['temporarily_unavailable', 'IssuerUnavailable'],
      ['server_error', 'IssuerUnavailable'],
      ['unauthorized_client', 'InvalidClient'],
      ['something_else', 'InvalidResponse'],
    ];
    for (const [error, code] of cases) {
      const pending = new PendingSignIns();
      const record = pending.create(init());
      const outcome = check(pending, query({ error, error_description: 'See [here](command:workbench.action.evil)\u202e', state: record.state, iss: ISSUER }));
      assert.equal(outcome.kind, 'error');
      if (outcome.kind === 'error') {
        assert.equal(outcome.error.code, code);
        assert.ok(!/\[|\]\(|\u202e/.test(outcome.error.message), outcome.error.message);
      }
      assert.equal(pending.size, 0, 'the attempt is over');
    }
  });

  it('[SEC-9] drops an error response with the wrong state', () => {
    const pending = new PendingSignIns();
    pending.create(init());
    assert.equal(check(pending, query({ error: 'access_denied', state: 'forged', iss: ISSUER })).kind, 'ignored');
    assert.equal(pending.size, 1);
  });
});

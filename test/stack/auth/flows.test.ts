import * as assert from 'node:assert/strict';
import { DeviceCodeFlow } from '../../../src/auth/flows/deviceCodeFlow';
import { LoopbackFlow } from '../../../src/auth/flows/loopbackFlow';
import type { AttemptContext } from '../../../src/auth/flows/signInFlow';
import { UriCallbackRouter, UriHandlerFlow, parseHandlerQuery } from '../../../src/auth/flows/uriHandlerFlow';
import { OAuthClient } from '../../../src/auth/oauthClient';
import { PendingSignIns } from '../../../src/auth/pendingSignIn';
import { isMailroomError } from '../../../src/util/errors';
import type { MailroomErrorCode } from '../../../src/util/errors';
import { withTestTransport } from '../../../src/util/testTransport';
import { FakeIssuer } from '../../support/auth/fakeIssuer';
import { cancellationSource, httpGet, neverCancelled, oidcConfig } from '../../support/auth/fakes';
import { FakeClock } from '../../support/clock';
import { recordingLogger } from '../../support/logging';
import type { Fetched } from '../../support/auth/fakes';

const get = httpGet;

function isPortOpen(port: number): Promise<boolean> {
  return get(`http://127.0.0.1:${port}/callback`).then(
    () => true,
    () => false,
  );
}

function contextFor(issuer: FakeIssuer, overrides: Partial<AttemptContext> = {}): AttemptContext {
  const config = oidcConfig(issuer.issuer, issuer.clientId);
  return {
    config,
    client: new OAuthClient(config, withTestTransport({}, { fetchForTests: issuer.fetch })),
    pendingSignIns: new PendingSignIns(),
    scopes: config.scopes,
    logger: recordingLogger().logger,
    openExternal: async () => true,
    cancellation: neverCancelled,
    timeoutMs: 5_000,
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
    ...overrides,
  };
}

async function rejectsWith(promise: Promise<unknown>, code: MailroomErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isMailroomError(error, code), `expected ${code}, got ${String(error)}`);
    return true;
  });
}

describe('sign-in flows', () => {
  describe('loopback', () => {
    it('[SEC-6] listens on 127.0.0.1 only, answers one path, 404s the rest, and closes after the callback', async () => {
      const issuer = new FakeIssuer();
      let port = 0;
      const seen: Fetched[] = [];
      const context = contextFor(issuer, {
        openExternal: async (url) => {
          const redirect = new URL(new URL(url).searchParams.get('redirect_uri') ?? '');
          assert.equal(redirect.hostname, '127.0.0.1');
          assert.equal(redirect.pathname, '/callback');
          port = Number(redirect.port);
          seen.push(await get(`http://127.0.0.1:${port}/other`));
          seen.push(await get(`http://127.0.0.1:${port}/callback?code=x&state=forged`));
          seen.push(await get(`http://127.0.0.1:${port}/callback`, { host: `evil.test:${port}` }));
          seen.push(await get(issuer.authorize(url)));
          return true;
        },
      });
      const result = await new LoopbackFlow().run(context);
      assert.equal(result.identity.email, 'alice@mailroom.test');
      assert.deepEqual(
        seen.map((each) => each.status),
        [404, 400, 404, 200],
      );
      const success = seen[3];
      assert.equal(success.headers['referrer-policy'], 'no-referrer');
      assert.match(String(success.headers['content-security-policy']), /default-src 'none'/);
      assert.equal(success.headers.location, undefined, 'no redirect: not an open redirector');
      assert.doesNotMatch(success.body, /https?:\/\/|<script|<img|<link/i, 'nothing remote on the page');
      assert.equal(await isPortOpen(port), false, 'port closed afterwards');
      assert.equal(issuer.tokenRequests().length, 1, 'the forged callback caused no token request');
    });

    it('[SEC-1] a redirect carrying tokens (implicit flow) ends the attempt with zero token requests', async () => {
      const issuer = new FakeIssuer();
      const context = contextFor(issuer, {
        openExternal: async (url) => {
          const callback = new URL(issuer.authorize(url));
          callback.searchParams.set('access_token', 'AT-SENTINEL-implicit');
          void get(callback.href);
          return true;
        },
      });
      await rejectsWith(new LoopbackFlow().run(context), 'InvalidResponse');
      assert.equal(issuer.tokenRequests().length, 0);
    });

    it('[SEC-4] two concurrent sign-ins complete only with their own state', async () => {
      const issuer = new FakeIssuer();
      const shared = contextFor(issuer);
      const opened: string[] = [];
      let release: () => void = () => undefined;
      const bothOpen = new Promise<void>((resolve) => (release = resolve));
      const context = {
        ...shared,
        openExternal: async (url: string): Promise<boolean> => {
          opened.push(url);
          if (opened.length === 2) {
            release();
          }
          return true;
        },
      };
      const first = new LoopbackFlow().run(context);
      const second = new LoopbackFlow().run(context);
      await bothOpen;
      const [firstUrl, secondUrl] = opened;
      const firstCallback = new URL(issuer.authorize(firstUrl));
      const secondRedirect = new URL(new URL(secondUrl).searchParams.get('redirect_uri') ?? '');
      // The first attempt's answer delivered to the second attempt's port is not accepted there…
      const crossed = await get(`${secondRedirect.origin}${secondRedirect.pathname}${firstCallback.search}`);
      assert.equal(crossed.status, 400);
      // …and each attempt still completes with its own answer.
      assert.equal((await get(firstCallback.href)).status, 200);
      assert.equal((await get(issuer.authorize(secondUrl))).status, 200);
      const results = await Promise.all([first, second]);
      assert.deepEqual(
        results.map((result) => result.identity.email),
        ['alice@mailroom.test', 'alice@mailroom.test'],
      );
      assert.equal(issuer.tokenRequests().length, 2);
    });

    it('[SEC-8] opens the authorization URL in the browser through openExternal', async () => {
      const issuer = new FakeIssuer();
      const opened: string[] = [];
      const context = contextFor(issuer, {
        openExternal: async (url) => {
          opened.push(url);
          void get(issuer.authorize(url));
          return true;
        },
      });
      await new LoopbackFlow().run(context);
      assert.equal(opened.length, 1);
      assert.ok(opened[0].startsWith(`${issuer.issuer}/auth?`));
    });

    it('[SEC-9] a denied consent ends the attempt with a clear error, stores nothing and closes the port', async () => {
      const issuer = new FakeIssuer();
      let port = 0;
      const context = contextFor(issuer, {
        openExternal: async (url) => {
          port = Number(new URL(new URL(url).searchParams.get('redirect_uri') ?? '').port);
          void get(issuer.authorize(url, { deny: true }));
          return true;
        },
      });
      await rejectsWith(new LoopbackFlow().run(context), 'AccessDenied');
      assert.equal(issuer.tokenRequests().length, 0);
      assert.equal(context.pendingSignIns.size, 0);
      assert.equal(await isPortOpen(port), false);
    });

    it('[SEC-9] cancel and timeout clear the pending sign-in and close the port', async () => {
      const issuer = new FakeIssuer();
      const cancellation = cancellationSource();
      let port = 0;
      const cancelled = contextFor(issuer, {
        cancellation: cancellation.token,
        openExternal: async (url) => {
          port = Number(new URL(new URL(url).searchParams.get('redirect_uri') ?? '').port);
          setTimeout(() => cancellation.cancel(), 10);
          return true;
        },
      });
      await rejectsWith(new LoopbackFlow().run(cancelled), 'Cancelled');
      assert.equal(cancelled.pendingSignIns.size, 0);
      assert.equal(await isPortOpen(port), false);
      const timedOut = contextFor(issuer, { timeoutMs: 30 });
      await rejectsWith(new LoopbackFlow().run(timedOut), 'Timeout');
      assert.equal(timedOut.pendingSignIns.size, 0);
      assert.equal(issuer.tokenRequests().length, 0);
    });
  });

  describe('URI handler', () => {
    function uriSetup(
      issuer: FakeIssuer,
      external: (uri: string) => string = (uri) => uri,
    ): { router: UriCallbackRouter; flow: UriHandlerFlow; context: AttemptContext; opened: string[] } {
      const context = contextFor(issuer);
      const router = new UriCallbackRouter(context.pendingSignIns, context.logger);
      const flow = new UriHandlerFlow(router, { uriScheme: 'code-oss', asExternalUri: async (uri) => external(uri) });
      const opened: string[] = [];
      return { router, flow, context, opened };
    }

    it('completes through the editor URI, built from env.uriScheme (never a hard-coded vscode://)', async () => {
      const issuer = new FakeIssuer();
      const { router, flow, context } = uriSetup(issuer);
      const run = flow.run({
        ...context,
        openExternal: async (url) => {
          const redirect = new URL(url).searchParams.get('redirect_uri') ?? '';
          assert.equal(redirect, 'code-oss://mailroom.mailroom/auth/oidc');
          const callback = new URL(issuer.authorize(url));
          setTimeout(() => router.handleUri({ path: '/auth/oidc', query: decodeURIComponent(callback.search.slice(1)) }), 5);
          return true;
        },
      });
      assert.equal((await run).identity.email, 'alice@mailroom.test');
    });

    it('[SEC-7] ignores a wrong path, an unknown state and URIs with no pending sign-in: no token request', async () => {
      const issuer = new FakeIssuer();
      const { router, flow, context } = uriSetup(issuer);
      const run = flow.run({
        ...context,
        timeoutMs: 200,
        openExternal: async (url) => {
          const callback = new URL(issuer.authorize(url));
          router.handleUri({ path: '/auth/google', query: callback.search.slice(1) });
          router.handleUri({ path: '/auth/oidc', query: 'code=x&state=forged' });
          router.handleUri({ path: '/auth/oidc', query: `${callback.search.slice(1)}&state=again` });
          return true;
        },
      });
      await rejectsWith(run, 'Timeout');
      router.handleUri({ path: '/auth/oidc', query: 'code=x&state=late' });
      assert.equal(issuer.tokenRequests().length, 0);
    });

    it('uses the forwarding redirect in a browser-based editor: state is the callback URL, checked strictly', async () => {
      const issuer = new FakeIssuer();
      const toExternal = (uri: string): string => {
        const parsed = new URL(uri);
        return `http://127.0.0.1:8080/callback?vscode-reqid=1&vscode-scheme=code-oss&vscode-authority=mailroom.mailroom&vscode-path=${encodeURIComponent(parsed.pathname)}&vscode-query=${encodeURIComponent(parsed.search.slice(1))}`;
      };
      const { router, flow, context } = uriSetup(issuer, toExternal);
      const config = { ...context.config, forwardingRedirectUri: `${issuer.issuer}/redirect` };
      const run = flow.run({
        ...context,
        config,
        openExternal: async (url) => {
          const request = new URL(url).searchParams;
          assert.equal(request.get('redirect_uri'), `${issuer.issuer}/redirect`);
          const state = request.get('state') ?? '';
          assert.ok(state.startsWith('http://127.0.0.1:8080/callback?vscode-reqid=1'));
          assert.match(state, /mailroom_attempt%3D[A-Za-z0-9_-]{43}/);
          const callback = new URL(issuer.authorize(url)).searchParams;
          // What the editor hands the URI handler: the original query plus the response, percent-decoded.
          const attempt = new URLSearchParams(new URL(state).searchParams.get('vscode-query') ?? '').get('mailroom_attempt');
          const decoded = decodeURIComponent(
            `mailroom_attempt=${attempt}&code=${callback.get('code')}&state=${encodeURIComponent(state)}&iss=${encodeURIComponent(issuer.issuer)}`,
          );
          setTimeout(() => {
            router.handleUri({ path: '/auth/oidc', query: decoded.replace(`mailroom_attempt=${attempt}`, 'mailroom_attempt=tampered') });
            router.handleUri({ path: '/auth/oidc', query: decoded.replace(`mailroom_attempt=${attempt}&`, '') });
            assert.equal(context.pendingSignIns.size, 1, 'a callback without the matching attempt value is ignored');
            router.handleUri({ path: '/auth/oidc', query: decoded });
          }, 5);
          return true;
        },
      });
      assert.equal((await run).identity.email, 'alice@mailroom.test');
    });

    it('parses a percent-decoded handler query whose state is a URL', () => {
      const state = 'http://127.0.0.1:8080/callback?vscode-reqid=1&vscode-query=mailroom_attempt%3Dabc';
      const decoded = `mailroom_attempt=abc&code=C&state=${decodeURIComponent(state)}&iss=https://issuer.test`;
      const parsed = parseHandlerQuery(decoded, [state]);
      assert.equal(parsed.get('state'), state);
      assert.equal(parsed.get('code'), 'C');
      assert.equal(parsed.get('iss'), 'https://issuer.test');
      assert.equal(parseHandlerQuery(`code=C&state=${decodeURIComponent(state)}x`, [state]).get('state'), 'http://127.0.0.1:8080/callback?vscode-reqid=1');
    });
  });

  describe('device code', () => {
    function deviceContext(issuer: FakeIssuer, clock: FakeClock): AttemptContext {
      return contextFor(issuer, { clock, timeoutMs: 10 * 60_000 });
    }

    const accept = { show: async (): Promise<boolean> => true };

    it('[SEC-33] honours interval and slow_down (+5 s) and completes', async () => {
      const issuer = new FakeIssuer();
      issuer.deviceScript = ['pending', 'slow_down', 'pending', 'granted'];
      const clock = new FakeClock({ sleep: 'instant' });
      const result = await new DeviceCodeFlow(accept).run(deviceContext(issuer, clock));
      assert.equal(result.identity.email, 'alice@mailroom.test');
      assert.deepEqual(clock.slept, [5000, 5000, 10_000, 10_000]);
    });

    it('[SEC-33] stops on expired_token and access_denied', async () => {
      for (const [step, code] of [
        ['expired_token', 'Timeout'],
        ['access_denied', 'AccessDenied'],
      ] as const) {
        const issuer = new FakeIssuer();
        issuer.deviceScript = ['pending', step, 'granted'];
        await rejectsWith(new DeviceCodeFlow(accept).run(deviceContext(issuer, new FakeClock({ sleep: 'instant' }))), code);
        assert.equal(issuer.tokenRequests().length, 2);
      }
    });

    it("[SEC-33] shows only an https verification URI on the issuer's host", async () => {
      for (const uri of ['http://issuer.test/device', 'https://evil.test/device']) {
        const issuer = new FakeIssuer();
        issuer.verificationUri = uri;
        const shown: string[] = [];
        const prompt = { show: async (details: { verificationUri: string }): Promise<boolean> => (shown.push(details.verificationUri), true) };
        await rejectsWith(new DeviceCodeFlow(prompt).run(deviceContext(issuer, new FakeClock({ sleep: 'instant' }))), 'InvalidResponse');
        assert.deepEqual(shown, []);
        assert.equal(issuer.tokenRequests().length, 0);
      }
    });

    it('[SEC-33] gives up when the code expires without an answer', async () => {
      const issuer = new FakeIssuer();
      issuer.deviceScript = Array.from({ length: 500 }, () => 'pending' as const);
      await rejectsWith(new DeviceCodeFlow(accept).run(deviceContext(issuer, new FakeClock({ sleep: 'instant' }))), 'Timeout');
      assert.ok(issuer.tokenRequests().length <= 120);
    });
  });
});

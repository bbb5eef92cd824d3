import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallbackOutcome } from '../callback';
import { validateCallback } from '../callback';
import type { AttemptContext, SignInFlow, SignInResult } from './signInFlow';
import { runRedirectAttempt } from './redirectAttempt';
import type { Logger } from '../../util/log';
import { translated } from '../../ui/text';

/** The one path the loopback server answers; registered as `http://127.0.0.1/callback` (any port, RFC 8252 §7.3). */
export const LOOPBACK_CALLBACK_PATH = '/callback';

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  // The page URL carried the code: it must not leak to anything the page could load or link to.
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

/** The page the browser shows after the redirect, in the editor's language (our own words: escaped all the same). */
function page(title: string, text: string): string {
  const heading = escapeHtml(title);
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${heading}</title>` +
    '<style>body{font-family:system-ui,sans-serif;margin:4em auto;max-width:32em;line-height:1.5}</style></head>' +
    `<body><h1>${heading}</h1><p>${escapeHtml(text)}</p></body></html>`
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Built when answered, not at load: the translator is installed at activation, after this module loads. */
export const loopbackPages = {
  signedIn: (): string => page(translated('Signed in to Mailroom'), translated('You can close this tab and return to your editor.')),
  failed: (): string => page(translated('Sign-in did not complete'), translated('Return to your editor to see what happened and try again.')),
  unknown: (): string =>
    page(
      translated('Not a sign-in in progress'),
      translated('This link does not belong to a Mailroom sign-in that is waiting. Start the sign-in again from your editor.'),
    ),
};

type Outcome = Exclude<CallbackOutcome, { kind: 'ignored' }>;

/**
 * A one-shot HTTP server on 127.0.0.1 (never `localhost`, never other interfaces) and an
 * ephemeral port. It answers one path, 404s everything else, never redirects, and closes after
 * the first callback that belongs to its attempt.
 */
export class LoopbackServer {
  private constructor(
    private readonly server: http.Server,
    public readonly port: number,
  ) {}

  public static async listen(): Promise<LoopbackServer> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => resolve());
    });
    return new LoopbackServer(server, (server.address() as AddressInfo).port);
  }

  public get redirectUri(): string {
    return `http://127.0.0.1:${this.port}${LOOPBACK_CALLBACK_PATH}`;
  }

  /**
   * Answers requests until `decide` returns an outcome other than `ignored`; then shows the final
   * page, stops listening and resolves.
   */
  public waitForCallback(decide: (query: URLSearchParams) => CallbackOutcome, logger: Logger): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      this.server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
        const url = new URL(request.url ?? '/', `http://127.0.0.1:${this.port}`);
        const hostIsOurs = request.headers.host === `127.0.0.1:${this.port}`;
        if (request.method !== 'GET' || url.pathname !== LOOPBACK_CALLBACK_PATH || !hostIsOurs) {
          response.writeHead(404, PAGE_HEADERS).end(page('Not found', 'Nothing here.'));
          return;
        }
        const outcome = decide(url.searchParams);
        if (outcome.kind === 'ignored') {
          logger.debug(`Loopback server ignored a request (${outcome.reason})`);
          response.writeHead(400, PAGE_HEADERS).end(loopbackPages.unknown());
          return;
        }
        response.writeHead(200, PAGE_HEADERS).end(outcome.kind === 'code' ? loopbackPages.signedIn() : loopbackPages.failed(), () => void this.close());
        resolve(outcome);
      });
    });
  }

  public close(): Promise<void> {
    if (!this.server.listening) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** RFC 8252 loopback redirect: the browser comes back to a port on this machine. */
export class LoopbackFlow implements SignInFlow {
  public readonly kind = 'loopback' as const;
  public readonly label = 'your browser and a temporary local port (loopback)';

  public async run(context: AttemptContext): Promise<SignInResult> {
    const server = await LoopbackServer.listen();
    try {
      return await runRedirectAttempt(context, { flow: 'loopback', redirectUri: server.redirectUri, callbackPath: LOOPBACK_CALLBACK_PATH }, (pending) => ({
        outcome: server.waitForCallback(
          (query) => validateCallback({ path: LOOPBACK_CALLBACK_PATH, query, accepts: (candidate) => candidate === pending }, context.pendingSignIns),
          context.logger,
        ),
        dispose: () => void server.close(),
      }));
    } finally {
      await server.close();
    }
  }
}

// The test SMTP submission server: implicit TLS (or STARTTLS required), XOAUTH2 only, tokens checked by introspection (active,
// issued for the mail resource with the `mail` scope, belonging to the user in the XOAUTH2 payload),
// senders other than that user refused, local recipients delivered to Dovecot over LMTP.
import type { AddressInfo } from 'node:net';
import type { SMTPServerAuthentication, SMTPServerAuthenticationResponse, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { Introspector } from './introspectionClient';
import { loadTlsFixtures } from './tlsFixtures';

export interface SubmittedMessage {
  /** The authenticated user (also the envelope sender). */
  from: string;
  to: string[];
  raw: Buffer;
  /** When the server accepted it (Date.now()), for counting sends per minute. */
  acceptedAtMs: number;
}

export interface SmtpSubmissionOptions {
  /** `implicit`: TLS from the first byte (port 465 style); `starttls`: plain until STARTTLS, which AUTH requires (587 style). */
  tlsMode: 'implicit' | 'starttls';
  introspector: Introspector;
  scope: string;
  resource: string;
  localDomain: string;
  deliverLocally(envelope: { from: string; to: string[] }, raw: Buffer): Promise<void>;
  /** Called for every accepted message (local and remote recipients alike); the answer waits for a promise it returns. */
  onSubmitted(message: SubmittedMessage): unknown;
  /** A provider's own refusal of a valid sign-in (Microsoft: SMTP AUTH turned off for the mailbox), as `5.x.x text`. */
  refuseAuthentication?(user: string): string | undefined;
  /** Each step of a submission (data read, delivered, answered), for explaining a send that stalls. */
  onStep?(step: string): void;
}

export interface SmtpSubmission {
  port: number;
  stop(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

class SmtpError extends Error {
  constructor(
    message: string,
    readonly responseCode: number,
  ) {
    super(message);
  }
}

function audienceIncludes(audience: unknown, resource: string): boolean {
  return audience === resource || (Array.isArray(audience) && audience.includes(resource));
}

function readStream(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export async function startSmtpSubmission(options: SmtpSubmissionOptions): Promise<SmtpSubmission> {
  const tls = loadTlsFixtures();

  const authenticate = async (auth: SMTPServerAuthentication): Promise<string | undefined> => {
    const username = auth.username?.trim().toLowerCase();
    if (auth.method !== 'XOAUTH2' || !username || !auth.accessToken) return undefined;
    const result = await options.introspector.introspect(auth.accessToken);
    const scopes = typeof result.scope === 'string' ? result.scope.split(' ') : [];
    const email = typeof result.email === 'string' ? result.email.toLowerCase() : undefined;
    const valid = result.active && scopes.includes(options.scope) && audienceIncludes(result.aud, options.resource) && email === username;
    return valid ? username : undefined;
  };

  // Loaded on first use so that importing the stack module stays cheap.
  const { SMTPServer } = await import('smtp-server');
  const server = new SMTPServer({
    secure: options.tlsMode === 'implicit',
    key: tls.key,
    cert: tls.cert,
    name: '127.0.0.1',
    banner: 'Mailroom test submission server',
    authMethods: ['XOAUTH2'],
    authOptional: false,
    // On the STARTTLS port, AUTH before STARTTLS is refused (smtp-server's allowInsecureAuth stays off).
    disabledCommands: options.tlsMode === 'implicit' ? ['STARTTLS'] : [],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    closeTimeout: 200,
    onAuth(
      auth: SMTPServerAuthentication,
      _session: SMTPServerSession,
      callback: (error: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void,
    ): void {
      authenticate(auth).then(
        (user) => {
          const refusal = user ? options.refuseAuthentication?.(user) : undefined;
          if (refusal) callback(new SmtpError(refusal, 535));
          else if (user) callback(null, { user });
          else callback(null, { data: { status: '401', schemes: 'bearer', scope: options.scope } });
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
    onMailFrom(address, session, callback): void {
      if (typeof session.user !== 'string' || address.address.toLowerCase() !== session.user) {
        callback(new SmtpError(`5.7.1 Sender <${address.address}> is not the authenticated user`, 553));
        return;
      }
      callback();
    },
    onData(stream, session, callback): void {
      const step = (text: string): void => options.onStep?.(`${session.id}: ${text}`);
      step(`DATA from ${String(session.user)} to ${session.envelope.rcptTo.map((recipient) => recipient.address).join(', ')}`);
      readStream(stream)
        .then(async (raw) => {
          step(`read ${raw.length} bytes`);
          if (stream.sizeExceeded) throw new SmtpError('5.3.4 Message too big', 552);
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address.toLowerCase() : String(session.user);
          const to = session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase());
          const local = to.filter((recipient) => recipient.endsWith(`@${options.localDomain}`));
          if (local.length) {
            step(`delivering to ${local.join(', ')} over LMTP`);
            await options.deliverLocally({ from, to: local }, raw);
            step('delivered');
          }
          await options.onSubmitted({ from, to, raw, acceptedAtMs: Date.now() });
        })
        .then(
          () => {
            step('answered 250');
            callback();
          },
          (error: unknown) => {
            step(`answered with an error: ${String(error)}`);
            callback(error instanceof Error ? error : new Error(String(error)));
          },
        );
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
  });

  return {
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// The local test/demo stack: an OpenID Connect provider, Dovecot (IMAP + LMTP) and an SMTP submission
// server, on loopback with ephemeral ports and the committed test CA. See the contract in TEAM.md.
//
// Notes for users of the stack (deviations from, or details beyond, the written contract):
// - oidc-provider follows OpenID Connect Core §11: `offline_access` (and so a refresh token) is granted
//   only when the authorization request also carries `prompt=consent`. Consent itself is automatic.
// - Access tokens are opaque and issued for the resource `urn:mailroom:mail` (the default resource, no
//   `resource` parameter needed) with scope `mail`; they cannot be used at the userinfo endpoint, so the
//   ID token carries `email` directly.
// - The providers (issuer, attacker, forwarder) listen on 127.0.0.2, not 127.0.0.1: code-server rewrites
//   127.0.0.1/localhost links opened from the editor into its port proxy (see identityProvider.ts).
//   The mail servers stay on 127.0.0.1.
// - `sub` is NOT the email address (e.g. `user-alice-7f3a`); the `email` claim is.
// - The `<issuer>/redirect` forwarder is accepted as a redirect URI of both native clients although
//   oidc-provider forbids https loopback URIs for native clients (allowed explicitly by the stack).
// - `authorize()` stops at the first redirect that leaves the provider's own pages, so with the
//   forwarder as redirect URI it returns the `<issuer>/redirect?...` URL (GET it to be forwarded).
// - The SMTP server does not store a copy in Sent (like most IMAP providers, unlike Gmail): the client
//   appends its own. `users[].username` is the login name (`alice`); the sign-in form takes the email too.
// - Additions to the contract: mailResource, loopbackRedirectUri, forwarderUrl, smtpStartTls, submissions, fixture,
//   dovecotConfigFile, doveadm(), dovecotLog(), dovecotProcessIds(), issuedTokens(); see test/stack/README.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { completeAuthorization } from './browserAgent';
import type { Credentials } from './browserAgent';
import { SPECIAL_USE_FOLDERS, startDovecot } from './dovecot';
import {
  CLIENT_ID,
  INTROSPECTION_CLIENT_ID,
  LOOPBACK_REDIRECT_URI,
  MAIL_RESOURCE,
  MAIL_SCOPE,
  SHORT_LIVED_CLIENT_ID,
  startIdentityProvider,
} from './identityProvider';
import type { IdentityProvider } from './identityProvider';
import { createIntrospector } from './introspectionClient';
import type { IntrospectionResult, Introspector } from './introspectionClient';
import { deliverOverLmtp } from './lmtpClient';
import type { CredentialKind } from './memoryAdapter';
import { writeMaildirMessages } from './maildirWriter';
import { seedFixtureMailbox } from './fixtureMailbox';
import type { FixtureSummary } from './fixtureMailbox';
import { startSmtpSubmission } from './smtpSubmission';
import { STACK_DIRECTORY_PREFIX, recordOwner, removeStaleStacks } from './staleStacks';
import type { SubmittedMessage } from './smtpSubmission';
import { syntheticMessages } from './syntheticMessages';
import { MAIL_DOMAIN, TEST_USERS, findUserByEmail, findUserBySubject } from './testUsers';
import type { TestUser } from './testUsers';
import { loadTlsFixtures } from './tlsFixtures';

export type { SubmittedMessage } from './smtpSubmission';
export type { CredentialKind } from './memoryAdapter';
export type { FixtureSummary } from './fixtureMailbox';
export { isPortClosed } from './ports';
export { removeStaleStacks } from './staleStacks';

export interface StackOptions {
  /** Also start a second, independent provider (same clients and users) for mix-up tests. */
  attacker?: boolean;
  /** `fixture` loads a realistic mailbox for alice; default `none`. */
  seed?: 'fixture' | 'none';
  /** Access-token lifetime of `shortLivedClientId`, in seconds (default 5). */
  tokenTtlSeconds?: number;
}

/** A code or token one of the stack's providers handed out. */
export interface IssuedToken {
  issuer: string;
  kind: CredentialKind;
  /** The value the client received. */
  value: string;
  clientId: string | undefined;
  /** The user it was issued for (undefined for client credentials). */
  email: string | undefined;
}

export interface StackUser {
  username: string;
  password: string;
  email: string;
}

export interface Stack {
  /** PEM of the committed test CA (trust it with NODE_EXTRA_CA_CERTS / `ca`). */
  caFile: string;
  /** https://127.0.0.2:<port> (discovery at /.well-known/openid-configuration); see IDENTITY_PROVIDER_HOST. */
  issuer: string;
  /** Second independent provider, present when started with `attacker: true`. */
  attackerIssuer?: string;
  /** Public native client, PKCE required, no client authentication. */
  clientId: string;
  /** Same as `clientId` but access tokens live `tokenTtlSeconds`. */
  shortLivedClientId: string;
  mailScope: string;
  /** The resource (RFC 8707) the mail scope belongs to; it is the default, so clients need not send it. */
  mailResource: string;
  /** `http://127.0.0.1/callback`; any port is accepted (RFC 8252). */
  loopbackRedirectUri: string;
  /** `<issuer>/redirect`, the forwarding page. */
  forwarderUrl: string;
  users: StackUser[];
  imap: { host: '127.0.0.1'; port: number };
  smtp: { host: '127.0.0.1'; port: number };
  /** The same submission server on a plain port where STARTTLS is required before AUTH (587 style). */
  smtpStartTls: { host: '127.0.0.1'; port: number };
  /** Every message accepted by the SMTP server, in order (including those for non-local recipients). */
  submissions: SubmittedMessage[];
  /** The submission server's steps for each message (data read, delivered over LMTP, answered), timestamped. */
  submissionLog(): string;
  /** What `seed: 'fixture'` put into alice's mailbox (undefined without it). */
  fixture?: FixtureSummary;
  /** Dovecot's generated config, for `doveadm -c`. */
  dovecotConfigFile: string;
  /** Runs `doveadm -c <config> …` (e.g. `['fetch', '-u', email, 'uid', 'mailbox', 'INBOX', 'all']`). */
  doveadm(args: string[]): Promise<string>;
  /** Recent Dovecot log output, for diagnosing refused logins (set `auth_verbose` in dovecot.ts if needed). */
  dovecotLog(): string;
  /** PIDs of every running process of this Dovecot instance (for leak checks). */
  dovecotProcessIds(): number[];
  /**
   * Completes an authorization request like a person would (GET the URL, POST the login form, consent)
   * and returns the final redirect URL (with code/state/iss or error) WITHOUT following it.
   * Works for either issuer. Defaults to alice. Also completes a device authorization: pass the
   * `verification_uri_complete`; it then returns the URL of the provider's "signed in" page.
   */
  authorize(authorizationUrl: string, user?: { username: string; password: string }, options?: { deny?: boolean }): Promise<string>;
  /** RFC 7662 introspection of any token at the issuer (or at `issuer`, e.g. the attacker issuer). */
  introspect(token: string, issuer?: string): Promise<{ active: boolean; [claim: string]: unknown }>;
  /** Revokes every grant of a user at both issuers (as if they removed the app's access at the provider). */
  revokeUserGrants(email: string): Promise<void>;
  /**
   * Test-only: every authorization code, device code, access and refresh token either issuer handed out
   * since the stack started, oldest first, including consumed, rotated, revoked and expired ones (for
   * introspection after sign-out and for leak scans).
   */
  issuedTokens(): IssuedToken[];
  /** LMTP delivery into the recipient's INBOX. */
  deliver(to: string, raw: string | Buffer): Promise<void>;
  /** Writes `count` synthetic messages into `folder` (created if missing) directly as Maildir files. */
  seedLargeFolder(email: string, folder: string, count: number): Promise<void>;
  /** Stops every server; nothing is left running, no port stays bound, the temp directory is removed. */
  stop(): Promise<void>;
}

const DEFAULT_SHORT_TOKEN_TTL_SECONDS = 5;

/**
 * Prefers a memory file system: creating 100,000 Maildir files on a disk takes minutes under load, on
 * tmpfs a few seconds. MAILROOM_STACK_TMPDIR overrides the choice.
 */
export function temporaryBase(): string {
  const override = process.env.MAILROOM_STACK_TMPDIR;
  if (override) return override;
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}

function envelopeSender(raw: string | Buffer): string {
  const text = (Buffer.isBuffer(raw) ? raw.toString('latin1') : raw).split(/\r?\n\r?\n/, 1)[0];
  const from = /^From:.*?<?([^\s<>@]+@[^\s<>]+?)>?\s*$/im.exec(text);
  return from ? from[1] : '';
}

/** The value of a settled promise, or its error thrown (after the caller registered what did start). */
function settledValue<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

function requireUser(email: string): TestUser {
  const user = findUserByEmail(email);
  if (!user) throw new Error(`no such test user: ${email}`);
  return user;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const tls = loadTlsFixtures();
  const base = temporaryBase();
  removeStaleStacks(base);
  const directory = fs.mkdtempSync(path.join(base, STACK_DIRECTORY_PREFIX));
  recordOwner(directory);
  const stoppers: (() => Promise<void>)[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const results = await Promise.allSettled(stoppers.map((stopOne) => stopOne()));
    const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    fs.rmSync(directory, { recursive: true, force: true });
    if (errors.length) throw new AggregateError(errors, 'the stack did not stop cleanly');
  };

  try {
    const providerOptions = { shortLivedTokenTtlSeconds: options.tokenTtlSeconds ?? DEFAULT_SHORT_TOKEN_TTL_SECONDS };
    const [provider, attacker] = await Promise.all([
      startIdentityProvider({ ...providerOptions, role: 'issuer' }),
      options.attacker ? startIdentityProvider({ ...providerOptions, role: 'attacker' }) : Promise.resolve(undefined),
    ]);
    stoppers.push(provider.stop);
    const providers: IdentityProvider[] = [provider];
    if (attacker) {
      stoppers.push(attacker.stop);
      providers.push(attacker);
    }

    const introspectorOf = (each: IdentityProvider): Introspector =>
      createIntrospector(`${each.issuer}/token/introspection`, INTROSPECTION_CLIENT_ID, each.introspectionClientSecret, tls.ca);
    const introspectors = new Map(providers.map((each) => [each.issuer, introspectorOf(each)]));
    const introspectionEndpoint = `${provider.issuer}/token/introspection`;
    const introspector = introspectorOf(provider);
    const introspectionUrlWithCredentials = new URL(introspectionEndpoint);
    introspectionUrlWithCredentials.username = INTROSPECTION_CLIENT_ID;
    introspectionUrlWithCredentials.password = provider.introspectionClientSecret;

    const submissions: SubmittedMessage[] = [];
    const submissionSteps: string[] = [];
    const noteSubmissionStep = (step: string): void => void submissionSteps.push(`${new Date().toISOString()} ${step}`);
    const dovecotStarting = startDovecot({ directory, introspectionUrl: introspectionUrlWithCredentials.href, scope: MAIL_SCOPE });
    const deliver = async (envelope: { from: string; to: string[] }, raw: string | Buffer): Promise<void> =>
      deliverOverLmtp((await dovecotStarting).lmtpPort, envelope, raw, (reply) => noteSubmissionStep(`LMTP ${reply}`));
    const smtpOptions = {
      introspector,
      scope: MAIL_SCOPE,
      resource: MAIL_RESOURCE,
      localDomain: MAIL_DOMAIN,
      deliverLocally: deliver,
      onSubmitted: (message: SubmittedMessage) => submissions.push(message),
      onStep: noteSubmissionStep,
    };
    const smtpStarting = startSmtpSubmission({ ...smtpOptions, tlsMode: 'implicit' });
    const smtpStartTlsStarting = startSmtpSubmission({ ...smtpOptions, tlsMode: 'starttls' });
    const [dovecotResult, smtpResult, smtpStartTlsResult, ...providersReady] = await Promise.allSettled([
      dovecotStarting,
      smtpStarting,
      smtpStartTlsStarting,
      ...providers.map((each) => each.ready),
    ]);
    for (const result of [dovecotResult, smtpResult, smtpStartTlsResult]) if (result.status === 'fulfilled') stoppers.push(result.value.stop);
    const runningDovecot = settledValue(dovecotResult);
    const smtp = settledValue(smtpResult);
    const smtpStartTls = settledValue(smtpStartTlsResult);
    providersReady.forEach(settledValue);

    const fixture = options.seed === 'fixture' ? await seedFixtureMailbox(runningDovecot, TEST_USERS[0].email) : undefined;

    return {
      caFile: tls.caFile,
      issuer: provider.issuer,
      attackerIssuer: attacker?.issuer,
      clientId: CLIENT_ID,
      shortLivedClientId: SHORT_LIVED_CLIENT_ID,
      mailScope: MAIL_SCOPE,
      mailResource: MAIL_RESOURCE,
      loopbackRedirectUri: LOOPBACK_REDIRECT_URI,
      forwarderUrl: `${provider.issuer}/redirect`,
      users: TEST_USERS.map(({ username, password, email }) => ({ username, password, email })),
      imap: { host: '127.0.0.1', port: runningDovecot.imapPort },
      smtp: { host: '127.0.0.1', port: smtp.port },
      smtpStartTls: { host: '127.0.0.1', port: smtpStartTls.port },
      submissions,
      submissionLog: () => submissionSteps.join('\n'),
      fixture,
      dovecotConfigFile: runningDovecot.configFile,
      doveadm: (args) => runningDovecot.doveadm(args),
      dovecotLog: () => runningDovecot.log(),
      dovecotProcessIds: () => runningDovecot.processIds(),
      authorize: (authorizationUrl: string, user?: Credentials, authorizeOptions?: { deny?: boolean }) => {
        const target = new URL(authorizationUrl);
        const owner = providers.find((candidate) => new URL(candidate.issuer).origin === target.origin);
        if (!owner) throw new Error(`not an authorization URL of this stack: ${target.origin}`);
        return completeAuthorization(authorizationUrl, owner.issuer, tls.ca, user ?? TEST_USERS[0], authorizeOptions);
      },
      introspect: (token: string, issuer = provider.issuer): Promise<IntrospectionResult> => {
        const at = introspectors.get(issuer);
        if (!at) throw new Error(`not an issuer of this stack: ${issuer}`);
        return at.introspect(token);
      },
      revokeUserGrants: async (email: string) => {
        const subject = requireUser(email).subject;
        for (const each of providers) each.revokeGrantsOfAccount(subject);
      },
      issuedTokens: () =>
        providers.flatMap((each) =>
          each.issuedCredentials().map(({ kind, value, clientId, accountId }) => ({
            issuer: each.issuer,
            kind,
            value,
            clientId,
            email: accountId === undefined ? undefined : findUserBySubject(accountId)?.email,
          })),
        ),
      deliver: (to: string, raw: string | Buffer) => deliver({ from: envelopeSender(raw), to: [to] }, raw),
      seedLargeFolder: async (email: string, folder: string, count: number) => {
        const address = requireUser(email).email;
        await writeMaildirMessages(runningDovecot.homeOf(address), folder, syntheticMessages(address, count), runningDovecot.mailOwner);
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

export { SPECIAL_USE_FOLDERS };

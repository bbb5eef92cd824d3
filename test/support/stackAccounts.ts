// Test-only MailAccounts for stack-backed sending tests: signs a stack user in with the authorization
// code grant + PKCE (oauth4webapi), hands out access tokens for the account's own mail hosts only,
// refreshes on request and counts token requests. Not the product's token manager: the point is to
// test the mail layer against real tokens, real Dovecot and the real SMTP server.
import type * as OAuth from 'oauth4webapi' with { 'resolution-mode': 'import' };
import type { MailAccount, MailAccounts, ProviderKind } from '../../src/auth/accountApi';
import { MailroomError } from '../../src/util/errors';
import type { Stack } from '../stack';

type OAuthModule = typeof OAuth;

interface Grant {
  /** The hosts this account's token may go to, fixed at sign-in (like a provider preset's list). */
  allowedHosts: string[];
  accessToken: string;
  refreshToken: string | undefined;
}

export class StackMailAccounts implements MailAccounts {
  /** The host each refresh (token endpoint call, code exchange excluded) was made for. */
  public readonly refreshHosts: string[] = [];
  public readonly signInRequired: { accountId: string; reason: string }[] = [];
  /** Every host a token was asked for. */
  public readonly tokenHosts: string[] = [];
  private readonly accounts: MailAccount[] = [];
  private readonly grants = new Map<string, Grant>();

  private constructor(
    private readonly oauth: OAuthModule,
    private readonly server: OAuth.AuthorizationServer,
    private readonly client: OAuth.Client,
  ) {}

  /** Discovery against the stack's issuer; NODE_EXTRA_CA_CERTS makes fetch trust the test CA. */
  public static async create(stack: Stack, clientId = stack.clientId): Promise<StackMailAccounts> {
    const oauth = await import('oauth4webapi');
    const issuer = new URL(stack.issuer);
    const server = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer));
    return new StackMailAccounts(oauth, server, { client_id: clientId });
  }

  /** Signs the stack's user with this address in (see signInAs); the set-up most stack tests and benchmarks share. */
  public async signInByEmail(stack: Stack, email: string): Promise<MailAccount> {
    const user = stack.users.find((candidate) => candidate.email === email);
    if (!user) {
      throw new Error(`the stack has no user ${email}`);
    }
    return this.signInAs(stack, user);
  }

  /** Signs `user` in like a person would and registers the account with the stack's mail hosts. */
  public async signInAs(stack: Stack, user: { username: string; password: string; email: string }, overrides: Partial<MailAccount> = {}): Promise<MailAccount> {
    const { oauth, server, client } = this;
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const redirectUri = 'http://127.0.0.1:53682/callback';
    const url = new URL(String(server.authorization_endpoint));
    url.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: `openid email offline_access ${stack.mailScope}`,
      prompt: 'consent',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    const callback = await stack.authorize(url.href, user);
    const parameters = oauth.validateAuthResponse(server, client, new URL(callback), state);
    const response = await oauth.authorizationCodeGrantRequest(server, client, oauth.None(), parameters, redirectUri, verifier);
    const tokens = await oauth.processAuthorizationCodeResponse(server, client, response);
    const account: MailAccount = {
      id: `${stack.issuer}|${user.email}`,
      provider: 'oidc',
      email: user.email,
      imap: { host: stack.imap.host, port: stack.imap.port, implicitTls: true },
      smtp: { host: stack.smtp.host, port: stack.smtp.port, implicitTls: true },
      serverSavesSent: false,
      ...overrides,
    };
    this.accounts.push(account);
    this.grants.set(account.id, { allowedHosts: [account.imap.host, account.smtp.host], accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
    return account;
  }

  public list(): readonly MailAccount[] {
    return this.accounts;
  }

  public readonly onDidChangeAccounts = (): { dispose(): void } => ({ dispose: () => undefined });

  public async getAccessToken(accountId: string, host: string, options?: { forceRefresh?: boolean }): Promise<string> {
    const grant = this.grants.get(accountId);
    if (!grant) {
      throw new MailroomError('SignInRequired', 'not signed in');
    }
    // The account's own mail hosts only, as the real token manager's allow-list does.
    if (!grant.allowedHosts.includes(host)) {
      throw new MailroomError('HostNotAllowed', `${host} is not a mail host of this account`);
    }
    this.tokenHosts.push(host);
    if (options?.forceRefresh) {
      this.refreshHosts.push(host);
      await this.refresh(accountId, grant);
    }
    return grant.accessToken;
  }

  /** Replaces the access token with one the servers will reject (as if it had expired). */
  public spoilAccessToken(accountId: string): void {
    const grant = this.grants.get(accountId);
    if (grant) {
      grant.accessToken = 'AT-SENTINEL-expired';
    }
  }

  public async signIn(_provider?: ProviderKind): Promise<MailAccount | undefined> {
    return undefined;
  }

  public requireSignIn(accountId: string, reason: string): void {
    this.signInRequired.push({ accountId, reason });
  }

  private async refresh(accountId: string, grant: Grant): Promise<void> {
    const { oauth, server, client } = this;
    if (!grant.refreshToken) {
      throw new MailroomError('SignInRequired', 'no refresh token');
    }
    try {
      const response = await oauth.refreshTokenGrantRequest(server, client, oauth.None(), grant.refreshToken);
      const tokens = await oauth.processRefreshTokenResponse(server, client, response);
      grant.accessToken = tokens.access_token;
      grant.refreshToken = tokens.refresh_token ?? grant.refreshToken;
    } catch (error) {
      throw new MailroomError('SignInRequired', `The grant of ${accountId} is gone; sign in again.`, { cause: error, accountId });
    }
  }
}

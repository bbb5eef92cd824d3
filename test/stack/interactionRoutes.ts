// The provider's interaction endpoints: `/interaction/:uid` shows the sign-in form (or grants consent
// automatically), `/interaction/:uid/login` checks the password, `/interaction/:uid/abort` denies.
import type * as http from 'node:http';
import type { Provider } from './oidcProviderTypes';
import { renderLoginPage } from './loginPages';
import { findUserByLogin } from './testUsers';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

const MAX_FORM_BYTES = 64 * 1024;

function readForm(request: http.IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        reject(new Error('form too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    request.on('error', reject);
  });
}

function stringParam(interaction: Interaction, name: string): string {
  const value = interaction.params[name];
  return typeof value === 'string' ? value : '';
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function sendLoginPage(response: http.ServerResponse, interaction: Interaction, error?: string, login?: string): void {
  const html = renderLoginPage({
    uid: interaction.uid,
    clientName: stringParam(interaction, 'client_id'),
    scopes: stringParam(interaction, 'scope'),
    error,
    login: login ?? stringParam(interaction, 'login_hint'),
  });
  response.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // No form-action directive: browsers apply it to the redirects after the form, which leave this origin.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  });
  response.end(html);
}

/** Consent is automatic: grant exactly what the request is missing, like a user clicking "Allow". */
async function grantConsent(provider: Provider, request: http.IncomingMessage, response: http.ServerResponse, interaction: Interaction): Promise<void> {
  const accountId = interaction.session?.accountId;
  if (!accountId) throw new Error('consent without a signed-in session');
  const grant = interaction.grantId
    ? await provider.Grant.find(interaction.grantId)
    : new provider.Grant({ accountId, clientId: stringParam(interaction, 'client_id') });
  if (!grant) throw new Error('grant not found');
  const details = interaction.prompt.details;
  const missingScope = stringList(details.missingOIDCScope);
  if (missingScope.length) grant.addOIDCScope(missingScope.join(' '));
  const missingClaims = stringList(details.missingOIDCClaims);
  if (missingClaims.length) grant.addOIDCClaims(missingClaims);
  const missingResourceScopes = details.missingResourceScopes;
  if (missingResourceScopes && typeof missingResourceScopes === 'object') {
    for (const [indicator, scopes] of Object.entries(missingResourceScopes)) {
      grant.addResourceScope(indicator, stringList(scopes).join(' '));
    }
  }
  const grantId = await grant.save();
  const consent = interaction.grantId ? {} : { grantId };
  await provider.interactionFinished(request, response, { consent }, { mergeWithLastSubmission: true });
}

export async function handleInteraction(
  provider: Provider,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  uid: string,
  action: string | undefined,
): Promise<void> {
  const interaction = await provider.interactionDetails(request, response);
  if (interaction.uid !== uid) throw new Error('interaction mismatch');

  if (request.method === 'GET' && action === undefined) {
    if (interaction.prompt.name === 'login') {
      sendLoginPage(response, interaction);
    } else {
      await grantConsent(provider, request, response, interaction);
    }
    return;
  }
  if (request.method !== 'POST') throw new Error('unsupported method');

  if (action === 'abort') {
    await provider.interactionFinished(
      request,
      response,
      { error: 'access_denied', error_description: 'The user denied the request.' },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  if (action === 'login' && interaction.prompt.name === 'login') {
    const form = await readForm(request);
    const login = form.get('username') ?? '';
    const user = findUserByLogin(login);
    if (!user || form.get('password') !== user.password) {
      sendLoginPage(response, interaction, 'Wrong username or password.', login);
      return;
    }
    await provider.interactionFinished(request, response, { login: { accountId: user.subject } }, { mergeWithLastSubmission: false });
    return;
  }
  throw new Error('unexpected interaction step');
}

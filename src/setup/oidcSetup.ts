import { OAuthClient } from '../auth/oauthClient';
import { providerConfig } from '../auth/presets';
import type { ProviderSettings } from '../auth/providerConfig';
import { askText, notify, pickOne, withProgress } from '../ui/surfaces';
import type { UiText } from '../ui/text';
import { failureText, ui } from '../ui/text';
import type { SettingWrite } from './userSettings';
import { splitScopes, validateHost, validateIssuerUrl, validateOidcClientId, validateScopes } from './validation';

/** Requested whatever the person adds: an account is keyed on the ID token, and stays signed in with a refresh token. */
const BASE_SCOPES = ['openid', 'email', 'offline_access'];

type OidcSettings = ProviderSettings['oidc'];

async function ask(step: number, title: UiText, prompt: UiText, value: string, validate: (value: string) => UiText | undefined): Promise<string | undefined> {
  const answer = await askText({ title: ui`Set Up Your OpenID Connect Issuer (${step} of 6): ${title}`, prompt, value, ignoreFocusOut: true, validate });
  return answer?.trim();
}

function hostOf(issuer: string): string {
  try {
    return new URL(issuer).hostname;
  } catch {
    return '';
  }
}

/** Every answer, each prefilled with the last one (the settings, or what was typed before a failed check). */
async function askAll(draft: OidcSettings): Promise<OidcSettings | undefined> {
  const issuer = await ask(
    1,
    ui`Issuer URL`,
    ui`The issuer's https:// URL; Mailroom reads <issuer>/.well-known/openid-configuration.`,
    draft.issuer,
    validateIssuerUrl,
  );
  if (!issuer) {
    return undefined;
  }
  const clientId = await ask(2, ui`Client ID`, ui`A public client (no secret, PKCE) registered with the issuer.`, draft.clientId, validateOidcClientId);
  if (!clientId) {
    return undefined;
  }
  const imapHost = await ask(3, ui`IMAP Server`, ui`Host of your IMAP server (port ${draft.imap.port}, TLS).`, draft.imap.host || hostOf(issuer), validateHost);
  if (!imapHost) {
    return undefined;
  }
  const smtpHost = await ask(4, ui`SMTP Server`, ui`Host of your mail submission server.`, draft.smtp.host || imapHost, validateHost);
  if (!smtpHost) {
    return undefined;
  }
  const ports = [
    { port: 465, label: ui`465`, description: ui`TLS from the start (implicit TLS)` },
    { port: 587, label: ui`587`, description: ui`STARTTLS (required by Mailroom)` },
  ];
  if (!ports.some((choice) => choice.port === draft.smtp.port)) {
    // A server on another port (implicit TLS, as Mailroom uses on every port but 587) keeps it.
    ports.unshift({ port: draft.smtp.port, label: ui`${draft.smtp.port}`, description: ui`As set now (implicit TLS)` });
  }
  const smtpPort = await pickOne(ports, {
    title: ui`Set Up Your OpenID Connect Issuer (5 of 6): SMTP Port`,
    placeHolder: ui`Now: ${draft.smtp.port}`,
    ignoreFocusOut: true,
  });
  if (!smtpPort) {
    return undefined;
  }
  const extra = draft.scopes.filter((scope) => !BASE_SCOPES.includes(scope)).join(' ');
  const scopes = await askText({
    title: ui`Set Up Your OpenID Connect Issuer (6 of 6): Mail Scope`,
    prompt: ui`The scope your mail servers check, if any (separate several with spaces). Mailroom always asks for ${BASE_SCOPES.join(' ')}.`,
    value: extra,
    ignoreFocusOut: true,
    validate: validateScopes,
  });
  if (scopes === undefined) {
    return undefined;
  }
  return {
    ...draft,
    issuer,
    clientId,
    imap: { ...draft.imap, host: imapHost },
    smtp: { host: smtpHost, port: smtpPort.port },
    scopes: [...BASE_SCOPES, ...splitScopes(scopes).filter((scope) => !BASE_SCOPES.includes(scope))],
  };
}

/** Discovery as sign-in will do it: https, the issuer it claims to be, https endpoints. Resolves to the failure, if any. */
async function checkIssuer(settings: ProviderSettings, oidc: OidcSettings): Promise<unknown> {
  return withProgress({ title: ui`Checking ${oidc.issuer}…`, where: 'notification' }, async () => {
    try {
      await new OAuthClient(providerConfig('oidc', { ...settings, oidc })).metadata();
      return undefined;
    } catch (error) {
      return error;
    }
  });
}

/** Asks for a custom issuer's settings and checks the issuer; the settings to write, or undefined when abandoned. */
export async function askOidcSettings(settings: ProviderSettings): Promise<SettingWrite[] | undefined> {
  let draft = settings.oidc;
  for (;;) {
    const answered = await askAll(draft);
    if (!answered) {
      return undefined;
    }
    const failure = await checkIssuer(settings, answered);
    if (failure === undefined) {
      return [
        ['oidc.issuer', answered.issuer],
        ['oidc.clientId', answered.clientId],
        ['oidc.imap.host', answered.imap.host],
        ['oidc.smtp.host', answered.smtp.host],
        ['oidc.smtp.port', answered.smtp.port],
        ['oidc.scopes', answered.scopes],
      ];
    }
    const change = ui`Change Answers…`;
    if ((await notify('error', ui`Mailroom could not use ${answered.issuer} as your issuer. ${failureText(failure)}`, change)) !== change) {
      return undefined;
    }
    draft = answered;
  }
}

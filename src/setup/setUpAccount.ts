import * as vscode from 'vscode';
import type { MailAccount, ProviderKind } from '../auth/accountApi';
import { readProviderSettings } from '../auth/editorSurface';
import type { ProviderSettings } from '../auth/providerConfig';
import { PROVIDER_KINDS } from '../auth/providerConfig';
import { askText, notify, pickOne } from '../ui/surfaces';
import type { UiText } from '../ui/text';
import { ui } from '../ui/text';
import { askGoogleClientSecret } from './googleSecret';
import { askOidcSettings } from './oidcSetup';
import { writeUserSettings } from './userSettings';
import { validateClientId, validateTenant } from './validation';

/** What setup needs from the account service. */
export interface SetupAccounts {
  setClientSecret(kind: ProviderKind, secret: string): Promise<void>;
  signIn(provider: ProviderKind): Promise<MailAccount | undefined>;
}

const PROVIDER_CHOICES: readonly { kind: ProviderKind; label: UiText; detail: UiText }[] = [
  { kind: 'google', label: ui`Gmail`, detail: ui`A Google account. Needs an OAuth client of type "Desktop app" from the Google Cloud console.` },
  {
    kind: 'microsoft',
    label: ui`Microsoft 365 / Outlook.com`,
    detail: ui`A work, school or personal Microsoft account. Needs an app registration in Microsoft Entra.`,
  },
  {
    kind: 'oidc',
    label: ui`Your own OpenID Connect issuer`,
    detail: ui`For example Keycloak with your own IMAP and SMTP servers. Needs a public client registered with the issuer.`,
  },
];

export function isProviderKind(value: unknown): value is ProviderKind {
  return typeof value === 'string' && (PROVIDER_KINDS as readonly string[]).includes(value);
}

async function askClientId(kind: ProviderKind, title: UiText, prompt: UiText, current: string): Promise<string | undefined> {
  const value = await askText({ title, prompt, value: current, ignoreFocusOut: true, validate: (typed) => validateClientId(kind, typed) });
  return value?.trim();
}

async function setUpGoogle(settings: ProviderSettings, accounts: SetupAccounts): Promise<boolean> {
  const clientId = await askClientId(
    'google',
    ui`Set Up Gmail (1 of 2): Client ID`,
    ui`Google Cloud console → APIs & Services → Credentials → your OAuth client of type "Desktop app" → Client ID.`,
    settings.google.clientId,
  );
  if (!clientId) {
    return false;
  }
  const secret = await askGoogleClientSecret(ui`Set Up Gmail (2 of 2): Client Secret`);
  if (!secret) {
    return false;
  }
  await writeUserSettings([['google.clientId', clientId]]);
  await accounts.setClientSecret('google', secret);
  return true;
}

const TENANT_CHOICES: readonly { tenant: string | undefined; label: UiText; description: UiText; detail: UiText }[] = [
  {
    tenant: 'common',
    label: ui`Any Microsoft account`,
    description: ui`common`,
    detail: ui`Work, school and personal accounts (Outlook.com, Hotmail). Matches "Accounts in any organizational directory and personal Microsoft accounts".`,
  },
  {
    tenant: 'organizations',
    label: ui`Work or school accounts`,
    description: ui`organizations`,
    detail: ui`Accounts of any Microsoft 365 organisation; personal accounts are refused.`,
  },
  {
    tenant: 'consumers',
    label: ui`Personal accounts only`,
    description: ui`consumers`,
    detail: ui`Outlook.com, Hotmail and Live accounts; work and school accounts are refused.`,
  },
  {
    tenant: undefined,
    label: ui`One organisation only…`,
    description: ui`tenant ID or domain`,
    detail: ui`Only your organisation's accounts: enter its Directory (tenant) ID or domain next.`,
  },
];

async function askTenant(current: string): Promise<string | undefined> {
  const picked = await pickOne(TENANT_CHOICES, {
    title: ui`Set Up Microsoft 365 / Outlook.com (2 of 2): Who Signs In`,
    placeHolder: ui`Pick what your app registration's "Supported account types" allow (now: ${current}).`,
    ignoreFocusOut: true,
    matchOnDescription: true,
  });
  if (!picked || picked.tenant) {
    return picked?.tenant;
  }
  const own = await askText({
    title: ui`Set Up Microsoft 365 / Outlook.com: Your Tenant`,
    prompt: ui`Microsoft Entra admin center → Overview → Tenant ID, or a domain of your tenant.`,
    value: TENANT_CHOICES.some((choice) => choice.tenant === current) ? '' : current,
    ignoreFocusOut: true,
    validate: validateTenant,
  });
  return own?.trim() || undefined;
}

async function setUpMicrosoft(settings: ProviderSettings): Promise<boolean> {
  const clientId = await askClientId(
    'microsoft',
    ui`Set Up Microsoft 365 / Outlook.com (1 of 2): Client ID`,
    ui`Microsoft Entra admin center → App registrations → your app → Overview → Application (client) ID.`,
    settings.microsoft.clientId,
  );
  if (!clientId) {
    return false;
  }
  const tenant = await askTenant(settings.microsoft.tenant);
  if (!tenant) {
    return false;
  }
  await writeUserSettings([
    ['microsoft.clientId', clientId],
    ['microsoft.tenant', tenant],
  ]);
  return true;
}

async function setUpOidc(settings: ProviderSettings): Promise<boolean> {
  const writes = await askOidcSettings(settings);
  if (!writes) {
    return false;
  }
  await writeUserSettings(writes);
  return true;
}

/**
 * "Mailroom: Set Up Account…": the provider, its client ID (checked as typed), the Google client
 * secret into secret storage, the Microsoft tenant, or a custom issuer checked by discovery; the
 * settings are written for the user, then sign-in starts. Nothing is written until every answer is in.
 */
export async function setUpAccount(accounts: SetupAccounts, requested?: unknown): Promise<MailAccount | undefined> {
  const kind = isProviderKind(requested)
    ? requested
    : (await pickOne(PROVIDER_CHOICES, { title: ui`Set Up a Mail Account`, placeHolder: ui`Where is your mailbox?`, ignoreFocusOut: true }))?.kind;
  if (!kind) {
    return undefined;
  }
  const settings = readProviderSettings();
  const done = kind === 'google' ? await setUpGoogle(settings, accounts) : kind === 'microsoft' ? await setUpMicrosoft(settings) : await setUpOidc(settings);
  if (!done) {
    return undefined;
  }
  const account = await accounts.signIn(kind);
  if (account) {
    const openInbox = ui`Open Inbox`;
    if ((await notify('info', ui`Signed in to Mailroom as ${account.email}.`, openInbox)) === openInbox) {
      await vscode.commands.executeCommand('workbench.view.extension.mailroom');
    }
  }
  return account;
}

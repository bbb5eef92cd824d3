// The product's Gmail or Microsoft preset, signed in through the real sign-in graph (test/unit/auth/harness.ts
// builds it with buildAuthentication) against a provider profile of the local stack, with the real mail layer
// (sessions, SMTP sender, outbox) on top. Only the preset's hosts are moved, through the test-only
// src/auth/testPresetEndpoints.ts; everything else is the preset as shipped.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { MailAccount } from '../../../src/auth/accountApi';
import { providerConfig } from '../../../src/auth/presets';
import type { ProviderSettings } from '../../../src/auth/providerConfig';
import { usePresetEndpointsForTests } from '../../../src/auth/testPresetEndpoints';
import { DraftStore } from '../../../src/mail/drafts';
import { ImapDraftsFolder } from '../../../src/mail/draftsFolder';
import { appendToSpecialUse } from '../../../src/mail/folders';
import { Outbox } from '../../../src/mail/outbox';
import type { OutgoingMessage } from '../../../src/mail/outgoing';
import { SendRateLimiter } from '../../../src/mail/sendRateLimiter';
import { SmtpSender } from '../../../src/mail/sender';
import { MailSessions } from '../../../src/mail/connection';
import type { Logger } from '../../../src/util/log';
import { deliverRedirect, oidcSettings } from '../../support/auth/fakes';
import { Harness } from '../../support/auth/harness';
import type { HarnessOptions } from '../../support/auth/harness';
import { testLogger } from '../../support/logging';
import { TEST_USERS } from '../testUsers';
import type { TestUser } from '../testUsers';
import type { ProviderProfile } from '../profiles';

export const ALICE: TestUser = TEST_USERS[0];
export const BOB: TestUser = TEST_USERS[1];

/** Where the preset's real endpoints point, per provider: every origin of its endpoints → the profile issuer. */
const PRESET_ORIGINS: Readonly<Record<ProviderProfile['kind'], readonly string[]>> = {
  google: ['https://accounts.google.com', 'https://oauth2.googleapis.com', 'https://openidconnect.googleapis.com'],
  microsoft: ['https://login.microsoftonline.com'],
};

/** Moves the preset of the profile's kind to the profile's hosts until the returned function is called. */
export function movePresetTo(profile: ProviderProfile): () => void {
  usePresetEndpointsForTests(profile.kind, {
    issuerOriginsForTests: Object.fromEntries(PRESET_ORIGINS[profile.kind].map((origin) => [origin, profile.issuer.origin])),
    imapForTests: profile.imap,
    smtpForTests: profile.smtp,
  });
  return () => usePresetEndpointsForTests(profile.kind, undefined);
}

export function settingsFor(profile: ProviderProfile, tenant = 'common'): ProviderSettings {
  const base = oidcSettings('https://unused.invalid', 'unused');
  return profile.kind === 'google' ? { ...base, google: { clientId: profile.clientId } } : { ...base, microsoft: { clientId: profile.clientId, tenant } };
}

/** The sign-in graph with the person in the browser signing in as `user` at the profile's issuer. */
export function presetHarness(profile: ProviderProfile, options: { user?: TestUser; tenant?: string } & Partial<HarnessOptions> = {}): Harness {
  const user = options.user ?? ALICE;
  return new Harness({
    configFor: (kind) => providerConfig(kind, settingsFor(profile, options.tenant)),
    environment: { extensionHost: 'local', uiKind: 'desktop' },
    browser: async (url, harness) => deliverRedirect(await profile.issuer.authorize(url, user), (uri) => harness.router.handleUri(uri)),
    ...options,
  });
}

/** The mail layer over the harness's accounts, as the extension wires it. */
export class MailWorld {
  public readonly lines: string[] = [];
  public readonly logger: Logger;
  public readonly sessions: MailSessions;
  public readonly outbox: Outbox;
  private readonly draftsDirectory: string;

  public constructor(harness: Harness) {
    this.logger = testLogger((line) => void this.lines.push(line));
    const accounts = harness.service;
    this.sessions = new MailSessions({ accounts, logger: this.logger });
    this.draftsDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-provider-drafts-'));
    const find = (id: string): MailAccount | undefined => accounts.list().find((account) => account.id === id);
    const drafts = new DraftStore(this.draftsDirectory, this.logger, new ImapDraftsFolder(find, (account) => this.sessions.get(account)));
    const sender = new SmtpSender({
      accounts,
      logger: this.logger,
      rateLimiter: new SendRateLimiter(() => 30),
      maxMessageBytes: () => 10 * 1024 * 1024,
      connectTimeoutMs: 5_000,
    });
    this.outbox = new Outbox({
      sender,
      drafts,
      logger: this.logger,
      fileInSent: async (account, raw) => void (await appendToSpecialUse(this.sessions.get(account), '\\Sent', raw, ['\\Seen'])),
    });
  }

  public async dispose(): Promise<void> {
    await this.sessions.dispose();
    fs.rmSync(this.draftsDirectory, { recursive: true, force: true });
  }
}

export function plainMessage(from: string, to: string, subject: string): OutgoingMessage {
  return {
    from: { address: from },
    to: [{ address: to }],
    cc: [],
    bcc: [],
    subject,
    text: `Body of ${subject}.\n`,
    html: `<p>Body of ${subject}.</p>`,
    attachments: [],
  };
}

export function rawMessage(from: string, to: string, subject: string): string {
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Message-ID: <${Date.now()}.${Math.random()}@mailroom.test>`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of ${subject}.`,
    '',
  ].join('\r\n');
}

/** How many messages of `folder` carry this Message-ID, counted by the server (doveadm). */
export async function countByMessageId(profile: ProviderProfile, email: string, folder: string, messageId: string): Promise<number> {
  const found = await profile.doveadm(['search', '-u', email, 'mailbox', folder, 'header', 'Message-ID', messageId]);
  return found.split('\n').filter((line) => line.trim()).length;
}

/** The IMAP server's greeting, which lists the SASL mechanisms it offers before sign-in. */
export function imapGreeting(profile: ProviderProfile): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: profile.imap.host, port: profile.imap.port }, () => undefined);
    socket.once('data', (chunk: Buffer) => {
      resolve(chunk.toString('utf8'));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

/** Posts a token request to the profile issuer as a client would, outside Mailroom (for checking what the issuer accepts). */
export async function tokenRequest(tokenEndpoint: string, fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

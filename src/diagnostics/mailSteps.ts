import type { ListResponse } from 'imapflow';
import type { MailAccount, MailEndpoint } from '../auth/accountApi';
import type { ImapTimeouts } from '../mail/connection';
import { closeQuietly, imapClientOptions } from '../mail/connection';
import { findSpecialUse } from '../mail/folders';
import { smtpConnectionOptions } from '../mail/smtpTransport';
import { tlsFailureOf } from '../mail/tlsFailure';
import { isMailroomError } from '../util/errors';
import type { Logger } from '../util/log';
import type { CheckStepId, CheckStepResult } from './checkResult';
import { failed, passed } from './checkResult';
import { evidenceFromError, quoted, serverWords } from './failureEvidence';
import { recognizeMistake } from './knownMistakes';
import { ui } from '../ui/text';

/** What the mail steps need: an access token for one of the account's hosts, and where to log. */
export interface MailCheckDependencies {
  /** The account's access token for `host`, from the token manager (the host allow-list applies). */
  accessToken(host: string): Promise<string>;
  readonly logger: Logger;
  readonly timeouts: ImapTimeouts;
  /** The options object Check Account was built with, as given: only test wiring adds a test CA to it. */
  readonly testWiring: object;
}

const signInRefusedFix = (): string =>
  ui`Sign in again; if the server still refuses, the account may not be allowed this protocol or the token is for other servers (check the permissions).`.value;

function where(endpoint: MailEndpoint): string {
  return `${quoted(`${endpoint.host}:${endpoint.port}`)} (${endpoint.implicitTls ? ui`implicit TLS`.value : 'STARTTLS'})`;
}

/** One failed mail connection, explained: certificate, TLS, refused sign-in, or not reachable at all. */
function mailFailure(step: CheckStepId, account: MailAccount, endpoint: MailEndpoint, error: unknown, refusedSignIn: boolean): CheckStepResult {
  const protocol = step === 'smtp' ? 'smtp' : 'imap';
  const words = serverWords(error);
  // Texts, not strings: a value's leading space would be trimmed away with the rest of its whitespace.
  const said = words ? ui` The server said ${quoted(words)}.` : '';
  const mistake = recognizeMistake(evidenceFromError(error, account.provider, protocol));
  const tls = tlsFailureOf(error);
  if (tls === 'certificate') {
    return failed(
      step,
      ui`The certificate of ${where(endpoint)} did not verify.${said}`.value,
      ui`The server's certificate must be valid for this host name and issued by an authority this computer trusts. Use the host name the certificate names; a proxy or antivirus that intercepts TLS causes this too.`
        .value,
      mistake,
    );
  }
  if (tls === 'handshake') {
    return failed(
      step,
      ui`No secure (TLS) connection came up with ${where(endpoint)}.${said}`.value,
      ui`Use the server's ${protocol === 'imap' ? ui`implicit-TLS IMAP port (993)`.value : ui`submission port: 465 (implicit TLS) or 587 (STARTTLS)`.value}; Mailroom never falls back to plain text.`
        .value,
      mistake,
    );
  }
  if (isMailroomError(error)) {
    return failed(step, error.message, ui`Check the sign-in steps above.`.value, mistake);
  }
  if (refusedSignIn) {
    return failed(step, ui`${where(endpoint)} refused the sign-in of ${quoted(account.email)}.${said}`.value, signInRefusedFix(), mistake);
  }
  const code = typeof (error as { code?: unknown } | undefined)?.code === 'string' ? ui` (${(error as { code: string }).code})` : '';
  return failed(
    step,
    ui`Could not reach ${where(endpoint)}${code}.${said}`.value,
    ui`Check the host and port in the settings, that the server is up, and that nothing (firewall, VPN, proxy) blocks the port from this computer.`.value,
    mistake,
  );
}

/** IMAP: a connection of its own (TLS, certificate, AUTHENTICATE), the folder list, and a clean logout. */
export async function checkImap(account: MailAccount, dependencies: MailCheckDependencies): Promise<{ result: CheckStepResult; folders?: ListResponse[] }> {
  const { ImapFlow } = await import('imapflow');
  let client: InstanceType<typeof ImapFlow> | undefined;
  try {
    const token = await dependencies.accessToken(account.imap.host);
    client = new ImapFlow(imapClientOptions(account, 'command', token, dependencies.timeouts, dependencies.logger, dependencies.testWiring));
    client.on('error', (error: Error) => dependencies.logger.warn(`Check Account: IMAP connection error: ${error.message}`));
    await client.connect();
    const folders = await client.list();
    await client.logout();
    return {
      result: passed(
        'imap',
        ui`${where(account.imap)}: secure connection, certificate verified, the access token accepted (IMAP AUTHENTICATE), ${folders.length} folders listed.`
          .value,
      ),
      folders,
    };
  } catch (error) {
    if (client) {
      closeQuietly(client);
    }
    const refused = (error as { authenticationFailed?: unknown } | undefined)?.authenticationFailed === true;
    return { result: mailFailure('imap', account, account.imap, error, refused) };
  }
}

/** Sent and Drafts, found by their special-use flags (RFC 6154) as Mailroom looks for them when it files mail. */
export function checkFolders(account: MailAccount, folders: readonly ListResponse[]): CheckStepResult {
  const sent = findSpecialUse(folders, '\\Sent');
  const drafts = findSpecialUse(folders, '\\Drafts');
  if (sent && drafts) {
    return passed(
      'folders',
      ui`Sent is ${quoted(sent.path)}, Drafts is ${quoted(drafts.path)}.${account.serverSavesSent ? ui` The server files sent mail there by itself.`.value : ''}`
        .value,
    );
  }
  const missing = [sent ? undefined : 'Sent', drafts ? undefined : 'Drafts'].filter(Boolean).join(' and ');
  return failed(
    'folders',
    ui`The server marks no folder as ${missing} (special use \\${missing.replace(' and ', ' or \\')}). Mailroom then cannot file a copy of sent mail or keep unsent drafts on the server.`
      .value,
    ui`Create the folder in another mail client or in the provider's web mail; on your own server, give it the special-use flag (Dovecot: \`special_use = \\Sent\` / \`\\Drafts\` in the mailbox settings).`
      .value,
  );
}

/** SMTP: TLS and AUTH XOAUTH2 exactly as sending does, ended before MAIL FROM, so nothing is sent. */
export async function checkSmtp(account: MailAccount, dependencies: MailCheckDependencies): Promise<CheckStepResult> {
  const nodemailer = await import('nodemailer');
  let transport: ReturnType<typeof nodemailer.createTransport> | undefined;
  try {
    const accessToken = await dependencies.accessToken(account.smtp.host);
    transport = nodemailer.createTransport({
      ...smtpConnectionOptions(account.smtp, dependencies.testWiring, dependencies.timeouts.connectMs),
      auth: { type: 'OAuth2', user: account.email, accessToken },
      logger: dependencies.logger.forLibrary('nodemailer'),
    });
    await transport.verify();
    return passed('smtp', ui`${where(account.smtp)}: secure connection, certificate verified, AUTH XOAUTH2 accepted. No mail was sent.`.value);
  } catch (error) {
    const code = (error as { code?: unknown; responseCode?: unknown } | undefined) ?? {};
    return mailFailure('smtp', account, account.smtp, error, code.code === 'EAUTH' || code.responseCode === 535 || code.responseCode === 534);
  } finally {
    transport?.close();
  }
}

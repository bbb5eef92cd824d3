import type { MailAccount, MailAccounts } from '../auth/accountApi';
import { MailroomError, isMailroomError } from '../util/errors';
import type { LibraryLogger, Logger } from '../util/log';
import type { ComposedMessage } from './mime';
import { composeMessage } from './mime';
import type { OutgoingMessage } from './outgoing';
import type { SendRateLimiter } from './sendRateLimiter';
import { isSmtpAuthFailure, mapSmtpError } from './smtpErrors';
import { assertWithinSizeLimit } from './snippet';
import { smtpConnectionOptions } from './smtpTransport';
import { ui } from '../ui/text';

export interface SenderDependencies {
  readonly accounts: Pick<MailAccounts, 'getAccessToken' | 'requireSignIn'>;
  readonly logger: Logger;
  readonly rateLimiter: SendRateLimiter;
  /** The user's size limit (setting mailroom.send.maxMessageSizeMB), read on every send. */
  readonly maxMessageBytes: () => number;
  /** Milliseconds to wait for the TCP+TLS connection and for the greeting. */
  readonly connectTimeoutMs?: number;
}

export interface SendResult {
  readonly messageId: string;
  /** Exactly the bytes that were sent (for the Sent folder). */
  readonly raw: Buffer;
  readonly accepted: string[];
  /** Recipients the server refused while accepting the others; empty when all were accepted. */
  readonly rejected: string[];
}

export interface SmtpSendOptions {
  readonly messageId?: string;
  readonly signal?: AbortSignal;
  readonly beforeExchange?: () => Promise<void>;
}

interface AttemptOutcome {
  readonly accepted: string[];
  readonly rejected: string[];
}

/**
 * Sends mail over SMTP with nodemailer (loaded on first use). TLS is required: implicit TLS or
 * STARTTLS that must succeed, certificates verified [SEC-24]. Authentication is XOAUTH2 with an
 * access token from the account's token manager, only ever for the account's own SMTP host
 * [SEC-19]. An authentication failure refreshes the token once and retries once; a second
 * failure means the user must sign in again [SEC-18]. Sends queue behind the account's rate
 * limit [SEC-32].
 */
export class SmtpSender {
  public constructor(private readonly dependencies: SenderDependencies) {}

  /**
   * `signal` cancels the send while it waits for the rate limit; once the SMTP exchange starts, it runs
   * to its end. `beforeExchange` runs once the send has its slot, before any connection is opened
   * (the shared outbox records there that the message may reach the server); its failure stops the send.
   */
  public async send(account: MailAccount, message: OutgoingMessage, options: SmtpSendOptions = {}): Promise<SendResult> {
    const composed = await composeMessage(message, options);
    assertWithinSizeLimit(composed.raw.length, this.dependencies.maxMessageBytes());
    await this.dependencies.rateLimiter.acquire(account.id, options.signal);
    await options.beforeExchange?.();
    const outcome = await this.sendWithOneRefresh(account, composed);
    if (outcome.accepted.length === 0) {
      throw new MailroomError('RecipientRefused', ui`${account.smtp.host} refused every recipient (${outcome.rejected.join(', ')}).`, {
        accountId: account.id,
      });
    }
    return { messageId: composed.messageId, raw: composed.raw, ...outcome };
  }

  private async sendWithOneRefresh(account: MailAccount, composed: ComposedMessage): Promise<AttemptOutcome> {
    const host = account.smtp.host;
    // One refresh per send, whether nodemailer asks for it (XOAUTH2 334 challenge) or we do.
    const refresh = { used: false };
    try {
      return await this.attempt(account, composed, refresh, false);
    } catch (error) {
      if (!isSmtpAuthFailure(error) || refresh.used) {
        throw this.failure(account, error);
      }
      this.dependencies.logger.info(`SMTP ${host} rejected the access token; refreshing it once and retrying`);
      refresh.used = true;
      try {
        return await this.attempt(account, composed, refresh, true);
      } catch (retryError) {
        throw this.failure(account, retryError);
      }
    }
  }

  /** Maps a failure; a rejected token that a refresh did not fix means signing in again. */
  private failure(account: MailAccount, error: unknown): MailroomError {
    const mapped = mapSmtpError(error, account.smtp.host);
    if (mapped.code === 'AuthenticationFailed') {
      const reason = `${account.smtp.host} rejected the sign-in for ${account.email} even with a fresh token.`;
      this.dependencies.accounts.requireSignIn(account.id, reason);
      return new MailroomError('SignInRequired', ui`${reason} Sign in again to send mail.`, { cause: error, accountId: account.id });
    }
    return mapped;
  }

  private async attempt(account: MailAccount, composed: ComposedMessage, refresh: { used: boolean }, forceRefresh: boolean): Promise<AttemptOutcome> {
    const { accounts, logger } = this.dependencies;
    const endpoint = account.smtp;
    // The token is asked for (and the host checked against the account's allow-list) before any
    // connection is opened, so a host that may not have the token never even sees a connection.
    const accessToken = await accounts.getAccessToken(account.id, endpoint.host, { forceRefresh });
    logger.redactor.register(accessToken);
    let tokenError: unknown;
    let handedOver = false;
    const nodemailer = await import('nodemailer');
    const transport = nodemailer.createTransport({
      ...smtpConnectionOptions(endpoint, this.dependencies, this.dependencies.connectTimeoutMs),
      auth: {
        type: 'OAuth2',
        user: account.email,
        accessToken,
        provisionCallback: (_user, renew, callback) => {
          if (!renew || refresh.used) {
            callback(new Error('The access token was rejected and has already been refreshed once'));
            return;
          }
          refresh.used = true;
          logger.info(`SMTP ${endpoint.host} rejected the access token; refreshing it once`);
          accounts.getAccessToken(account.id, endpoint.host, { forceRefresh: true }).then(
            (fresh) => {
              logger.redactor.register(fresh);
              callback(null, fresh);
            },
            (error: unknown) => {
              tokenError = error;
              // nodemailer rewrites the `code` of the error it is given: hand it a copy.
              callback(new Error('The access token could not be refreshed'));
            },
          );
        },
      },
      logger: noticingHandOver(logger.forLibrary('nodemailer'), () => (handedOver = true)),
    });
    try {
      const info = await transport.sendMail({ envelope: composed.envelope, raw: composed.raw });
      return { accepted: info.accepted.map(String), rejected: info.rejected.map(String) };
    } catch (error) {
      // A refresh that failed (grant revoked, host not allowed) says more than nodemailer's EAUTH.
      if (isMailroomError(tokenError)) {
        throw tokenError;
      }
      // The whole message went out and the server never answered: it may have taken it. Saying
      // "not sent" here would make Retry deliver it twice [SEC-32].
      if (handedOver && !hasServerReply(error)) {
        throw new MailroomError(
          'SendOutcomeUnknown',
          ui`The connection to ${endpoint.host} was lost after the message was handed over and before the server confirmed it: it may already have been sent.`,
          {
            cause: error,
            accountId: account.id,
          },
        );
      }
      throw error;
    } finally {
      transport.close();
    }
  }
}

/**
 * nodemailer logs the end of the message data (tnx 'message' with the byte counts) as the data stream
 * ends, right before the final "." goes out: from then on only the server's reply tells whether it
 * took the message. Erring early (the "." still buffered) only makes Retry look in Sent first.
 */
function noticingHandOver(library: LibraryLogger, onHandedOver: () => void): LibraryLogger {
  const wrapped: LibraryLogger = {
    ...library,
    info: (entry, ...rest) => {
      const fields = entry && typeof entry === 'object' ? (entry as { tnx?: unknown; outByteCount?: unknown }) : {};
      if (fields.tnx === 'message' && typeof fields.outByteCount === 'number') {
        onHandedOver();
      }
      library.info(entry, ...rest);
    },
    child: () => wrapped,
  };
  return wrapped;
}

function hasServerReply(error: unknown): boolean {
  return typeof error === 'object' && error !== null && typeof (error as { responseCode?: unknown }).responseCode === 'number';
}

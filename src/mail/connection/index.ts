/**
 * The mail connection layer: one supervised {@link MailSession} per account (its command and IDLE
 * connections), kept by {@link MailSessions}. Everything outside this folder imports from here.
 */
export { MailSession } from './mailSession';
export { MailSessions } from './mailSessions';
export type { SessionState } from './connectionState';
export type { FolderChange } from './folderChange';
export { IDLE_RENEWAL_MS } from './idleSupervisor';
export { DEFAULT_IMAP_TIMEOUTS } from './sessionDependencies';
export type { FolderListOptions, ImapTimeouts, MailRelay, MailRelayRoute, MailSessionDependencies } from './sessionDependencies';
export { relayedOperation, relayedOperationNames, runRelayedOperation } from './relayedOperations';
export { closeQuietly, imapClientOptions } from './imapClient';
export { selectWithoutLookup } from './folderListCache';

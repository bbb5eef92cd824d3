/**
 * The mail connection layer: one supervised {@link MailSession} per account (its command and IDLE
 * connections), kept by {@link MailSessions}. Everything outside this folder imports from here.
 */
export { MailSession } from './mailSession';
export { MailSessions } from './mailSessions';
export type { SessionState } from './connectionState';
export type { FolderChange } from './folderChange';
export { idleRenewalMs } from './idleSupervisor';
export { defaultImapTimeouts } from './sessionDependencies';
export type { ImapTimeouts, MailSessionDependencies } from './sessionDependencies';

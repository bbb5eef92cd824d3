// What the test runners hand over about the local stack to code running in another process (the
// extension host, the demo's editor): plain data in the MAILROOM_TEST_STACK environment variable, plus
// the Mailroom settings that point the extension at that stack.
import type { Stack } from '../stack';

export const STACK_SUMMARY_VARIABLE = 'MAILROOM_TEST_STACK';

export type StackSummary = Pick<
  Stack,
  | 'caFile'
  | 'issuer'
  | 'attackerIssuer'
  | 'clientId'
  | 'shortLivedClientId'
  | 'mailScope'
  | 'mailResource'
  | 'loopbackRedirectUri'
  | 'forwarderUrl'
  | 'users'
  | 'imap'
  | 'smtp'
  | 'dovecotConfigFile'
>;

export function summarizeStack(stack: Stack): StackSummary {
  return {
    caFile: stack.caFile,
    issuer: stack.issuer,
    attackerIssuer: stack.attackerIssuer,
    clientId: stack.clientId,
    shortLivedClientId: stack.shortLivedClientId,
    mailScope: stack.mailScope,
    mailResource: stack.mailResource,
    loopbackRedirectUri: stack.loopbackRedirectUri,
    forwarderUrl: stack.forwarderUrl,
    users: stack.users,
    imap: stack.imap,
    smtp: stack.smtp,
    dovecotConfigFile: stack.dovecotConfigFile,
  };
}

/** The environment an editor process needs to use the stack: the summary, and trust in the test CA. */
export function stackEnvironment(summary: StackSummary): Record<string, string> {
  return { [STACK_SUMMARY_VARIABLE]: JSON.stringify(summary), NODE_EXTRA_CA_CERTS: summary.caFile };
}

/** Mailroom's OpenID Connect settings for the stack's issuer and mail servers. */
export function stackSettings(summary: StackSummary): Record<string, unknown> {
  return {
    // With this on (the default), the extension host's patched fetch/https verify against Node's bundled
    // roots plus the OS store and ignore NODE_EXTRA_CA_CERTS, so the test CA would not be trusted. Off,
    // Node's own verification applies: bundled roots plus NODE_EXTRA_CA_CERTS. Verification stays on.
    'http.systemCertificates': false,
    'mailroom.oidc.issuer': summary.issuer,
    'mailroom.oidc.clientId': summary.clientId,
    'mailroom.oidc.scopes': ['openid', 'email', 'offline_access', summary.mailScope],
    'mailroom.oidc.imap.host': summary.imap.host,
    'mailroom.oidc.imap.port': summary.imap.port,
    'mailroom.oidc.smtp.host': summary.smtp.host,
    'mailroom.oidc.smtp.port': summary.smtp.port,
  };
}

/** Reads the summary in the process that was started with `stackEnvironment` (e.g. inside the extension host). */
export function readStackSummary(environment: NodeJS.ProcessEnv = process.env): StackSummary | undefined {
  const value = environment[STACK_SUMMARY_VARIABLE];
  return value ? (JSON.parse(value) as StackSummary) : undefined;
}

/** For suites that cannot run without the stack: fails them with the way to start it. */
export function requireStackSummary(environment: NodeJS.ProcessEnv = process.env): StackSummary {
  const summary = readStackSummary(environment);
  if (!summary) {
    throw new Error('this suite needs the local stack: run it with MAILROOM_STACK=1 (node out/test/editor/runIntegration.js)');
  }
  return summary;
}

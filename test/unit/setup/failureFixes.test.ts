import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProviderKind } from '../../../src/auth/accountApi';
import { EXTENSION_AUTHORITY } from '../../../src/auth/flows/uriHandlerFlow';
import type { FailureFix } from '../../../src/setup/failureFixes';
import { failureNotice } from '../../../src/setup/failureFixes';
import { LOOPBACK_REDIRECT_URI, redirectUrisFor } from '../../../src/setup/redirectUris';
import { MailroomError } from '../../../src/util/errors';
import type { MailroomErrorCode } from '../../../src/util/errors';

function fixesOf(code: MailroomErrorCode, provider: ProviderKind | undefined, uriScheme = 'vscode'): FailureFix[] {
  const failure = new MailroomError(code, 'What happened.');
  return [...failureNotice(failure, { provider, redirectUris: provider ? redirectUrisFor(provider, uriScheme) : [] }).fixes];
}

/** Each fix as "kind label [provider|text]", so a table row reads like the notification's buttons. */
function described(fixes: readonly FailureFix[]): string[] {
  return fixes.map((fix) => {
    switch (fix.kind) {
      case 'setUp':
        return `setUp ${fix.label.value} ${fix.provider ?? 'any'}`;
      case 'copy':
        return `copy ${fix.label.value} ${fix.text}`;
      default:
        return `${fix.kind} ${fix.label.value}`;
    }
  });
}

describe('sign-in failures: the button to each fix', () => {
  it('maps every failure that has a fix to its button, and gives the others none', () => {
    const rows: readonly (readonly [MailroomErrorCode, ProviderKind | undefined, string[]])[] = [
      ['MissingClientId', 'google', ['setUp Set Up… google']],
      ['MissingClientId', 'microsoft', ['setUp Set Up… microsoft']],
      ['MissingClientId', undefined, ['setUp Set Up… any']],
      ['InvalidClient', 'oidc', ['setUp Set Up… oidc']],
      ['MissingClientSecret', 'google', ['setClientSecret Set Client Secret…']],
      ['AccessDenied', 'microsoft', ['tryAgain Try Again']],
      [
        'RedirectUriNotRegistered',
        'microsoft',
        ['copy Copy Redirect URI vscode://mailroom.mailroom/auth/microsoft', 'copy Copy Loopback URI http://127.0.0.1/callback'],
      ],
      ['RedirectUriNotRegistered', 'oidc', ['copy Copy Redirect URI vscode://mailroom.mailroom/auth/oidc', 'copy Copy Loopback URI http://127.0.0.1/callback']],
      ['RedirectUriNotRegistered', 'google', ['setUp Set Up… google']],
      ['Cancelled', 'google', []],
      ['Timeout', 'oidc', []],
      ['NetworkError', 'microsoft', []],
      ['IssuerMismatch', 'oidc', []],
      ['StorageUnavailable', 'google', []],
    ];
    for (const [code, provider, expected] of rows) {
      assert.deepEqual(described(fixesOf(code, provider)), expected, `${code} (${provider ?? 'no provider'})`);
    }
  });

  it("names the redirect URIs to register in the message, built from the editor's own scheme", () => {
    const failure = new MailroomError('RedirectUriNotRegistered', 'The issuer does not accept the redirect URI.');
    const notice = failureNotice(failure, { provider: 'oidc', redirectUris: redirectUrisFor('oidc', 'vscode-insiders') });
    assert.match(notice.message.value, /^The issuer does not accept the redirect URI\. /);
    assert.ok(notice.message.value.includes('vscode-insiders://mailroom.mailroom/auth/oidc'), notice.message.value);
    assert.ok(notice.message.value.includes(LOOPBACK_REDIRECT_URI), notice.message.value);
    assert.deepEqual(described(notice.fixes)[0], 'copy Copy Redirect URI vscode-insiders://mailroom.mailroom/auth/oidc');
  });

  it('tells a Google redirect mismatch apart: only a "Desktop app" client takes the loopback redirect', () => {
    const notice = failureNotice(new MailroomError('RedirectUriNotRegistered', 'Google said no.'), {
      provider: 'google',
      redirectUris: redirectUrisFor('google', 'vscode'),
    });
    assert.match(notice.message.value, /Desktop app/);
  });

  it("keeps the failure's own words when there is nothing to fix", () => {
    const notice = failureNotice(new MailroomError('NetworkError', 'Mailroom could not reach issuer.test.'), { provider: 'oidc', redirectUris: [] });
    assert.equal(notice.message.value, 'Mailroom could not reach issuer.test.');
  });
});

describe('redirect URIs shown for registration', () => {
  it('are the ones sign-in sends: <scheme>://<publisher>.<name>/auth/<provider> and the loopback URI without a port', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as { publisher: string; name: string };
    assert.equal(EXTENSION_AUTHORITY, `${manifest.publisher}.${manifest.name}`);
    assert.deepEqual(
      redirectUrisFor('microsoft', 'code-oss').map((entry) => entry.uri),
      ['code-oss://mailroom.mailroom/auth/microsoft', 'http://127.0.0.1/callback'],
    );
    assert.deepEqual(
      redirectUrisFor('oidc', 'vscode').map((entry) => entry.uri),
      ['vscode://mailroom.mailroom/auth/oidc', 'http://127.0.0.1/callback'],
    );
    // Google desktop clients accept loopback redirects without registration, and Mailroom uses only those for Gmail.
    assert.deepEqual(
      redirectUrisFor('google', 'vscode').map((entry) => entry.kind),
      ['loopback'],
    );
  });
});

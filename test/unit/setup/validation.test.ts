import * as assert from 'node:assert/strict';
import type { ProviderKind } from '../../../src/auth/accountApi';
import { splitScopes, validateClientId, validateHost, validateIssuerUrl, validateScopes, validateTenant } from '../../../src/setup/validation';

const GOOGLE_ID = '123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com';
const GUID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

/** [input, accepted] rows; a refused value must say something. */
function check(validate: (value: string) => { value: string } | undefined, rows: readonly (readonly [string, boolean])[]): void {
  for (const [input, accepted] of rows) {
    const hint = validate(input);
    assert.equal(hint === undefined, accepted, `${JSON.stringify(input)}: ${hint?.value ?? 'accepted'}`);
    if (hint) {
      assert.ok(hint.value.length > 10, `${JSON.stringify(input)} gets a hint`);
    }
  }
}

describe('guided setup: values checked as they are typed', () => {
  it('client IDs: Google ids end in .apps.googleusercontent.com, Microsoft ids are GUIDs, custom issuers take any id without spaces', () => {
    const rows: readonly (readonly [ProviderKind, string, boolean])[] = [
      ['google', GOOGLE_ID, true],
      ['google', `  ${GOOGLE_ID}  `, true],
      ['google', '', false],
      ['google', '123456789012-abc.apps.googleusercontent.co', false],
      ['google', 'abc.apps.googleusercontent.com', false],
      ['google', `https://${GOOGLE_ID}`, false],
      ['google', GUID, false],
      ['microsoft', GUID, true],
      ['microsoft', GUID.toUpperCase(), true],
      ['microsoft', '', false],
      ['microsoft', GUID.slice(0, -1), false],
      ['microsoft', `{${GUID}}`, false],
      ['microsoft', GOOGLE_ID, false],
      ['oidc', 'mailroom', true],
      ['oidc', GUID, true],
      ['oidc', '', false],
      ['oidc', '   ', false],
      ['oidc', 'mail room', false],
    ];
    for (const [kind, input, accepted] of rows) {
      assert.equal(validateClientId(kind, input) === undefined, accepted, `${kind} ${JSON.stringify(input)}`);
    }
    assert.match(validateClientId('google', 'x.apps.example.com')?.value ?? '', /\.apps\.googleusercontent\.com/);
    assert.match(validateClientId('microsoft', 'abc')?.value ?? '', /GUID/);
  });

  it('issuer URLs: https only, no credentials, query or fragment', () => {
    check(validateIssuerUrl, [
      ['https://login.example.com/realms/mail', true],
      ['https://127.0.0.2:8443', true],
      ['  https://issuer.test  ', true],
      ['http://login.example.com/realms/mail', false],
      ['login.example.com', false],
      ['', false],
      ['https://user:pass@login.example.com', false],
      ['https://login.example.com/?tenant=1', false],
      ['https://login.example.com/#x', false],
      ['ftp://login.example.com', false],
    ]);
    assert.match(validateIssuerUrl('http://issuer.test')?.value ?? '', /https:\/\//);
  });

  it('Microsoft tenants typed in: a tenant ID or a domain', () => {
    check(validateTenant, [
      [GUID, true],
      ['contoso.onmicrosoft.com', true],
      ['contoso.com', true],
      ['contoso', false],
      ['', false],
      ['https://login.microsoftonline.com/contoso.com', false],
      ['contoso.com/v2.0', false],
    ]);
  });

  it('mail hosts: a host name or address, without scheme, port or path', () => {
    check(validateHost, [
      ['imap.example.com', true],
      ['127.0.0.1', true],
      ['localhost', true],
      ['', false],
      ['imaps://imap.example.com', false],
      ['imap.example.com:993', false],
      ['imap.example.com/inbox', false],
      ['-imap.example.com', false],
    ]);
  });

  it('extra scopes: RFC 6749 scope tokens separated by spaces, none at all allowed', () => {
    check(validateScopes, [
      ['', true],
      ['mail', true],
      ['mail  imap:read https://mail.example.com/', true],
      ['"mail"', false],
      ['mail\\imap', false],
    ]);
    assert.deepEqual(splitScopes('  mail  imap:read \n'), ['mail', 'imap:read']);
    assert.deepEqual(splitScopes(''), []);
  });
});

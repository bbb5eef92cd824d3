// The pseudo-locale test for what the extension writes as documents rather than webviews: Check Account's
// report, the send preview and the loopback sign-in's browser pages, made by the real steps and renderers with the pseudo bundle installed
// (test/support/pseudoLocale.ts). Every line must be pseudo-localised (⟦…⟧) or data: code spans (values
// quoted from servers, issuers and settings), addresses, hosts, the message's own text. Any English word
// left was written without the `ui` tag / `translated`, or is missing from l10n/bundle.l10n.json.
import * as assert from 'node:assert/strict';
import type { ListResponse } from 'imapflow';
import type { MailAccount } from '../../../src/auth/accountApi';
import type { StoredAccount } from '../../../src/auth/tokenStore';
import type { AccountCheckDependencies } from '../../../src/diagnostics/accountCheck';
import { checkAccount } from '../../../src/diagnostics/accountCheck';
import { renderCheckReport } from '../../../src/diagnostics/checkReport';
import { checkScopes } from '../../../src/diagnostics/issuerSteps';
import { checkFolders } from '../../../src/diagnostics/mailSteps';
import { previewText } from '../../../src/mail/preview';
import { buildSelectionContent } from '../../../src/mail/snippet';
import { loopbackPages } from '../../../src/auth/flows/loopbackFlow';
import { useTranslator } from '../../../src/ui/text';
import { oidcConfig, storedOidcAccount } from '../../support/auth/fakes';
import { testLogger } from '../../support/logging';
import { englishLeft, pseudoTranslator } from '../../support/pseudoLocale';

const ISSUER = 'https://issuer.example';
const NOW = Date.parse('2026-12-06T12:00:00Z');
const config = oidcConfig(ISSUER, 'mailroom', { imap: { host: 'imap.example', port: 993 }, smtp: { host: 'smtp.example', port: 465 } });

const account: StoredAccount = storedOidcAccount(ISSUER, {
  grantedScopes: ['openid', 'email'],
  signInRequired: 'The issuer ended this sign-in.',
  signedInAtMs: NOW - 3 * 86_400_000,
});

/** An issuer whose token endpoint answers with the given clock, and a stored sign-in that has ended. */
function dependencies(serverDate: string): AccountCheckDependencies {
  return {
    configFor: () => config,
    storedAccount: (id) => (id === account.id ? account : undefined),
    issuerFor: () => ({
      metadata: async () => ({ issuer: ISSUER, token_endpoint: `${ISSUER}/token` }),
      probeTokenEndpoint: async () => ({ status: 400, error: 'invalid_grant', errorDescription: 'grant request is invalid', serverDate, receivedAtMs: NOW }),
    }),
    accessToken: () => Promise.reject(new Error('not called: the sign-in has ended')),
    clock: { now: () => NOW },
    logger: testLogger(),
  };
}

/** The report's lines that hold English once code spans (quoted values) and the account's data are taken out. */
function englishInMarkdown(markdown: string): string[] {
  const lines = markdown.split('\n').map((line) => line.replace(/`[^`]*`/g, ' '));
  return englishLeft(lines, ['alice@example.com', 'issuer.example']);
}

describe('pseudo-locale: no hard-coded English in the Check Account report or the send preview', () => {
  beforeEach(() => useTranslator(pseudoTranslator()));
  afterEach(() => useTranslator(undefined));

  it('the report of a provider without an account: passes, skips and the footer', async () => {
    const markdown = renderCheckReport(await checkAccount({ provider: 'oidc' }, dependencies('Sun, 06 Dec 2026 12:00:01 GMT')));
    assert.deepEqual(englishInMarkdown(markdown), []);
    assert.ok(markdown.includes('⟦✅ Pásséd⟧'), 'the positive control: the report is pseudo-localised');
  });

  it('the report of a failing account: known mistakes, fixes, an earlier failure, a skew of the clock', async () => {
    const report = await checkAccount(
      { accountId: account.id, earlierFailure: 'AADSTS50011: The redirect URI does not match.' },
      dependencies('Sun, 06 Dec 2026 10:00:00 GMT'),
    );
    const mailAccount: MailAccount = { id: account.id, provider: 'oidc', email: account.email, imap: account.imap, smtp: account.smtp, serverSavesSent: false };
    const steps = [
      ...report.steps,
      checkScopes({ ...account, signInRequired: undefined }, { ...config, mailScopes: ['mail'] }),
      checkFolders(mailAccount, [] as ListResponse[]),
    ];
    const markdown = renderCheckReport({ ...report, steps });
    assert.match(markdown, /❌/);
    // The earlier failure is data (what Mailroom or a server said before); its line holds it in a code span.
    assert.deepEqual(englishInMarkdown(markdown), []);
  });

  it('the send preview: header labels, attachment sizes and the closing note; the message itself is data', () => {
    const content = buildSelectionContent(
      { path: 'a.py', languageId: 'python', code: 'print(1)\n', startLine: 1, endLine: 1 },
      { note: 'fyi', attachInsteadOfInline: true },
    );
    const mailAccount: MailAccount = {
      id: 'acc',
      provider: 'google',
      email: 'alice@gmail.com',
      imap: account.imap,
      smtp: { host: 'smtp.gmail.com', port: 465, implicitTls: true },
      serverSavesSent: true,
    };
    const preview = previewText(mailAccount, {
      ...content,
      from: { address: mailAccount.email },
      to: [{ name: 'Bob', address: 'bob@example.org' }],
      cc: [{ address: 'carol@example.org' }],
      bcc: [{ address: 'dan@example.org' }],
    });
    const data = [
      content.text,
      'alice@gmail.com',
      'Bob <bob@example.org>',
      'carol@example.org',
      'dan@example.org',
      content.subject,
      'smtp.gmail.com',
      'a.L1.py',
    ];
    assert.ok(preview.includes(content.text), 'the text part is in the preview as written');
    assert.deepEqual(englishLeft(preview.replace(content.text, '').split('\n'), data), []);
    assert.match(preview, /⟦Áttáçhméñt: a\.L1\.py \(⟦9 B⟧\)⟧/, 'the positive control: labels and sizes are pseudo-localised');
  });

  it('the pages the browser shows after a loopback sign-in', () => {
    for (const [name, render] of Object.entries(loopbackPages)) {
      const html = render();
      const texts = [...html.matchAll(/<(title|h1|p)>([^<]*)</g)].map((match) => match[2] ?? '');
      assert.equal(texts.length, 3, `${name}: title, heading and text`);
      assert.deepEqual(englishLeft(texts, []), [], name);
      assert.ok(
        texts.every((text) => text.startsWith('⟦')),
        `${name}: the positive control: every text is pseudo-localised`,
      );
    }
  });
});

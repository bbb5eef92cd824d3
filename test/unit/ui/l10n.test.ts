import * as assert from 'node:assert/strict';
import { webviewMessages } from '../../../src/shared/webviewStrings';
import { failureText, placeholdersOf, ui, useTranslator } from '../../../src/ui/text';
import { MailroomError } from '../../../src/util/errors';
import { webviewStrings } from '../../../src/views/webviewHtml';
import { pseudoLocalise, pseudoTranslator } from '../../support/pseudoLocale';
import { oidcSettings } from '../../support/auth/fakes';
import { providerConfig } from '../../../src/auth/presets';
import { GOOGLE_MAIL_SCOPE, OUTLOOK_IMAP_SCOPE, OUTLOOK_SMTP_SCOPE, explainScope } from '../../../src/auth/scopes';

describe('l10n: Mailroom’s words through the l10n bundle, values as they are', () => {
  beforeEach(() => useTranslator(pseudoTranslator()));
  afterEach(() => useTranslator(undefined));

  it('translates a ui text as one message, its values put in untranslated and neutralised', () => {
    const text = ui`New mail from ${'Bob {1} [x](command:y)'}: ${'Lunch {0}'}`;
    assert.equal(text.value, '⟦Ñéw máíl fróm Bob {1} (x)(command:y): Lunch {0}⟧');
  });

  it('keeps a text that is only a value as it is', () => {
    assert.equal(ui`${'Quarterly report'}`.value, 'Quarterly report');
  });

  it('leaves a message the bundle lacks in English (what the pseudo-locale tests look for)', () => {
    assert.equal(ui`Not one of Mailroom's messages: ${3}`.value, "Not one of Mailroom's messages: 3");
  });

  it('translates a MailroomError’s own message where it is shown', () => {
    assert.equal(failureText(new MailroomError('SignInRequired', 'This account is signed out.')).value, pseudoLocalise('This account is signed out.'));
  });

  it('makes a MailroomError with values in the user’s language when it is made with the ui tag', () => {
    const error = new MailroomError('SignInRequired', ui`Sign in to ${'bob{0}@example.com'} again to keep using it.`);
    assert.equal(error.message, '⟦Sígñ íñ tó bob{0}@example.com ágáíñ tó kéép úsíñg ít.⟧');
    assert.equal(failureText(error).value, error.message, 'shown as made, not translated twice');
  });

  it('gives the webviews every word of their table translated, placeholders kept for the webview to fill', () => {
    const strings = webviewStrings();
    for (const [key, message] of Object.entries(webviewMessages)) {
      assert.equal(strings[key as keyof typeof webviewMessages], pseudoLocalise(message), key);
    }
    assert.equal(strings.remoteBlocked, '⟦Rémóté çóñtéñt ({0}) wás blóçkéd tó prótéçt ýóúr príváçý.⟧');
  });

  it('hands vscode.l10n.t each placeholder as its own argument, so they come back in place', () => {
    assert.deepEqual(placeholdersOf('from {0}, {2} and {1}'), ['{0}', '{1}', '{2}']);
    assert.deepEqual(placeholdersOf('Sign In'), []);
  });

  it('translates the consent’s scope explanations and each provider’s sign-out help', () => {
    const settings = oidcSettings('https://issuer.example', 'mailroom');
    const texts = [
      ...[GOOGLE_MAIL_SCOPE, OUTLOOK_IMAP_SCOPE, OUTLOOK_SMTP_SCOPE, 'openid', 'email', 'profile', 'offline_access', 'mail'].map(explainScope),
      ...(['google', 'microsoft', 'oidc'] as const).map((kind) => providerConfig(kind, settings).removeAccessHelp),
    ];
    assert.deepEqual(
      texts.filter((text) => !/^⟦[^⟧]*⟧$/.test(text)),
      [],
    );
  });

  it('is English as written without a translator (plain-Node tests, before activation)', () => {
    useTranslator(undefined);
    assert.equal(ui`New mail from ${'Bob'}: ${'Lunch'}`.value, 'New mail from Bob: Lunch');
  });
});

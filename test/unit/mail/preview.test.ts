import * as assert from 'node:assert/strict';
import type { MailAccount } from '../../../src/auth/accountApi';
import { previewText } from '../../../src/mail/preview';
import { buildSelectionContent } from '../../../src/mail/snippet';

const account: MailAccount = {
  id: 'acc',
  provider: 'google',
  email: 'alice@gmail.com',
  imap: { host: 'imap.gmail.com', port: 993, implicitTls: true },
  smtp: { host: 'smtp.gmail.com', port: 465, implicitTls: true },
  serverSavesSent: true,
};

describe('send preview', () => {
  it('shows the headers, the sending host and exactly the text part that will be sent', () => {
    const content = buildSelectionContent(
      { path: 'a.py', languageId: 'python', code: 'print(1)', startLine: 3, endLine: 3 },
      { note: 'fyi', attachInsteadOfInline: false },
    );
    const message = {
      ...content,
      from: { address: account.email },
      to: [{ name: 'Bob', address: 'bob@example.org' }],
      cc: [],
      bcc: [{ address: 'c@example.org' }],
    };
    const preview = previewText(account, message);
    assert.ok(preview.startsWith('From: alice@gmail.com\nTo: Bob <bob@example.org>\nBcc: c@example.org\nSubject: a.py:L3\nVia: smtp.gmail.com\n\n'));
    assert.ok(preview.includes(`\n\n${content.text}\n\n`), 'the text part appears verbatim');
  });

  it('lists attachments with their sizes', () => {
    const content = buildSelectionContent(
      { path: 'a.py', languageId: 'python', code: 'print(1)\n', startLine: 1, endLine: 1 },
      { note: '', attachInsteadOfInline: true },
    );
    const preview = previewText(account, { ...content, from: { address: account.email }, to: [{ address: 'b@example.org' }], cc: [], bcc: [] });
    assert.match(preview, /^Attachment: a\.L1\.py \(9 B\)$/m);
  });
});

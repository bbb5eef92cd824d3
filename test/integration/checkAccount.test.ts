// "Mailroom: Check Account…" inside the editor: the command runs the checks on a provider without an
// account (the runner's settings point at the local stack) and opens the report read-only.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readStackSummary } from '../editor/stackSummary';

async function reportDocument(): Promise<vscode.TextDocument> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.scheme === 'mailroom-check');
    if (document) {
      return document;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no Check Account report was opened');
}

const stack = readStackSummary();
if (stack) {
  describe('Check Account in the editor (MAILROOM_STACK)', () => {
    it('checks the OpenID Connect provider as configured and opens the report as a Markdown document of its own scheme', async () => {
      await vscode.extensions.getExtension('mailroom.mailroom')?.activate();
      await vscode.commands.executeCommand('mailroom.checkAccount', { provider: 'oidc' });
      const document = await reportDocument();
      assert.equal(document.languageId, 'markdown');
      const text = document.getText();
      assert.match(text, /^# Mailroom: Check Account — `127\.0\.0\.2:\d+, no account signed in yet`/);
      assert.match(text, /✅ Passed: Issuer discovery document/);
      assert.match(text, /✅ Passed: Token endpoint reachable, client ID known/);
      assert.match(text, /⏭️ Skipped: Stored sign-in still valid/);
    });
  });
}

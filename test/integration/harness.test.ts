// The editor harness itself: what test/editor/runIntegration promises the suites.
import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import * as vscode from 'vscode';
import { readStackSummary } from '../editor/stackSummary';

function getStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get(url, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('Editor harness', () => {
  it('applies the user settings the runner writes, application scope included', () => {
    assert.equal(vscode.workspace.getConfiguration('telemetry').get('telemetryLevel'), 'off');
    assert.equal(vscode.workspace.getConfiguration('workbench').get('startupEditor'), 'none');
  });

  const stack = readStackSummary();
  if (stack) {
    describe('with the local stack (MAILROOM_STACK)', () => {
      it('points the Mailroom settings at the stack', () => {
        const settings = vscode.workspace.getConfiguration('mailroom.oidc');
        assert.equal(settings.get('issuer'), stack.issuer);
        assert.equal(settings.get('clientId'), stack.clientId);
        assert.equal(settings.get('imap.port'), stack.imap.port);
        assert.equal(settings.get('smtp.port'), stack.smtp.port);
      });

      it('trusts the test CA in the extension host: fetch and node:https reach the issuer', async () => {
        const discovery = `${stack.issuer}/.well-known/openid-configuration`;
        assert.equal((await fetch(discovery)).status, 200);
        assert.equal(await getStatus(discovery), 200);
      });
    });
  }
});

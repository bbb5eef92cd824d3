import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'mailroom.mailroom';

interface ContributedCommand {
  command: string;
}

interface ContributedAuthenticationProvider {
  id: string;
}

function mailroomExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in the extension host`);
  return extension;
}

describe('Activation', () => {
  it('the Mailroom extension is present and activates', async () => {
    const extension = mailroomExtension();
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every mailroom.* command its package.json contributes', async () => {
    const extension = mailroomExtension();
    await extension.activate();
    const contributed = (extension.packageJSON.contributes.commands as ContributedCommand[]).map(({ command }) => command);
    assert.ok(contributed.length > 0);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((command) => !registered.has(command)),
      [],
    );
  });

  it('registers the three authentication providers: a silent getSession finds no session instead of no provider', async () => {
    const extension = mailroomExtension();
    const providers = (extension.packageJSON.contributes.authentication as ContributedAuthenticationProvider[]).map(({ id }) => id);
    assert.deepEqual(providers.sort(), ['mailroom.google', 'mailroom.microsoft', 'mailroom.oidc']);
    for (const provider of providers) {
      const session = await vscode.authentication.getSession(provider, ['openid', 'email'], { silent: true });
      assert.equal(session, undefined, `${provider} returned a session in a fresh profile`);
    }
  });
});

import { strict as assert } from 'node:assert';
import { readManifest, settingsOf } from './manifest';

/** Words in a setting's name that say it decides where a token, code or mail goes. */
const DESTINATION_WORDS = /(host|issuer|clientid|redirect|port|endpoint|tenant|scopes|url|uri)/i;

describe('workspace trust (package.json)', () => {
  const manifest = readManifest();

  it('supports untrusted and virtual workspaces', () => {
    assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, true);
    assert.equal(manifest.capabilities?.virtualWorkspaces, true);
  });

  it('makes every setting that names a host, issuer, client ID, redirect or port application-scoped', () => {
    const destinations = settingsOf(manifest).filter(([name]) => DESTINATION_WORDS.test(name.split('.').slice(1).join('')));
    // The matcher finds the settings it is meant for: a changed naming scheme would otherwise pass vacuously.
    const names = destinations.map(([name]) => name);
    for (const expected of [
      'mailroom.google.clientId',
      'mailroom.microsoft.tenant',
      'mailroom.oidc.issuer',
      'mailroom.oidc.redirectUri',
      'mailroom.oidc.imap.host',
      'mailroom.oidc.smtp.port',
    ]) {
      assert.ok(names.includes(expected), `${expected} is checked`);
    }
    assert.deepEqual(
      destinations.filter(([, schema]) => schema.scope !== 'application').map(([name]) => name),
      [],
    );
  });

  it('declares a scope for every setting, so none falls back to the workspace-writable default', () => {
    assert.deepEqual(
      settingsOf(manifest)
        .filter(([, schema]) => schema.scope === undefined)
        .map(([name]) => name),
      [],
    );
  });
});

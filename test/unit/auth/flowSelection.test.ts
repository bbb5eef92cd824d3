import * as assert from 'node:assert/strict';
import { selectFlows } from '../../../src/auth/flowSelection';
import type { FlowCapabilities, SignInEnvironment } from '../../../src/auth/flowSelection';
import type { FlowKind } from '../../../src/auth/providerConfig';

const google: FlowCapabilities = { redirectKinds: ['loopback'], deviceAuthorizationSupported: false, hasForwardingRedirect: false };
const microsoft: FlowCapabilities = {
  redirectKinds: ['uriHandler', 'loopback', 'deviceCode'],
  deviceAuthorizationSupported: true,
  hasForwardingRedirect: false,
};
const oidc: FlowCapabilities = { redirectKinds: ['uriHandler', 'loopback', 'deviceCode'], deviceAuthorizationSupported: true, hasForwardingRedirect: false };
const oidcForwarding: FlowCapabilities = { ...oidc, hasForwardingRedirect: true };
const oidcNoDevice: FlowCapabilities = { ...oidc, deviceAuthorizationSupported: false };

const desktopLocal: SignInEnvironment = { extensionHost: 'local', uiKind: 'desktop' };
const desktopRemote: SignInEnvironment = { extensionHost: 'remote', uiKind: 'desktop' };
const web: SignInEnvironment = { extensionHost: 'remote', uiKind: 'web' };

const table: [string, SignInEnvironment, FlowCapabilities, FlowKind[]][] = [
  ['Gmail on a local desktop', desktopLocal, google, ['loopback']],
  ['Gmail from a remote extension host: nothing reaches it', desktopRemote, google, []],
  ['Gmail in a browser-based editor: loopback may work if the browser is local', web, google, ['loopback']],
  ['Microsoft on a local desktop', desktopLocal, microsoft, ['uriHandler', 'loopback', 'deviceCode']],
  ['Microsoft from a remote extension host', desktopRemote, microsoft, ['uriHandler', 'deviceCode']],
  ['Microsoft in a browser-based editor without forwarding', web, microsoft, ['loopback', 'deviceCode']],
  ['custom issuer with forwarding in a browser-based editor', web, oidcForwarding, ['uriHandler', 'loopback', 'deviceCode']],
  ['custom issuer without a device endpoint, remote', desktopRemote, oidcNoDevice, ['uriHandler']],
  ['custom issuer without a device endpoint, browser-based', web, oidcNoDevice, ['loopback']],
];

describe('flow selection', () => {
  for (const [name, environment, capabilities, expected] of table) {
    it(`${name} → ${expected.join(', ') || 'none'}`, () => {
      assert.deepEqual(selectFlows(environment, capabilities), expected);
    });
  }

  it('[SEC-33] offers the device flow only as the last fallback', () => {
    for (const [, environment, capabilities] of table) {
      const flows = selectFlows(environment, capabilities);
      const device = flows.indexOf('deviceCode');
      assert.ok(device === -1 || device === flows.length - 1);
    }
  });
});

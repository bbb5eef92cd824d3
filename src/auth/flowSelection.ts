import type { FlowKind } from './providerConfig';

/**
 * Where the sign-in runs, as far as redirects are concerned. Gathered from `vscode.env` by the
 * caller so that the choice below stays a pure function that tests can walk as a table.
 */
export interface SignInEnvironment {
  /** `local`: the extension host runs on the user's machine; `remote`: over SSH/containers/WSL. */
  readonly extensionHost: 'local' | 'remote';
  /** `web`: the workbench runs in a browser (code-server, vscode.dev); `desktop`: the Electron app. */
  readonly uiKind: 'desktop' | 'web';
}

export interface FlowCapabilities {
  /** Redirect kinds the provider accepts (from its preset), in the provider's order of preference. */
  readonly redirectKinds: readonly FlowKind[];
  /** The issuer advertises a device authorization endpoint. */
  readonly deviceAuthorizationSupported: boolean;
  /** A registered forwarding page exists, so a browser-based editor can still use the URI handler. */
  readonly hasForwardingRedirect: boolean;
}

/**
 * The sign-in flows to try, best first.
 * - URI handler: on desktop the `<scheme>://publisher.name/…` URI is fixed and can be registered.
 *   In a browser-based editor the callback URL changes per request, so it works only through a
 *   forwarding page registered with the issuer.
 * - Loopback: needs the browser and the extension host on one machine. Certain on a local desktop;
 *   plausible in a browser-based editor (code-server on localhost), so offered after the URI handler;
 *   never from a remote extension host (the browser cannot reach its 127.0.0.1).
 * - Device code: for everything else, and always last because it asks the most of the person.
 */
export function selectFlows(environment: SignInEnvironment, capabilities: FlowCapabilities): FlowKind[] {
  const accepts = (kind: FlowKind): boolean => capabilities.redirectKinds.includes(kind);
  const usable = new Set<FlowKind>();
  if (accepts('uriHandler') && (environment.uiKind === 'desktop' || capabilities.hasForwardingRedirect)) {
    usable.add('uriHandler');
  }
  if (accepts('loopback') && (environment.extensionHost === 'local' || environment.uiKind === 'web')) {
    usable.add('loopback');
  }
  if (accepts('deviceCode') && capabilities.deviceAuthorizationSupported) {
    usable.add('deviceCode');
  }
  const ordered = capabilities.redirectKinds.filter((kind) => usable.has(kind) && kind !== 'deviceCode');
  // A remote extension host reaches the user's browser best through the URI handler; the
  // loopback port would be on the wrong machine, so it was not added above.
  return usable.has('deviceCode') ? [...ordered, 'deviceCode'] : ordered;
}

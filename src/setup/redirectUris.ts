import type { ProviderKind } from '../auth/accountApi';
import { ui } from '../ui/text';
import { LOOPBACK_CALLBACK_PATH } from '../auth/flows/loopbackFlow';
import { EXTENSION_AUTHORITY, uriHandlerCallbackPath } from '../auth/flows/uriHandlerFlow';

/**
 * The redirect URIs a person registers for their OAuth client, exactly as this editor's sign-in
 * sends them. Built from the editor's URI scheme (`vscode`, `vscode-insiders`, `cursor`, … never
 * assumed) and the extension id (the authority the URI-handler flow sends), so the walkthrough's
 * static text points at a command that shows them.
 */
export interface RedirectUri {
  readonly uri: string;
  readonly kind: 'editor' | 'loopback';
  /** Where to register it, in the provider's words. */
  readonly where: string;
}

/** RFC 8252 §7.3: registered without a port; issuers accept any port on 127.0.0.1. */
export const LOOPBACK_REDIRECT_URI = `http://127.0.0.1${LOOPBACK_CALLBACK_PATH}`;

export function editorRedirectUri(kind: ProviderKind, uriScheme: string): string {
  return `${uriScheme}://${EXTENSION_AUTHORITY}${uriHandlerCallbackPath(kind)}`;
}

export function redirectUrisFor(kind: ProviderKind, uriScheme: string): RedirectUri[] {
  switch (kind) {
    case 'google':
      // Google "Desktop app" clients take loopback redirects on any port without registration.
      return [{ uri: LOOPBACK_REDIRECT_URI, kind: 'loopback', where: ui`Nothing to register: Google "Desktop app" clients accept it on any port.`.value }];
    case 'microsoft':
      return [
        { uri: editorRedirectUri(kind, uriScheme), kind: 'editor', where: ui`Entra: Authentication → Mobile and desktop applications (this editor).`.value },
        { uri: LOOPBACK_REDIRECT_URI, kind: 'loopback', where: ui`Entra: Authentication → Mobile and desktop applications (fallback; any port).`.value },
      ];
    case 'oidc':
      return [
        { uri: editorRedirectUri(kind, uriScheme), kind: 'editor', where: ui`Your issuer: the client's valid redirect URIs (this editor).`.value },
        { uri: LOOPBACK_REDIRECT_URI, kind: 'loopback', where: ui`Your issuer: the client's valid redirect URIs (fallback; any port).`.value },
      ];
  }
}

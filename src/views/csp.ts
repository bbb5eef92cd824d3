import { randomBytes } from 'node:crypto';

/** A fresh nonce for each rendered webview document: 128 random bits, base64. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

export interface CspOptions {
  /** `webview.cspSource`: the origin of the extension's own resources (dist/, media/). */
  cspSource: string;
  nonce: string;
  /**
   * The reader's choice for this message: remote images may load (https only). Off by default;
   * the inbox never sets it.
   */
  allowRemoteImages?: boolean;
}

/**
 * The Content-Security-Policy of every Mailroom webview [SEC-25]: nothing by default, scripts and
 * style elements only with this render's nonce, stylesheets and fonts from the extension, no
 * connect-src (no fetch, XHR, WebSocket), no forms, no <base>. The sandboxed mail iframe
 * (srcdoc) inherits this policy, so it is the outer wall around a message as well.
 */
export function buildCsp(options: CspOptions): string {
  const { cspSource, nonce } = options;
  const images = options.allowRemoteImages ? `${cspSource} data: https:` : `${cspSource} data:`;
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${images}`,
    "frame-src 'self' about:",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

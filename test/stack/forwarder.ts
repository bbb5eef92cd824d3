// The `<issuer>/redirect` forwarding page (like vscode.dev/redirect): the OAuth `state` carries the real
// callback URL, and the page 302-redirects there with the authorization response appended. Only loopback
// http(s) targets and non-web (editor) schemes are allowed, so it is not an open redirector.
import type * as http from 'node:http';

const FORWARDED_PARAMETERS = ['code', 'state', 'iss', 'error', 'error_description'] as const;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** Schemes that could run code or read local data in a browser; never forwarded to. */
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'blob:', 'about:', 'filesystem:', 'ws:', 'wss:', 'ftp:']);

/** Returns the URL to forward to, or undefined when the target in `state` is not allowed. */
export function forwardTarget(query: URLSearchParams): string | undefined {
  const state = query.get('state');
  if (!state) return undefined;
  let target: URL;
  try {
    target = new URL(state);
  } catch {
    return undefined;
  }
  if (target.protocol === 'http:' || target.protocol === 'https:') {
    if (!LOOPBACK_HOSTS.has(target.hostname) || target.username || target.password) return undefined;
  } else if (FORBIDDEN_SCHEMES.has(target.protocol) || !/^[a-z][a-z0-9+.-]*:$/.test(target.protocol)) {
    return undefined;
  }
  target.hash = '';
  for (const name of FORWARDED_PARAMETERS) {
    const value = query.get(name);
    if (value !== null) target.searchParams.append(name, value);
  }
  return target.href;
}

export function handleForwarder(request: http.IncomingMessage, response: http.ServerResponse, query: URLSearchParams): void {
  const target = request.method === 'GET' ? forwardTarget(query) : undefined;
  if (!target) {
    response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    response.end('Refusing to forward: state must be a loopback http(s) URL or an editor URI.\n');
    return;
  }
  response.writeHead(302, { location: target, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  response.end();
}

// Completes an authorization request the way a person in a browser would: follows the provider's own
// redirects, fills in the sign-in form (or presses Deny), and stops at the first redirect that leaves
// the provider (the client's redirect URI), returning it without following it. Device-flow pages (code
// entry, confirmation) are submitted too; that flow ends on the provider's own "signed in" page.
import { formEncode, httpsRequest } from './httpsClient';
import { DEVICE_FLOW_DONE_MARKER } from './loginPages';

export interface Credentials {
  username: string;
  password: string;
}

const MAX_STEPS = 20;

class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(setCookie: string | string[] | undefined): void {
    for (const header of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair, ...attributes] = header.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key, attributeValue = ''] = attribute.trim().split('=');
        const lower = key.toLowerCase();
        return (lower === 'max-age' && Number(attributeValue) <= 0) || (lower === 'expires' && Date.parse(attributeValue) < Date.now());
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

function isProviderStep(url: URL, issuer: URL): boolean {
  if (url.origin !== issuer.origin) return false;
  return /^\/(auth|interaction|device)(\/|$)/.test(url.pathname);
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_match, code: string) => String.fromCharCode(Number(code)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attribute(tag: string, name: string): string | undefined {
  const value = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? undefined : decodeEntities(value);
}

interface ParsedForm {
  action: string;
  fields: Record<string, string>;
}

function parseForm(match: RegExpExecArray | null): ParsedForm | undefined {
  if (!match) return undefined;
  const action = attribute(match[0].slice(0, match[0].indexOf('>') + 1), 'action');
  if (!action) return undefined;
  const fields: Record<string, string> = {};
  for (const input of match[1].match(/<input\b[^>]*>/g) ?? []) {
    const name = attribute(input, 'name');
    if (name) fields[name] = attribute(input, 'value') ?? '';
  }
  return { action, fields };
}

/**
 * Forms a browser would submit on the provider's pages: the device-flow code entry and confirmation, and
 * the provider's self-submitting "Submitting Callback" page (a browser runs its script).
 */
function providerForm(html: string): ParsedForm | undefined {
  const device = parseForm(/<form\b[^>]*id="op\.device(?:Input|Confirm)Form"[^>]*>([\s\S]*?)<\/form>/.exec(html));
  if (device) return device;
  if (!html.includes('<title>Submitting Callback</title>')) return undefined;
  return parseForm(/<form\b[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/.exec(html));
}

function formAction(html: string, buttonId: 'sign-in' | 'deny'): string | undefined {
  if (buttonId === 'deny') return /id="deny" formaction="([^"]+)"/.exec(html)?.[1];
  return /<form method="post" action="([^"]+)"/.exec(html)?.[1];
}

export async function completeAuthorization(
  authorizationUrl: string,
  issuer: string,
  ca: Buffer,
  user: Credentials,
  options: { deny?: boolean } = {},
): Promise<string> {
  const jar = new CookieJar();
  const issuerUrl = new URL(issuer);
  let next: { url: string; method: 'GET' | 'POST'; body?: string } = { url: authorizationUrl, method: 'GET' };
  for (let step = 0; step < MAX_STEPS; step++) {
    const response = await httpsRequest(next.url, {
      method: next.method,
      body: next.body,
      ca,
      headers: {
        cookie: jar.header(),
        ...(next.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
    });
    jar.store(response.headers['set-cookie']);
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && typeof location === 'string') {
      const target = new URL(location, next.url);
      if (!isProviderStep(target, issuerUrl)) return target.href;
      next = { url: target.href, method: 'GET' };
      continue;
    }
    if (response.status === 200 && response.body.includes('id="sign-in"')) {
      if (next.method === 'POST' && response.body.includes('role="alert"')) {
        throw new Error(`sign-in as ${user.username} was refused by the test identity provider`);
      }
      const action = formAction(response.body, options.deny ? 'deny' : 'sign-in');
      if (!action) throw new Error('sign-in form not found');
      next = {
        url: new URL(decodeEntities(action), next.url).href,
        method: 'POST',
        body: formEncode({ username: user.username, password: user.password }),
      };
      continue;
    }
    const form = response.status === 200 ? providerForm(response.body) : undefined;
    const formTarget = form ? new URL(form.action, next.url) : undefined;
    if (form && formTarget && isProviderStep(formTarget, issuerUrl)) {
      const fields = response.body.includes('op.deviceConfirmForm') && options.deny ? { ...form.fields, abort: 'yes' } : form.fields;
      next = { url: formTarget.href, method: 'POST', body: formEncode(fields) };
      continue;
    }
    // The device flow ends on the provider's own "signed in" page rather than with a redirect.
    if (response.status === 200 && response.body.includes(DEVICE_FLOW_DONE_MARKER)) return next.url;
    const message =
      /<main>([\s\S]*?)<\/main>/
        .exec(response.body)?.[1]
        .replace(/<[^>]+>/g, ' ')
        .trim() ?? response.body.slice(0, 300);
    throw new Error(`authorization stopped at ${next.url} with HTTP ${response.status}: ${message}`);
  }
  throw new Error('authorization did not finish (too many redirects)');
}

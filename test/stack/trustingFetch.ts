// A `fetch` for TEST code that trusts the test CA explicitly (for oauth4webapi's `customFetch` option),
// so tests need not depend on NODE_EXTRA_CA_CERTS being set before the process started.
import * as https from 'node:https';

function headersOf(init: RequestInit | undefined): Record<string, string> {
  return Object.fromEntries(new Headers(init?.headers).entries());
}

async function bodyOf(init: RequestInit | undefined): Promise<Buffer | undefined> {
  const body = init?.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8');
  return Buffer.from(await new Response(body).arrayBuffer());
}

export function createFetchTrustingCa(ca: Buffer): (input: string | URL, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    const body = await bodyOf(init);
    const headers = headersOf(init);
    if (init?.body instanceof URLSearchParams && !headers['content-type']) headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
    return new Promise<Response>((resolve, reject) => {
      const request = https.request(
        String(input),
        { method: init?.method ?? 'GET', headers, ca, agent: false, signal: init?.signal ?? undefined },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(response.headers)) {
              if (Array.isArray(value)) value.forEach((each) => responseHeaders.append(name, each));
              else if (value !== undefined) responseHeaders.set(name, value);
            }
            const status = response.statusCode ?? 500;
            const payload = status === 204 || status === 304 ? null : Buffer.concat(chunks);
            resolve(new Response(payload, { status, headers: responseHeaders }));
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  };
}

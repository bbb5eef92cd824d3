// RFC 7662 token introspection at the test provider, authenticated as the mail servers' confidential client.
import { formEncode, httpsRequest } from './httpsClient';

export interface IntrospectionResult {
  active: boolean;
  [claim: string]: unknown;
}

export interface Introspector {
  introspect(token: string): Promise<IntrospectionResult>;
}

export function createIntrospector(endpoint: string, clientId: string, clientSecret: string, ca: Buffer): Introspector {
  const authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
  return {
    async introspect(token: string): Promise<IntrospectionResult> {
      const response = await httpsRequest(endpoint, {
        method: 'POST',
        ca,
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: formEncode({ token }),
      });
      if (response.status !== 200) throw new Error(`introspection failed with HTTP ${response.status}`);
      const parsed: unknown = JSON.parse(response.body);
      if (!parsed || typeof parsed !== 'object' || typeof (parsed as { active?: unknown }).active !== 'boolean') {
        throw new Error('introspection returned an unexpected body');
      }
      return parsed as IntrospectionResult;
    },
  };
}

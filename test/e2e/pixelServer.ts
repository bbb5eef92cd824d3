// An HTTPS server on loopback standing in for a sender's tracking host: the e2e suites count what
// reaches it while remote content is blocked (nothing) and after the person allows it.
import * as https from 'node:https';
import type * as net from 'node:net';
import { loadTlsFixtures } from '../stack/tlsFixtures';

export interface PixelServer {
  origin: string;
  /** TCP connections accepted: a browser that was never asked to load the pixel makes none. */
  connections: number;
  requests: string[];
  close(): Promise<void>;
}

export function startPixelServer(): Promise<PixelServer> {
  const { key, cert } = loadTlsFixtures();
  const server = https.createServer({ key, cert }, (request, response) => {
    state.requests.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'image/gif' });
    response.end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
  });
  const state: PixelServer = { origin: '', connections: 0, requests: [], close: () => new Promise<void>((done) => server.close(() => done())) };
  server.on('connection', () => {
    state.connections++;
  });
  server.on('tlsClientError', () => undefined);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      state.origin = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      resolve(state);
    });
  });
}

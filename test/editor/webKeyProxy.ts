// What code-server's own Node front end adds to the VS Code server it wraps, for the tests that need it: the
// `POST /mint-key` route. The workbench seals SecretStorage into the browser's localStorage with a key half
// from that route; without it (the bare server the harness runs) sealing fails, so SecretStorage lives only in
// the tab's memory and a second tab of the same browser starts signed out. Everything else is passed through
// unchanged, WebSocket upgrades included.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';

export interface WebKeyProxy {
  readonly port: number;
  close(): Promise<void>;
}

/** As code-server does: one random key half per user-data directory, kept in `serve-web-key-half`. */
function keyHalf(userDataDirectory: string): Buffer {
  const file = path.join(userDataDirectory, 'serve-web-key-half');
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, crypto.randomBytes(32), { mode: 0o600 });
  }
  return fs.readFileSync(file);
}

export async function startWebKeyProxy(targetPort: number, userDataDirectory: string): Promise<WebKeyProxy> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer((request, response) => {
    if (request.method === 'POST' && new URL(request.url ?? '/', 'http://proxy').pathname.endsWith('/mint-key')) {
      response.end(keyHalf(userDataDirectory));
      return;
    }
    const forwarded = http.request({ host: '127.0.0.1', port: targetPort, method: request.method, path: request.url, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(response);
    });
    forwarded.on('error', () => response.destroy());
    request.pipe(forwarded);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (request: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const upstream = net.connect(targetPort, '127.0.0.1', () => {
      const headers = [];
      for (let index = 0; index < request.rawHeaders.length; index += 2) {
        headers.push(`${request.rawHeaders[index]}: ${request.rawHeaders[index + 1]}`);
      }
      upstream.write(`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    // A tab that closes ends its WebSockets: end the server's side as well, as code-server does.
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    socket.once('close', () => upstream.destroy());
    upstream.once('close', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

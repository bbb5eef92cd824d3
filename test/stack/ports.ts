// Ephemeral loopback ports for servers that cannot be handed an already-bound socket (Dovecot).
import * as net from 'node:net';

/** Binds port 0 on 127.0.0.1, reads the port the kernel chose, and releases it. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not read an ephemeral port'))));
    });
  });
}

/** Resolves once a TCP connection to the port is refused (used by tests to prove a server is gone). */
export function isPortClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

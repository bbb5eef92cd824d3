// A TCP relay on loopback standing between Mailroom and a server, so a test can take the network away
// (close the port and cut every connection) and give it back on the same port, make the server slow,
// or make it a black hole (connections stay open and are accepted, but nothing gets through either way).
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface TcpProxy {
  readonly port: number;
  /** Where connections are relayed to; set before the first connection arrives. */
  target: { host: string; port: number } | undefined;
  /** Holds back what the server sends by this long, like a server far away (0: at once). */
  latencyMs: number;
  /** Caps what goes through each way of a connection to this many bytes a second, like a slow link (0: no cap). */
  bytesPerSecond: number;
  /** Stops listening and cuts every open connection: clients see the server vanish. */
  cut(): Promise<void>;
  /**
   * From now on nothing gets through, on open connections and new ones alike, and nothing is closed:
   * a server (or a network path) that stops answering. What is sent meanwhile is lost.
   */
  blackHole(): void;
  /** Listens on the same port again after a cut, and forwards again after a black hole. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

function listen(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** One direction of a relayed connection: a chunk leaves after the ones before it have (at the capped rate), plus the delay; order is kept. */
class Link {
  private freeAt = 0;

  public constructor(
    private readonly limits: { bytesPerSecond: number },
    private readonly delayMs: number | (() => number),
  ) {}

  public send(chunk: Buffer, to: net.Socket): void {
    const delayMs = typeof this.delayMs === 'number' ? this.delayMs : this.delayMs();
    if (delayMs <= 0 && this.limits.bytesPerSecond <= 0) {
      to.write(chunk);
      return;
    }
    const now = performance.now();
    const transmitMs = this.limits.bytesPerSecond > 0 ? (chunk.length / this.limits.bytesPerSecond) * 1000 : 0;
    this.freeAt = Math.max(now, this.freeAt) + transmitMs;
    setTimeout(() => to.write(chunk), this.freeAt - now + delayMs);
  }
}

export async function startTcpProxy(): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const proxy = { target: undefined as TcpProxy['target'], latencyMs: 0, bytesPerSecond: 0 };
  let blackHoled = false;
  const server = net.createServer((client) => {
    const target = proxy.target;
    if (!target) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    const toServer = new Link(proxy, 0);
    const toClient = new Link(proxy, () => proxy.latencyMs);
    client.on('data', (chunk: Buffer) => {
      if (!blackHoled) {
        toServer.send(chunk, upstream);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!blackHoled) {
        toClient.send(chunk, client);
      }
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const port = await listen(server, 0);
  const cut = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    sockets.forEach((socket) => socket.destroy());
    await closed;
  };
  return Object.assign(proxy, {
    port,
    cut,
    blackHole: (): void => {
      blackHoled = true;
    },
    restore: async (): Promise<void> => {
      blackHoled = false;
      if (!server.listening) {
        await listen(server, port);
      }
    },
    close: async (): Promise<void> => {
      // Once cut, nothing is listening and no connection is left.
      if (server.listening) {
        await cut();
      }
    },
  });
}

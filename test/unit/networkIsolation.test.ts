// The unit layer's promise, checked from inside it: test/run.js runs the unit mocha under `unshare -rn`
// (loopback down) and sets MAILROOM_UNIT_NETWORK_ISOLATED. Where it cannot, it says so and this test is
// reported as pending rather than passing.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';

/** Errors a connect gives when the network is unreachable (as opposed to a server that answered). */
const UNREACHABLE = new Set(['ENETUNREACH', 'EADDRNOTAVAIL', 'EHOSTUNREACH', 'ECONNREFUSED', 'EACCES', 'EPERM']);

/** Listens on 127.0.0.1 and connects to that same port: resolves with the error code, or 'connected'. */
async function connectToOwnListener(): Promise<string> {
  const server = net.createServer((socket) => socket.destroy());
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
    });
    return await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  } finally {
    server.close();
  }
}

describe('the unit layer', () => {
  it('cannot connect a socket, not even to a listener on 127.0.0.1, when the runner says it is isolated', async function () {
    if (!process.env.MAILROOM_UNIT_NETWORK_ISOLATED) {
      this.skip();
    }
    const outcome = await connectToOwnListener();
    assert.ok(UNREACHABLE.has(outcome), `a socket connected inside the unit layer (${outcome}): it is not network-isolated`);
  });
});

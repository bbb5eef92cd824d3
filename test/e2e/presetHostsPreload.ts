// Loaded into code-server and its extension host with NODE_OPTIONS=--require (test only, never in the .vsix):
// sends every connection to a preset's real host and port (accounts.google.com:443, smtp.office365.com:587, …)
// to the local provider profile's server instead, so the packaged extension's Gmail and Microsoft presets run
// unchanged offline. Only the address the socket dials changes: TLS still checks the certificate against the
// real host name (the test server certificate names the preset hosts; the test CA is trusted through
// NODE_EXTRA_CA_CERTS). Connections to any other host:port are left alone.
import * as net from 'node:net';

/** JSON of `{ "accounts.google.com:443": { "host": "127.0.0.2", "port": 40123 }, … }`. */
export const PRESET_HOSTS_VARIABLE = 'MAILROOM_TEST_PRESET_HOSTS';

interface Target {
  host: string;
  port: number;
}

function mappingFromEnvironment(): ReadonlyMap<string, Target> {
  const value = process.env[PRESET_HOSTS_VARIABLE];
  return new Map(value ? Object.entries(JSON.parse(value) as Record<string, Target>) : []);
}

type Connect = (this: net.Socket, ...args: unknown[]) => net.Socket;

function redirectPresetConnections(mapping: ReadonlyMap<string, Target>): void {
  if (mapping.size === 0) {
    return;
  }
  const original = net.Socket.prototype.connect as unknown as Connect;
  const redirected: Connect = function (this: net.Socket, ...args: unknown[]) {
    // net.connect hands over its already-normalised [options, callback] pair as one array argument.
    const [options, callback] = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    if (typeof options === 'object' && options !== null && 'port' in options) {
      const { host = 'localhost', port } = options as { host?: string; port: number | string };
      const target = mapping.get(`${host.toLowerCase()}:${String(port)}`);
      if (target) {
        return original.call(this, { ...options, host: target.host, port: target.port }, callback);
      }
    }
    return original.apply(this, args);
  };
  net.Socket.prototype.connect = redirected as unknown as typeof net.Socket.prototype.connect;
}

redirectPresetConnections(mappingFromEnvironment());

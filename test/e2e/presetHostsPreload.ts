// Loaded into code-server and its extension host with NODE_OPTIONS=--require (test only, never in the .vsix):
// sends every connection to a preset's real host and port (accounts.google.com:443, smtp.office365.com:587, …)
// to the local provider profile's server instead, so the packaged extension's Gmail and Microsoft presets run
// unchanged offline. Only the address the socket dials changes: TLS still checks the certificate against the
// real host name (the test server certificate names the preset hosts; the test CA is trusted through
// NODE_EXTRA_CA_CERTS). Connections to any other host:port are left alone.
//
// Some clients resolve the name themselves and dial the address with the name as TLS server name (nodemailer:
// dns.Resolver, then dns.lookup). For them each preset host resolves to an address of its own in 127.77.0.0/24,
// and a connection to that address and the preset's port goes to the profile's server as well.
// The default import is the module object itself, the one every client calls dns.lookup on (a namespace import is a copy).
import dns from 'node:dns';
import * as net from 'node:net';

/** JSON of `{ "accounts.google.com:443": { "host": "127.0.0.2", "port": 40123 }, … }`. */
export const PRESET_HOSTS_VARIABLE = 'MAILROOM_TEST_PRESET_HOSTS';

interface Target {
  host: string;
  port: number;
}

interface PresetHosts {
  /** `host:port` (by name or by the name's stand-in address) → the profile's server. */
  connections: ReadonlyMap<string, Target>;
  /** Each preset host name → the stand-in address it resolves to. */
  addresses: ReadonlyMap<string, string>;
}

function presetHostsFromEnvironment(): PresetHosts {
  const value = process.env[PRESET_HOSTS_VARIABLE];
  const byName = Object.entries(value ? (JSON.parse(value) as Record<string, Target>) : {});
  const names = [...new Set(byName.map(([hostAndPort]) => hostAndPort.slice(0, hostAndPort.lastIndexOf(':'))))];
  const addresses = new Map(names.map((name, index) => [name, `127.77.0.${index + 1}`]));
  const connections = new Map<string, Target>();
  for (const [hostAndPort, target] of byName) {
    const separator = hostAndPort.lastIndexOf(':');
    connections.set(hostAndPort, target);
    connections.set(`${addresses.get(hostAndPort.slice(0, separator)) ?? ''}${hostAndPort.slice(separator)}`, target);
  }
  return { connections, addresses };
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

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;
type Resolve4Callback = (error: NodeJS.ErrnoException | null, addresses: string[]) => void;

function resolvePresetNames(addresses: ReadonlyMap<string, string>): void {
  if (addresses.size === 0) {
    return;
  }
  const lookup = dns.lookup as unknown as (...args: unknown[]) => void;
  const presetLookup = (hostname: string, ...rest: unknown[]): void => {
    const address = addresses.get(String(hostname).toLowerCase());
    if (address === undefined) {
      lookup(hostname, ...rest);
      return;
    }
    const callback = rest[rest.length - 1] as LookupCallback;
    const options = rest.length > 1 && typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as dns.LookupOptions) : {};
    process.nextTick(() => (options.all ? callback(null, [{ address, family: 4 }]) : callback(null, address, 4)));
  };
  Object.assign(dns, { lookup: presetLookup });
  const resolve4 = dns.Resolver.prototype.resolve4 as unknown as (this: dns.Resolver, ...args: unknown[]) => void;
  dns.Resolver.prototype.resolve4 = function (this: dns.Resolver, hostname: string, ...rest: unknown[]): void {
    const address = addresses.get(String(hostname).toLowerCase());
    if (address === undefined) {
      resolve4.call(this, hostname, ...rest);
      return;
    }
    const callback = rest[rest.length - 1] as Resolve4Callback;
    process.nextTick(() => callback(null, [address]));
  } as typeof dns.Resolver.prototype.resolve4;
}

const presetHosts = presetHostsFromEnvironment();
resolvePresetNames(presetHosts.addresses);
redirectPresetConnections(presetHosts.connections);

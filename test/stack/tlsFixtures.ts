// The committed test CA, the server certificate for 127.0.0.1/localhost and the providers' signing keys
// (see fixtures/README.md).
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The fixtures live next to the TypeScript sources; compiled code runs from out/test/stack. */
function findFixturesDirectory(): string {
  const candidates = [path.join(__dirname, 'fixtures'), path.resolve(__dirname, '..', '..', '..', 'test', 'stack', 'fixtures')];
  const found = candidates.find((candidate) => fs.existsSync(path.join(candidate, 'ca.pem')));
  if (!found) {
    throw new Error(`test TLS fixtures not found (looked in ${candidates.join(', ')})`);
  }
  return found;
}

export type SigningKeyRole = 'issuer' | 'attacker';

/** The committed RS256 private key (PEM) of the test provider or of the attacker provider. */
export function signingKeyPem(role: SigningKeyRole): Buffer {
  return fs.readFileSync(path.join(findFixturesDirectory(), `${role}-signing-key.pem`));
}

export interface TlsFixtures {
  caFile: string;
  certFile: string;
  keyFile: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

let cached: TlsFixtures | undefined;

export function loadTlsFixtures(): TlsFixtures {
  if (!cached) {
    const directory = findFixturesDirectory();
    const caFile = path.join(directory, 'ca.pem');
    const certFile = path.join(directory, 'server.pem');
    const keyFile = path.join(directory, 'server.key');
    cached = {
      caFile,
      certFile,
      keyFile,
      ca: fs.readFileSync(caFile),
      cert: fs.readFileSync(certFile),
      key: fs.readFileSync(keyFile),
    };
  }
  return cached;
}

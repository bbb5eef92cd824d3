// Debian's Chromium driven by playwright-core (no browser download), configured to stay on loopback.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { loadTlsFixtures } from '../stack/tlsFixtures';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGUMENTS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Chromium has no option to add a CA, so the stack's pages (the issuer's sign-in page) are trusted by
 * pinning the public key of the committed test server certificate: certificate errors are ignored for
 * that one key only, every other site is verified as usual.
 */
export function testServerKeyPin(): string {
  const publicKey = crypto.createPublicKey(loadTlsFixtures().key).export({ type: 'spki', format: 'der' });
  return `--ignore-certificate-errors-spki-list=${crypto.createHash('sha256').update(publicKey).digest('base64')}`;
}

/** `extraArguments`: more Chromium switches, e.g. `--host-resolver-rules` that send a provider's host names to the local stack. */
export async function launchChromium(extraArguments: readonly string[] = []): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing; install it with: apt-get install -y chromium`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGUMENTS, testServerKeyPin(), ...extraArguments] });
}

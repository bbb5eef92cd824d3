// "Always load remote content from this sender" keys on the From address, which anyone can write.
// Where the receiving server left evidence about who really sent the message (the envelope sender it
// recorded as Return-Path, a Sender header, its own SPF/DKIM/DMARC verdicts in
// Authentication-Results), trust is applied only when none of it contradicts From. Evidence can only
// take trust away: a forged header can make a message less trusted, never more.
import type { AddressObject, ParsedMail } from 'mailparser';
import type { SenderTrust } from '../shared/protocol';

/** What a message says about its sender, as the headers give it. */
export interface SenderEvidence {
  /** The From addresses, lower-cased. */
  from: string[];
  /** Every Return-Path (the envelope sender the delivering server recorded); '' for the null path `<>`. */
  returnPath: string[];
  /** The Sender header's address, lower-cased, when there is one. */
  sender: string | undefined;
  /** Every Authentication-Results header, as text. */
  authenticationResults: string[];
}

export const noSenderEvidence: SenderEvidence = { from: [], returnPath: [], sender: undefined, authenticationResults: [] };

function addressesOf(value: unknown): string[] {
  const objects = (Array.isArray(value) ? value : [value]) as (AddressObject | undefined)[];
  return objects.flatMap((object) => object?.value ?? []).map((entry) => (entry.address ?? '').toLowerCase());
}

/** The sender evidence in a parsed message's headers. */
export function senderEvidence(parsed: ParsedMail): SenderEvidence {
  const authenticationResults = parsed.headers.get('authentication-results');
  return {
    from: addressesOf(parsed.from).filter((address) => address !== ''),
    returnPath: addressesOf(parsed.headers.get('return-path')),
    sender: parsed.headers.has('sender') ? addressesOf(parsed.headers.get('sender'))[0] : undefined,
    authenticationResults: (Array.isArray(authenticationResults) ? authenticationResults : [authenticationResults]).filter(
      (value): value is string => typeof value === 'string',
    ),
  };
}

/** Reasons are shown in the reader; a header value can be any length. */
const shownAddressLimit = 80;

function shown(address: string): string {
  return address.length > shownAddressLimit ? `${address.slice(0, shownAddressLimit)}…` : address;
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return (at === -1 ? address : address.slice(at + 1)).trim().toLowerCase().replace(/\.$/, '');
}

/**
 * Whether two domains belong together: equal, or one a subdomain of the other (`example.com` and
 * `mail.example.com`, as a bulk sender's bounce domain usually is). Sibling subdomains do not count:
 * without the public-suffix list, `a.co.uk` and `b.co.uk` could not be told from them.
 */
function domainsAlign(first: string, second: string): boolean {
  const a = domainOf(first);
  const b = domainOf(second);
  return a !== '' && b !== '' && (a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`));
}

interface AuthenticationResult {
  method: string;
  result: string;
  /** `ptype.property` → value, e.g. `header.from` → `example.com`. */
  properties: Map<string, string>;
}

/** Removes RFC 5322 comments (nested parentheses), leaving quoted strings alone. */
function withoutComments(text: string): string {
  let output = '';
  let depth = 0;
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (character === '\\' && (quoted || depth > 0)) {
      if (depth === 0) {
        output += text.slice(index, index + 2);
      }
      index++;
      continue;
    }
    if (depth === 0 && character === '"') {
      quoted = !quoted;
    } else if (!quoted && character === '(') {
      depth++;
      continue;
    } else if (!quoted && character === ')' && depth > 0) {
      depth--;
      continue;
    }
    if (depth === 0) {
      output += character;
    }
  }
  return output;
}

/** The results of one Authentication-Results header (RFC 8601), after its authserv-id. */
function parseAuthenticationResults(header: string): AuthenticationResult[] {
  const [, ...resinfos] = withoutComments(header).split(';');
  const results: AuthenticationResult[] = [];
  for (const resinfo of resinfos) {
    const match = /^\s*([a-z0-9_-]+)(?:\s*\/\s*\d+)?\s*=\s*([a-z0-9_-]+)(.*)$/is.exec(resinfo);
    if (!match) {
      continue;
    }
    const properties = new Map<string, string>();
    for (const property of match[3].matchAll(/([a-z0-9_-]+\.[a-z0-9_-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s"]+)/gi)) {
      properties.set(property[1].toLowerCase(), property[2].replace(/^"|"$/g, ''));
    }
    results.push({ method: match[1].toLowerCase(), result: match[2].toLowerCase(), properties });
  }
  return results;
}

/** Failed verdicts: `softfail` is SPF's "probably not allowed to send for this domain". */
const failing: Record<string, Set<string>> = {
  dmarc: new Set(['fail']),
  spf: new Set(['fail', 'softfail']),
  dkim: new Set(['fail']),
};

/** The domain a result is about, per method (absent: the result is taken to be about From). */
function subjectDomain(result: AuthenticationResult): string | undefined {
  const property = { dmarc: ['header.from'], spf: ['smtp.mailfrom', 'smtp.helo'], dkim: ['header.d', 'header.i'] }[result.method] ?? [];
  const value = property.map((name) => result.properties.get(name)).find((candidate) => candidate !== undefined);
  return value === undefined ? undefined : domainOf(value);
}

/** Why the headers contradict the From address, or `undefined` when nothing does. */
function contradiction(evidence: SenderEvidence, fromAddress: string): string | undefined {
  if (evidence.from.length > 1) {
    return 'it names more than one sender in From';
  }
  const fromDomain = domainOf(fromAddress);
  for (const envelope of evidence.returnPath) {
    if (envelope === '') {
      return 'it was delivered with an empty envelope sender (as bounces and automatic replies are)';
    }
    if (!domainsAlign(envelope, fromDomain)) {
      return `its envelope sender (${shown(envelope)}) is not at ${shown(fromDomain)}`;
    }
  }
  if (evidence.sender !== undefined && evidence.sender !== '' && !domainsAlign(evidence.sender, fromDomain)) {
    return `its Sender header (${shown(evidence.sender)}) is not at ${shown(fromDomain)}`;
  }
  for (const header of evidence.authenticationResults) {
    for (const result of parseAuthenticationResults(header)) {
      const about = subjectDomain(result);
      if (failing[result.method]?.has(result.result) && (about === undefined || domainsAlign(about, fromDomain))) {
        return `the receiving server's ${result.method.toUpperCase()} check failed (${result.method}=${result.result}) for ${shown(about ?? fromDomain)}`;
      }
    }
  }
  return undefined;
}

/**
 * How remote-content trust applies to one message, given the senders the person trusts (lower-case
 * addresses). Applied only when the From address is trusted and no header contradicts it.
 */
export function decideSenderTrust(evidence: SenderEvidence, trustedSenders: readonly string[]): SenderTrust {
  const sender = evidence.from[0] ?? '';
  if (sender === '' || !sender.includes('@')) {
    return { kind: 'none' };
  }
  const trusted = trustedSenders.includes(sender);
  const reason = contradiction(evidence, sender);
  if (reason !== undefined) {
    return { kind: 'withheld', sender, trusted, reason };
  }
  return trusted ? { kind: 'applied', sender } : { kind: 'offered', sender };
}

/** Where the trusted senders are kept: the extension's globalState (addresses only, nothing secret). */
export interface TrustedSenderStore {
  get<T>(key: string, defaultValue: T): T;
  update(key: string, value: unknown): PromiseLike<void>;
}

const trustedSendersKey = 'mailroom.remoteContent.allowedSenders';

/** The person's list of senders whose mail loads remote content automatically. */
export class TrustedSenders {
  public constructor(private readonly store: TrustedSenderStore) {}

  /** Lower-case addresses. */
  public list(): string[] {
    const stored = this.store.get<unknown>(trustedSendersKey, []);
    return Array.isArray(stored) ? stored.filter((entry): entry is string => typeof entry === 'string') : [];
  }

  public decide(evidence: SenderEvidence): SenderTrust {
    return decideSenderTrust(evidence, this.list());
  }

  /** "Always for this sender": only where it was offered (nothing contradicts From). */
  public async trust(current: SenderTrust): Promise<SenderTrust> {
    if (current.kind !== 'offered') {
      return current;
    }
    await this.store.update(trustedSendersKey, [...new Set([...this.list(), current.sender])]);
    return { kind: 'applied', sender: current.sender };
  }

  /** The undo: the sender's mail asks again, starting with this message. */
  public async stopTrusting(current: SenderTrust, evidence: SenderEvidence): Promise<SenderTrust> {
    if (current.kind === 'applied' || (current.kind === 'withheld' && current.trusted)) {
      const sender = current.sender;
      await this.store.update(
        trustedSendersKey,
        this.list().filter((address) => address !== sender),
      );
    }
    return this.decide(evidence);
  }
}

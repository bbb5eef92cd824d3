/**
 * Which links from a message may be opened, and what the confirmation shows [SEC-28]: only
 * https, http and mailto; never command:, file:, vscode: or anything else. The host shown is the
 * one the browser will really contact (punycode for look-alike Unicode names), never the link text.
 */
import type { UiText } from '../ui/text';
import { ui } from '../ui/text';

export type LinkDecision = { allowed: true; url: string; scheme: 'https' | 'http' | 'mailto'; displayTarget: string } | { allowed: false; reason: string };

const maxUrlLength = 8192;

export function evaluateLink(raw: string): LinkDecision {
  const text = raw.trim();
  if (text.length === 0 || text.length > maxUrlLength) {
    return { allowed: false, reason: ui`The link is empty or too long.`.value };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { allowed: false, reason: ui`The link is not a complete address.`.value };
  }
  switch (url.protocol) {
    case 'https:':
    case 'http:': {
      if (!url.hostname) {
        return { allowed: false, reason: ui`The link has no host.`.value };
      }
      // Credentials in a URL are a classic disguise (https://trusted.example@evil.example/).
      if (url.username || url.password) {
        return { allowed: false, reason: ui`The link hides a user name in its address.`.value };
      }
      return { allowed: true, url: url.href, scheme: url.protocol === 'https:' ? 'https' : 'http', displayTarget: url.host };
    }
    case 'mailto:': {
      const recipients = decodeURIComponentSafely(url.pathname);
      return { allowed: true, url: url.href, scheme: 'mailto', displayTarget: recipients || ui`(no recipient)`.value };
    }
    default:
      return { allowed: false, reason: ui`Links of type "${url.protocol.replace(/:$/, '')}" are not opened from mail.`.value };
  }
}

function decodeURIComponentSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The sentence the confirmation dialog shows. */
export function describeLinkTarget(decision: Extract<LinkDecision, { allowed: true }>): UiText {
  return decision.scheme === 'mailto' ? ui`Write mail to ${decision.displayTarget}?` : ui`Open ${decision.scheme}://${decision.displayTarget} in your browser?`;
}

/** What opening a link needs from the editor; injected so the whole path runs in plain Node tests. */
export interface LinkOpening {
  /** Tells the person the link was not opened, and why. */
  refuse(message: UiText): void;
  /** The modal confirmation: resolves true only when the person chose `action`. */
  confirm(question: UiText, detail: UiText, action: UiText): Promise<boolean>;
  /** Hands a URL to the system browser or mail client (`env.openExternal`). */
  openExternal(url: string): Promise<boolean>;
}

export type LinkOutcome = 'refused' | 'declined' | 'opened';

/**
 * A link clicked in a message [SEC-28]: refused outright unless the policy allows it, otherwise
 * opened only after a confirmation naming the real destination, and then exactly the URL the
 * confirmation showed, never the raw text the webview sent.
 */
export async function openLinkFromMail(raw: string, opening: LinkOpening): Promise<LinkOutcome> {
  const decision = evaluateLink(raw);
  if (!decision.allowed) {
    opening.refuse(ui`Mailroom did not open this link. ${decision.reason}`);
    return 'refused';
  }
  const action = decision.scheme === 'mailto' ? ui`Write Mail` : ui`Open Link`;
  if (!(await opening.confirm(describeLinkTarget(decision), ui`${decision.url}`, action))) {
    return 'declined';
  }
  await opening.openExternal(decision.url);
  return 'opened';
}

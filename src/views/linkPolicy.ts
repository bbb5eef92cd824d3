/**
 * Which links from a message may be opened, and what the confirmation shows [SEC-28]: only
 * https, http and mailto; never command:, file:, vscode: or anything else. The host shown is the
 * one the browser will really contact (punycode for look-alike Unicode names), never the link text.
 */
import type { UiText } from '../ui/text';
import { ui } from '../ui/text';

export type LinkDecision =
  | { allowed: true; url: string; scheme: 'https' | 'http' | 'mailto'; displayTarget: string }
  | { allowed: false; reason: string };

const maxUrlLength = 8192;

export function evaluateLink(raw: string): LinkDecision {
  const text = raw.trim();
  if (text.length === 0 || text.length > maxUrlLength) {
    return { allowed: false, reason: 'The link is empty or too long.' };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { allowed: false, reason: 'The link is not a complete address.' };
  }
  switch (url.protocol) {
    case 'https:':
    case 'http:': {
      if (!url.hostname) {
        return { allowed: false, reason: 'The link has no host.' };
      }
      // Credentials in a URL are a classic disguise (https://trusted.example@evil.example/).
      if (url.username || url.password) {
        return { allowed: false, reason: 'The link hides a user name in its address.' };
      }
      return { allowed: true, url: url.href, scheme: url.protocol === 'https:' ? 'https' : 'http', displayTarget: url.host };
    }
    case 'mailto:': {
      const recipients = decodeURIComponentSafely(url.pathname);
      return { allowed: true, url: url.href, scheme: 'mailto', displayTarget: recipients || '(no recipient)' };
    }
    default:
      return { allowed: false, reason: `Links of type "${url.protocol.replace(/:$/, '')}" are not opened from mail.` };
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

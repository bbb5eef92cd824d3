// The notes above a message's body: remote content blocked (with the choice to load it, or always for
// this sender), trust in the sender made visible with the way back, and a malformed message.
import type { SenderTrust } from '../src/shared/protocol';
import { codicon, element, vscodeButton } from './dom';

export interface RemoteContentChoices {
  load(): void;
  alwaysForSender(): void;
  stopTrustingSender(): void;
}

export function remoteContentBanner(count: number, senderTrust: SenderTrust, choices: RemoteContentChoices): HTMLElement {
  const banner = element('div', { className: 'banner remote', attributes: { role: 'status' } });
  banner.append(
    codicon('shield'),
    element('span', { text: `Remote content (${count}) was blocked to protect your privacy.` }),
    vscodeButton('Load Remote Content', () => choices.load(), { secondary: true }),
  );
  if (senderTrust.kind === 'offered') {
    banner.append(vscodeButton('Always for This Sender', () => choices.alwaysForSender(), { secondary: true }));
  } else if (senderTrust.kind === 'withheld') {
    // Why a trusted sender's mail is blocked after all, or why trusting is not offered: the
    // headers say someone other than From sent it.
    const note = senderTrust.trusted
      ? `You trust mail from ${senderTrust.sender}, but not this message: ${senderTrust.reason}.`
      : `Trusting ${senderTrust.sender} is not offered for this message: ${senderTrust.reason}.`;
    banner.append(element('span', { className: 'trust-note', text: note }));
    if (senderTrust.trusted) {
      banner.append(stopTrustingButton(choices));
    }
  }
  return banner;
}

/** Trust made visible: whose mail loads remote content on its own, and the way back. */
export function trustedSenderBanner(sender: string, choices: RemoteContentChoices): HTMLElement {
  const banner = element('div', { className: 'banner trusted-sender', attributes: { role: 'status' } });
  banner.append(
    codicon('unlock'),
    element('span', { text: `Remote content loads automatically in mail from ${sender}, because you chose to trust this sender.` }),
    stopTrustingButton(choices),
  );
  return banner;
}

/** Said above the body when the MIME structure is broken and the body shows source text instead. */
export function malformedNote(): HTMLElement {
  const note = element('div', { className: 'banner malformed', attributes: { role: 'status' } });
  note.append(codicon('warning'), element('span', { text: 'This message is malformed; showing its source text.' }));
  return note;
}

function stopTrustingButton(choices: RemoteContentChoices): HTMLElement {
  return vscodeButton('Stop Trusting This Sender', () => choices.stopTrustingSender(), { secondary: true });
}

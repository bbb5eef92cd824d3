// A patch mail in the reader: the commit message, then the diff with each line coloured by what it is
// (file and hunk headers, added, removed), and the patch's own actions. Every line goes in as text.
import type { PatchTooLarge, PatchView } from '../src/shared/protocol';
import { element, vscodeButton } from './dom';
import { formatSize } from './readerAttachments';
import { t } from './strings';
import './patch.css';

export interface PatchActions {
  apply(): void;
  reply(): void;
}

/** `[PATCH 2/5]`: part of a series of more than one, so Apply takes the whole series. */
function isSeries(subject: string): boolean {
  const match = /\[[^\]]*\bPATCH\b[^\]]*\s\d+\/(\d+)\s*\]/i.exec(subject);
  return match !== null && Number(match[1]) > 1;
}

function patchToolbar(subject: string, actions: PatchActions): HTMLElement {
  const toolbar = element('div', { className: 'patch-actions', attributes: { role: 'toolbar', 'aria-label': t('patchActions') } });
  toolbar.append(
    vscodeButton(isSeries(subject) ? t('applySeries') : t('applyPatch'), actions.apply, { icon: 'git-pull-request' }),
    vscodeButton(t('replyToPatch'), actions.reply, { icon: 'reply', secondary: true }),
  );
  return toolbar;
}

/** An attached patch too large to show: its name and size and the same actions, none of its text. */
export function patchTooLargeNote(patch: PatchTooLarge, subject: string, actions: PatchActions): HTMLElement {
  const note = element('section', { className: 'patch patch-too-large' });
  note.append(
    element('p', { className: 'patch-attachment', text: t('patchTooLarge', patch.attachment, formatSize(patch.size)) }),
    patchToolbar(subject, actions),
  );
  return note;
}

export function patchBody(patch: PatchView, subject: string, actions: PatchActions): HTMLElement {
  const body = element('div', { className: 'patch', attributes: { role: 'document', 'aria-label': t('messageBody') } });
  const toolbar = patchToolbar(subject, actions);
  const files = element('p', { className: 'patch-files', text: t('patchFiles', patch.files.join(', ')) });
  if (patch.attachment !== undefined) {
    body.append(element('p', { className: 'patch-attachment', text: t('patchAttachment', patch.attachment) }));
  }
  const message = element('div', { className: 'mail-text patch-message', text: patch.message });
  const diff = element('pre', { className: 'patch-diff', attributes: { 'aria-label': t('patchDiff') } });
  for (const line of patch.lines) {
    diff.append(element('span', { className: `patch-line patch-${line.kind}`, text: `${line.text}\n` }));
  }
  body.append(toolbar, files, message, diff);
  if (patch.uncoloured !== undefined) {
    // Past what is coloured, one text: as fast to show as a plain-text mail, and all of it there to read and find.
    const lines = patch.uncoloured.split('\n').length;
    body.append(
      element('p', { className: 'note patch-uncoloured-note', text: t('patchUncoloured', lines.toLocaleString()) }),
      element('pre', { className: 'patch-diff patch-uncoloured', text: `${patch.uncoloured}\n`, attributes: { 'aria-label': t('patchDiff') } }),
    );
  }
  return body;
}

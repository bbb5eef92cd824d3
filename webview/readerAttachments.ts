// The message's attachments: each can be saved, and those that are text can be opened in an editor.
import type { AttachmentView } from '../src/shared/protocol';
import { opensAsText } from '../src/shared/protocol';
import { codicon, element, vscodeButton } from './dom';
import { t } from './strings';

interface AttachmentActions {
  save(index: number): void;
  open(index: number): void;
}

export function attachmentList(attachments: AttachmentView[], actions: AttachmentActions): HTMLElement {
  const section = element('section', { className: 'attachments', attributes: { 'aria-label': t('attachments') } });
  section.append(element('h2', { text: t('attachmentsCount', attachments.length) }));
  const list = element('ul');
  for (const attachment of attachments) {
    const item = element('li');
    const save = vscodeButton(t('saveAs'), () => actions.save(attachment.index), { icon: 'save', secondary: true });
    item.append(
      codicon('file'),
      element('span', { className: 'name', text: attachment.filename }),
      element('span', { className: 'size', text: formatSize(attachment.size) }),
      save,
    );
    if (opensAsText(attachment.contentType)) {
      item.append(vscodeButton(t('open'), () => actions.open(attachment.index), { icon: 'go-to-file', secondary: true }));
    }
    list.append(item);
  }
  section.append(list);
  return section;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) {
    return t('sizeBytes', bytes);
  }
  return bytes < 1024 * 1024 ? t('sizeKilobytes', Math.round(bytes / 1024)) : t('sizeMegabytes', (bytes / 1024 / 1024).toFixed(1));
}

// The message's attachments: each can be saved, and those that are text can be opened in an editor.
import type { AttachmentView } from '../src/shared/protocol';
import { opensAsText } from '../src/shared/protocol';
import { codicon, element, vscodeButton } from './dom';

interface AttachmentActions {
  save(index: number): void;
  open(index: number): void;
}

export function attachmentList(attachments: AttachmentView[], actions: AttachmentActions): HTMLElement {
  const section = element('section', { className: 'attachments', attributes: { 'aria-label': 'Attachments' } });
  section.append(element('h2', { text: `Attachments (${attachments.length})` }));
  const list = element('ul');
  for (const attachment of attachments) {
    const item = element('li');
    const save = vscodeButton('Save As…', () => actions.save(attachment.index), { icon: 'save', secondary: true });
    item.append(
      codicon('file'),
      element('span', { className: 'name', text: attachment.filename }),
      element('span', { className: 'size', text: formatSize(attachment.size) }),
      save,
    );
    if (opensAsText(attachment.contentType)) {
      item.append(vscodeButton('Open', () => actions.open(attachment.index), { icon: 'go-to-file', secondary: true }));
    }
    list.append(item);
  }
  section.append(list);
  return section;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  return bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

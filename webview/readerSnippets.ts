// The message's code blocks and file references (issue 15, part 3): each block can be copied and opened
// in an untitled editor; one that names its file, and a bare reference, can be opened at its lines in the
// workspace and compared with it. Only the snippet's index goes back: the extension acts on its own copy.
import type { SnippetAction, SnippetView } from '../src/shared/protocol';
import { codicon, element, vscodeButton } from './dom';
import { t } from './strings';
import './readerSnippets.css';

export function snippetList(snippets: readonly SnippetView[], act: (action: SnippetAction, index: number) => void): HTMLElement {
  const section = element('section', { className: 'snippets', attributes: { 'aria-label': t('codeInMessage', snippets.length) } });
  section.append(element('h2', { text: t('codeInMessage', snippets.length) }));
  const list = element('ul');
  for (const snippet of snippets) {
    const { source } = snippet;
    const name = source
      ? source.startLine === source.endLine
        ? t('fileLine', source.path, source.startLine)
        : t('fileLines', source.path, source.startLine, source.endLine)
      : t('codeBlock', snippet.lines);
    const item = element('li');
    item.append(codicon(source ? 'file-code' : 'code'), element('span', { className: 'name', text: name }));
    if (snippet.language) {
      item.append(element('span', { className: 'language', text: snippet.language }));
    }
    const button = (action: SnippetAction, label: string, icon: string): HTMLElement =>
      vscodeButton(label, () => act(action, snippet.index), { icon, secondary: true });
    if (snippet.lines > 0) {
      item.append(button('copy', t('copy'), 'copy'), button('openInEditor', t('openInEditor'), 'new-file'));
    }
    if (source) {
      item.append(button('openInWorkspace', t('openInWorkspace'), 'go-to-file'));
    }
    if (source && snippet.lines > 0) {
      item.append(button('compareWithWorkspace', t('compareWithWorkspace'), 'diff'));
    }
    list.append(item);
  }
  section.append(list);
  return section;
}

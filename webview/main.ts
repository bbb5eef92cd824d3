// The browser side of Mailroom's webviews. One bundle; the document says which view it is.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import './styles.css';
import { InboxApp } from './inbox';
import { ReaderApp } from './reader';

const root = document.createElement('main');
root.id = 'app';
document.body.append(root);

if (document.body.dataset.view === 'reader') {
  new ReaderApp(root, (document.currentScript as HTMLScriptElement | null)?.nonce ?? '');
} else {
  new InboxApp(root);
}

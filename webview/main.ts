// The entry point of dist/webview.js, the bundle the Inbox view and the reader share: the document's
// data-view says which of the two to start. The composer has its own bundle (composer.ts).
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

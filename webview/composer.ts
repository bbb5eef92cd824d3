// The browser side of the composer: a form (From, To, Cc, Bcc, Subject, Markdown body, attachments)
// that posts what the user typed to the extension. It renders nothing from mail as HTML: every value
// goes in through textContent or a control's value. Its controls are the editor's own look (vscode-elements),
// as in the Inbox.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { ComposerFields, ComposerInitState, ComposerProtocol } from '../src/shared/composerProtocol';
import { element, vscodeButton } from './dom';
import { connect } from './vscodeApi';
import './composer.css';
import { t } from './strings';

type AddressField = 'to' | 'cc' | 'bcc';

/** What the composer uses of a vscode-textfield, vscode-textarea or vscode-single-select. */
interface ValueControl extends HTMLElement {
  value: string;
  invalid?: boolean;
  /** Resolves once the element has rendered its inner control. */
  updateComplete: Promise<unknown>;
}

interface TextArea extends ValueControl {
  wrappedElement: HTMLTextAreaElement | undefined;
}

interface DisablableButton extends HTMLElement {
  disabled: boolean;
}

interface Form {
  account: ValueControl;
  to: ValueControl;
  cc: ValueControl;
  bcc: ValueControl;
  subject: ValueControl;
  body: TextArea;
  attachments: HTMLUListElement;
  problem: HTMLElement;
  buttons: DisablableButton[];
}

/** Typing pauses this long before the extension hears of it. */
const CHANGE_REPORT_DELAY_MS = 400;

let form: Form | undefined;
let keptAttachments: number[] = [];
let changeTimer: ReturnType<typeof setTimeout> | undefined;

/** A row with a vscode-label, which names the control's inner input for screen readers. */
function labelled(container: HTMLElement, label: string, control: ValueControl, id: string): ValueControl {
  const row = element('div', { className: 'row' });
  const caption = element('vscode-label', { text: label, attributes: { for: id } });
  control.id = id;
  row.append(caption, control);
  container.append(row);
  return control;
}

function textField(placeholder: string): ValueControl {
  const attributes: Record<string, string> = { type: 'text', autocomplete: 'off' };
  if (placeholder) {
    attributes.placeholder = placeholder;
  }
  return element('vscode-textfield', { attributes }) as unknown as ValueControl;
}

function fields(): ComposerFields | undefined {
  if (!form) {
    return undefined;
  }
  return {
    accountId: form.account.value,
    to: form.to.value,
    cc: form.cc.value,
    bcc: form.bcc.value,
    subject: form.subject.value,
    body: form.body.value,
    attachments: [...keptAttachments],
  };
}

/** Tells the extension what is typed (debounced), so closing the tab keeps it as a draft. */
function changed(): void {
  clearTimeout(changeTimer);
  changeTimer = setTimeout(() => {
    const current = fields();
    if (current) {
      client.post({ type: 'changed', fields: current });
    }
  }, CHANGE_REPORT_DELAY_MS);
}

function action(type: 'send' | 'saveDraft'): void {
  const current = fields();
  if (current) {
    clearTimeout(changeTimer);
    client.post({ type, fields: current });
  }
}

function renderAttachments(list: HTMLUListElement, attachments: ComposerInitState['attachments']): void {
  list.replaceChildren();
  attachments.forEach((attachment, index) => {
    if (!keptAttachments.includes(index)) {
      return;
    }
    const item = element('li', { text: `${attachment.name} (${attachment.size}) ` });
    const remove = vscodeButton(
      t('remove'),
      () => {
        keptAttachments = keptAttachments.filter((kept) => kept !== index);
        renderAttachments(list, attachments);
        changed();
      },
      { secondary: true },
    );
    remove.setAttribute('aria-label', t('removeAttachment', attachment.name));
    item.append(remove);
    list.append(item);
  });
  list.hidden = list.childElementCount === 0;
}

function build(init: ComposerInitState): void {
  const root = element('form', { className: 'composer', attributes: { 'aria-label': init.heading } });
  root.addEventListener('submit', (event) => event.preventDefault());
  root.append(element('h1', { text: init.heading }));
  const account = labelled(root, t('from'), element('vscode-single-select') as unknown as ValueControl, 'account');
  for (const option of init.accounts) {
    const choice = element('vscode-option', { text: option.email, attributes: { value: option.id } });
    if (option.id === init.fields.accountId) {
      choice.setAttribute('selected', '');
    }
    account.append(choice);
  }
  account.value = init.fields.accountId;
  const to = labelled(root, t('to'), textField(t('recipientsPlaceholder')), 'to');
  const cc = labelled(root, t('cc'), textField(''), 'cc');
  const bcc = labelled(root, t('bcc'), textField(''), 'bcc');
  const subject = labelled(root, t('subject'), textField(''), 'subject');
  const body = element('vscode-textarea', {
    attributes: { 'aria-label': t('messageMarkdown'), placeholder: t('writeMarkdown'), spellcheck: '', monospace: '', resize: 'vertical', rows: '16' },
  }) as unknown as TextArea;
  body.id = 'body';
  // The name of the inner textarea, which takes the focus (as vscode-label gives the fields theirs).
  (body as TextArea & { label: string }).label = t('messageMarkdown');
  root.append(body);
  const attachments = element('ul', { className: 'attachments', attributes: { 'aria-label': t('attachments') } });
  root.append(attachments);
  const problem = element('div', { className: 'problem', attributes: { role: 'alert' } });
  const buttons = [
    vscodeButton(t('send'), () => action('send')),
    vscodeButton(t('saveDraft'), () => action('saveDraft'), { secondary: true }),
    vscodeButton(t('discard'), () => client.post({ type: 'discard' }), { secondary: true }),
  ] as DisablableButton[];
  const bar = element('div', { className: 'buttons' });
  bar.append(...buttons);
  root.append(problem, bar);

  to.value = init.fields.to;
  cc.value = init.fields.cc;
  bcc.value = init.fields.bcc;
  subject.value = init.fields.subject;
  body.value = init.fields.body;
  keptAttachments = [...init.fields.attachments];
  renderAttachments(attachments, init.attachments);
  for (const control of [account, to, cc, bcc, subject, body]) {
    control.addEventListener('input', changed);
  }
  // Ctrl/Cmd+Enter sends, as in most mail clients.
  root.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      action('send');
    }
  });
  document.body.replaceChildren(root);
  form = { account, to, cc, bcc, subject, body, attachments, problem, buttons };
  // A reply starts at the top of the body, above the quote; a new message in To. The caret can be
  // placed only once the elements have rendered their inner inputs.
  void Promise.all([to.updateComplete, body.updateComplete]).then(() => {
    (to.value ? body : to).focus();
    if (to.value) {
      body.wrappedElement?.setSelectionRange(0, 0);
    }
  });
}

function showProblem(message: string, field?: AddressField | 'subject'): void {
  if (!form) {
    return;
  }
  form.problem.textContent = message;
  for (const name of ['to', 'cc', 'bcc', 'subject'] as const) {
    form[name].invalid = name === field;
    form[name].toggleAttribute('aria-invalid', name === field);
  }
  if (field) {
    form[field].focus();
  }
}

const client = connect<ComposerProtocol>({
  init: (message) => build(message),
  busy: (message) => {
    for (const control of form?.buttons ?? []) {
      control.disabled = message.busy;
      // vscode-button takes no clicks while disabled, but screen readers learn of it only from aria-disabled.
      control.setAttribute('aria-disabled', String(message.busy));
    }
    if (message.busy) {
      showProblem('');
    }
  },
  problem: (message) => showProblem(message.message, message.field),
});

client.ready();

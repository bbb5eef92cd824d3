// The browser side of the composer: a form (From, To, Cc, Bcc, Subject, Markdown body, attachments)
// that posts what the user typed to the extension. It renders nothing from mail as HTML: every value
// goes in through textContent or an input's value.
import type { ComposerFields, ComposerInitState, ComposerProtocol } from '../src/shared/composerProtocol';
import { element } from './dom';
import { connect } from './vscodeApi';
import './composer.css';

type AddressField = 'to' | 'cc' | 'bcc';

interface Form {
  account: HTMLSelectElement;
  to: HTMLInputElement;
  cc: HTMLInputElement;
  bcc: HTMLInputElement;
  subject: HTMLInputElement;
  body: HTMLTextAreaElement;
  attachments: HTMLUListElement;
  problem: HTMLElement;
  buttons: HTMLButtonElement[];
}

/** Typing pauses this long before the extension hears of it. */
const CHANGE_REPORT_DELAY_MS = 400;

let form: Form | undefined;
let keptAttachments: number[] = [];
let changeTimer: ReturnType<typeof setTimeout> | undefined;

function labelled<T extends HTMLElement>(container: HTMLElement, label: string, control: T, id: string): T {
  const row = element('div', { className: 'row' });
  const caption = element('label', { text: label, attributes: { for: id } });
  control.id = id;
  row.append(caption, control);
  container.append(row);
  return control;
}

function textInput(placeholder: string): HTMLInputElement {
  return element('input', { attributes: { type: 'text', placeholder, spellcheck: 'false', autocomplete: 'off' } });
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

function button(text: string, onClick: () => void, primary = false): HTMLButtonElement {
  const created = element('button', { text, className: primary ? 'primary' : 'secondary', attributes: { type: 'button' } });
  created.addEventListener('click', onClick);
  return created;
}

function renderAttachments(list: HTMLUListElement, attachments: ComposerInitState['attachments']): void {
  list.replaceChildren();
  attachments.forEach((attachment, index) => {
    if (!keptAttachments.includes(index)) {
      return;
    }
    const item = element('li', { text: `${attachment.name} (${attachment.size}) ` });
    const remove = button('Remove', () => {
      keptAttachments = keptAttachments.filter((kept) => kept !== index);
      renderAttachments(list, attachments);
      changed();
    });
    remove.setAttribute('aria-label', `Remove attachment ${attachment.name}`);
    item.append(remove);
    list.append(item);
  });
  list.hidden = list.childElementCount === 0;
}

function build(init: ComposerInitState): void {
  const root = element('form', { className: 'composer', attributes: { 'aria-label': init.heading } });
  root.addEventListener('submit', (event) => event.preventDefault());
  root.append(element('h1', { text: init.heading }));
  const account = labelled(root, 'From', element('select'), 'account');
  for (const option of init.accounts) {
    account.append(element('option', { text: option.email, attributes: { value: option.id } }));
  }
  account.value = init.fields.accountId;
  const to = labelled(root, 'To', textInput('name@example.org, …'), 'to');
  const cc = labelled(root, 'Cc', textInput(''), 'cc');
  const bcc = labelled(root, 'Bcc', textInput(''), 'bcc');
  const subject = labelled(root, 'Subject', textInput(''), 'subject');
  const body = element('textarea', { attributes: { 'aria-label': 'Message (Markdown)', placeholder: 'Write in Markdown…', spellcheck: 'true' } });
  body.id = 'body';
  root.append(body);
  const attachments = element('ul', { className: 'attachments', attributes: { 'aria-label': 'Attachments' } });
  root.append(attachments);
  const problem = element('div', { className: 'problem', attributes: { role: 'alert' } });
  const buttons = [
    button('Send', () => action('send'), true),
    button('Save Draft', () => action('saveDraft')),
    button('Discard', () => client.post({ type: 'discard' })),
  ];
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
  (to.value ? body : to).focus();
  if (to.value) {
    body.setSelectionRange(0, 0);
  }
}

function showProblem(message: string, field?: AddressField | 'subject'): void {
  if (!form) {
    return;
  }
  form.problem.textContent = message;
  for (const name of ['to', 'cc', 'bcc', 'subject'] as const) {
    form[name].toggleAttribute('aria-invalid', name === field);
  }
  if (field) {
    form[field].focus();
  }
}

const client = connect<ComposerProtocol>({
  init: (message) => build(message),
  busy: (message) => {
    form?.buttons.forEach((control) => (control.disabled = message.busy));
    if (message.busy) {
      showProblem('');
    }
  },
  problem: (message) => showProblem(message.message, message.field),
});

client.ready();

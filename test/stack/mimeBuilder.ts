// Builds RFC 5322 / MIME messages for the fixtures: encoded words for non-ASCII headers, multipart
// alternative/mixed bodies and base64 attachments with RFC 2231 file names.

export interface Mailbox {
  name: string;
  address: string;
}

export interface Attachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface MessageSpec {
  from: Mailbox;
  to: Mailbox[];
  cc?: Mailbox[];
  subject: string;
  date: Date;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  text?: string;
  html?: string;
  attachments?: Attachment[];
  extraHeaders?: Record<string, string>;
}

const isAscii = (text: string): boolean => /^[\x20-\x7e]*$/.test(text);

/** RFC 2047 encoded word (base64) when needed. */
export function encodeHeaderText(text: string): string {
  return isAscii(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

export function formatMailbox(mailbox: Mailbox): string {
  if (!mailbox.name) return `<${mailbox.address}>`;
  const name = isAscii(mailbox.name) ? (/[(),.:;<>@[\]"\\]/.test(mailbox.name) ? quoted(mailbox.name) : mailbox.name) : encodeHeaderText(mailbox.name);
  return `${name} <${mailbox.address}>`;
}

/** RFC 5322 date-time in UTC. */
export function formatDate(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${days[date.getUTCDay()]}, ${date.getUTCDate()} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

function base64Lines(content: Buffer): string {
  return (content.toString('base64').match(/.{1,76}/g) ?? []).join('\n');
}

function textPart(contentType: 'text/plain' | 'text/html', body: string): string {
  if (isAscii(body.replace(/\n/g, ' '))) {
    return `Content-Type: ${contentType}; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\n${body}`;
  }
  return `Content-Type: ${contentType}; charset=utf-8\nContent-Transfer-Encoding: base64\n\n${base64Lines(Buffer.from(body, 'utf8'))}`;
}

/** RFC 2045 quoted-string: backslash and double quote are escaped. */
function quoted(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

function attachmentPart(attachment: Attachment): string {
  const filename = isAscii(attachment.filename) ? `filename=${quoted(attachment.filename)}` : `filename*=utf-8''${encodeURIComponent(attachment.filename)}`;
  const nameParameter = isAscii(attachment.filename) ? `; name=${quoted(attachment.filename)}` : '';
  return `Content-Type: ${attachment.contentType}${nameParameter}\nContent-Disposition: attachment; ${filename}\nContent-Transfer-Encoding: base64\n\n${base64Lines(attachment.content)}`;
}

function multipart(subtype: 'alternative' | 'mixed', boundary: string, parts: string[]): string {
  return `Content-Type: multipart/${subtype}; boundary="${boundary}"\n\n${parts.map((part) => `--${boundary}\n${part}\n`).join('')}--${boundary}--`;
}

export function buildMessage(spec: MessageSpec): Buffer {
  const headers = [
    `From: ${formatMailbox(spec.from)}`,
    `To: ${spec.to.map(formatMailbox).join(', ')}`,
    ...(spec.cc?.length ? [`Cc: ${spec.cc.map(formatMailbox).join(', ')}`] : []),
    `Subject: ${encodeHeaderText(spec.subject)}`,
    `Date: ${formatDate(spec.date)}`,
    `Message-ID: <${spec.messageId}>`,
    ...(spec.inReplyTo ? [`In-Reply-To: <${spec.inReplyTo}>`] : []),
    ...(spec.references?.length ? [`References: ${spec.references.map((id) => `<${id}>`).join(' ')}`] : []),
    ...Object.entries(spec.extraHeaders ?? {}).map(([name, value]) => `${name}: ${value}`),
    'MIME-Version: 1.0',
  ];
  const boundarySeed = spec.messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 24);
  let body: string;
  if (spec.html !== undefined && spec.text !== undefined) {
    body = multipart('alternative', `alt-${boundarySeed}`, [textPart('text/plain', spec.text), textPart('text/html', spec.html)]);
  } else if (spec.html !== undefined) {
    body = textPart('text/html', spec.html);
  } else {
    body = textPart('text/plain', spec.text ?? '');
  }
  if (spec.attachments?.length) {
    body = multipart('mixed', `mix-${boundarySeed}`, [body, ...spec.attachments.map(attachmentPart)]);
  }
  return Buffer.from(`${headers.join('\n')}\n${body}\n`, 'utf8');
}

/**
 * The shape every Mailroom webview's messages take, shared by the extension's host
 * (src/views/webviewHost.ts) and the webview's client (webview/webviewClient.ts). Each webview declares
 * its messages once, as maps from a message type to its payload; the unions both sides post and receive
 * are derived from those maps, so a misspelt type or a wrong payload fails to compile on either side.
 *
 * On the wire a message is its payload's fields plus `type`. Every webview starts with `ready`; the
 * extension posts nothing before it. A request carries a `requestId` and is answered by exactly one
 * `response` with the same id.
 */

/** A message that carries nothing but its type. */
export type NoPayload = Record<never, never>;

/** What one request sends and what it is answered with. */
export interface RequestShape<Params, Result> {
  params: Params;
  result: Result;
}

/** One webview's messages: notifications each way, and the requests the webview makes of the extension. */
export interface WebviewProtocol {
  /** Notifications the webview posts, `ready` aside (the handshake is the host's and the client's). */
  toExtension: object;
  /** Notifications the extension posts. */
  toWebview: object;
  /** Requests the webview makes, each with its parameters and result. */
  requests: Record<string, RequestShape<object, unknown>>;
}

type Flatten<T> = { [K in keyof T]: T[K] };

/** The union of messages a map of payloads describes: `{ type, ...payload }` for each entry. */
export type MessagesOf<Payloads> = { [K in keyof Payloads & string]: Flatten<{ type: K } & Payloads[K]> }[keyof Payloads & string];

export type RequestType<P extends WebviewProtocol> = keyof P['requests'] & string;
export type RequestParams<P extends WebviewProtocol, K extends RequestType<P>> = P['requests'][K]['params'];
export type RequestResult<P extends WebviewProtocol, K extends RequestType<P>> = P['requests'][K]['result'];

/** Requests as posted: their parameters, their type and the id the answer will carry. */
export type RequestMessage<P extends WebviewProtocol> = {
  [K in RequestType<P>]: Flatten<{ type: K; requestId: number } & RequestParams<P, K>>;
}[RequestType<P>];

export interface ReadyMessage {
  type: 'ready';
}

export interface ResponseError {
  /** A `MailroomErrorCode` or 'Unknown'. */
  code: string;
  message: string;
}

/** The answer to one request. The result's type is the request's: the client matches them by id. */
export type ResponseMessage =
  { type: 'response'; requestId: number; ok: true; result: unknown } | { type: 'response'; requestId: number; ok: false; error: ResponseError };

/** Everything a webview may post: the handshake, its notifications and its requests. */
export type FromWebview<P extends WebviewProtocol> = ReadyMessage | MessagesOf<P['toExtension']> | RequestMessage<P>;

/** Notifications the extension posts to a webview. */
export type NotificationToWebview<P extends WebviewProtocol> = MessagesOf<P['toWebview']>;

/** Everything the extension may post: its notifications and the answers to requests. */
export type ToWebview<P extends WebviewProtocol> = NotificationToWebview<P> | ResponseMessage;

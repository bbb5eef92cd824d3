// The webview's end of its protocol with the extension, the same for the inbox, the reader and the
// composer: typed notifications both ways and requests answered by id, each given up after a timeout.
// No DOM here (vscodeApi.ts connects it to the page), so plain-Node tests drive it with fakes.
import type {
  FromWebview,
  MessagesOf,
  NotificationToWebview,
  RequestMessage,
  RequestParams,
  RequestResult,
  RequestType,
  ResponseError,
  ResponseMessage,
  ToWebview,
  WebviewProtocol,
} from '../src/shared/webviewProtocol';

/**
 * How the client reaches the extension: the page's `acquireVsCodeApi().postMessage` and `message` events.
 * It takes only what protocol P lets the webview post; what arrives is checked here before use.
 */
interface WebviewChannel<P extends WebviewProtocol> {
  postMessage(message: FromWebview<P>): void;
  onMessage(listener: (data: unknown) => void): void;
}

export type WebviewHandlers<P extends WebviewProtocol> = {
  [K in NotificationToWebview<P>['type']]: (message: Extract<NotificationToWebview<P>, { type: K }>) => void;
};

/** Longer than any answer the extension gives in time (an IMAP command fails after 30 s, a connection after 20 s). */
const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

/** A request that failed: `code` is a MailroomErrorCode, 'Unknown', or 'Timeout' when no answer came. */
export class RequestFailed extends Error {
  public constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Waiter {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class WebviewClient<P extends WebviewProtocol> {
  private nextRequestId = 1;
  private readonly pending = new Map<number, Waiter>();

  public constructor(
    private readonly channel: WebviewChannel<P>,
    private readonly handlers: WebviewHandlers<P>,
    private readonly requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ) {
    channel.onMessage((data) => this.receive(data));
  }

  /** The handshake: the extension posts nothing before this. Call once the handlers can take messages. */
  public ready(): void {
    this.channel.postMessage({ type: 'ready' });
  }

  public post(message: MessagesOf<P['toExtension']>): void {
    this.channel.postMessage(message);
  }

  /** Asks the extension; rejects with {@link RequestFailed} when it answers with an error or not in time. */
  public request<K extends RequestType<P>>(type: K, params: RequestParams<P, K>): Promise<RequestResult<P, K>> {
    const requestId = this.nextRequestId++;
    return new Promise<RequestResult<P, K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new RequestFailed('Timeout', 'Mailroom did not answer in time.'));
      }, this.requestTimeoutMs);
      // The extension answers a request of type K with K's result: the id pairs them.
      this.pending.set(requestId, { resolve: (value) => resolve(value as RequestResult<P, K>), reject, timer });
      // K's parameters with K's type: the union member for K, which TypeScript cannot follow through a generic spread.
      this.channel.postMessage({ ...params, type, requestId } as RequestMessage<P>);
    });
  }

  /** Anything that is not an object with a type this webview handles (other posters, late answers) is ignored. */
  private receive(data: unknown): void {
    if (typeof data !== 'object' || data === null || typeof (data as { type?: unknown }).type !== 'string') {
      return;
    }
    const message = data as ToWebview<P>;
    if (message.type === 'response') {
      const response = message as ResponseMessage;
      this.settle(response.requestId, response.ok ? { result: response.result } : { error: response.error });
      return;
    }
    const handlers = this.handlers as Record<string, ((message: unknown) => void) | undefined>;
    if (Object.hasOwn(handlers, message.type)) {
      handlers[message.type]?.(message);
    }
  }

  private settle(requestId: number, outcome: { result: unknown } | { error: ResponseError }): void {
    const waiter = this.pending.get(requestId);
    if (!waiter) {
      return; // Timed out already, or never asked.
    }
    this.pending.delete(requestId);
    clearTimeout(waiter.timer);
    if ('result' in outcome) {
      waiter.resolve(outcome.result);
    } else {
      waiter.reject(new RequestFailed(outcome.error.code, outcome.error.message));
    }
  }
}

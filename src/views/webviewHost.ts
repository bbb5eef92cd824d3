import type {
  FromWebview,
  MessagesOf,
  NotificationToWebview,
  RequestParams,
  RequestResult,
  RequestType,
  ToWebview,
  WebviewProtocol,
} from '../shared/webviewProtocol';
import { isMailroomError } from '../util/errors';
import type { Logger } from '../util/log';
import { describeError } from '../util/log';
import { notify } from '../ui/surfaces';
import { failureText } from '../ui/text';

interface Disposable {
  dispose(): unknown;
}

/** What the host needs of a `WebviewPanel` or `WebviewView` (tests pass a fake). */
export interface WebviewSurface {
  readonly webview: {
    postMessage(message: unknown): Thenable<boolean>;
    onDidReceiveMessage(listener: (message: unknown) => unknown): Disposable;
  };
  onDidDispose(listener: () => unknown): Disposable;
}

type NotificationFromWebview<P extends WebviewProtocol> = MessagesOf<P['toExtension']>;

export type NotificationHandlers<P extends WebviewProtocol> = {
  [K in NotificationFromWebview<P>['type']]: (message: Extract<NotificationFromWebview<P>, { type: K }>) => unknown;
};

export type RequestHandlers<P extends WebviewProtocol> = {
  [K in RequestType<P>]: (params: RequestParams<P, K>) => Promise<RequestResult<P, K>>;
};

export interface WebviewHostOptions<P extends WebviewProtocol> {
  /** Names the webview in the log ("Inbox view", "reader", "composer"). */
  readonly name: string;
  /** The protocol's checked guard: nothing a webview posts is trusted before it passes. */
  readonly isMessage: (value: unknown) => value is FromWebview<P>;
  readonly logger: Logger;
  /** The document said `ready`: post what it should show (anything posted before was not delivered). */
  readonly onReady: () => unknown;
  readonly notifications: NotificationHandlers<P>;
  readonly requests: RequestHandlers<P>;
}

/**
 * The extension's end of one webview document, the same for the inbox, the reader and the composer:
 * it checks what the webview posts (and logs what it drops), waits for `ready` before posting, serves
 * requests with exactly one response each, never posts to a disposed webview, and reports a failed
 * handler to the log and the person the same way for all of them.
 */
export class WebviewHost<P extends WebviewProtocol> implements Disposable {
  private ready = false;
  private disposed = false;
  private readonly subscriptions: Disposable[];

  public constructor(
    private readonly surface: WebviewSurface,
    private readonly options: WebviewHostOptions<P>,
  ) {
    this.subscriptions = [surface.webview.onDidReceiveMessage((message) => this.receive(message)), surface.onDidDispose(() => this.dispose())];
  }

  /** The webview is showing a new document: nothing is posted until that one says `ready`. */
  public expectReady(): void {
    this.ready = false;
  }

  /** Posts a notification once the document is ready; before, or after the webview is gone, it is not sent. */
  public post(message: NotificationToWebview<P>): void {
    this.send(message);
  }

  public dispose(): void {
    if (!this.disposed) {
      this.disposed = true;
      this.ready = false;
      this.subscriptions.forEach((subscription) => subscription.dispose());
    }
  }

  private send(message: ToWebview<P>): void {
    if (this.ready && !this.disposed) {
      void this.surface.webview.postMessage(message);
    }
  }

  /** Handles one posted message; resolves when its handler has finished. */
  private async receive(message: unknown): Promise<void> {
    if (this.disposed) {
      return;
    }
    if (!this.options.isMessage(message)) {
      this.options.logger.warn(`Ignored a malformed message from the ${this.options.name}${describeType(message)}`);
      return;
    }
    try {
      if (message.type === 'ready') {
        this.ready = true;
        await this.options.onReady();
      } else if ('requestId' in message) {
        await this.answer(message.type as RequestType<P>, message.requestId, message as RequestParams<P, RequestType<P>>);
      } else {
        const handlers = this.options.notifications as Record<string, (message: unknown) => unknown>;
        await handlers[message.type]?.(message);
      }
    } catch (error) {
      this.options.logger.error(`Action in the ${this.options.name} failed`, error);
      void notify('error', failureText(error));
    }
  }

  /** Answers a request with exactly one response carrying its id: its result, or what went wrong. */
  private async answer<K extends RequestType<P>>(type: K, requestId: number, params: RequestParams<P, K>): Promise<void> {
    try {
      const result = await this.options.requests[type](params);
      this.send({ type: 'response', requestId, ok: true, result });
    } catch (error) {
      this.options.logger.warn(`${this.options.name} request ${type} failed: ${describeError(error)}`);
      this.send({
        type: 'response',
        requestId,
        ok: false,
        error: { code: isMailroomError(error) ? error.code : 'Unknown', message: isMailroomError(error) ? error.message : describeError(error) },
      });
    }
  }
}

/** The dropped message's type, when it is a plain word (never its content, which may be anything). */
function describeType(message: unknown): string {
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  return typeof type === 'string' && /^[A-Za-z]{1,40}$/.test(type) ? ` (type "${type}")` : '';
}

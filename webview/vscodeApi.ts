// The one handle the webview has on the extension: postMessage, reached only through a typed client.
import type { FromWebview, WebviewProtocol } from '../src/shared/webviewProtocol';
import type { WebviewHandlers } from './webviewClient';
import { WebviewClient } from './webviewClient';

interface VsCodeApi {
  postMessage(message: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** This page's client for protocol P; messages from the extension arrive as window `message` events. */
export function connect<P extends WebviewProtocol>(handlers: WebviewHandlers<P>): WebviewClient<P> {
  const api = acquireVsCodeApi();
  return new WebviewClient<P>(
    {
      postMessage: (message: FromWebview<P>) => api.postMessage(message),
      onMessage: (listener) => window.addEventListener('message', (event: MessageEvent<unknown>) => listener(event.data)),
    },
    handlers,
  );
}

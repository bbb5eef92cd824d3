import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { buildCsp, createNonce } from '../../../src/views/csp';
import { webviewOptions } from '../../../src/views/webviewHtml';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .map(([name = '', ...values]) => [name, values]),
  );
}

describe('webview CSP', () => {
  const source = 'https://file+.vscode-resource.vscode-cdn.net';

  it('[SEC-25] denies by default, scripts only by nonce, no connect-src, no forms, no base', () => {
    const nonce = createNonce();
    const csp = directives(buildCsp({ cspSource: source, nonce }));
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('script-src'), [`'nonce-${nonce}'`]);
    assert.deepEqual(csp.get('style-src'), [source, `'nonce-${nonce}'`]);
    assert.deepEqual(csp.get('font-src'), [source]);
    assert.deepEqual(csp.get('form-action'), ["'none'"]);
    assert.deepEqual(csp.get('base-uri'), ["'none'"]);
    assert.equal(csp.has('connect-src'), false);
    const all = [...csp.values()].flat();
    assert.ok(!all.includes("'unsafe-inline'") && !all.includes("'unsafe-eval'") && !all.includes('*'));
  });

  it('[SEC-27] remote images only when the reader allowed them for this render', () => {
    const blocked = directives(buildCsp({ cspSource: source, nonce: 'n' }));
    assert.deepEqual(blocked.get('img-src'), [source, 'data:']);
    const allowed = directives(buildCsp({ cspSource: source, nonce: 'n', allowRemoteImages: true }));
    assert.deepEqual(allowed.get('img-src'), [source, 'data:', 'https:']);
  });

  it('[SEC-25] a fresh nonce per render', () => {
    const nonces = new Set(Array.from({ length: 100 }, () => createNonce()));
    assert.equal(nonces.size, 100);
    for (const nonce of nonces) {
      assert.ok(Buffer.from(nonce, 'base64').length === 16);
    }
  });

  it('[SEC-25] webviews run with command: URIs off and load only from dist/ and media/', () => {
    const extensionUri = { path: '/ext' } as unknown as vscode.Uri;
    const joinPath = ((base: { path: string }, ...parts: string[]) => ({ path: [base.path, ...parts].join('/') })) as unknown as typeof vscode.Uri.joinPath;
    const options = webviewOptions(extensionUri, joinPath);
    assert.equal(options.enableCommandUris, false);
    assert.equal(options.enableScripts, true);
    assert.deepEqual(
      (options.localResourceRoots ?? []).map((root) => root.path),
      ['/ext/dist', '/ext/media'],
    );
  });
});

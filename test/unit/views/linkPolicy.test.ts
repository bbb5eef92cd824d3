import * as assert from 'node:assert/strict';
import { describeLinkTarget, evaluateLink } from '../../../src/views/linkPolicy';

describe('link policy', () => {
  it('[SEC-28] allows only https, http and mailto', () => {
    for (const url of ['https://example.com/a?b=c', 'http://example.com', 'mailto:alice@mailroom.test']) {
      assert.equal(evaluateLink(url).allowed, true, url);
    }
    for (const url of [
      'command:workbench.action.terminal.new',
      'command:mailroom.signOut',
      'file:///etc/passwd',
      'vscode://vscode.git/clone?url=x',
      'vscode-insiders://x',
      'code-oss://x',
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox',
      'ftp://example.com',
      'blob:https://example.com/x',
      'about:blank',
      '//example.com',
      'example.com',
      '',
    ]) {
      assert.equal(evaluateLink(url).allowed, false, url);
    }
  });

  it('[SEC-28] shows the real host, not the link text', () => {
    const decision = evaluateLink('https://xn--pple-43d.com/login');
    assert.ok(decision.allowed);
    assert.equal(decision.displayTarget, 'xn--pple-43d.com');
    const unicode = evaluateLink('https://аpple.com/login');
    assert.ok(unicode.allowed);
    assert.equal(unicode.displayTarget, 'xn--pple-43d.com');
    assert.equal(describeLinkTarget(unicode).value, 'Open https://xn--pple-43d.com in your browser?');
  });

  it('[SEC-28] refuses credentials used to disguise the host', () => {
    assert.equal(evaluateLink('https://trusted.example@evil.example/').allowed, false);
  });

  it('describes mailto targets by recipient', () => {
    const decision = evaluateLink('mailto:bob%40mailroom.test?subject=hi');
    assert.ok(decision.allowed);
    assert.equal(decision.displayTarget, 'bob@mailroom.test');
  });
});

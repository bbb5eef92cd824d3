import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { sanitizeAttachmentName } from '../../../src/mail/attachmentName';

describe('attachment names', () => {
  const hostile = [
    '../../.bashrc',
    '..\\..\\Windows\\System32\\evil.dll',
    '/etc/passwd',
    'C:\\Users\\me\\AppData\\Roaming\\evil.exe',
    '..',
    '.',
    '...',
    'report\u202Efdp.exe',
    'invoice\u0000.pdf',
    'a\r\nb.txt',
    'CON',
    'nul.txt',
    'LPT1.log',
    'COM¹.txt',
    'name:stream.txt',
    'what?.txt',
    '   ',
    '\u200B\u200B',
    `${'a'.repeat(400)}.pdf`,
    'dir/../../x',
    '.hidden',
    'trailing. . .',
  ];

  it('[SEC-29] hostile names stay inside the chosen folder', () => {
    const folder = path.join(os.tmpdir(), 'mailroom-downloads');
    for (const name of hostile) {
      const safe = sanitizeAttachmentName(name);
      assert.ok(safe.length > 0 && safe.length <= 180, `${JSON.stringify(name)} → ${JSON.stringify(safe)}`);
      assert.ok(!/[/\\]/.test(safe), `separator left in ${JSON.stringify(safe)}`);
      assert.ok(safe !== '.' && safe !== '..' && !safe.startsWith('.'), `dot name ${JSON.stringify(safe)}`);
      // eslint-disable-next-line no-control-regex -- asserting that no control character is left
      assert.ok(!/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b-\u200f]/.test(safe), `invisible char in ${JSON.stringify(safe)}`);
      assert.ok(!/^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i.test(safe), `device name ${JSON.stringify(safe)}`);
      assert.ok(!/[<>:"|?*]/.test(safe), `reserved char in ${JSON.stringify(safe)}`);
      assert.equal(path.dirname(path.resolve(folder, safe)), path.resolve(folder), `${JSON.stringify(safe)} escapes the folder`);
    }
  });

  it('[SEC-29] keeps the last path component and the extension of long names', () => {
    assert.equal(sanitizeAttachmentName('../../secret/report.pdf'), 'report.pdf');
    assert.equal(sanitizeAttachmentName('C:\\temp\\a.txt'), 'a.txt');
    assert.equal(sanitizeAttachmentName('report\u202Efdp.exe'), 'reportfdp.exe');
    assert.equal(sanitizeAttachmentName('CON.txt'), '_CON.txt');
    const long = sanitizeAttachmentName(`${'é'.repeat(300)}.pdf`);
    assert.ok(long.endsWith('.pdf') && long.length <= 180);
  });

  it('falls back to a neutral name', () => {
    assert.equal(sanitizeAttachmentName(undefined), 'attachment');
    assert.equal(sanitizeAttachmentName('..'), 'attachment');
    assert.equal(sanitizeAttachmentName('/'), 'attachment');
  });

  it('leaves ordinary names alone', () => {
    assert.equal(sanitizeAttachmentName('Quarterly report (final).xlsx'), 'Quarterly report (final).xlsx');
    assert.equal(sanitizeAttachmentName('日本語.txt'), '日本語.txt');
  });
});

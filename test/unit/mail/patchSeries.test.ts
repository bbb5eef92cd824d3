import * as assert from 'node:assert/strict';
import type { OutgoingMessage } from '../../../src/mail/outgoing';
import type { PartOutcome } from '../../../src/mail/patchSeries';
import { PatchSeriesSend } from '../../../src/mail/patchSeries';

function part(subject: string): OutgoingMessage {
  return { from: { address: 'a@x' }, to: [{ address: 'l@x' }], cc: [], bcc: [], subject, text: subject, html: '', attachments: [], verbatimText: true };
}

describe('patch series sending', () => {
  it('sends in order, threads every part under the first, resumes at the failed part with its draft', async () => {
    const series = new PatchSeriesSend<string>([part('[PATCH 0/3]'), part('[PATCH 1/3]'), part('[PATCH 2/3]'), part('[PATCH 3/3]')]);
    const calls: { subject: string; inReplyTo?: string; references?: readonly string[]; retryOf?: string }[] = [];
    let failNext = 2;
    const deliver = async (message: OutgoingMessage, retryOf: string | undefined): Promise<PartOutcome<string>> => {
      calls.push({ subject: message.subject, inReplyTo: message.inReplyTo, references: message.references, retryOf });
      if (calls.length === failNext) {
        return { status: 'failed', draft: `draft of ${message.subject}` };
      }
      return { status: 'sent', messageId: `<${calls.length}@x>` };
    };
    assert.deepEqual(await series.sendRemaining(deliver), { complete: false });
    assert.equal(series.sent, 1);
    assert.equal(series.nextSubject, '[PATCH 1/3]');
    failNext = -1;
    assert.deepEqual(await series.sendRemaining(deliver), { complete: true });
    assert.deepEqual(
      calls.map((call) => call.subject),
      ['[PATCH 0/3]', '[PATCH 1/3]', '[PATCH 1/3]', '[PATCH 2/3]', '[PATCH 3/3]'],
    );
    assert.equal(calls[0]?.inReplyTo, undefined);
    assert.ok(calls.slice(1).every((call) => call.inReplyTo === '<1@x>' && call.references?.join() === '<1@x>'));
    assert.equal(calls[2]?.retryOf, 'draft of [PATCH 1/3]');
    assert.equal(calls[3]?.retryOf, undefined);
  });

  it('threads under a cover letter the composer already sent', async () => {
    const series = new PatchSeriesSend<string>([part('[PATCH 1/1]')], '<cover@x>');
    const seen: (string | undefined)[] = [];
    await series.sendRemaining(async (message) => {
      seen.push(message.inReplyTo);
      return { status: 'sent', messageId: '<p@x>' };
    });
    assert.deepEqual(seen, ['<cover@x>']);
    assert.equal(series.done, true);
  });
});

import { loadSource } from '../mail/message';
import { parseMime } from '../mail/mimeTree';
import { parseOriginalMessage } from '../mail/original';
import { attachedPatch } from '../mail/patchAttachment';
import type { ApplyOutcome } from '../mail/patchGit';
import { applyDiff, applyMails } from '../mail/patchGit';
import { seriesPosition } from '../mail/patchFormat';
import { hunkAt, parsePatchText } from '../mail/patchText';
import { readSeries } from '../mail/patchThread';
import { loadCharsetDecoder } from '../mail/transferDecoding';
import type { MessageRef } from '../shared/protocol';
import { askModal, notify, withProgress } from '../ui/surfaces';
import { ui } from '../ui/text';
import type { Logger } from '../util/log';
import type { MailLayer } from './mailLayer';
import type { PatchesOut } from './patchesOut';

export interface PatchesInDependencies {
  readonly mail: Pick<MailLayer, 'session'>;
  /** Where the repository is chosen (the same choice as sending). */
  readonly repositories: Pick<PatchesOut, 'chooseRepository'>;
  readonly logger: Logger;
}

/** What is applied: mails for `git am` (a commit each), or a bare diff for `git apply`. */
type Applicable = { kind: 'mails'; raws: Buffer[]; texts: string[]; missing: number[]; total: number } | { kind: 'diff'; text: string; bytes?: Buffer };

/** A patch mail is read whole to apply, up to this size (as a reply reads it): a patch cut short could apply in part. */
const patchReadLimit = 50 * 1024 * 1024;

/**
 * "Apply Patch…" / "Apply Series…": the patch mail (or the series it belongs to, or a .patch/.diff
 * attachment) applied to a workspace repository after a preview of the files it touches. A failure
 * leaves the repository as it was and names the hunk.
 */
export class PatchesIn {
  public constructor(private readonly deps: PatchesInDependencies) {}

  public async apply(ref: MessageRef): Promise<void> {
    const applicable = await withProgress({ where: 'window', title: ui`Mailroom: reading the patch` }, () => this.read(ref));
    if (applicable === 'tooLarge') {
      void notify(
        'error',
        ui`This message is larger than ${patchReadLimit / 1024 / 1024} MB: too large to apply from here. Save the patch and apply it with git.`,
      );
      return;
    }
    if (!applicable) {
      void notify('info', ui`This message carries no patch to apply.`);
      return;
    }
    const texts = applicable.kind === 'mails' ? applicable.texts : [applicable.text];
    const files = [...new Set(texts.flatMap((text) => parsePatchText(text)?.files ?? []))];
    const root = await this.deps.repositories.chooseRepository();
    if (!root) {
      return;
    }
    const what =
      applicable.kind === 'diff'
        ? ui`Apply the diff (git apply)?`
        : applicable.raws.length === 1
          ? ui`Apply the patch (git am)?`
          : ui`Apply ${applicable.raws.length} patches (git am)?`;
    const missing =
      applicable.kind === 'mails' && applicable.missing.length > 0
        ? ui`Missing from the series: ${applicable.missing.map((part) => `${part}/${applicable.total}`).join(', ')}.\n`
        : ui``;
    const detail = ui`${missing.value}Touches: ${files.join(', ')}\nIn: ${root}`;
    const apply = ui`Apply`;
    const threeWay = ui`Apply with Three-Way Merge`;
    const choice = await askModal('info', what, detail, apply, ...(applicable.kind === 'mails' ? [threeWay] : []));
    if (!choice) {
      return;
    }
    const outcome = await withProgress({ where: 'notification', title: ui`Applying…` }, () =>
      applicable.kind === 'mails' ? applyMails(root, applicable.raws, { threeWay: choice === threeWay }) : applyDiff(root, applicable.bytes ?? applicable.text),
    );
    this.tell(outcome, applicable);
  }

  private tell(outcome: ApplyOutcome, applicable: Applicable): void {
    if (outcome.applied) {
      const applied = outcome.commits === 1 ? ui`Applied 1 commit.` : ui`Applied ${outcome.commits} commits.`;
      void notify('info', applicable.kind === 'diff' ? ui`Applied the diff to the working tree.` : applied);
      return;
    }
    this.deps.logger.warn(`git could not apply the patch: ${outcome.detail}`);
    if (/tell me who you are|unable to auto-detect email/i.test(outcome.detail)) {
      void notify('error', ui`git needs your name and email to make the commits (git config user.name, git config user.email). The repository is as it was.`);
      return;
    }
    const text = applicable.kind === 'mails' ? applicable.texts[(outcome.part ?? 1) - 1] : applicable.text;
    const hunk = outcome.file && outcome.line !== undefined ? (hunkAt(text ?? '', outcome.file, outcome.line) ?? `line ${outcome.line}`) : undefined;
    const part = applicable.kind === 'mails' && outcome.part !== undefined ? ui`Patch ${outcome.part} of ${applicable.raws.length}` : ui`The patch`;
    void notify(
      'error',
      hunk
        ? ui`${part.value} does not apply: ${outcome.file ?? ''}, hunk ${hunk}. The repository is as it was.`
        : ui`${part.value} does not apply (see the Mailroom log). The repository is as it was.`,
    );
  }

  private async read(ref: MessageRef): Promise<Applicable | 'tooLarge' | undefined> {
    const session = this.deps.mail.session(ref.accountId);
    const { source, truncated } = await loadSource(session, ref, patchReadLimit);
    if (truncated) {
      return 'tooLarge';
    }
    const original = await parseOriginalMessage(source);
    const position = seriesPosition(original.subject);
    if (position && position.total > 1) {
      const series = await readSeries(session, ref, original.subject);
      const texts = await Promise.all(series.parts.map(async (part) => (await parseOriginalMessage(part.raw)).text));
      return series.parts.length > 0
        ? { kind: 'mails', raws: series.parts.map((part) => part.raw), texts, missing: series.missing, total: series.total }
        : undefined;
    }
    const inBody = parsePatchText(original.text);
    if (inBody) {
      return inBody.commit ? { kind: 'mails', raws: [source], texts: [original.text], missing: [], total: 1 } : { kind: 'diff', text: original.text };
    }
    // A .patch or .diff attachment: a format-patch file is a mail of its own, anything else a bare diff.
    const decodeCharset = await loadCharsetDecoder();
    const attached = attachedPatch(parseMime(source, decodeCharset), decodeCharset);
    if (!attached) {
      return undefined;
    }
    return attached.mail
      ? { kind: 'mails', raws: [attached.mail], texts: [attached.text], missing: [], total: 1 }
      : { kind: 'diff', text: attached.text, bytes: attached.bytes };
  }
}

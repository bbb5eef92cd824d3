import type { MailAccount, MailAccounts } from '../auth/accountApi';
import { formatAddressList, loadAddressParser, parseAddressList, recipientProblem } from '../mail/addresses';
import type { StoredDraft } from '../mail/drafts';
import type { MailAddress } from '../mail/outgoing';
import type { FormattedPatch } from '../mail/patchFormat';
import { coverLetterDraft, patchMessage, trailerRecipients, uniqueAddresses } from '../mail/patchFormat';
import { configuredRecipients, formatPatches, runGit } from '../mail/patchGit';
import { PatchSeriesSend } from '../mail/patchSeries';
import { describeSendFailure } from '../mail/outbox';
import { askModal, askText, notify, pickOne, withProgress } from '../ui/surfaces';
import { ownMessage, ui } from '../ui/text';
import type { Composing } from './composing';
import type { Sending } from './sending';
import { pickAccount } from './sendPrompts';

/** A repository the built-in Git extension has open. */
export interface PatchRepository {
  readonly root: string;
  readonly name: string;
}

export interface PatchesOutDependencies {
  readonly accounts: MailAccounts;
  readonly composing: Pick<Composing, 'open'>;
  readonly sending: Pick<Sending, 'deliver'>;
  readonly repositories: () => Promise<PatchRepository[]>;
}

/** Where "Send Commits as Patches…" starts: a commit of the Source Control Graph, or nothing (the palette). */
export interface CommitTarget {
  readonly root?: string;
  readonly commit?: string;
}

/**
 * "Send Commits as Patches…": `git format-patch` of the chosen commits, one mail per commit threaded
 * under the first (the cover letter, written in the composer, when there is one), sent in order
 * through the same Sending as every mail, and resumable where a failure stopped it.
 */
export class PatchesOut {
  public constructor(private readonly deps: PatchesOutDependencies) {}

  public async sendCommits(target: CommitTarget = {}): Promise<void> {
    const root = target.root ?? (await this.chooseRepository());
    const revisions = root ? (target.commit ? ['-1', target.commit] : await pickRevisions(root)) : undefined;
    if (!root || !revisions) {
      return;
    }
    const subjectPrefix = await askText({ title: ui`Subject prefix`, prompt: ui`PATCH, PATCH v2, RFC PATCH…`, value: 'PATCH', ignoreFocusOut: true });
    if (!subjectPrefix) {
      return;
    }
    const format = (coverLetter: boolean): Thenable<FormattedPatch[]> =>
      withProgress({ where: 'window', title: ui`Mailroom: formatting patches` }, () => formatPatches(root, { revisions, subjectPrefix, coverLetter }));
    let files = await format(false);
    if (files.length > 1) {
      const withCover = ui`With a Cover Letter`;
      const choice = await askModal(
        'info',
        ui`Send ${files.length} patches?`,
        ui`A cover letter ([PATCH 0/${files.length}]) introduces the series.`,
        withCover,
        ui`Without`,
      );
      if (choice === undefined) {
        return;
      }
      files = choice === withCover ? await format(true) : files;
    }
    const account = await pickAccount(this.deps.accounts);
    const recipients = account ? await askRecipients(root, files) : undefined;
    if (!account || !recipients) {
      return;
    }
    const addressing = { from: { address: account.email }, ...recipients };
    const [first, ...rest] = files;
    if (first?.isCover) {
      const draft = coverLetterDraft(first);
      // The patches go once the cover letter is sent, threaded under it.
      this.deps.composing.open({
        accountId: account.id,
        ...recipients,
        bcc: [],
        subject: draft.subject,
        body: draft.body,
        attachments: [],
        onSent: (messageId) =>
          void this.sendSeries(
            account,
            new PatchSeriesSend(
              rest.map((file) => patchMessage(file, addressing)),
              messageId,
            ),
          ),
      });
      return;
    }
    const subjects = files.map((file) => file.subject).join('\n');
    const send = ui`Send`;
    const question =
      files.length === 1
        ? ui`Send the patch to ${formatAddressList(recipients.to)}?`
        : ui`Send ${files.length} patch mails to ${formatAddressList(recipients.to)}?`;
    if ((await askModal('info', question, ui`${subjects}`, send)) === send) {
      await this.sendSeries(account, new PatchSeriesSend(files.map((file) => patchMessage(file, addressing))));
    }
  }

  /** Sends the series; after a failure, Resume Series carries on from the part that failed. */
  public async sendSeries(account: MailAccount, series: PatchSeriesSend<StoredDraft>): Promise<void> {
    let failure = '';
    const { complete } = await series.sendRemaining(async (message, retryOf) => {
      const outcome = await this.deps.sending.deliver(account, message, retryOf, { fromComposer: true, announceSent: false });
      if (outcome.status === 'failed') {
        failure = describeSendFailure(outcome.error).value;
        return outcome;
      }
      return { status: 'sent', messageId: outcome.messageId };
    });
    if (complete) {
      void notify('info', series.total === 1 ? ui`Sent the patch.` : ui`Sent all ${series.total} mails of the series.`);
      return;
    }
    const resume = ui`Resume Series`;
    const text = ui`${ownMessage(failure)} Sent ${series.sent} of ${series.total}; "${series.nextSubject ?? ''}" and the parts after it are waiting.`;
    if ((await notify('error', text, resume)) === resume) {
      await this.sendSeries(account, series);
    }
  }

  /** The repository to work in: the only one, or the one the person picks. */
  public async chooseRepository(): Promise<string | undefined> {
    const repositories = await this.deps.repositories();
    if (repositories.length <= 1) {
      if (repositories.length === 0) {
        void notify('info', ui`Open a folder with a Git repository first.`);
      }
      return repositories[0]?.root;
    }
    const picked = await pickOne(
      repositories.map((repository) => ({ label: ui`${repository.name}`, description: ui`${repository.root}`, root: repository.root })),
      { title: ui`Which repository?`, ignoreFocusOut: true },
    );
    return picked?.root;
  }
}

/** The last commit, the last N, or the commits since a branch or tag (git format-patch's <since>). */
async function pickRevisions(root: string): Promise<string[] | undefined> {
  const last = { label: ui`The last commit`, revisions: ['-1'] };
  const lastN = { label: ui`The last N commits…`, revisions: [] };
  const refs = (await runGit(root, ['for-each-ref', '--sort=-committerdate', '--format=%(refname:short)', 'refs/heads', 'refs/tags', 'refs/remotes'])).stdout
    .split('\n')
    .filter((ref) => ref && !ref.endsWith('/HEAD'))
    .map((ref) => ({ label: ui`Commits since ${ref}`, revisions: [ref] }));
  const picked = await pickOne([last, lastN, ...refs], { title: ui`Send which commits?`, ignoreFocusOut: true });
  if (picked !== lastN) {
    return picked?.revisions;
  }
  const count = await askText({
    title: ui`How many commits?`,
    value: '3',
    ignoreFocusOut: true,
    validate: (value) => (/^[1-9]\d{0,3}$/.test(value.trim()) ? undefined : ui`A number of commits, 1 or more.`),
  });
  return count ? [`-${count.trim()}`] : undefined;
}

/** To and Cc, prefilled from sendemail.to/sendemail.cc, and the commits' trailers when the person asks. */
async function askRecipients(root: string, files: readonly FormattedPatch[]): Promise<{ to: MailAddress[]; cc: MailAddress[] } | undefined> {
  const configured = await configuredRecipients(root);
  const trailers = uniqueAddresses(files.flatMap(trailerRecipients), configured.to);
  let cc = configured.cc;
  if (trailers.length > 0) {
    const copy = ui`Copy Them`;
    const choice = await askModal(
      'info',
      ui`Copy the people the commits name?`,
      ui`${formatAddressList(trailers)} (Signed-off-by, Cc and other trailers)`,
      copy,
      ui`Don't Copy`,
    );
    cc = choice === copy ? uniqueAddresses([...configured.cc, ...trailers]) : cc;
  }
  const parser = await loadAddressParser();
  const ask = async (title: ReturnType<typeof ui>, value: readonly MailAddress[], required: boolean): Promise<MailAddress[] | undefined> => {
    const typed = await askText({
      title,
      value: formatAddressList(value),
      ignoreFocusOut: true,
      validate: (input) => {
        const problem = input.trim() || required ? recipientProblem(input, parser) : undefined;
        return problem ? ui`${problem}` : undefined;
      },
    });
    return typed === undefined ? undefined : parseAddressList(typed, parser).valid;
  };
  const to = await ask(ui`To (sendemail.to)`, configured.to, true);
  const ccTyped = to ? await ask(ui`Cc (sendemail.cc and trailers)`, cc, false) : undefined;
  return to && ccTyped ? { to, cc: ccTyped } : undefined;
}

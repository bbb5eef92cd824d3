import { archiveMessages, deleteMessages, loadRow, moveMessages, setFlag, summarizeFolders } from '../mail/mailbox';
import type { MailSession } from '../mail/connection';
import { Emitter } from '../util/event';
import type { Subscription } from '../util/event';
import type { MessageAction, MessageRef, MessageRow } from '../shared/protocol';
import { pickOne } from '../ui/surfaces';
import { ui } from '../ui/text';
import type { Composing } from './composing';
import type { MailLayer } from './mailLayer';
import type { PatchesIn } from './patchesIn';

/** What an action did to a message, so every view showing it can follow. */
export type MessageChange = { ref: MessageRef; removed: true } | { ref: MessageRef; removed: false; row: MessageRow };

/** Runs the reader's and the list's actions on one message, and tells listeners what changed. */
export class MessageActions {
  private readonly changes = new Emitter<MessageChange>();

  public constructor(
    private readonly mail: Pick<MailLayer, 'session'>,
    /** Reply, Reply All, Forward and Reply to Patch open the composer. */
    private readonly composing: Pick<Composing, 'respond' | 'respondToPatch'>,
    /** Apply Patch… on a patch mail. */
    private readonly patches: Pick<PatchesIn, 'apply'>,
  ) {}

  public onDidChangeMessage(listener: (change: MessageChange) => void): Subscription {
    return this.changes.event(listener);
  }

  public session(accountId: string): MailSession {
    return this.mail.session(accountId);
  }

  public async run(ref: MessageRef, action: MessageAction): Promise<void> {
    const session = this.mail.session(ref.accountId);
    switch (action) {
      case 'reply':
      case 'replyAll':
      case 'forward':
        return this.composing.respond(action, ref);
      case 'replyToPatch':
        return this.composing.respondToPatch(ref);
      case 'applyPatch':
        return this.patches.apply(ref);
      case 'markRead':
      case 'markUnread':
        await setFlag(session, ref.folder, [ref.uid], '\\Seen', action === 'markRead');
        return this.refreshRow(session, ref);
      case 'flag':
      case 'unflag':
        await setFlag(session, ref.folder, [ref.uid], '\\Flagged', action === 'flag');
        return this.refreshRow(session, ref);
      case 'archive':
        await archiveMessages(session, ref.folder, [ref.uid]);
        this.changes.fire({ ref, removed: true });
        return;
      case 'delete':
        await deleteMessages(session, ref.folder, [ref.uid]);
        this.changes.fire({ ref, removed: true });
        return;
      case 'move': {
        const destination = await this.pickFolder(session, ref.folder);
        if (destination !== undefined) {
          await moveMessages(session, ref.folder, [ref.uid], destination);
          this.changes.fire({ ref, removed: true });
        }
        return;
      }
    }
  }

  private async refreshRow(session: MailSession, ref: MessageRef): Promise<void> {
    const row = await loadRow(session, ref.folder, ref.uid);
    this.changes.fire(row ? { ref, removed: false, row } : { ref, removed: true });
  }

  private async pickFolder(session: MailSession, current: string): Promise<string | undefined> {
    const folders = summarizeFolders(await session.folders()).filter((folder) => folder.path !== current);
    // Folder names are the server's: shown as plain text.
    const picked = await pickOne(
      folders.map((folder) => ({ label: ui`${folder.name}`, ...(folder.path === folder.name ? {} : { description: ui`${folder.path}` }), path: folder.path })),
      { title: ui`Move to folder`, placeHolder: ui`Folder` },
    );
    return picked?.path;
  }
}

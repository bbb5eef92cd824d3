import * as vscode from 'vscode';
import type { Composing } from '../services/composing';
import type { QuickSend } from '../services/quickSend';
import type { Sending } from '../services/sending';
import type { ReplyKind } from '../mail/reply';
import { isMessageRef } from '../shared/protocolChecks';
import { MailroomError } from '../util/errors';
import type { Logger } from '../util/log';
import { notify } from '../ui/surfaces';
import { failureText } from '../ui/text';

export interface SendCommandsDependencies {
  readonly quickSend: QuickSend;
  readonly composing: Composing;
  readonly sending: Sending;
  readonly logger: Logger;
}

/** The palette's and menus' way into sending and composing; a failure is logged and shown. */
export function registerSendCommands(dependencies: SendCommandsDependencies): vscode.Disposable[] {
  const { quickSend, composing, sending, logger } = dependencies;
  const register = (command: string, handler: (...args: unknown[]) => Promise<void>): vscode.Disposable =>
    vscode.commands.registerCommand(command, async (...args: unknown[]) => {
      try {
        await handler(...args);
      } catch (error) {
        logger.error(`${command} failed`, error);
        void notify('error', failureText(error));
      }
    });
  // Hidden from the palette: another extension or a keybinding may pass the message to answer.
  const respond = (kind: ReplyKind) => async (ref: unknown) => {
    if (!isMessageRef(ref)) {
      throw new MailroomError('InvalidInput', 'Open a message in the inbox to reply to it or forward it.');
    }
    await composing.respond(kind, ref);
  };
  return [
    register('mailroom.sendSelection', () => quickSend.sendSelection()),
    register('mailroom.sendFile', (uri) => quickSend.sendFile(uri instanceof vscode.Uri ? uri : undefined)),
    register('mailroom.newMessage', () => composing.newMessage()),
    register('mailroom.reply', respond('reply')),
    register('mailroom.replyAll', respond('replyAll')),
    register('mailroom.forward', respond('forward')),
    register('mailroom.showDrafts', () => sending.showDrafts()),
  ];
}

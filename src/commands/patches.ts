import * as vscode from 'vscode';
import type { PatchesOut } from '../services/patchesOut';
import type { Logger } from '../util/log';
import { notify } from '../ui/surfaces';
import { failureText } from '../ui/text';
import { commandTarget } from '../views/gitRepositories';

/** "Send Commits as Patches…" from the palette, the Source Control view's title (its repository) or a commit in the Timeline. */
export function registerPatchCommands(patches: PatchesOut, logger: Logger): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('mailroom.sendCommitsAsPatches', async (...args: unknown[]) => {
      try {
        await patches.sendCommits(await commandTarget(args));
      } catch (error) {
        logger.error('mailroom.sendCommitsAsPatches failed', error);
        void notify('error', failureText(error));
      }
    }),
  ];
}

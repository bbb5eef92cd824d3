import * as path from 'node:path';
import * as vscode from 'vscode';
import { runGit } from '../mail/patchGit';

/** The part of the built-in Git extension's API (`vscode.git`, version 1) Mailroom reads. */
interface GitApi {
  readonly repositories: readonly { readonly rootUri: vscode.Uri }[];
}

interface GitExtension {
  getAPI(version: 1): GitApi;
}

/** A repository the built-in Git extension has open: its folder on disk and a name for pickers. */
export interface WorkspaceRepository {
  readonly root: string;
  readonly name: string;
}

/**
 * The repositories the built-in Git extension found in the workspace (its discovery: nested repositories,
 * submodules, the folders the person opened). Where it is turned off (`git.enabled`) or not ready, the
 * workspace folders that are inside a repository, as `git rev-parse --show-toplevel` says.
 */
export async function gitRepositories(): Promise<WorkspaceRepository[]> {
  const extension = vscode.extensions.getExtension<GitExtension>('vscode.git');
  try {
    if (extension) {
      const git = extension.isActive ? extension.exports : await extension.activate();
      const found = git
        .getAPI(1)
        .repositories.map((repository) => ({ root: repository.rootUri.fsPath, name: vscode.workspace.asRelativePath(repository.rootUri, true) }));
      if (found.length > 0) {
        return found;
      }
    }
  } catch {
    // "Git model not found": the Git extension is disabled; the folders are asked below.
  }
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
  const tops = await Promise.all(
    folders.map(async (folder) => (await runGit(folder.uri.fsPath, ['rev-parse', '--show-toplevel']).catch(() => undefined))?.stdout.trim()),
  );
  return [...new Set(tops.filter((top): top is string => Boolean(top)))].map((root) => ({ root, name: path.basename(root) }));
}

/**
 * What a menu passes to "Send Commits as Patches…": the Source Control view's title passes the source
 * control (its `rootUri` is the repository); the Timeline passes Git's item (`ref` is the commit) and the
 * file's URI (its repository is the one that holds it). Read defensively: the shapes are the editor's
 * and the Git extension's, not a typed API.
 */
export async function commandTarget(args: readonly unknown[]): Promise<{ root?: string; commit?: string }> {
  let root: string | undefined;
  let file: string | undefined;
  let commit: string | undefined;
  for (const arg of args) {
    if (arg instanceof vscode.Uri) {
      file ??= arg.fsPath;
      continue;
    }
    const { rootUri, ref } = typeof arg === 'object' && arg !== null ? (arg as { rootUri?: unknown; ref?: unknown }) : {};
    if (rootUri instanceof vscode.Uri) {
      root ??= rootUri.fsPath;
    }
    if (typeof ref === 'string' && /^[0-9a-f]{7,64}$/i.test(ref)) {
      commit ??= ref;
    }
  }
  if (!root && file) {
    const holding = (await gitRepositories()).filter((repository) => file.startsWith(repository.root + path.sep));
    root = holding.sort((left, right) => right.root.length - left.root.length)[0]?.root;
  }
  return { ...(root ? { root } : {}), ...(commit ? { commit } : {}) };
}

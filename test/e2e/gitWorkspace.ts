// Git repositories in the e2e workspace, made with the git command line before the workbench opens them.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The person using the editor: the identity her repositories commit (and `git am`) as. */
export const ALICE = { name: 'Alice Example', email: 'alice@mailroom.test' };

/** Runs git in `directory` as Alice (a fresh machine has no global identity) and returns what it prints. */
export function git(directory: string, ...args: string[]): string {
  return execFileSync('git', ['-c', `user.name=${ALICE.name}`, '-c', `user.email=${ALICE.email}`, ...args], { cwd: directory, encoding: 'utf8' });
}

/** Alice as the repository's own identity: git am commits as the person applying, whoever runs it. */
function setAliceAsIdentity(directory: string): void {
  git(directory, 'config', 'user.name', ALICE.name);
  git(directory, 'config', 'user.email', ALICE.email);
}

/** `git init` on `main`, Alice's. */
export function initRepository(directory: string): void {
  fs.mkdirSync(directory, { recursive: true });
  git(directory, 'init', '-q', '-b', 'main');
  setAliceAsIdentity(directory);
}

/** Clones `source` into `directory` (its `main` is then `origin/main`), with Alice as the clone's identity. */
export function cloneRepository(source: string, directory: string): void {
  git(path.dirname(directory), 'clone', '-q', source, directory);
  setAliceAsIdentity(directory);
}

/** Commits everything in `directory` as the author given (Alice when none), at a fixed author date when given. */
export function commitAll(directory: string, message: string, author?: { name: string; email: string; date: string }): void {
  git(directory, 'add', '.');
  // A later -c wins over git()'s own: the commit is the author's.
  const identity = author ? ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`] : [];
  git(directory, ...identity, 'commit', '-q', ...(author ? [`--date=${author.date}`] : []), '-m', message);
}

/** What applying a series must reproduce of each commit after `base`: author, author date and message, oldest first. */
export function commitsSince(directory: string, base: string): string {
  return git(directory, 'log', '--reverse', '--format=%an <%ae> %aI%n%B%n--', `${base}..HEAD`);
}

/** The tree HEAD points at: equal trees are equal files. */
export function headTree(directory: string): string {
  return git(directory, 'rev-parse', 'HEAD^{tree}').trim();
}

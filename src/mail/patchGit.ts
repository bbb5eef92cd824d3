/**
 * The git side of patches, run as `git` in the repository's folder: `format-patch` writes the mails'
 * text, `am` and `apply` apply received ones. A failure leaves the repository as it was (`git am
 * --abort`, `git apply` is all or nothing) and says which file and line did not apply.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailroomError } from '../util/errors';
import { ui } from '../ui/text';
import type { MailAddress } from './outgoing';
import type { FormattedPatch } from './patchFormat';
import { parseFormattedPatch, parseIdent } from './patchFormat';

export interface GitOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runGit(repository: string, args: readonly string[]): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    // No pager, no editor, no prompt: git runs unattended here.
    const env = { ...process.env, GIT_PAGER: 'cat', GIT_EDITOR: 'true', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
    const child = spawn('git', [...args], { cwd: repository, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

async function gitOrFail(repository: string, args: readonly string[]): Promise<string> {
  const output = await runGit(repository, args);
  if (output.code !== 0) {
    throw new MailroomError('GitFailed', ui`git ${args[0] ?? ''} failed: ${output.stderr.trim() || output.stdout.trim()}`);
  }
  return output.stdout;
}

async function withTemporaryDirectory<T>(work: (directory: string) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), 'mailroom-patch-'));
  try {
    return await work(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

export interface FormatOptions {
  /** What `format-patch` takes for the commits: `-3`, `main`, `-1 <sha>`. */
  readonly revisions: readonly string[];
  /** `PATCH`, `PATCH v2`, `RFC PATCH`. */
  readonly subjectPrefix: string;
  readonly coverLetter: boolean;
}

/** One mail per commit, oldest first, the cover letter (when asked for) first of all. */
export async function formatPatches(repository: string, options: FormatOptions): Promise<FormattedPatch[]> {
  return withTemporaryDirectory(async (directory) => {
    const args = ['format-patch', '--no-encode-email-headers', `--subject-prefix=${options.subjectPrefix}`, '-o', directory];
    await gitOrFail(repository, [...args, ...(options.coverLetter ? ['--cover-letter'] : []), ...options.revisions]);
    const files = (await readdir(directory)).filter((name) => name.endsWith('.patch')).sort();
    return Promise.all(files.map(async (name) => parseFormattedPatch(await readFile(join(directory, name), 'utf8'))));
  });
}

/** `sendemail.to` and `sendemail.cc` of the repository's config (all values of each). */
export async function configuredRecipients(repository: string): Promise<{ to: MailAddress[]; cc: MailAddress[] }> {
  const read = async (key: string): Promise<MailAddress[]> => {
    const output = await runGit(repository, ['config', '--get-all', key]);
    return output.stdout
      .split('\n')
      .flatMap((line) => line.split(','))
      .map((entry) => entry.trim())
      .filter((entry) => entry.includes('@'))
      .map(parseIdent);
  };
  return { to: await read('sendemail.to'), cc: await read('sendemail.cc') };
}

/** mboxrd (what `git am --patch-format=mboxrd` reads): `From ` lines in a body survive escaped. */
export function toMboxrd(messages: readonly Buffer[]): Buffer {
  // In a latin1 view, one character a byte: a mail's bytes go to git am as they are, in any charset.
  const mbox = messages
    .map((raw) => {
      const text = raw.toString('latin1').replace(/\r\n/g, '\n');
      const escaped = text.replace(/^(>*From )/gm, '>$1');
      return `From mailroom Mon Sep 17 00:00:00 2001\n${escaped}${escaped.endsWith('\n') ? '' : '\n'}`;
    })
    .join('\n');
  return Buffer.from(mbox, 'latin1');
}

export type ApplyOutcome =
  | { readonly applied: true; readonly commits: number }
  | {
      readonly applied: false;
      /** git's own words, for the log and the details. */
      readonly detail: string;
      /** The file and line of the hunk that did not apply, where git said. */
      readonly file?: string;
      readonly line?: number;
      /** 1-based: which of the mails failed (`git am`). */
      readonly part?: number;
    };

function failureOf(output: GitOutput): ApplyOutcome {
  const detail = `${output.stdout}\n${output.stderr}`.trim();
  const hunk = /patch failed: (.+):(\d+)$/m.exec(detail);
  const part = /Patch failed at (\d+)/.exec(detail);
  return {
    applied: false,
    detail,
    ...(hunk ? { file: hunk[1], line: Number(hunk[2]) } : {}),
    ...(part ? { part: Number(part[1]) } : {}),
  };
}

async function headOf(repository: string): Promise<string> {
  return (await gitOrFail(repository, ['rev-parse', 'HEAD'])).trim();
}

/** `git am` of the mails in order; on failure `git am --abort` puts the repository back. */
export async function applyMails(repository: string, messages: readonly Buffer[], options: { threeWay: boolean }): Promise<ApplyOutcome> {
  const before = await headOf(repository);
  return withTemporaryDirectory(async (directory) => {
    const mbox = join(directory, 'series.mbox');
    await writeFile(mbox, toMboxrd(messages));
    const output = await runGit(repository, ['am', '--patch-format=mboxrd', ...(options.threeWay ? ['--3way'] : []), mbox]);
    if (output.code === 0) {
      const count = await gitOrFail(repository, ['rev-list', '--count', `${before}..HEAD`]);
      return { applied: true, commits: Number(count.trim()) };
    }
    await runGit(repository, ['am', '--abort']);
    return failureOf(output);
  });
}

/**
 * `git apply` of a bare diff (no commit to make); checked first, so a failure touches nothing. An
 * attached diff comes as its bytes: a diff of Latin-1 files applies only byte for byte.
 */
export async function applyDiff(repository: string, diff: string | Buffer): Promise<ApplyOutcome> {
  return withTemporaryDirectory(async (directory) => {
    const file = join(directory, 'change.diff');
    const bytes = typeof diff === 'string' ? Buffer.from(diff, 'utf8') : diff;
    await writeFile(file, bytes.at(-1) === 0x0a ? bytes : Buffer.concat([bytes, Buffer.from('\n')]));
    const check = await runGit(repository, ['apply', '--check', file]);
    if (check.code !== 0) {
      return failureOf(check);
    }
    const output = await runGit(repository, ['apply', file]);
    return output.code === 0 ? { applied: true, commits: 0 } : failureOf(output);
  });
}

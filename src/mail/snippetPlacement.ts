import type { SourceRange } from './snippetSource';

/**
 * Where a snippet's file may be in the workspace, and the file as the mail has it (issue 15, part 3).
 * Pure: the editor side (src/views/snippetActions.ts) checks which candidate exists and shows the diff.
 */

/** One place to look: the folder (by its position in the workspace) and the path's segments inside it. */
export interface CandidatePath {
  readonly folder: number;
  readonly segments: readonly string[];
}

/**
 * Where a path may be, in rounds, best first; the first round with a file that exists wins. As written in each
 * folder; without its first segment in the folder of that name (Send Selection's paths in a multi-root workspace
 * start with it); and, for a path read from a URL whose branch may have had slashes, without each leading
 * segment in turn.
 */
export function candidatePaths(source: Pick<SourceRange, 'path' | 'fromUrl'>, folderNames: readonly string[]): CandidatePath[][] {
  const segments = source.path.split('/');
  const everywhere = (inside: readonly string[]): CandidatePath[] => folderNames.map((_name, folder) => ({ folder, segments: inside }));
  const rounds = [everywhere(segments)];
  const named = folderNames.flatMap((name, folder) => (name === segments[0] && segments.length > 1 ? [{ folder, segments: segments.slice(1) }] : []));
  if (named.length > 0) {
    rounds.push(named);
  }
  for (let drop = 1; source.fromUrl && drop < segments.length; drop += 1) {
    rounds.push(everywhere(segments.slice(drop)));
  }
  return rounds;
}

/**
 * The workspace file with the mail's code put in place of the lines the mail names (cut to the file's end),
 * in the file's own line endings: the left side of Compare with Workspace, so the diff shows only what changed.
 */
export function fileAsMailed(fileText: string, code: string, source: Pick<SourceRange, 'startLine' | 'endLine'>): string {
  const eol = fileText.includes('\r\n') ? '\r\n' : '\n';
  const lines = fileText.split(/\r?\n/);
  const start = Math.min(source.startLine, lines.length + 1) - 1;
  const end = Math.min(source.endLine, lines.length);
  const mailLines = code.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  return [...lines.slice(0, start), ...mailLines, ...lines.slice(end)].join(eol);
}

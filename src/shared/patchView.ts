// A patch as the reader shows it: the diff's lines classified, or, above the cap, only its name and size.

/** What a line of a diff is, for its colour in the reader. */
export type PatchLineKind = 'file' | 'hunk' | 'added' | 'removed' | 'context' | 'meta';

/** A message that carries a unified diff: the commit message above, the diff's lines classified. */
export interface PatchView {
  message: string;
  lines: { kind: PatchLineKind; text: string }[];
  /** The files the diff touches (new names). */
  files: string[];
  /** A commit to apply with `git am` (mail headers and message), or a bare diff for `git apply`. */
  commit: boolean;
  /** The patch is this attached file (sanitized name); the message's own text is shown above it. */
  attachment?: string;
  /** A large diff's lines past the ones coloured, as one text: the reader shows them uncoloured (see colourCapped). */
  uncoloured?: string;
}

/** An attached patch larger than the reader shows: named with its size, offered to apply and reply to, its text never sent to the webview. */
export interface PatchTooLarge {
  /** The sanitized file name. */
  attachment: string;
  /** Bytes, decoded (estimated from the server's structure where the message was not loaded whole). */
  size: number;
}

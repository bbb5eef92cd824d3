import type { ImapFlow } from 'imapflow';

/** A token of imapflow's parsed response: an atom, or a parenthesized list of tokens. */
type ResponseToken = { value?: unknown } | ResponseToken[];

/** imapflow's command runner: public in its JavaScript, marked internal in its types. */
interface RawCommands {
  exec(
    command: string,
    attributes: { type: string; value: string }[],
    options: { untagged: Record<string, (untagged: { attributes?: ResponseToken[] }) => Promise<void>> },
  ): Promise<{ next(): void }>;
}

function rawCommandsOf(client: ImapFlow): RawCommands | undefined {
  const raw = client as unknown as Partial<RawCommands>;
  return typeof raw.exec === 'function' ? (raw as RawCommands) : undefined;
}

/** The numbers of one thread of a THREAD response, whatever its nesting (the tree's shape is not needed). */
function numbersIn(token: ResponseToken): number[] {
  if (Array.isArray(token)) {
    return token.flatMap(numbersIn);
  }
  const value = Number(token.value);
  return Number.isSafeInteger(value) && value > 0 ? [value] : [];
}

/** Parses the attributes of `* THREAD (1)(2 3 (4)(5))`: one group of numbers per top-level list. */
export function threadGroupsOf(attributes: readonly ResponseToken[]): number[][] {
  return attributes
    .filter(Array.isArray)
    .map(numbersIn)
    .filter((group) => group.length > 0);
}

/**
 * RFC 5256 `UID THREAD REFERENCES UTF-8 <sequence set>` on the selected folder: the server's threads
 * of the messages in `sequenceSet`, as groups of UIDs. Undefined when the server refuses it or the
 * client cannot send it (the caller threads by itself then).
 */
export async function threadByReferences(client: ImapFlow, sequenceSet: string): Promise<number[][] | undefined> {
  const raw = rawCommandsOf(client);
  if (!raw) {
    return undefined;
  }
  const groups: number[][] = [];
  try {
    const response = await raw.exec.call(
      client,
      'UID THREAD',
      [
        { type: 'ATOM', value: 'REFERENCES' },
        { type: 'ATOM', value: 'UTF-8' },
        { type: 'SEQUENCE', value: sequenceSet },
      ],
      {
        untagged: {
          THREAD: async (untagged) => {
            groups.push(...threadGroupsOf(untagged.attributes ?? []));
          },
        },
      },
    );
    // The tagged answer holds the connection's reader until it is let go, as imapflow's own commands do.
    response.next();
  } catch (error) {
    if (isRefusal(error)) {
      return undefined;
    }
    throw error;
  }
  return groups;
}

/** A NO or BAD answer (the server refused the command), not throttling; anything else is a failed connection. */
function isRefusal(error: unknown): boolean {
  const { responseStatus, code } = (error ?? {}) as { responseStatus?: unknown; code?: unknown };
  return (responseStatus === 'NO' || responseStatus === 'BAD') && code !== 'ETHROTTLE';
}

import { baseSubject, isReplySubject } from './subjects';

/** What threading needs of a message (from its envelope and References header). */
export interface ThreadableMessage {
  /** The caller's own handle (a UID, a folder + UID): threading only carries it. */
  key: string;
  messageId?: string;
  inReplyTo?: string;
  /** The References header's IDs, oldest first. */
  references?: readonly string[];
  subject: string;
  /** Milliseconds since the epoch. */
  date: number;
}

/** One node of a thread: a message, or a dummy standing for a parent that is referenced but not here. */
export interface ThreadNode<M extends ThreadableMessage = ThreadableMessage> {
  message?: M;
  children: ThreadNode<M>[];
}

interface Container<M> {
  message?: M;
  parent?: Container<M>;
  children: Container<M>[];
}

/** The Message-IDs in a header (References, In-Reply-To), without angle brackets, in order. */
export function messageIdsIn(header: string | undefined): string[] {
  if (!header) {
    return [];
  }
  const bracketed = header.match(/<[^<>\s]+>/g);
  if (bracketed) {
    return bracketed.map((id) => id.slice(1, -1));
  }
  // Some mailers drop the brackets: a single bare ID.
  const bare = header.trim();
  return /^[^\s<>]+@[^\s<>]+$/.test(bare) ? [bare] : [];
}

function normalizedId(id: string | undefined): string | undefined {
  const trimmed = id?.trim().replace(/^<|>$/g, '');
  return trimmed ? trimmed : undefined;
}

function isAncestor<M>(candidate: Container<M>, of: Container<M>): boolean {
  for (let node: Container<M> | undefined = of; node; node = node.parent) {
    if (node === candidate) {
      return true;
    }
  }
  return false;
}

function setParent<M>(child: Container<M>, parent: Container<M> | undefined): void {
  if (child.parent === parent) {
    return;
  }
  if (child.parent) {
    child.parent.children = child.parent.children.filter((sibling) => sibling !== child);
  }
  child.parent = parent;
  parent?.children.push(child);
}

/**
 * JWZ threading (https://www.jwz.org/doc/threading.html): links messages by Message-ID, References
 * and In-Reply-To; a parent referenced but absent becomes a dummy; links that would make a loop are
 * not made; a duplicate Message-ID is threaded as a message of its own; empty dummies are pruned;
 * roots with the same subject (reply and forward prefixes stripped) are gathered into one thread.
 * Returns the threads with the newest activity first, each thread's children oldest first.
 */
export function threadMessages<M extends ThreadableMessage>(messages: readonly M[]): ThreadNode<M>[] {
  const byId = new Map<string, Container<M>>();
  const containerFor = (id: string): Container<M> => {
    let container = byId.get(id);
    if (!container) {
      container = { children: [] };
      byId.set(id, container);
    }
    return container;
  };
  const all: Container<M>[] = [];
  for (const message of messages) {
    const id = normalizedId(message.messageId);
    let own = id === undefined ? undefined : containerFor(id);
    if (!own || own.message) {
      // No ID, or a duplicate: a container no reference can reach.
      own = { children: [] };
    }
    own.message = message;
    all.push(own);
    const references = (message.references ?? []).map(normalizedId).filter((ref): ref is string => ref !== undefined);
    const inReplyTo = normalizedId(message.inReplyTo);
    if (inReplyTo !== undefined && references[references.length - 1] !== inReplyTo) {
      references.push(inReplyTo);
    }
    let previous: Container<M> | undefined;
    for (const reference of references) {
      const container = containerFor(reference);
      if (previous && !container.parent && container !== previous && !isAncestor(container, previous)) {
        setParent(container, previous);
      }
      previous = container;
    }
    // The message's own word on its parent wins over what other References presumed.
    if (!previous) {
      setParent(own, undefined);
    } else if (previous !== own && !isAncestor(own, previous)) {
      setParent(own, previous);
    }
  }
  const roots = [...new Set([...all, ...byId.values()])].filter((container) => !container.parent);
  const pruned = roots.flatMap(prune);
  return sortThreads(gatherBySubject(pruned));
}

/** The containers under `root` (itself last), each after its children: no recursion, threads may be long chains. */
function childrenFirst<M>(root: Container<M>): Container<M>[] {
  const order: Container<M>[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const container = stack.pop() as Container<M>;
    order.push(container);
    stack.push(...container.children);
  }
  return order.reverse();
}

/** Drops empty dummies and lifts their children; a dummy root keeps several children under it. */
function prune<M>(root: Container<M>): Container<M>[] {
  const replacements = new Map<Container<M>, Container<M>[]>();
  for (const container of childrenFirst(root)) {
    container.children = container.children.flatMap((child) => replacements.get(child) ?? [child]);
    container.children.forEach((child) => (child.parent = container));
    const isRoot = container === root;
    const keep = container.message !== undefined || (isRoot && container.children.length > 1);
    replacements.set(container, keep ? [container] : container.children);
  }
  const result = replacements.get(root) ?? [];
  result.forEach((container) => (container.parent = undefined));
  return result;
}

function subjectOf<M extends ThreadableMessage>(container: Container<M>): M | undefined {
  return container.message ?? container.children.find((child) => child.message)?.message;
}

/** JWZ step 5: roots whose base subjects match are one thread (a dummy holds them when neither replies to the other). */
function gatherBySubject<M extends ThreadableMessage>(roots: Container<M>[]): Container<M>[] {
  const bySubject = new Map<string, Container<M>>();
  for (const root of roots) {
    const message = subjectOf(root);
    const subject = message ? baseSubject(message.subject) : '';
    if (!subject) {
      continue;
    }
    const held = bySubject.get(subject);
    const heldMessage = held && subjectOf(held);
    if (!held || (held.message && !root.message) || (heldMessage && isReplySubject(heldMessage.subject) && message && !isReplySubject(message.subject))) {
      bySubject.set(subject, root);
    }
  }
  const result: Container<M>[] = [];
  for (const root of roots) {
    const message = subjectOf(root);
    const subject = message ? baseSubject(message.subject) : '';
    const keeper = subject ? bySubject.get(subject) : undefined;
    if (!keeper || keeper === root) {
      result.push(root);
      continue;
    }
    merge(keeper, root);
  }
  return result;
}

function merge<M extends ThreadableMessage>(keeper: Container<M>, other: Container<M>): void {
  if (!keeper.message) {
    if (other.message) {
      setParent(other, keeper);
    } else {
      [...other.children].forEach((child) => setParent(child, keeper));
    }
  } else if (other.message && !isReplySubject(keeper.message.subject) && isReplySubject(other.message.subject)) {
    setParent(other, keeper);
  } else {
    // Both originals or both replies: siblings under a new dummy that takes the keeper's place.
    const moved: Container<M> = { message: keeper.message, children: keeper.children };
    moved.children.forEach((child) => (child.parent = moved));
    keeper.message = undefined;
    keeper.children = [];
    setParent(moved, keeper);
    setParent(other, keeper);
  }
}

function sortThreads<M extends ThreadableMessage>(roots: Container<M>[]): ThreadNode<M>[] {
  const threads = roots.map((root) => {
    const newest = new Map<Container<M>, number>();
    const oldest = new Map<Container<M>, number>();
    const nodes = new Map<Container<M>, ThreadNode<M>>();
    for (const container of childrenFirst(root)) {
      const own = container.message?.date;
      newest.set(container, Math.max(own ?? Number.NEGATIVE_INFINITY, ...container.children.map((child) => newest.get(child) ?? 0)));
      oldest.set(container, Math.min(own ?? Number.POSITIVE_INFINITY, ...container.children.map((child) => oldest.get(child) ?? 0)));
      const children = [...container.children].sort((a, b) => (oldest.get(a) ?? 0) - (oldest.get(b) ?? 0));
      nodes.set(container, {
        ...(container.message ? { message: container.message } : {}),
        children: children.map((child) => nodes.get(child) as ThreadNode<M>),
      });
    }
    return { node: nodes.get(root) as ThreadNode<M>, at: newest.get(root) ?? 0 };
  });
  return threads.sort((a, b) => b.at - a.at).map(({ node }) => node);
}

/** A thread's messages, oldest first. */
export function messagesOf<M extends ThreadableMessage>(thread: ThreadNode<M>): M[] {
  const found: M[] = [];
  const stack = [thread];
  while (stack.length > 0) {
    const node = stack.pop() as ThreadNode<M>;
    if (node.message) {
      found.push(node.message);
    }
    stack.push(...node.children);
  }
  return found.sort((a, b) => a.date - b.date);
}

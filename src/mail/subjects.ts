/**
 * Reply and forward prefixes that mail clients put before a subject: English and the common localized
 * ones (German AW/WG, Nordic SV/VS, Dutch Antw/Doorst, French TR, Spanish RV/RE, Italian R/I, Polish
 * ODP/PD, Finnish VL, Czech Odp, Chinese 回复/转发). Kept modest: a word that is a real subject's first
 * word ("Re:" aside) is only taken with its colon.
 */
const prefix = /^\s*(?:re|fw|fwd|aw|wg|sv|vs|antw|doorst|tr|rv|r|i|odp|pd|vl|odg|res|enc|回复|回覆|答复|转发|轉寄)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*/iu;
/** A mailing list's tag such as `[dev]`, in front of or between the prefixes (lists add it to some copies only). */
const listTag = /^\s*\[[^\]]{1,40}\]\s*/u;

/**
 * The subject JWZ threading compares: without reply/forward prefixes (however many), leading list
 * tags and surrounding space; case and runs of space folded.
 */
export function baseSubject(subject: string): string {
  let rest = subject;
  for (;;) {
    const next = rest.replace(listTag, '').replace(prefix, '');
    if (next === rest) {
      break;
    }
    rest = next;
  }
  return rest.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Whether the subject carried a reply or forward prefix (JWZ prefers the thread without one as the root). */
export function isReplySubject(subject: string): boolean {
  return prefix.test(subject.replace(listTag, ''));
}

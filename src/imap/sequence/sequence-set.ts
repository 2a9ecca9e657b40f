/**
 * IMAP sequence sets (RFC 3501 section 9, `sequence-set`): parsing, resolving against a
 * mailbox (message sequence numbers or UIDs), and compact formatting for COPYUID/APPENDUID.
 */

/** `*`: the largest number in use (the message count, or the largest UID). */
export const STAR = '*';
export type SeqBound = number | typeof STAR;

/** One element of a set: a single number is a range whose two ends are equal. */
export interface SequenceRange {
  readonly from: SeqBound;
  readonly to: SeqBound;
}

/** A parsed sequence set, in the order the client wrote it (ranges may overlap). */
export type SequenceSet = readonly SequenceRange[];

/** Largest value of an IMAP `number` / `nz-number` (unsigned 32 bits). */
export const MAX_UINT32 = 4294967295;

const NZ_NUMBER = /^[1-9][0-9]{0,9}$/;

function parseBound(text: string): SeqBound | null {
  if (text === STAR) return STAR;
  // Checked as digits first so "1e3", " 7", "0x10" and 11-digit values never reach Number().
  if (!NZ_NUMBER.test(text)) return null;
  const n = Number(text);
  return n <= MAX_UINT32 ? n : null;
}

/** Parses `1`, `*`, `2:4`, `4:2`, `1:*`, `2,4:7,9,12:*`; null on any syntax error. */
export function parseSequenceSet(text: string): SequenceSet | null {
  if (text.length === 0) return null;
  const ranges: SequenceRange[] = [];
  for (const element of text.split(',')) {
    const colon = element.indexOf(':');
    if (colon === -1) {
      const n = parseBound(element);
      if (n === null) return null;
      ranges.push({ from: n, to: n });
    } else {
      const from = parseBound(element.slice(0, colon));
      const to = parseBound(element.slice(colon + 1));
      if (from === null || to === null) return null;
      ranges.push({ from, to });
    }
  }
  return ranges;
}

/** The set written back in IMAP syntax (as parsed, not normalised). */
export function formatSequenceSet(set: SequenceSet): string {
  return set.map((r) => (r.from === r.to ? String(r.from) : `${r.from}:${r.to}`)).join(',');
}

/** True when the set uses `*` anywhere. */
export function usesStar(set: SequenceSet): boolean {
  return set.some((r) => r.from === STAR || r.to === STAR);
}

/**
 * The set as sorted, disjoint, non-adjacent closed intervals [low, high], with `*` read as
 * `largest`. Values are not clipped; callers clip to what exists.
 */
export function normalizeSequenceSet(set: SequenceSet, largest: number): Array<[number, number]> {
  const intervals: Array<[number, number]> = [];
  for (const r of set) {
    const a = r.from === STAR ? largest : r.from;
    const b = r.to === STAR ? largest : r.to;
    intervals.push(a <= b ? [a, b] : [b, a]);
  }
  intervals.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const iv of intervals) {
    const last = merged[merged.length - 1];
    if (last !== undefined && iv[0] <= last[1] + 1) {
      if (iv[1] > last[1]) last[1] = iv[1];
    } else {
      merged.push([iv[0], iv[1]]);
    }
  }
  return merged;
}

/**
 * True when the set names a message sequence number beyond `count` (including `*` in an
 * empty mailbox). RFC 3501 says the server should answer BAD to such FETCH/STORE/COPY.
 */
export function sequenceSetExceeds(set: SequenceSet, count: number): boolean {
  for (const r of set) {
    if (r.from === STAR || r.to === STAR) {
      if (count === 0) return true;
    }
    if (typeof r.from === 'number' && r.from > count) return true;
    if (typeof r.to === 'number' && r.to > count) return true;
  }
  return false;
}

/**
 * Message sequence numbers named by the set, ascending and without duplicates, limited to
 * 1..count (numbers beyond the mailbox are skipped; see sequenceSetExceeds to refuse them).
 */
export function* iterateSequenceSet(set: SequenceSet, count: number): Generator<number> {
  if (count <= 0) return;
  for (const [low, high] of normalizeSequenceSet(set, count)) {
    if (low > count) break;
    const end = Math.min(high, count);
    for (let n = low; n <= end; n++) yield n;
  }
}

/** Array form of iterateSequenceSet. */
export function resolveSequenceSet(set: SequenceSet, count: number): number[] {
  return Array.from(iterateSequenceSet(set, count));
}

/** Index of the first element >= value in an ascending array. */
export function lowerBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Indexes (0-based, ascending, unique) into `uids` (ascending) of the UIDs the set names.
 * `*` is the largest existing UID, so `n:*` with n beyond it still names the last message
 * (RFC 3501 section 9, seq-range). An empty mailbox yields nothing.
 */
export function resolveUidSetIndexes(set: SequenceSet, uids: ArrayLike<number>): number[] {
  const out: number[] = [];
  const count = uids.length;
  if (count === 0) return out;
  const largest = uids[count - 1] as number;
  for (const [low, high] of normalizeSequenceSet(set, largest)) {
    for (let i = lowerBound(uids, low); i < count && (uids[i] as number) <= high; i++) out.push(i);
  }
  return out;
}

/** The existing UIDs (ascending, unique) that the set names; see resolveUidSetIndexes. */
export function resolveUidSet<T extends number>(set: SequenceSet, uids: ArrayLike<T>): T[] {
  return resolveUidSetIndexes(set, uids).map((i) => uids[i] as T);
}

/**
 * Compact form of a UID list for COPYUID/APPENDUID (RFC 4315): consecutive ascending runs
 * become `a:b`. The order is kept as given, so a source set and a destination set formatted
 * from parallel lists still pair up element by element.
 */
export function formatUidSet(uids: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < uids.length) {
    const start = uids[i] as number;
    let end = start;
    while (i + 1 < uids.length && uids[i + 1] === end + 1) {
      end += 1;
      i += 1;
    }
    parts.push(start === end ? String(start) : `${start}:${end}`);
    i += 1;
  }
  return parts.join(',');
}

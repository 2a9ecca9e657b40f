/**
 * Compact flag storage: the five system flags as a bit mask, keywords as one space-separated
 * text (NULL when none). Flag names compare case-insensitively; system flags come back in their
 * canonical spelling, keywords as first stored. \Recent is a session property, never stored.
 */

const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;
const SYSTEM_BITS = new Map<string, number>(SYSTEM_FLAGS.map((f, i) => [f.toLowerCase(), 1 << i]));

export const SEEN_BIT = 1;
export const DELETED_BIT = 1 << 3;

export interface StoredFlags {
  mask: number;
  /** Keywords in stored order (case kept). */
  keywords: string[];
}

/** Splits flag names into the bit mask and the keyword list (duplicates and \Recent dropped). */
export function encodeFlags(flags: readonly string[]): StoredFlags {
  let mask = 0;
  const keywords: string[] = [];
  const seen = new Set<string>();
  for (const flag of flags) {
    if (flag.length === 0) continue;
    const lower = flag.toLowerCase();
    const bit = SYSTEM_BITS.get(lower);
    if (bit !== undefined) {
      mask |= bit;
    } else if (lower !== '\\recent' && !seen.has(lower) && !/\s/.test(flag)) {
      seen.add(lower);
      keywords.push(flag);
    }
  }
  return { mask, keywords };
}

export function keywordsToColumn(keywords: readonly string[]): string | null {
  return keywords.length === 0 ? null : keywords.join(' ');
}

export function keywordsFromColumn(column: string | null): string[] {
  return column ? column.split(' ') : [];
}

// Decoding runs once per message in listMessages (100k rows): cache the system-flag arrays.
const maskCache: string[][] = [];
for (let mask = 0; mask < 32; mask++) {
  maskCache.push(SYSTEM_FLAGS.filter((_, i) => (mask & (1 << i)) !== 0));
}

/** The flag list of a stored row: system flags first, then keywords. */
export function decodeFlags(mask: number, keywords: string | null): string[] {
  const system = maskCache[mask & 31] ?? [];
  return keywords ? [...system, ...keywords.split(' ')] : system.slice();
}

/** Applies a STORE operation; returns the new stored flags. */
export function applyFlagOperation(
  current: StoredFlags,
  op: 'set' | 'add' | 'remove',
  change: StoredFlags,
): StoredFlags {
  if (op === 'set') return { mask: change.mask, keywords: [...change.keywords] };
  if (op === 'add') {
    const have = new Set(current.keywords.map((k) => k.toLowerCase()));
    const keywords = [...current.keywords];
    for (const k of change.keywords) if (!have.has(k.toLowerCase())) keywords.push(k);
    return { mask: current.mask | change.mask, keywords };
  }
  const drop = new Set(change.keywords.map((k) => k.toLowerCase()));
  return { mask: current.mask & ~change.mask, keywords: current.keywords.filter((k) => !drop.has(k.toLowerCase())) };
}

export function sameFlags(a: StoredFlags, b: StoredFlags): boolean {
  if (a.mask !== b.mask || a.keywords.length !== b.keywords.length) return false;
  const lower = new Set(a.keywords.map((k) => k.toLowerCase()));
  return b.keywords.every((k) => lower.has(k.toLowerCase()));
}

/**
 * `matches` patterns: `*` is any run of characters, `?` exactly one. Patterns without `?` are
 * matched by finding their literal pieces in order (indexOf, leftmost first, which is optimal);
 * patterns with `?` by the classic two-pointer walk with backtracking to the last `*`. Both are
 * O(n·m) at worst and use no regular expressions, so no pattern can make delivery slow.
 */

/** A compiled pattern; both pattern and text are compared as given (the caller lower-cases). */
export interface Wildcard {
  test(text: string): boolean;
}

/** `*`-only patterns: the first piece must start the text, the last end it, the rest appear in order. */
function starPattern(pattern: string): Wildcard {
  const pieces = pattern.split('*');
  const first = pieces[0] ?? '';
  const last = pieces[pieces.length - 1] ?? '';
  const middle = pieces.slice(1, -1).filter((p) => p !== '');
  return {
    test(text: string): boolean {
      if (text.length < first.length + last.length) return false;
      if (!text.startsWith(first) || !text.endsWith(last)) return false;
      let pos = first.length;
      const end = text.length - last.length;
      for (const piece of middle) {
        const at = text.indexOf(piece, pos);
        if (at < 0 || at + piece.length > end) return false;
        pos = at + piece.length;
      }
      return true;
    },
  };
}

/** Patterns with `?`: walk both, remembering the last `*` to back up to. Counts code points. */
function generalPattern(pattern: string): Wildcard {
  const p = Array.from(pattern);
  const hasAstral = /[\ud800-\udfff]/.test(pattern);
  return {
    test(text: string): boolean {
      // `?` is one character: count code points when either side may hold surrogate pairs.
      const t: ArrayLike<string> = hasAstral || /[\ud800-\udfff]/.test(text) ? Array.from(text) : text;
      let ti = 0;
      let pi = 0;
      let starP = -1;
      let starT = 0;
      while (ti < t.length) {
        const pc = p[pi];
        if (pc === '*') {
          starP = pi++;
          starT = ti;
        } else if (pc !== undefined && (pc === '?' || pc === t[ti])) {
          pi++;
          ti++;
        } else if (starP >= 0) {
          pi = starP + 1;
          ti = ++starT;
        } else {
          return false;
        }
      }
      while (p[pi] === '*') pi++;
      return pi === p.length;
    },
  };
}

export function compileWildcard(pattern: string): Wildcard {
  if (pattern.includes('?')) return generalPattern(pattern);
  if (pattern.includes('*')) return starPattern(pattern);
  return { test: (text) => text === pattern };
}

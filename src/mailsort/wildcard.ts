/**
 * `matches` patterns: `*` is any run of characters, `?` exactly one. Matched in O(n·m) at
 * worst without regular expressions, so no pattern can make delivery slow.
 */

/** A compiled pattern; both pattern and text are compared as given (the caller lower-cases). */
export interface Wildcard {
  test(text: string): boolean;
}

export function compileWildcard(pattern: string): Wildcard {
  const p = Array.from(pattern);
  if (!p.includes('*') && !p.includes('?')) return { test: (text) => text === pattern };
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

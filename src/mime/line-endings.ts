/**
 * The stored form of a message: every bare LF becomes CRLF; a bare CR is left alone.
 * Storing the CRLF form means every size, line count and byte range the server reports is
 * exact for what goes over the wire (IMAP and POP3 both speak CRLF).
 */

const LF = 0x0a;
const CR = 0x0d;

/** Number of LF bytes not preceded by CR. */
function countBareLf(raw: Buffer): number {
  let count = 0;
  let at = raw.indexOf(LF);
  while (at !== -1) {
    if (at === 0 || raw[at - 1] !== CR) count++;
    at = raw.indexOf(LF, at + 1);
  }
  return count;
}

/**
 * Returns raw with each bare LF replaced by CRLF. When there is no bare LF the same Buffer is
 * returned (no copy).
 */
export function normalizeLineEndings(raw: Buffer): Buffer {
  const bare = countBareLf(raw);
  if (bare === 0) return raw;
  const out = Buffer.allocUnsafe(raw.length + bare);
  let from = 0;
  let to = 0;
  let at = raw.indexOf(LF);
  while (at !== -1) {
    if (at === 0 || raw[at - 1] !== CR) {
      to += raw.copy(out, to, from, at);
      out[to++] = CR;
      out[to++] = LF;
      from = at + 1;
    }
    at = raw.indexOf(LF, at + 1);
  }
  to += raw.copy(out, to, from, raw.length);
  return out;
}

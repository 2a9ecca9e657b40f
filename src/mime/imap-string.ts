/**
 * IMAP string encoding for ENVELOPE and BODYSTRUCTURE (RFC 3501 section 4.3 and 9).
 *
 * The strings produced here are JavaScript strings that the IMAP layer sends as UTF-8
 * (Buffer.from(s, 'utf8')); literal lengths count UTF-8 bytes accordingly.
 * A quoted string may only hold 7-bit characters other than NUL, CR and LF; everything else
 * (8-bit text, CR, LF, or a value longer than QUOTED_MAX) is sent as a literal {n}\r\n....
 * NUL is not allowed even in a literal (CHAR8 is %x01-ff), so NUL characters are dropped.
 */

/** Values longer than this (in UTF-8 bytes) are sent as literals rather than quoted strings. */
export const QUOTED_MAX = 4096;

/** True when every character can appear in a quoted string. */
function isQuotable(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d || c > 0x7f) return false;
  }
  return true;
}

/** An IMAP string (quoted or literal) holding value. */
export function imapString(value: string): string {
  const clean = value.includes('\0') ? value.replace(/\0/g, '') : value;
  if (clean.length <= QUOTED_MAX && isQuotable(clean)) {
    const escaped = clean.includes('"') || clean.includes('\\') ? clean.replace(/[\\"]/g, (m) => '\\' + m) : clean;
    return '"' + escaped + '"';
  }
  return '{' + Buffer.byteLength(clean, 'utf8') + '}\r\n' + clean;
}

/** An IMAP nstring: NIL for null, otherwise a string. */
export function imapNString(value: string | null | undefined): string {
  return value === null || value === undefined ? 'NIL' : imapString(value);
}

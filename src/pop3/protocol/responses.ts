/**
 * Encoders for POP3 responses (RFC 1939 section 3, RFC 2449 section 8 response codes,
 * RFC 3206 AUTH and SYS codes, RFC 5034 continuation lines). Pure.
 */

/** Extended response codes this server sends. */
export type ResponseCode = 'IN-USE' | 'LOGIN-DELAY' | 'AUTH' | 'SYS/TEMP' | 'SYS/PERM';

const CRLF = '\r\n';

/** Response text must stay on one line and within the 512-octet response limit. */
function clean(text: string): string {
  const oneLine = text.replace(/[\r\n\x00]+/g, ' ');
  return oneLine.length > 480 ? oneLine.slice(0, 480) : oneLine;
}

export function okLine(text = ''): Buffer {
  return Buffer.from(text.length > 0 ? `+OK ${clean(text)}${CRLF}` : `+OK${CRLF}`, 'utf8');
}

export function errLine(text: string, code?: ResponseCode): Buffer {
  const prefix = code === undefined ? '-ERR ' : `-ERR [${code}] `;
  return Buffer.from(`${prefix}${clean(text)}${CRLF}`, 'utf8');
}

/** A SASL challenge: "+ " followed by base64 (empty for an empty challenge, RFC 5034 section 4). */
export function continuationLine(base64: string): Buffer {
  return Buffer.from(`+ ${base64}${CRLF}`, 'latin1');
}

/** A complete multi-line response whose lines are short protocol text (LIST, UIDL, CAPA). */
export function multiLine(first: string, lines: readonly string[]): Buffer {
  const body = lines.map((l) => (l.startsWith('.') ? `.${l}` : l) + CRLF).join('');
  return Buffer.from(`+OK ${clean(first)}${CRLF}${body}.${CRLF}`, 'utf8');
}

/** The terminating line of a multi-line response. */
export const TERMINATOR = Buffer.from(`.${CRLF}`, 'latin1');

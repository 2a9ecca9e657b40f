/**
 * Small RFC 5322 / MIME writers for the messages MailSort makes itself (vacation replies):
 * dates, encoded words, mailboxes, folding and quoted-printable bodies.
 */

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** RFC 5322 3.3 date-time in the server's local time zone, e.g. "Thu, 26 Nov 2026 07:05:00 +0100". */
export function formatRfc5322Date(d: Date): string {
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${DAY_NAMES[d.getDay()]}, ${d.getDate()} ${MONTH_NAMES[d.getMonth()]} ${d.getFullYear()} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`
  );
}

export function isPrintableAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

/** RFC 2047 B encoded words, each under 76 characters, never splitting a character. */
export function encodeWords(text: string): string[] {
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    // 39 bytes of UTF-8 make 52 characters of base64: "=?UTF-8?B?" + 52 + "?=" = 64, which
    // leaves room for a field name such as "Subject: " within 78 characters.
    if (Buffer.byteLength(chunk + ch) > 39) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk !== '' || words.length === 0) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`);
}

/**
 * A header field, folded at spaces so lines stay near 78 characters; unstructured text with
 * characters outside printable ASCII becomes encoded words.
 */
export function headerLine(name: string, value: string, options: { structured?: boolean } = {}): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  // Structured fields (addresses, ids) are never turned into encoded words.
  const words = clean.split(' ');
  // A word too long for a line (998 at most) is sent as encoded words, which can be folded.
  const plain = isPrintableAscii(clean) && words.every((w) => w.length < 900);
  const parts = options.structured || plain ? words : encodeWords(clean);
  let line = `${name}:`;
  let out = '';
  for (const part of parts) {
    if (line.length + 1 + part.length > 78 && line.length > name.length + 1) {
      out += `${line}\r\n`;
      line = '';
    }
    line += ` ${part}`;
  }
  return `${out}${line}\r\n`;
}

/** "Display Name <local@domain>", the name quoted or encoded as needed. */
export function formatMailbox(name: string, address: string): string {
  const n = name.replace(/[\r\n]+/g, ' ').trim();
  if (n === '') return `<${address}>`;
  if (!isPrintableAscii(n)) return `${encodeWords(n).join(' ')} <${address}>`;
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(n)) return `${n} <${address}>`;
  return `"${n.replace(/[\\"]/g, '\\$&')}" <${address}>`;
}

/** Quoted-printable (RFC 2045 6.7) of UTF-8 text with CRLF line ends. */
export function encodeQuotedPrintable(text: string): string {
  const lines = text.split(/\r\n|\n|\r/);
  const out: string[] = [];
  for (const line of lines) {
    const bytes = Buffer.from(line, 'utf8');
    let encoded = '';
    let current = '';
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] as number;
      const last = i === bytes.length - 1;
      const literal = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
      const piece = literal ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
      if (current.length + piece.length > 75) {
        encoded += `${current}=\r\n`;
        current = '';
      }
      current += piece;
    }
    out.push(encoded + current);
  }
  return out.join('\r\n');
}

/** A body as 7bit when it is plain ASCII with short lines, else as quoted-printable. */
export function textBody(text: string): { encoding: '7bit' | 'quoted-printable'; charset: string; body: string } {
  const normalized = text.replace(/\r\n|\n|\r/g, '\r\n');
  const lines = normalized.split('\r\n');
  const plain = /^[\x20-\x7e\t\r\n]*$/.test(normalized) && lines.every((l) => l.length <= 998);
  if (plain) return { encoding: '7bit', charset: 'us-ascii', body: normalized };
  return { encoding: 'quoted-printable', charset: 'utf-8', body: encodeQuotedPrintable(text) };
}

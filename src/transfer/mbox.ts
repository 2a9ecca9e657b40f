/**
 * mbox reading and writing in the mboxrd form: a "From " separator line before each message,
 * body lines matching /^>*From / get one more ">" on write and lose one on read, so any
 * message survives the round trip. Flags travel in the Status and X-Status headers (mutt,
 * Thunderbird, Dovecot); the separator line's date is the internal date.
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface MboxMessage {
  /** The message with LF line ends, unquoted, without the separator line. */
  raw: Buffer;
  envelopeSender: string;
  internalDate: Date | null;
}

const FROM_LINE = /^From (\S*) +(.*)$/;
const QUOTED_FROM = /^>+From /;
const ASCTIME = /^(?:[A-Za-z]{3}) ([A-Za-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?: [A-Z]{3,4}| [+-]\d{4})? (\d{4})/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function parseFromLineDate(text: string): Date | null {
  const m = ASCTIME.exec(text.trim());
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return null;
  const date = new Date(Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatFromLineDate(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${date.getUTCFullYear()}`;
}

/** Reads an mbox file message by message, in chunks, so a large file never sits in memory whole. */
export async function* readMbox(path: string): AsyncGenerator<MboxMessage> {
  const handle: FileHandle = await open(path, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    let carry = Buffer.alloc(0);
    let lines: Buffer[] = [];
    let current: { sender: string; date: Date | null } | null = null;
    const finish = (): MboxMessage | null => {
      if (!current) return null;
      // The blank line before the next separator belongs to the mbox, not the message.
      if (lines.length && lines[lines.length - 1]!.length === 1) lines.pop();
      const message = { raw: Buffer.concat(lines), envelopeSender: current.sender, internalDate: current.date };
      lines = [];
      return message;
    };
    const takeLine = function* (line: Buffer): Generator<MboxMessage> {
      const head = line.subarray(0, Math.min(line.length, 512)).toString('latin1');
      const from = head.startsWith('From ') ? FROM_LINE.exec(head.replace(/\r?\n$/, '')) : null;
      // A separator ends in a date; an unquoted "From " line inside a body (old mboxo files) does not.
      if (from && parseFromLineDate(from[2] ?? '') !== null) {
        const done = finish();
        if (done) yield done;
        current = { sender: from[1] ?? '', date: parseFromLineDate(from[2] ?? '') };
        return;
      }
      if (!current) return; // text before the first separator is not a message
      lines.push(QUOTED_FROM.test(head) ? line.subarray(1) : line);
    };
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      let data = Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
      let start = 0;
      for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
        yield* takeLine(Buffer.from(data.subarray(start, nl + 1)));
        start = nl + 1;
      }
      carry = Buffer.from(data.subarray(start));
      data = Buffer.alloc(0);
    }
    if (carry.length) yield* takeLine(carry);
    const last = finish();
    if (last) yield last;
  } finally {
    await handle.close();
  }
}

/** Flags from mbox Status (R seen, O old) and X-Status (A answered, F flagged, T draft, D deleted) headers. */
export function flagsFromMboxHeaders(raw: Buffer): string[] {
  const end = raw.indexOf('\n\n');
  const header = raw.subarray(0, end < 0 ? raw.length : end).toString('latin1');
  const flags = new Set<string>();
  const status = /^Status:[ \t]*(\S*)/im.exec(header)?.[1] ?? '';
  const xstatus = /^X-Status:[ \t]*(\S*)/im.exec(header)?.[1] ?? '';
  if (status.includes('R')) flags.add('\\Seen');
  if (xstatus.includes('A')) flags.add('\\Answered');
  if (xstatus.includes('F')) flags.add('\\Flagged');
  if (xstatus.includes('T')) flags.add('\\Draft');
  if (xstatus.includes('D')) flags.add('\\Deleted');
  return [...flags];
}

/** One message in mboxrd form: separator, quoted body with LF line ends, blank line. */
export function formatMboxMessage(rawLf: Buffer, sender: string, date: Date): Buffer {
  const out: Buffer[] = [Buffer.from(`From ${sender || 'MAILER-DAEMON'} ${formatFromLineDate(date)}\n`, 'latin1')];
  let start = 0;
  while (start < rawLf.length) {
    const nl = rawLf.indexOf(10, start);
    const end = nl < 0 ? rawLf.length : nl + 1;
    const line = rawLf.subarray(start, end);
    if (QUOTED_FROM.test(line.subarray(0, 64).toString('latin1')) || line.subarray(0, 5).toString('latin1') === 'From ') out.push(Buffer.from('>'));
    out.push(line);
    start = end;
  }
  if (rawLf.length && rawLf[rawLf.length - 1] !== 10) out.push(Buffer.from('\n'));
  out.push(Buffer.from('\n'));
  return Buffer.concat(out);
}

/** CRLF -> LF, the line end of files on Unix (maildir and mbox). */
export function toLf(raw: Buffer): Buffer {
  if (raw.indexOf('\r\n') < 0) return raw;
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = raw.indexOf('\r\n', start); i >= 0; i = raw.indexOf('\r\n', start)) {
    parts.push(raw.subarray(start, i), Buffer.from('\n'));
    start = i + 2;
  }
  parts.push(raw.subarray(start));
  return Buffer.concat(parts);
}

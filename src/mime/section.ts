/**
 * FETCH section semantics (RFC 3501 section 6.4.5): which byte range of the stored message a
 * section specifier names, and HEADER.FIELDS / HEADER.FIELDS.NOT filtering.
 */
import type { ByteRange, MimePart } from './types.js';

export type SectionSpecifier = 'HEADER' | 'TEXT' | 'MIME' | 'BODY';

/** Part n (1-based) of a message whose top-level entity is msg. */
function partOfMessage(msg: MimePart, n: number): MimePart | null {
  if (msg.parts) return msg.parts[n - 1] ?? null;
  // A non-multipart message has exactly one part: its body.
  return n === 1 ? msg : null;
}

/** The entity a part path names, or null when there is none. */
export function findPart(root: MimePart, path: number[]): MimePart | null {
  const first = path[0];
  if (first === undefined) return root;
  let cur = partOfMessage(root, first);
  for (let i = 1; i < path.length && cur; i++) {
    const n = path[i] as number;
    if (cur.parts) cur = cur.parts[n - 1] ?? null;
    else if (cur.message) cur = partOfMessage(cur.message, n);
    else cur = null;
  }
  return cur;
}

/**
 * The byte range of BODY[path.specifier]:
 * - path [] names the whole message: HEADER and TEXT are its header and body, BODY all of it.
 * - MIME is the part's own MIME header; BODY is the part's body (for message/rfc822, the
 *   whole encapsulated message).
 * - HEADER and TEXT of a part are those of its encapsulated message, so they only exist for
 *   message/rfc822 parts (and part 1 of a top-level message/rfc822).
 * Returns null for paths or specifiers that name nothing (the server then sends "").
 */
export function locateSection(root: MimePart, path: number[], specifier: SectionSpecifier): ByteRange | null {
  if (path.some((n) => !Number.isInteger(n) || n < 1)) return null;
  if (path.length === 0) {
    switch (specifier) {
      case 'HEADER': return { ...root.header };
      case 'TEXT': return { ...root.body };
      case 'BODY': return { start: root.header.start, end: root.body.end };
      case 'MIME': return null;
    }
  }
  const part = findPart(root, path);
  if (!part) return null;
  switch (specifier) {
    case 'BODY': return { ...part.body };
    case 'MIME': return { ...part.header };
    case 'HEADER': return part.message ? { ...part.message.header } : null;
    case 'TEXT': return part.message ? { ...part.message.body } : null;
  }
}

const LF = 0x0a;
const CRLF = Buffer.from('\r\n', 'latin1');

function fieldName(line: Buffer): string | null {
  const colon = line.indexOf(0x3a);
  if (colon <= 0) return null;
  const name = line.toString('latin1', 0, colon).trimEnd();
  return name === '' ? null : name.toLowerCase();
}

/**
 * The header fields named in fields (or, with exclude, all others), each with its folded
 * continuation lines, followed by the blank line (RFC 3501: the result always ends with CRLF
 * CRLF, or is just CRLF when nothing matches). Names match case-insensitively.
 */
export function filterHeaderFields(header: Buffer, fields: string[], exclude: boolean): Buffer {
  const wanted = new Set(fields.map((f) => f.toLowerCase()));
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < header.length) {
    const nl = header.indexOf(LF, pos);
    const lineEnd = nl === -1 ? header.length : nl + 1;
    const isBlank = lineEnd - pos <= 2 && (header[pos] === 0x0d || header[pos] === LF);
    if (isBlank) break;
    // The field continues on lines that start with whitespace.
    let end = lineEnd;
    while (end < header.length && (header[end] === 0x20 || header[end] === 0x09)) {
      const next = header.indexOf(LF, end);
      end = next === -1 ? header.length : next + 1;
    }
    const name = fieldName(header.subarray(pos, lineEnd));
    // A line that is no field is never "named", so only HEADER.FIELDS.NOT keeps it.
    if (name === null ? exclude : wanted.has(name) !== exclude) {
      out.push(header.subarray(pos, end));
      if (header[end - 1] !== LF) out.push(CRLF);
    }
    pos = end;
  }
  out.push(CRLF);
  return Buffer.concat(out);
}

/**
 * Builds one untagged FETCH response (RFC 3501 7.4.2) as a list of chunks: the protocol text
 * around literals is joined into Buffers, and message data read from the store is passed
 * through as its own chunks so large bodies are not copied once more.
 *
 * NUL bytes: RFC 3501 section 9 forbids %x00 anywhere in the protocol stream, literals
 * included (CHAR8). Message data containing NUL is sent with each NUL replaced by a space,
 * so every literal keeps the exact size of the stored section.
 */
import type { ByteRange, MimePart } from '../../mime/types.js';
import { locateSection, filterHeaderFields } from '../../mime/index.js';
import type { MessageDetail, MessageMeta } from '../../store/types.js';
import type { FetchItem, FetchRequest } from './items.js';
import { formatSection } from './section.js';
import { formatImapDateTime } from './date-time.js';

/** Reads the stored message, whole or the half-open byte range [start, end). */
export interface FetchSource {
  read(range?: ByteRange): Promise<Buffer>;
}

export interface FetchResponseOptions {
  /** UID FETCH / UID STORE: the UID item is always included (RFC 3501 6.4.8). */
  uidCommand: boolean;
  /** The message is \Recent in this session: FLAGS shows \Recent too. */
  recent?: boolean;
  /** Add FLAGS even when not asked (after this FETCH set \Seen, RFC 3501 6.4.5). */
  includeFlags?: boolean;
  /** Zone of INTERNALDATE in minutes east of UTC; defaults to the server's zone. */
  zoneOffsetMinutes?: number;
}

/** Replaces NUL bytes with spaces (see the file comment); copies only when there is one. */
export function replaceNul(data: Buffer): Buffer {
  const first = data.indexOf(0);
  if (first === -1) return data;
  const copy = Buffer.from(data);
  for (let i = first; i < copy.length; i++) if (copy[i] === 0) copy[i] = 0x20;
  return copy;
}

function hasIndex(msg: MessageMeta | MessageDetail): msg is MessageDetail {
  return (msg as Partial<MessageDetail>).index !== undefined;
}

/** Accumulates response text and data chunks. */
class ChunkWriter {
  readonly chunks: Buffer[] = [];
  private text = '';

  write(text: string): void {
    this.text += text;
  }

  /** Writes `data` as a literal, or "" when empty. */
  string(data: Buffer): void {
    if (data.length === 0) {
      this.text += '""';
      return;
    }
    this.text += `{${data.length}}\r\n`;
    this.flush();
    this.chunks.push(replaceNul(data));
  }

  flush(): void {
    if (this.text.length > 0) this.chunks.push(Buffer.from(this.text, 'utf8'));
    this.text = '';
  }
}

function detail(msg: MessageMeta | MessageDetail, item: string): MessageDetail {
  if (!hasIndex(msg)) throw new Error(`FETCH ${item} needs the message index; load it with getMessageDetails`);
  return msg;
}

/** Cuts a partial <offset.length> out of a range; null when it starts at or past the end. */
function partialRange(range: ByteRange, partial: { offset: number; length: number } | undefined): ByteRange | null {
  if (partial === undefined) return range;
  const start = range.start + partial.offset;
  if (start >= range.end) return null;
  return { start, end: Math.min(range.end, start + partial.length) };
}

async function readRange(source: FetchSource, range: ByteRange | null): Promise<Buffer> {
  if (range === null || range.end <= range.start) return Buffer.alloc(0);
  return source.read(range);
}

/** The bytes of a BODY[section]<partial> item; empty when the section does not exist. */
async function sectionData(
  item: Extract<FetchItem, { kind: 'SECTION' }>,
  msg: MessageMeta | MessageDetail,
  source: FetchSource,
): Promise<Buffer> {
  const { section, partial } = item;
  if (section.path.length === 0 && section.text === '') {
    return readRange(source, partialRange({ start: 0, end: msg.size }, partial));
  }
  const root: MimePart = detail(msg, 'BODY[section]').index.root;
  if (section.text === 'HEADER.FIELDS' || section.text === 'HEADER.FIELDS.NOT') {
    const header = locateSection(root, section.path, 'HEADER');
    if (header === null) return Buffer.alloc(0);
    const filtered = filterHeaderFields(await readRange(source, header), section.fields ?? [], section.text === 'HEADER.FIELDS.NOT');
    if (partial === undefined) return filtered;
    // A partial of a header subset is taken after subsetting (RFC 3501 6.4.5).
    return filtered.subarray(Math.min(partial.offset, filtered.length), Math.min(filtered.length, partial.offset + partial.length));
  }
  const specifier = section.text === '' ? 'BODY' : section.text;
  const range = locateSection(root, section.path, specifier);
  if (range === null) return Buffer.alloc(0);
  return readRange(source, partialRange(range, partial));
}

function flagList(flags: readonly string[], recent: boolean): string {
  return `(${recent ? [...flags, '\\Recent'].join(' ') : flags.join(' ')})`;
}

/** Writes one data item (name, space, value). */
async function writeItem(
  out: ChunkWriter,
  item: FetchItem,
  msg: MessageMeta | MessageDetail,
  source: FetchSource,
  options: FetchResponseOptions,
): Promise<void> {
  switch (item.kind) {
    case 'UID':
      out.write(`UID ${msg.uid}`);
      return;
    case 'FLAGS':
      out.write(`FLAGS ${flagList(msg.flags, options.recent === true)}`);
      return;
    case 'INTERNALDATE':
      out.write(`INTERNALDATE "${formatImapDateTime(msg.internalDate, options.zoneOffsetMinutes)}"`);
      return;
    case 'RFC822.SIZE':
      out.write(`RFC822.SIZE ${msg.size}`);
      return;
    case 'ENVELOPE':
      out.write(`ENVELOPE ${detail(msg, 'ENVELOPE').index.envelope}`);
      return;
    case 'BODY':
      out.write(`BODY ${detail(msg, 'BODY').index.body}`);
      return;
    case 'BODYSTRUCTURE':
      out.write(`BODYSTRUCTURE ${detail(msg, 'BODYSTRUCTURE').index.bodyStructure}`);
      return;
    case 'RFC822': {
      const data = await readRange(source, { start: 0, end: msg.size });
      out.write('RFC822 ');
      out.string(data);
      return;
    }
    case 'RFC822.HEADER': {
      const data = await readRange(source, detail(msg, 'RFC822.HEADER').index.root.header);
      out.write('RFC822.HEADER ');
      out.string(data);
      return;
    }
    case 'RFC822.TEXT': {
      const data = await readRange(source, detail(msg, 'RFC822.TEXT').index.root.body);
      out.write('RFC822.TEXT ');
      out.string(data);
      return;
    }
    case 'SECTION': {
      const data = await sectionData(item, msg, source);
      const origin = item.partial === undefined ? '' : `<${item.partial.offset}>`;
      out.write(`BODY[${formatSection(item.section)}]${origin} `);
      out.string(data);
      return;
    }
  }
}

/**
 * The bytes of `* seq FETCH (...)\r\n` for one message. `msg` must be a MessageDetail when
 * `request.needsIndex`; `source` is read only when `request.needsContent`. UID comes first
 * (always for UID commands), then FLAGS when `includeFlags` adds it, then the items as asked.
 */
export async function buildFetchResponse(
  seq: number,
  request: FetchRequest,
  msg: MessageMeta | MessageDetail,
  source: FetchSource,
  options: FetchResponseOptions,
): Promise<Buffer[]> {
  const items: FetchItem[] = [];
  if (options.uidCommand || request.hasUid) items.push({ kind: 'UID' });
  if (options.includeFlags === true && !request.hasFlags) items.push({ kind: 'FLAGS' });
  for (const item of request.items) if (item.kind !== 'UID') items.push(item);

  const out = new ChunkWriter();
  out.write(`* ${seq} FETCH (`);
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out.write(' ');
    await writeItem(out, items[i] as FetchItem, msg, source, options);
  }
  out.write(')\r\n');
  out.flush();
  return out.chunks;
}

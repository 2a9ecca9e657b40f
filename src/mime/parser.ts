/**
 * The structure parser: one pass over the stored bytes builds the entity tree with the byte
 * ranges of every header and body (RFC 2045, RFC 2046, RFC 5322).
 *
 * Work is linear in the message size: delimiter lines of all open multiparts are found by one
 * scanner (see delimiters.ts), header ends are searched only up to the next delimiter, and
 * every byte is counted for line numbers exactly once. Nesting is capped at MAX_DEPTH (deeper
 * multipart/message entities become application/octet-stream leaves) and the entity count at
 * MAX_PARTS (further siblings are left out). A multipart without a boundary parameter, or whose
 * boundary never appears, becomes a text/plain leaf so the client can still show its bytes.
 * Only message/rfc822 is encapsulated: RFC 3501's grammar has no envelope for message/global,
 * which is therefore an ordinary leaf.
 */
import { DelimiterScanner, type Delimiter } from './delimiters.js';
import { ForwardSearch } from './forward-search.js';
import { headerBytesToString } from './encoded-words.js';
import { firstHeader, headerMap, parseHeaders, type HeaderMap } from './headers.js';
import { MAX_DEPTH, MAX_PARTS } from './limits.js';
import { parseContentValue, rawParam, type RawParam } from './params.js';
import type { MimePart } from './types.js';

const LF = 0x0a;
const CR = 0x0d;

export type EntityKind = 'leaf' | 'multipart' | 'message';

/** One entity with what BODYSTRUCTURE needs; MimePart is the part kept in the index. */
export interface ParsedEntity {
  part: MimePart;
  headers: HeaderMap;
  kind: EntityKind;
  /** Content-Type parameters as reported (empty: NIL). */
  params: RawParam[];
  /** Line count of the body (LF count, plus one for a last line without LF). */
  bodyLines: number;
  children: ParsedEntity[];
  message: ParsedEntity | null;
}

interface ParseContext {
  buf: Buffer;
  scanner: DelimiterScanner;
  /** Next "\n\r\n" (end of a header block) and, for unnormalised input, next "\n\n". */
  blankLine: ForwardSearch;
  bareBlankLine: ForwardSearch;
  partCount: number;
}

interface EntityResult {
  entity: ParsedEntity;
  /** Where this entity's bytes end. */
  end: number;
  /** The delimiter (of an enclosing multipart) that ended it, or null at the end of input. */
  stop: Delimiter | null;
  /** LF bytes in [start, end). */
  lfs: number;
}

const TOKEN = /^[a-z0-9!#$%&'*+.^_`{|}~-]+$/;

/** LF bytes in [start, end). */
function countLf(buf: Buffer, start: number, end: number): number {
  if (end <= start) return 0;
  let n = 0;
  if (end - start < 256) {
    for (let i = start; i < end; i++) if (buf[i] === LF) n++;
    return n;
  }
  const view = buf.subarray(start, end);
  for (let p = view.indexOf(LF); p !== -1; p = view.indexOf(LF, p + 1)) n++;
  return n;
}

function linesOf(buf: Buffer, start: number, end: number, lfs: number): number {
  return end > start && buf[end - 1] !== LF ? lfs + 1 : lfs;
}

interface HeaderBounds {
  /** End of the header block (after its blank line when it has one). */
  headerEnd: number;
  /** A delimiter met inside the header: it ends the entity (whose body is then empty). */
  cutBy: Delimiter | null;
}

/**
 * The header block that starts at start ends after the first blank line, or at the first
 * delimiter line of an enclosing multipart if that comes first, or at the end of the input.
 */
function findHeaderEnd(ctx: ParseContext, start: number): HeaderBounds {
  const { buf, scanner } = ctx;
  if (buf[start] === CR && buf[start + 1] === LF) return { headerEnd: start + 2, cutBy: null };
  if (buf[start] === LF) return { headerEnd: start + 1, cutBy: null };
  const crlf = ctx.blankLine.next(start);
  let blankEnd = crlf === -1 ? buf.length : crlf + 3;
  const bare = ctx.bareBlankLine.next(start);
  if (bare !== -1 && bare + 2 < blankEnd) blankEnd = bare + 2;
  const cut = scanner.findBefore(start, blankEnd);
  if (cut) return { headerEnd: cut.contentEnd, cutBy: cut };
  return { headerEnd: blankEnd, cutBy: null };
}

interface ContentType {
  type: string;
  subtype: string;
  params: RawParam[];
}

function contentTypeOf(headers: HeaderMap, fallback: 'text/plain' | 'message/rfc822'): ContentType {
  const raw = firstHeader(headers, 'content-type');
  if (raw) {
    const parsed = parseContentValue(headerBytesToString(raw));
    const slash = parsed.value.indexOf('/');
    const type = parsed.value.slice(0, slash);
    const subtype = parsed.value.slice(slash + 1);
    if (slash > 0 && TOKEN.test(type) && TOKEN.test(subtype)) return { type, subtype, params: parsed.params };
  }
  // RFC 2045 5.2: no (or an invalid) Content-Type means text/plain; charset=us-ascii.
  if (fallback === 'message/rfc822') return { type: 'message', subtype: 'rfc822', params: [] };
  return { type: 'text', subtype: 'plain', params: [{ name: 'charset', value: 'us-ascii' }] };
}

/** The boundary as latin1 text of its raw bytes, as the delimiter scanner compares lines. */
function boundaryOf(headers: HeaderMap): string | undefined {
  const raw = firstHeader(headers, 'content-type');
  return raw ? rawParam(parseContentValue(raw.toString('latin1')).params, 'boundary') : undefined;
}

function transferEncodingOf(headers: HeaderMap): string {
  const raw = firstHeader(headers, 'content-transfer-encoding');
  return raw ? raw.toString('latin1').trim().toLowerCase() : '';
}

function makeEntity(start: number, headerEnd: number, end: number, type: string, subtype: string, headers: HeaderMap, params: RawParam[]): ParsedEntity {
  return {
    part: { header: { start, end: headerEnd }, body: { start: headerEnd, end }, type, subtype },
    headers,
    kind: 'leaf',
    params,
    bodyLines: 0,
    children: [],
    message: null,
  };
}

function parseEntity(ctx: ParseContext, start: number, depth: number, fallback: 'text/plain' | 'message/rfc822'): EntityResult {
  const { buf, scanner } = ctx;
  ctx.partCount++;
  const { headerEnd, cutBy } = findHeaderEnd(ctx, start);
  const headers = headerMap(parseHeaders(buf.subarray(start, headerEnd)));
  const headerLfs = countLf(buf, start, headerEnd);
  const ct = contentTypeOf(headers, fallback);

  // A leaf runs to the next delimiter of an enclosing multipart (found only now, so that a
  // multipart or message never searches bytes its children search again).
  const leaf = (type: string, subtype: string, params: RawParam[]): EntityResult => {
    const stop = cutBy ?? scanner.find(headerEnd);
    const end = stop ? stop.contentEnd : buf.length;
    const entity = makeEntity(start, headerEnd, end, type, subtype, headers, params);
    const bodyLfs = countLf(buf, headerEnd, end);
    entity.bodyLines = linesOf(buf, headerEnd, end, bodyLfs);
    return { entity, end, stop, lfs: headerLfs + bodyLfs };
  };
  const plainText = (): EntityResult => leaf('text', 'plain', [{ name: 'charset', value: 'us-ascii' }]);
  const octetStream = (): EntityResult => leaf('application', 'octet-stream', []);

  if (ct.type === 'multipart') {
    if (depth >= MAX_DEPTH) return octetStream();
    const boundary = boundaryOf(headers);
    if (!boundary || cutBy) return plainText();
    return parseMultipart(ctx, start, headerEnd, depth, ct, boundary, headers, headerLfs) ?? plainText();
  }
  if (ct.type === 'message' && ct.subtype === 'rfc822') {
    const cte = transferEncodingOf(headers);
    const identity = cte === '' || cte === '7bit' || cte === '8bit' || cte === 'binary';
    if (depth >= MAX_DEPTH || !identity || cutBy || ctx.partCount >= MAX_PARTS) return octetStream();
    const inner = parseEntity(ctx, headerEnd, depth + 1, 'text/plain');
    const entity = makeEntity(start, headerEnd, inner.end, ct.type, ct.subtype, headers, ct.params);
    entity.kind = 'message';
    entity.message = inner.entity;
    entity.part.message = inner.entity.part;
    entity.bodyLines = linesOf(buf, headerEnd, inner.end, inner.lfs);
    return { entity, end: inner.end, stop: inner.stop, lfs: headerLfs + inner.lfs };
  }
  return leaf(ct.type, ct.subtype, ct.params);
}

/** The body of a multipart; null when no part is found (the caller makes it a leaf). */
function parseMultipart(
  ctx: ParseContext, start: number, bodyStart: number, depth: number, ct: ContentType,
  boundary: string, headers: HeaderMap, headerLfs: number,
): EntityResult | null {
  const { buf, scanner } = ctx;
  const level = scanner.push(boundary);
  let d = scanner.find(bodyStart);
  if (!d || d.level !== level || d.close || ctx.partCount >= MAX_PARTS) {
    scanner.pop();
    return null;
  }
  const childFallback = ct.subtype === 'digest' ? 'message/rfc822' : 'text/plain';
  const children: ParsedEntity[] = [];
  let cursor = bodyStart;
  let bodyLfs = 0;
  let end: number;
  let stopOut: Delimiter | null;
  let popped = false;
  for (;;) {
    let next: Delimiter | null;
    if (ctx.partCount >= MAX_PARTS) {
      next = scanner.find(d.next);
    } else {
      bodyLfs += countLf(buf, cursor, d.next);
      const r = parseEntity(ctx, d.next, depth + 1, childFallback);
      children.push(r.entity);
      bodyLfs += r.lfs;
      cursor = r.end;
      next = r.stop;
    }
    if (!next) { end = buf.length; stopOut = null; break; }
    if (next.level !== level) { end = next.contentEnd; stopOut = next; break; }
    if (next.close) {
      scanner.pop();
      popped = true;
      stopOut = scanner.find(next.next);
      end = stopOut ? stopOut.contentEnd : buf.length;
      break;
    }
    d = next;
  }
  if (!popped) scanner.pop();
  bodyLfs += countLf(buf, Math.max(cursor, bodyStart), end);
  const entity = makeEntity(start, bodyStart, end, ct.type, ct.subtype, headers, ct.params);
  entity.kind = 'multipart';
  entity.children = children;
  entity.part.parts = children.map((c) => c.part);
  entity.bodyLines = linesOf(buf, bodyStart, end, bodyLfs);
  return { entity, end, stop: stopOut, lfs: headerLfs + bodyLfs };
}

/** Parses a whole stored message into its entity tree. */
export function parseStructure(buf: Buffer): ParsedEntity {
  const ctx: ParseContext = {
    buf,
    scanner: new DelimiterScanner(buf),
    blankLine: new ForwardSearch(buf, Buffer.from('\n\r\n', 'latin1')),
    bareBlankLine: new ForwardSearch(buf, Buffer.from('\n\n', 'latin1')),
    partCount: 0,
  };
  return parseEntity(ctx, 0, 0, 'text/plain').entity;
}

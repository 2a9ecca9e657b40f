/**
 * IMAP BODY and BODYSTRUCTURE strings (RFC 3501 section 7.4.2 and the "body" rule of section 9)
 * from the parsed entity tree.
 *
 * Media type, subtype, transfer encoding, parameter names and disposition type are sent in
 * upper case (as RFC 3501's examples do); parameter values are sent as written (RFC 2231
 * continuations included, raw, for the client to decode). Sizes are exact byte counts of the
 * stored (CRLF) body; text and message parts carry their line counts.
 */
import { buildEnvelope } from './envelope.js';
import { headerBytesToString } from './encoded-words.js';
import { firstHeader, type HeaderMap } from './headers.js';
import { imapNString, imapString } from './imap-string.js';
import { parseContentValue, stripComments, type RawParam } from './params.js';
import type { ParsedEntity } from './parser.js';

function rawValue(headers: HeaderMap, name: string): string | null {
  const value = firstHeader(headers, name);
  return value === undefined ? null : headerBytesToString(value);
}

function paramList(params: RawParam[]): string {
  if (params.length === 0) return 'NIL';
  return '(' + params.map((p) => imapString(p.name.toUpperCase()) + ' ' + imapString(p.value)).join(' ') + ')';
}

function dispositionOf(headers: HeaderMap): string {
  const raw = rawValue(headers, 'content-disposition');
  if (raw === null) return 'NIL';
  const parsed = parseContentValue(raw);
  if (parsed.value === '') return 'NIL';
  return '(' + imapString(parsed.value.toUpperCase()) + ' ' + paramList(parsed.params) + ')';
}

function languageOf(headers: HeaderMap): string {
  const raw = rawValue(headers, 'content-language');
  if (raw === null) return 'NIL';
  const tags = stripComments(raw).split(/[\s,]+/).filter((t) => t !== '');
  if (tags.length === 0) return 'NIL';
  if (tags.length === 1) return imapString(tags[0] as string);
  return '(' + tags.map(imapString).join(' ') + ')';
}

function locationOf(headers: HeaderMap): string {
  const raw = rawValue(headers, 'content-location');
  // A folded URL is one value: drop the whitespace that folding left in it.
  return raw === null ? 'NIL' : imapString(raw.replace(/\s+/g, ''));
}

/** body-ext-1part / the tail of body-ext-mpart after the parameters. */
function extensionTail(headers: HeaderMap): string {
  return [dispositionOf(headers), languageOf(headers), locationOf(headers)].join(' ');
}

function transferEncoding(headers: HeaderMap): string {
  const raw = rawValue(headers, 'content-transfer-encoding');
  const value = raw === null ? '' : stripComments(raw).trim();
  return value === '' ? '7BIT' : value.toUpperCase();
}

interface BodyStrings {
  body: string;
  bodyStructure: string;
}

/** BODY and BODYSTRUCTURE of one entity in one walk (they share every basic field). */
function build(entity: ParsedEntity): BodyStrings {
  const { part, headers } = entity;
  if (entity.kind === 'multipart') {
    const body: string[] = ['('];
    const full: string[] = ['('];
    for (const child of entity.children) {
      const c = build(child);
      body.push(c.body);
      full.push(c.bodyStructure);
    }
    const subtype = ' ' + imapString(part.subtype.toUpperCase());
    body.push(subtype, ')');
    full.push(subtype, ' ', paramList(entity.params), ' ', extensionTail(headers), ')');
    return { body: body.join(''), bodyStructure: full.join('') };
  }
  const basic = [
    imapString(part.type.toUpperCase()),
    imapString(part.subtype.toUpperCase()),
    paramList(entity.params),
    imapNString(rawValue(headers, 'content-id')),
    imapNString(rawValue(headers, 'content-description')),
    imapString(transferEncoding(headers)),
    String(part.body.end - part.body.start),
  ].join(' ');
  let body = basic;
  let full = basic;
  if (entity.kind === 'message' && entity.message) {
    const envelope = buildEnvelope(entity.message.headers);
    const inner = build(entity.message);
    const lines = String(entity.bodyLines);
    body += ' ' + envelope + ' ' + inner.body + ' ' + lines;
    full += ' ' + envelope + ' ' + inner.bodyStructure + ' ' + lines;
  } else if (part.type === 'text') {
    body += ' ' + entity.bodyLines;
    full += ' ' + entity.bodyLines;
  }
  full += ' ' + imapNString(rawValue(headers, 'content-md5')) + ' ' + extensionTail(headers);
  return { body: '(' + body + ')', bodyStructure: '(' + full + ')' };
}

/** BODY (no extension data) and BODYSTRUCTURE (with extension data) of a parsed message. */
export function buildBodyStrings(root: ParsedEntity): BodyStrings {
  return build(root);
}

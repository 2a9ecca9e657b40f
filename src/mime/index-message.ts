/** indexMessage: the whole MessageIndex of a stored (normalised) message, computed inline. */
import { buildBodyStrings } from './body-structure.js';
import { buildEnvelope } from './envelope.js';
import { parseStructure } from './parser.js';
import { buildSearchHeaders } from './search-headers.js';
import type { MessageIndex } from './types.js';

/**
 * A minimal index used only if parsing failed unexpectedly (a bug, or the worker running out
 * of memory): the whole message as one text/plain leaf with an empty envelope.
 */
export function fallbackIndex(raw: Buffer): MessageIndex {
  const size = raw.length;
  let lines = 0;
  for (let p = raw.indexOf(0x0a); p !== -1; p = raw.indexOf(0x0a, p + 1)) lines++;
  if (size > 0 && raw[size - 1] !== 0x0a) lines++;
  const body = `("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" ${size} ${lines})`;
  return {
    envelope: '(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)',
    bodyStructure: body.slice(0, -1) + ' NIL NIL NIL NIL)',
    body,
    root: { header: { start: 0, end: 0 }, body: { start: 0, end: size }, type: 'text', subtype: 'plain' },
    headers: { subject: '', from: '', to: '', cc: '', bcc: '', messageId: '', inReplyTo: '', references: '', date: null },
  };
}

/**
 * Indexes a stored message (already passed through normalizeLineEndings). Never throws: every
 * input, however broken, gives a structure whose strings follow RFC 3501's grammar.
 */
export function indexMessage(raw: Buffer): MessageIndex {
  try {
    const root = parseStructure(raw);
    const strings = buildBodyStrings(root);
    return {
      envelope: buildEnvelope(root.headers),
      bodyStructure: strings.bodyStructure,
      body: strings.body,
      root: root.part,
      headers: buildSearchHeaders(root.headers),
    };
  } catch {
    // Only a bug (or running out of memory) gets here; a usable index beats a failed delivery.
    return fallbackIndex(raw);
  }
}

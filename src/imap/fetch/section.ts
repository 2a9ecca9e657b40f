/**
 * FETCH body sections (RFC 3501 6.4.5 and section 9, `section-spec`): parsing the section
 * carried on a `BODY[...]` atom and naming it again in the response.
 */
import type { ImapValue } from '../protocol/types.js';
import { ImapSyntaxError } from './errors.js';

/** What part of the addressed entity a section returns. */
export type SectionText = '' | 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

/**
 * A parsed section. `path` is the part number list (empty for the top-level message);
 * `text` '' with an empty path is the whole message, with a path it is that part's body.
 */
export interface SectionSpec {
  path: number[];
  text: SectionText;
  /** Field names of HEADER.FIELDS / HEADER.FIELDS.NOT, as the client wrote them. */
  fields?: string[];
}

const PART_NUMBER = /^[1-9][0-9]{0,9}$/;
/** Printable US-ASCII except ':' (RFC 5322 ftext). */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
/** Characters allowed in an atom inside a section (ATOM-CHAR without ']'). */
const SAFE_ATOM = /^[^\x00-\x20\x7f-\xff(){%*"\\\]]+$/;

function fieldName(value: ImapValue): string {
  let name: string;
  if (value.type === 'atom' && value.section === undefined && value.partial === undefined) name = value.value;
  else if (value.type === 'string') name = value.value.toString('latin1');
  else throw new ImapSyntaxError('HEADER.FIELDS takes a list of header field names');
  if (!FIELD_NAME.test(name)) throw new ImapSyntaxError(`Invalid header field name in section: ${JSON.stringify(name)}`);
  return name;
}

/** Parses the contents of `[...]` (the parser's `section` array). */
export function parseSection(section: readonly ImapValue[]): SectionSpec {
  if (section.length === 0) return { path: [], text: '' };
  const first = section[0];
  if (first === undefined || first.type !== 'atom' || first.section !== undefined || first.partial !== undefined) {
    throw new ImapSyntaxError('Invalid section specification');
  }
  const tokens = first.value.split('.');
  const path: number[] = [];
  while (tokens.length > 0 && PART_NUMBER.test(tokens[0] as string)) {
    const n = Number(tokens.shift());
    if (n > 4294967295) throw new ImapSyntaxError('Section part number too large');
    path.push(n);
  }
  const text = tokens.join('.').toUpperCase();
  let spec: SectionSpec;
  switch (text) {
    case '':
      // "1." leaves one empty token: a trailing period is not a section.
      if (path.length === 0 || tokens.length > 0) throw new ImapSyntaxError(`Invalid section: ${first.value}`);
      spec = { path, text: '' };
      break;
    case 'HEADER':
    case 'TEXT':
      spec = { path, text };
      break;
    case 'MIME':
      if (path.length === 0) throw new ImapSyntaxError('MIME section must follow a part number');
      spec = { path, text };
      break;
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT': {
      const list = section[1];
      if (list === undefined || list.type !== 'list' || list.items.length === 0) {
        throw new ImapSyntaxError(`${text} needs a parenthesised list of field names`);
      }
      if (section.length > 2) throw new ImapSyntaxError('Unexpected data after the field name list');
      return { path, text, fields: list.items.map(fieldName) };
    }
    default:
      throw new ImapSyntaxError(`Invalid section: ${first.value}`);
  }
  if (section.length > 1) throw new ImapSyntaxError(`Unexpected data after section ${first.value}`);
  return spec;
}

function fieldNameForResponse(name: string): string {
  const upper = name.toUpperCase();
  return SAFE_ATOM.test(upper) ? upper : `"${upper.replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * The section as named in a FETCH response, e.g. `1.2.HEADER.FIELDS (FROM TO)`. Field names
 * are sent upper-cased (matching is case-insensitive, RFC 3501 6.4.5), quoted when they are
 * not plain atoms.
 */
export function formatSection(spec: SectionSpec): string {
  const parts: string[] = spec.path.map(String);
  if (spec.text !== '') parts.push(spec.text);
  let out = parts.join('.');
  if (spec.fields !== undefined) out += ` (${spec.fields.map(fieldNameForResponse).join(' ')})`;
  return out;
}

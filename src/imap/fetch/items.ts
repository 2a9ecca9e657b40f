/**
 * FETCH data items (RFC 3501 6.4.5, `fetch-att`): from the parsed command arguments to a
 * FetchRequest that says what to send and what the session must load first.
 */
import type { ImapAtom, ImapValue } from '../protocol/types.js';
import { ImapSyntaxError } from './errors.js';
import { parseSection, type SectionSpec } from './section.js';

export interface FetchPartial {
  offset: number;
  length: number;
}

export type FetchItem =
  | { kind: 'FLAGS' }
  | { kind: 'INTERNALDATE' }
  | { kind: 'RFC822.SIZE' }
  | { kind: 'ENVELOPE' }
  /** Non-extensible BODYSTRUCTURE. */
  | { kind: 'BODY' }
  | { kind: 'BODYSTRUCTURE' }
  | { kind: 'UID' }
  /** BODY[] answered as RFC822; sets \Seen. */
  | { kind: 'RFC822' }
  /** BODY.PEEK[HEADER] answered as RFC822.HEADER. */
  | { kind: 'RFC822.HEADER' }
  /** BODY[TEXT] answered as RFC822.TEXT; sets \Seen. */
  | { kind: 'RFC822.TEXT' }
  | { kind: 'SECTION'; peek: boolean; section: SectionSpec; partial?: FetchPartial };

export type FetchMacro = 'ALL' | 'FAST' | 'FULL';

export interface FetchRequest {
  /** Items in the order asked, duplicates removed. */
  items: FetchItem[];
  macro?: FetchMacro;
  /** ENVELOPE, BODY, BODYSTRUCTURE or a section inside the message: load MessageDetail. */
  needsIndex: boolean;
  /** Some item sends message bytes: a source to read them is needed. */
  needsContent: boolean;
  /** BODY[...] (not PEEK), RFC822 or RFC822.TEXT: set \Seen before answering (RFC 3501 6.4.5). */
  setsSeen: boolean;
  /** FLAGS is among the items (when \Seen gets set, the session adds FLAGS if this is false). */
  hasFlags: boolean;
  /** UID is among the items. */
  hasUid: boolean;
}

const MACROS: Record<FetchMacro, FetchItem['kind'][]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

const SIMPLE: ReadonlySet<string> = new Set([
  'FLAGS',
  'INTERNALDATE',
  'RFC822.SIZE',
  'ENVELOPE',
  'BODY',
  'BODYSTRUCTURE',
  'UID',
  'RFC822',
  'RFC822.HEADER',
  'RFC822.TEXT',
]);

function parseItem(value: ImapValue): FetchItem {
  if (value.type !== 'atom') throw new ImapSyntaxError('Invalid FETCH data item');
  const atom: ImapAtom = value;
  const name = atom.value.toUpperCase();
  if (atom.section !== undefined) {
    if (name !== 'BODY' && name !== 'BODY.PEEK') {
      throw new ImapSyntaxError(`FETCH item ${atom.value} does not take a section`);
    }
    const item: FetchItem = { kind: 'SECTION', peek: name === 'BODY.PEEK', section: parseSection(atom.section) };
    if (atom.partial !== undefined) {
      const { offset, length } = atom.partial;
      if (!Number.isSafeInteger(offset) || offset < 0 || offset > 4294967295) throw new ImapSyntaxError('Invalid partial offset');
      if (!Number.isSafeInteger(length) || length < 1 || length > 4294967295) throw new ImapSyntaxError('Invalid partial length');
      item.partial = { offset, length };
    }
    return item;
  }
  if (atom.partial !== undefined) throw new ImapSyntaxError(`FETCH item ${atom.value} does not take a partial range`);
  if (SIMPLE.has(name)) return { kind: name as Exclude<FetchItem['kind'], 'SECTION'> } as FetchItem;
  throw new ImapSyntaxError(`Unknown FETCH data item: ${atom.value}`);
}

/** Items with the same key produce the same response data (BODY.PEEK[x] answers as BODY[x]). */
function itemKey(item: FetchItem): string {
  if (item.kind !== 'SECTION') return item.kind;
  const s = item.section;
  const partial = item.partial ? `<${item.partial.offset}.${item.partial.length}>` : '';
  return `[${s.path.join('.')}|${s.text}|${(s.fields ?? []).join(' ').toUpperCase()}]${partial}`;
}

function summarise(items: FetchItem[], macro?: FetchMacro): FetchRequest {
  const seen = new Set<string>();
  const unique: FetchItem[] = [];
  let peekedOnly = true;
  for (const item of items) {
    if (item.kind === 'SECTION' && !item.peek) peekedOnly = false;
    const key = itemKey(item);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(item);
  }
  const request: FetchRequest = {
    items: unique,
    needsIndex: false,
    needsContent: false,
    setsSeen: false,
    hasFlags: false,
    hasUid: false,
  };
  if (macro !== undefined) request.macro = macro;
  // A dropped BODY[x] duplicate of a kept BODY.PEEK[x] still sets \Seen.
  if (!peekedOnly) request.setsSeen = true;
  for (const item of unique) {
    switch (item.kind) {
      case 'FLAGS':
        request.hasFlags = true;
        break;
      case 'UID':
        request.hasUid = true;
        break;
      case 'ENVELOPE':
      case 'BODY':
      case 'BODYSTRUCTURE':
        request.needsIndex = true;
        break;
      case 'RFC822':
        request.needsContent = true;
        request.setsSeen = true;
        break;
      case 'RFC822.HEADER':
        request.needsContent = true;
        request.needsIndex = true;
        break;
      case 'RFC822.TEXT':
        request.needsContent = true;
        request.needsIndex = true;
        request.setsSeen = true;
        break;
      case 'SECTION':
        request.needsContent = true;
        // The whole message needs no section map; anything else is located through the index.
        if (item.section.path.length > 0 || item.section.text !== '') request.needsIndex = true;
        if (!item.peek) request.setsSeen = true;
        break;
      case 'INTERNALDATE':
      case 'RFC822.SIZE':
        break;
    }
  }
  return request;
}

/**
 * Parses the data items of FETCH: the arguments after the sequence set, i.e. one macro
 * (ALL, FAST, FULL), one item, or one parenthesised list of items. Throws ImapSyntaxError.
 */
export function parseFetchItems(args: readonly ImapValue[]): FetchRequest {
  if (args.length === 0) throw new ImapSyntaxError('FETCH needs data items');
  if (args.length > 1) throw new ImapSyntaxError('FETCH data items must be one item or a parenthesised list');
  const arg = args[0] as ImapValue;
  if (arg.type === 'list') {
    if (arg.items.length === 0) throw new ImapSyntaxError('Empty FETCH data item list');
    return summarise(arg.items.map(parseItem));
  }
  if (arg.type === 'atom' && arg.section === undefined && arg.partial === undefined) {
    const upper = arg.value.toUpperCase();
    if (upper === 'ALL' || upper === 'FAST' || upper === 'FULL') {
      return summarise(MACROS[upper].map((kind) => ({ kind }) as FetchItem), upper);
    }
  }
  return summarise([parseItem(arg)]);
}

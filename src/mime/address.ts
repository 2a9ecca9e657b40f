/**
 * RFC 5322 address lists (section 3.4, with the obsolete forms of section 4.4): mailboxes,
 * display names, source routes and groups. Lenient: unquoted "@" or "." in a display name,
 * a missing ">", a missing domain, empty list elements and an unterminated group all give a
 * sensible result; nothing throws.
 *
 * Names are returned raw (quotes removed, RFC 2047 encoded words left as they are), as IMAP
 * ENVELOPE wants them; decodedName() decodes them for display and filter matching.
 */
import { decodeHeaderValue } from './encoded-words.js';

export interface MailAddress {
  kind: 'address';
  /** Display name (phrase) with quoting removed and encoded words kept, or null. */
  name: string | null;
  /** Obsolete source route such as "@relay1,@relay2", or null. */
  route: string | null;
  /** Local part ("" when missing); quoted when it is not a dot-atom. */
  mailbox: string;
  /** Domain ("" when missing). */
  host: string;
}

export interface MailGroup {
  kind: 'group';
  /** Group display name, raw like MailAddress.name. */
  group: string;
  members: MailAddress[];
}

export type AddressListEntry = MailAddress | MailGroup;

type Token =
  | { kind: 'word'; text: string; quoted: boolean; space: boolean }
  | { kind: 'special'; text: string; space: boolean }
  | { kind: 'comment'; text: string; space: boolean };

const SPECIALS = '<>:;,@.';

const ATOM = /[^ \t\r\n()"[\]<>:;,@.]+/y;
const SPACE = /[ \t\r\n]+/y;

/** Reads a comment starting at value[start] === "(" (nested, with quoted pairs). */
function readComment(value: string, start: number): { text: string; end: number } {
  let depth = 0;
  let text = '';
  let i = start;
  for (; i < value.length; i++) {
    const d = value[i] as string;
    if (d === '\\' && i + 1 < value.length) { i++; text += value[i]; continue; }
    if (d === '(') { depth++; if (depth === 1) continue; }
    if (d === ')') { depth--; if (depth === 0) { i++; break; } }
    text += d;
  }
  return { text: text.trim(), end: i };
}

/** Reads a quoted string starting at value[start] === '"' (unterminated: to the end). */
function readQuoted(value: string, start: number): { text: string; end: number } {
  let text = '';
  let i = start + 1;
  for (; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '"') return { text, end: i + 1 };
    if (c === '\\' && i + 1 < value.length) i++;
    text += value[i];
  }
  return { text, end: i };
}

function tokenize(value: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let space = false;
  const n = value.length;
  while (i < n) {
    SPACE.lastIndex = i;
    if (SPACE.test(value)) { space = true; i = SPACE.lastIndex; continue; }
    const c = value[i] as string;
    if (c === '(') {
      const comment = readComment(value, i);
      tokens.push({ kind: 'comment', text: comment.text, space });
      i = comment.end;
      space = true;
      continue;
    }
    if (c === '"') {
      const quoted = readQuoted(value, i);
      tokens.push({ kind: 'word', text: quoted.text.replace(/\r?\n/g, ''), quoted: true, space });
      i = quoted.end;
      space = false;
      continue;
    }
    if (c === '[') {
      const close = value.indexOf(']', i);
      const end = close === -1 ? n : close + 1;
      tokens.push({ kind: 'word', text: value.slice(i, end), quoted: false, space });
      i = end;
      space = false;
      continue;
    }
    if (SPECIALS.includes(c)) {
      tokens.push({ kind: 'special', text: c, space });
      i++;
      space = false;
      continue;
    }
    ATOM.lastIndex = i;
    if (ATOM.test(value)) {
      tokens.push({ kind: 'word', text: value.slice(i, ATOM.lastIndex), quoted: false, space });
      i = ATOM.lastIndex;
    } else {
      i++; // a stray ")" or "]"
    }
    space = false;
  }
  return tokens;
}

/** Display text of tokens: words and specials, one space where the source had space. */
function phraseOf(tokens: Token[]): string {
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'comment') continue;
    if (out !== '' && t.space) out += ' ';
    out += t.text;
  }
  return out.trim();
}

const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\uffff]+(\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\uffff]+)*$/;

function localPartOf(tokens: Token[]): string {
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'comment') continue;
    if (t.kind === 'word' && t.quoted && !DOT_ATOM.test(t.text)) {
      out += '"' + t.text.replace(/[\\"]/g, (m) => '\\' + m) + '"';
    } else {
      out += t.text;
    }
  }
  return out;
}

function domainOf(tokens: Token[]): string {
  return tokens.filter((t) => t.kind !== 'comment').map((t) => t.text).join('');
}

function addrSpec(tokens: Token[]): { mailbox: string; host: string } {
  let at = -1;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i] as Token;
    if (t.kind === 'special' && t.text === '@') { at = i; break; }
  }
  if (at === -1) return { mailbox: localPartOf(tokens), host: '' };
  return { mailbox: localPartOf(tokens.slice(0, at)), host: domainOf(tokens.slice(at + 1)) };
}

function isSpecial(t: Token | undefined, text: string): boolean {
  return t !== undefined && t.kind === 'special' && t.text === text;
}

function parseMailbox(tokens: Token[]): MailAddress | null {
  const lt = tokens.findIndex((t) => isSpecial(t, '<'));
  if (lt !== -1) {
    let gt = tokens.findIndex((t, i) => i > lt && isSpecial(t, '>'));
    if (gt === -1) gt = tokens.length;
    let inner = tokens.slice(lt + 1, gt);
    let route: string | null = null;
    if (isSpecial(inner[0], '@')) {
      const colon = inner.findIndex((t) => isSpecial(t, ':'));
      if (colon !== -1) {
        route = domainOf(inner.slice(0, colon));
        inner = inner.slice(colon + 1);
      }
    }
    const phrase = phraseOf(tokens.slice(0, lt));
    const spec = addrSpec(inner);
    if (phrase === '' && spec.mailbox === '' && spec.host === '') return null;
    return { kind: 'address', name: phrase === '' ? null : phrase, route, ...spec };
  }
  const words = tokens.filter((t) => t.kind !== 'comment');
  if (words.length === 0) return null;
  const spec = addrSpec(words);
  const comment = tokens.find((t) => t.kind === 'comment' && t.text !== '');
  return { kind: 'address', name: comment ? comment.text : null, route: null, ...spec };
}

/** Parses an address-list (To, Cc, From, ...) value, unfolded. */
export function parseAddressList(value: string): AddressListEntry[] {
  const tokens = tokenize(value);
  const result: AddressListEntry[] = [];
  let group: MailGroup | null = null;
  let current: Token[] = [];
  let angle = 0;
  const flush = (): void => {
    const mailbox = parseMailbox(current);
    current = [];
    if (!mailbox) return;
    if (group) group.members.push(mailbox); else result.push(mailbox);
  };
  for (const t of tokens) {
    if (t.kind === 'special') {
      if (t.text === '<') angle++;
      else if (t.text === '>') angle = Math.max(0, angle - 1);
      else if (angle === 0 && t.text === ',') { flush(); continue; }
      else if (angle === 0 && t.text === ':' && group === null) {
        group = { kind: 'group', group: phraseOf(current), members: [] };
        current = [];
        continue;
      } else if (angle === 0 && t.text === ';' && group !== null) {
        flush();
        result.push(group);
        group = null;
        continue;
      }
    }
    current.push(t);
  }
  flush();
  if (group) result.push(group);
  return result;
}

/** Every mailbox of the list, group members included, in order. */
export function flattenAddresses(list: AddressListEntry[]): MailAddress[] {
  const out: MailAddress[] = [];
  for (const e of list) {
    if (e.kind === 'group') out.push(...e.members); else out.push(e);
  }
  return out;
}

/** The display name with RFC 2047 words decoded ("" when there is none). */
export function decodedName(entry: MailAddress): string {
  return entry.name === null ? '' : decodeHeaderValue(entry.name);
}

/** "mailbox@host", or just the mailbox when the host is missing. */
export function addressOf(entry: MailAddress): string {
  return entry.host === '' ? entry.mailbox : entry.mailbox + '@' + entry.host;
}

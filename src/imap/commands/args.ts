/** Typed readers for command arguments; every failure is a BAD with a clear message. */
import type { ImapValue } from '../protocol/types.js';
import { decodeMailboxName } from '../protocol/mutf7.js';
import { parseDateTime } from '../protocol/datetime.js';
import { parseSequenceSet, type SequenceSet } from '../sequence/index.js';
import { bad, no } from '../session/errors.js';

export function expectCount(args: readonly ImapValue[], min: number, max: number, usage: string): void {
  if (args.length < min || args.length > max) throw bad(`Syntax: ${usage}`);
}

/** The parse step of a command whose only argument is a mailbox name (SELECT, DELETE, ...). */
export function oneMailboxArgument(command: string): (args: readonly ImapValue[]) => string {
  return (args) => {
    expectCount(args, 1, 1, `${command} mailbox`);
    return mailboxName(args[0]);
  };
}

/** An astring (atom or string); NIL as an atom is the text "NIL". */
export function astringBytes(v: ImapValue | undefined, what: string): Buffer {
  if (v?.type === 'string') return v.value;
  if (v?.type === 'atom' && v.section === undefined) return Buffer.from(v.value, 'utf8');
  if (v?.type === 'nil') return Buffer.from('NIL', 'latin1');
  throw bad(`Expected ${what}`);
}

export function astring(v: ImapValue | undefined, what: string): string {
  return astringBytes(v, what).toString('utf8');
}

/** A plain atom (case kept). */
export function atomText(v: ImapValue | undefined, what: string): string {
  if (v?.type === 'atom' && v.section === undefined) return v.value;
  throw bad(`Expected ${what}`);
}

export function stringBytes(v: ImapValue | undefined, what: string): Buffer {
  if (v?.type === 'string') return v.value;
  throw bad(`Expected ${what}`);
}

export function listItems(v: ImapValue | undefined, what: string): ImapValue[] {
  if (v?.type === 'list') return v.items;
  throw bad(`Expected ${what}`);
}

const MAX_NAME_BYTES = 1024;
const MAX_NAME_LEVELS = 32;

/**
 * A mailbox name from the wire: modified UTF-7 decoded to Unicode, "INBOX" in any case
 * canonicalised, and names that try to escape the hierarchy (.., empty levels, control
 * characters, wildcards) refused with NO [CANNOT].
 */
export function mailboxName(v: ImapValue | undefined): string {
  const raw = astringBytes(v, 'a mailbox name');
  if (raw.length > MAX_NAME_BYTES) throw no('Mailbox name is too long', 'CANNOT');
  const text = raw.toString('utf8');
  if (/[\u0000-\u001f\u007f]/.test(text)) throw no('Mailbox name contains control characters', 'CANNOT');
  const name = decodeMailboxName(text);
  if (name === null) throw no('Mailbox name is not valid modified UTF-7', 'CANNOT');
  return name;
}

/** Further checks for a name that is about to be created or renamed to. */
export function checkNewMailboxName(name: string): void {
  if (name.length === 0) throw no('Mailbox name is empty', 'CANNOT');
  const levels = name.split('/');
  if (levels.length > MAX_NAME_LEVELS) throw no('Mailbox name has too many levels', 'CANNOT');
  for (const level of levels) {
    if (level.length === 0) throw no('Mailbox name has an empty level (leading, trailing or double "/")', 'CANNOT');
    if (level === '.' || level === '..') throw no('Mailbox name levels "." and ".." are not allowed', 'CANNOT');
    if (level !== level.trim()) throw no('Mailbox name levels may not start or end with spaces', 'CANNOT');
  }
  if (/[*%\\\u0000-\u001f\u007f\u0080-\u009f\u2028\u2029]/.test(name)) throw no('Mailbox name contains characters that are not allowed', 'CANNOT');
}

export function sequenceSet(v: ImapValue | undefined): SequenceSet {
  if (v?.type !== 'atom' || v.section !== undefined) throw bad('Expected a sequence set');
  const set = parseSequenceSet(v.value);
  if (set === null) throw bad('Invalid sequence set');
  return set;
}

const SYSTEM_FLAGS = new Map(['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'].map((f) => [f.toLowerCase(), f]));
const KEYWORD = /^[!#$&'+-.0-9:;<=>?@A-Z^_`a-z|~\x5b]+$/;

/** One flag for APPEND/STORE: system flags canonicalised; \Recent and unknown \-flags refused. */
export function flag(v: ImapValue | undefined): string {
  const text = atomText(v, 'a flag');
  if (text.startsWith('\\')) {
    const system = SYSTEM_FLAGS.get(text.toLowerCase());
    if (!system) throw bad(`Flag ${text} cannot be set`);
    return system;
  }
  if (!KEYWORD.test(text) || text.length > 128) throw bad(`Invalid keyword ${text}`);
  return text;
}

export function flagList(v: ImapValue | undefined): string[] {
  return [...new Set(listItems(v, 'a flag list').map(flag))];
}

/** APPEND's date-time argument. */
export function dateTime(v: ImapValue | undefined): Date {
  const text = v?.type === 'string' ? v.value.toString('latin1') : null;
  const date = text === null ? null : parseDateTime(text);
  if (!date) throw bad('Invalid date-time');
  return date;
}

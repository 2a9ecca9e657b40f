/**
 * Mailbox name rules shared by every Store implementation. Names are full names within an
 * owner's tree with "/" as the hierarchy delimiter; a leading "INBOX" level is case-insensitive.
 */
import { MailError } from './errors.js';

export const MAILBOX_DELIMITER = '/';
export const MAX_MAILBOX_NAME_BYTES = 512;
export const MAX_MAILBOX_NAME_LEVELS = 32;

/** Makes a leading "INBOX" level (any case) read "INBOX"; every other level keeps its case. */
export function normalizeMailboxName(name: string): string {
  const slash = name.indexOf(MAILBOX_DELIMITER);
  const first = slash === -1 ? name : name.slice(0, slash);
  if (first.toUpperCase() !== 'INBOX' || first === 'INBOX') return name;
  return 'INBOX' + (slash === -1 ? '' : name.slice(slash));
}

/** Throws MS_INVALID_NAME (with the reason in the message) unless `name` is a usable mailbox name. */
export function validateMailboxName(name: string): void {
  const invalid = (why: string): never => {
    throw new MailError('MS_INVALID_NAME', `Invalid mailbox name: ${why}`);
  };
  if (name.length === 0) invalid('the name is empty');
  if (Buffer.byteLength(name, 'utf8') > MAX_MAILBOX_NAME_BYTES) {
    invalid(`the name is longer than ${MAX_MAILBOX_NAME_BYTES} bytes`);
  }
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) invalid('the name contains a control character');
    // A lone surrogate cannot be stored as UTF-8 and would come back altered.
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = name.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) invalid('the name is not valid Unicode');
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      invalid('the name is not valid Unicode');
    }
  }
  const levels = name.split(MAILBOX_DELIMITER);
  if (levels.length > MAX_MAILBOX_NAME_LEVELS) invalid(`the name is deeper than ${MAX_MAILBOX_NAME_LEVELS} levels`);
  for (const level of levels) {
    if (level === '') invalid('the name has an empty level (leading, trailing or doubled "/")');
    if (level === '.' || level === '..') invalid('"." and ".." are not allowed as name levels');
  }
}

/** The names of every ancestor of `name`, outermost first ("a/b/c" -> ["a", "a/b"]). */
export function parentNames(name: string): string[] {
  const levels = name.split(MAILBOX_DELIMITER);
  const out: string[] = [];
  for (let i = 1; i < levels.length; i++) out.push(levels.slice(0, i).join(MAILBOX_DELIMITER));
  return out;
}

/** True when `name` lies strictly below `ancestor` in the hierarchy. */
export function isDescendantName(name: string, ancestor: string): boolean {
  return name.startsWith(ancestor + MAILBOX_DELIMITER);
}

/**
 * LIST, LSUB and NAMESPACE (RFC 3501, RFC 2342), with CHILDREN (RFC 3348) and SPECIAL-USE
 * (RFC 6154) attributes. Missing parents of existing mailboxes appear as \Noselect, and
 * "shared" is the \Noselect root of the shared mailboxes the user is a member of.
 */
import { HIERARCHY_DELIMITER, SHARED_ROOT, listVisibleMailboxes } from '../../mailboxes/access.js';
import { astr, atom, list, nil, str, type ResponseValue } from '../protocol/encoder.js';
import { decodeMailboxName, encodeMailboxName } from '../protocol/mutf7.js';
import { bad } from '../session/errors.js';
import type { ImapSession } from '../session/session.js';
import { AUTHENTICATED } from '../session/state.js';
import { astring, atomText, expectCount, listItems, mailboxName } from './args.js';
import type { ImapValue } from '../protocol/types.js';
import { defineCommand } from './types.js';

interface ListEntry {
  name: string;
  attributes: string[];
}

/** Longest LIST pattern accepted (in characters). */
const MAX_PATTERN = 1024;

/**
 * Turns a LIST pattern into a matcher: "*" matches anything, "%" anything but the delimiter.
 * A state-set simulation, O(name x pattern) whatever the pattern: no regular expression that a
 * pattern full of wildcards could make backtrack for ever.
 */
export function patternMatcher(pattern: string): (name: string) => boolean {
  const p = [...canonicalPattern(pattern)];
  const m = p.length;
  // Adds state i and every state reachable from it by skipping wildcards (they match empty).
  const close = (states: Uint8Array, i: number): void => {
    let j = i;
    while (j <= m && states[j] === 0) {
      states[j] = 1;
      if (j < m && (p[j] === '*' || p[j] === '%')) j++;
      else break;
    }
  };
  return (name) => {
    let current = new Uint8Array(m + 1);
    close(current, 0);
    for (const ch of name) {
      const next = new Uint8Array(m + 1);
      let any = false;
      for (let i = 0; i < m; i++) {
        if (current[i] === 0) continue;
        const t = p[i];
        if (t === '*' || (t === '%' && ch !== HIERARCHY_DELIMITER)) {
          close(next, i);
          any = true;
        } else if (t === ch) {
          close(next, i + 1);
          any = true;
        }
      }
      if (!any) return false;
      current = next;
    }
    return current[m] === 1;
  };
}

/** "inbox..." and "Shared/..." in a pattern mean the canonical INBOX and shared names. */
function canonicalPattern(pattern: string): string {
  const slash = pattern.indexOf(HIERARCHY_DELIMITER);
  const first = slash < 0 ? pattern : pattern.slice(0, slash);
  const rest = slash < 0 ? '' : pattern.slice(slash);
  if (first.toUpperCase() === 'INBOX') return `INBOX${rest}`;
  if (first.toLowerCase() === SHARED_ROOT) return `${SHARED_ROOT}${rest}`;
  return pattern;
}

function sortKey(name: string): string {
  // INBOX first, then personal folders, then the shared tree.
  if (name === 'INBOX' || name.startsWith('INBOX/')) return `0${name}`;
  if (name === SHARED_ROOT || name.startsWith(`${SHARED_ROOT}/`)) return `2${name}`;
  return `1${name}`;
}

/** Every name the user can see, with missing parents as \Noselect and CHILDREN attributes. */
async function visibleEntries(session: ImapSession): Promise<Map<string, ListEntry>> {
  const mailboxes = await listVisibleMailboxes(session.store, session.user());
  const entries = new Map<string, ListEntry>();
  for (const m of mailboxes) {
    const attributes: string[] = [];
    if (m.info.specialUse) attributes.push(m.info.specialUse);
    entries.set(m.name, { name: m.name, attributes });
  }
  const names = [...entries.keys()];
  const hasShared = names.some((n) => n.startsWith(`${SHARED_ROOT}/`));
  if (hasShared) entries.set(SHARED_ROOT, { name: SHARED_ROOT, attributes: ['\\Noselect'] });
  for (const name of names) {
    const levels = name.split(HIERARCHY_DELIMITER);
    for (let i = 1; i < levels.length; i++) {
      const parent = levels.slice(0, i).join(HIERARCHY_DELIMITER);
      // "shared/<address>" is split on "/" too; the address itself never contains one.
      if (!entries.has(parent)) entries.set(parent, { name: parent, attributes: ['\\Noselect'] });
    }
  }
  const parents = new Set<string>();
  for (const name of entries.keys()) {
    const slash = name.lastIndexOf(HIERARCHY_DELIMITER);
    if (slash > 0) parents.add(name.slice(0, slash));
  }
  for (const entry of entries.values()) entry.attributes.push(parents.has(entry.name) ? '\\HasChildren' : '\\HasNoChildren');
  return entries;
}

function listLine(kind: 'LIST' | 'LSUB', entry: ListEntry): ResponseValue[] {
  return [atom(kind), list(entry.attributes.map(atom)), str(HIERARCHY_DELIMITER), astr(encodeMailboxName(entry.name))];
}

function parsePattern(args: readonly ImapValue[], usage: string): { reference: string; pattern: string } {
  expectCount(args, 2, 2, usage);
  const reference = mailboxName(args[0]);
  const rawPattern = astring(args[1], 'a mailbox pattern');
  const pattern = decodeMailboxName(rawPattern);
  if (pattern === null) throw bad('Mailbox pattern is not valid modified UTF-7');
  if (pattern.length > MAX_PATTERN) throw bad('Mailbox pattern is too long');
  return { reference, pattern };
}

/**
 * Reference and pattern as one pattern (RFC 3501 6.3.8). No name here starts with the delimiter,
 * so a pattern that does is read as relative to the reference ("Work" + "/%" = "Work/%"), with
 * no doubled delimiter, rather than as a root that could match nothing.
 */
function joinReference(reference: string, pattern: string): string {
  if (reference.endsWith(HIERARCHY_DELIMITER) && pattern.startsWith(HIERARCHY_DELIMITER)) return reference + pattern.slice(1);
  return reference + pattern;
}

interface ListRequest {
  reference: string;
  patterns: string[];
  /** RFC 5258 selection options (SUBSCRIBED, SPECIAL-USE, RECURSIVEMATCH, REMOTE). */
  select: Set<string>;
  /** RFC 5258 return options (SUBSCRIBED, CHILDREN, SPECIAL-USE). */
  returns: Set<string>;
}

const SELECTION_OPTIONS = new Set(['SUBSCRIBED', 'SPECIAL-USE', 'RECURSIVEMATCH', 'REMOTE']);
const RETURN_OPTIONS = new Set(['SUBSCRIBED', 'CHILDREN', 'SPECIAL-USE']);

function optionSet(v: ImapValue | undefined, allowed: Set<string>, what: string): Set<string> {
  const out = new Set<string>();
  for (const item of listItems(v, `a list of ${what}`)) {
    const name = atomText(item, what).toUpperCase();
    if (!allowed.has(name)) throw bad(`Unsupported LIST ${what} ${name}`);
    out.add(name);
  }
  return out;
}

/** LIST, plain (RFC 3501) or extended (RFC 5258 syntax, as SPECIAL-USE clients send it). */
function parseList(args: readonly ImapValue[]): ListRequest {
  let i = 0;
  const select = args[0]?.type === 'list' ? optionSet(args[i++], SELECTION_OPTIONS, 'selection options') : new Set<string>();
  if (select.has('RECURSIVEMATCH') && !select.has('SUBSCRIBED')) throw bad('RECURSIVEMATCH needs another selection option');
  if (args.length - i < 2) throw bad('Syntax: LIST reference pattern');
  const reference = mailboxName(args[i++]);
  const patternArg = args[i++];
  const rawPatterns = patternArg?.type === 'list' ? patternArg.items : [patternArg];
  const patterns = rawPatterns.map((p) => {
    const decoded = decodeMailboxName(astring(p, 'a mailbox pattern'));
    if (decoded === null) throw bad('Mailbox pattern is not valid modified UTF-7');
    if (decoded.length > MAX_PATTERN) throw bad('Mailbox pattern is too long');
    return decoded;
  });
  let returns = new Set<string>();
  if (i < args.length) {
    if (atomText(args[i++], 'RETURN').toUpperCase() !== 'RETURN') throw bad('Syntax: LIST reference pattern [RETURN (options)]');
    returns = optionSet(args[i++], RETURN_OPTIONS, 'return options');
  }
  if (i !== args.length) throw bad('Syntax: LIST reference pattern [RETURN (options)]');
  if (select.has('SUBSCRIBED')) returns.add('SUBSCRIBED');
  return { reference, patterns, select, returns };
}

export const listCommand = defineCommand({
  name: 'LIST',
  states: AUTHENTICATED,
  allowsExpunge: true,
  parse: parseList,
  async handle(session, { reference, patterns, select, returns }) {
    if (patterns.length === 1 && patterns[0] === '' && select.size === 0) {
      await session.sendUntagged([atom('LIST'), list([atom('\\Noselect')]), str(HIERARCHY_DELIMITER), str('')]);
      return;
    }
    const matchers = patterns.map((p) => patternMatcher(joinReference(reference, p)));
    const matches = (name: string): boolean => matchers.some((m) => m(name));
    const visible = await visibleEntries(session);
    const subscribed = returns.has('SUBSCRIBED') ? new Set(await session.store.listSubscriptions(session.user().address)) : new Set<string>();
    const out: { entry: ListEntry; extra: ResponseValue | null }[] = [];
    const candidates = new Map(visible);
    // Subscribed names that no longer exist are still listed under SUBSCRIBED (RFC 5258 3.1).
    if (select.has('SUBSCRIBED')) {
      for (const name of subscribed) if (!candidates.has(name) && !(name === SHARED_ROOT || name.startsWith(`${SHARED_ROOT}/`))) candidates.set(name, { name, attributes: ['\\NonExistent'] });
    }
    for (const entry of candidates.values()) {
      if (!matches(entry.name)) continue;
      const attributes = [...entry.attributes];
      if (subscribed.has(entry.name)) attributes.push('\\Subscribed');
      let extra: ResponseValue | null = null;
      if (select.has('SUBSCRIBED') && !subscribed.has(entry.name)) {
        const childSubscribed = [...subscribed].some((s) => s.startsWith(`${entry.name}${HIERARCHY_DELIMITER}`));
        if (!select.has('RECURSIVEMATCH') || !childSubscribed) continue;
        extra = list([str('CHILDINFO'), list([str('SUBSCRIBED')])]);
      }
      if (select.has('SPECIAL-USE') && !attributes.some((a) => SPECIAL_USES.has(a))) continue;
      out.push({ entry: { name: entry.name, attributes }, extra });
    }
    out.sort((a, b) => (sortKey(a.entry.name) < sortKey(b.entry.name) ? -1 : 1));
    for (const { entry, extra } of out) await session.sendUntagged(extra ? [...listLine('LIST', entry), extra] : listLine('LIST', entry));
  },
});

const SPECIAL_USES = new Set(['\\All', '\\Archive', '\\Drafts', '\\Flagged', '\\Junk', '\\Sent', '\\Trash']);

export const lsub = defineCommand({
  name: 'LSUB',
  states: AUTHENTICATED,
  allowsExpunge: true,
  parse: (args) => parsePattern(args, 'LSUB reference pattern'),
  async handle(session, { reference, pattern }) {
    const full = joinReference(reference, pattern);
    const matches = patternMatcher(full);
    const visible = await visibleEntries(session);
    const subscribed = (await session.store.listSubscriptions(session.user().address)).filter(
      // A shared mailbox the user no longer belongs to is not shown (nor revealed).
      (name) => !(name === SHARED_ROOT || name.startsWith(`${SHARED_ROOT}/`)) || visible.has(name),
    );
    const out = new Map<string, ListEntry>();
    for (const name of subscribed) {
      if (matches(name)) {
        out.set(name, { name, attributes: [] });
        // Only a "%" that stops above a subscribed name brings in its parents (RFC 3501 6.3.9);
        // with "*" the name itself is listed and its unsubscribed parents are not.
        continue;
      }
      // A parent of a subscribed name that is not itself subscribed shows as \Noselect.
      const levels = name.split(HIERARCHY_DELIMITER);
      for (let i = 1; i < levels.length; i++) {
        const parent = levels.slice(0, i).join(HIERARCHY_DELIMITER);
        if (!subscribed.includes(parent) && !out.has(parent) && matches(parent)) out.set(parent, { name: parent, attributes: ['\\Noselect'] });
      }
    }
    const entries = [...out.values()].sort((a, b) => (sortKey(a.name) < sortKey(b.name) ? -1 : 1));
    for (const entry of entries) await session.sendUntagged(listLine('LSUB', entry));
  },
});

export const namespace = defineCommand({
  name: 'NAMESPACE',
  states: AUTHENTICATED,
  allowsExpunge: true,
  parse: (args) => expectCount(args, 0, 0, 'NAMESPACE'),
  async handle(session) {
    const personal = list([list([str(''), str(HIERARCHY_DELIMITER)])]);
    const shared = list([list([str(`${SHARED_ROOT}${HIERARCHY_DELIMITER}`), str(HIERARCHY_DELIMITER)])]);
    await session.sendUntagged([atom('NAMESPACE'), personal, nil, shared]);
  },
});

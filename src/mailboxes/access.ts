/**
 * The names a user sees (IMAP, MailSort targets, the web UI) and the store's (owner, name)
 * pairs. Personal mailboxes keep their names; a shared mailbox the user is a member of is
 * "shared/<address>" (its root, stored as "INBOX") and "shared/<address>/<folder>" below it.
 * A reference to a shared mailbox the user may not use fails exactly like a missing mailbox,
 * so nobody learns which shared addresses exist.
 */
import { MailError } from '../store/errors.js';
import type { MailboxInfo, Owner, Store, UserRecord } from '../store/types.js';

export const SHARED_ROOT = 'shared';
export const HIERARCHY_DELIMITER = '/';

export interface ResolvedMailbox {
  owner: Owner;
  name: string;
}

export interface VisibleMailbox {
  name: string;
  info: MailboxInfo;
}

/** "inbox/x" -> "INBOX/x": the INBOX level is case-insensitive (RFC 3501 5.1). */
export function canonicalPersonalName(name: string): string {
  const slash = name.indexOf(HIERARCHY_DELIMITER);
  const first = slash < 0 ? name : name.slice(0, slash);
  return first.toUpperCase() === 'INBOX' ? 'INBOX' + (slash < 0 ? '' : name.slice(slash)) : name;
}

function isSharedReference(name: string): boolean {
  const first = name.split(HIERARCHY_DELIMITER, 1)[0] ?? '';
  return first.toLowerCase() === SHARED_ROOT;
}

function notFound(): MailError {
  return new MailError('MS_MBX_REC_NOT_FOUND', 'Mailbox does not exist');
}

/** Is `user` (today, not as of login) a member of the shared mailbox `address`? */
export async function isSharedMember(store: Store, userAddress: string, sharedAddress: string): Promise<boolean> {
  const shared = await store.findShared(sharedAddress.toLowerCase());
  return shared !== null && shared.members.includes(userAddress.toLowerCase());
}

export async function resolveMailboxName(store: Store, user: Pick<UserRecord, 'address'>, name: string): Promise<ResolvedMailbox> {
  if (!isSharedReference(name)) return { owner: { kind: 'user', address: user.address }, name: canonicalPersonalName(name) };
  const parts = name.split(HIERARCHY_DELIMITER);
  if (parts.length === 1) throw new MailError('MS_INVALID_NAME', `"${SHARED_ROOT}" is reserved for shared mailboxes`);
  const address = (parts[1] ?? '').toLowerCase();
  if (!address || !(await isSharedMember(store, user.address, address))) throw notFound();
  const rest = parts.slice(2);
  if (rest.length === 0) return { owner: { kind: 'shared', address }, name: 'INBOX' };
  if ((rest[0] ?? '').toUpperCase() === 'INBOX') throw new MailError('MS_INVALID_NAME', 'INBOX is not a folder name inside a shared mailbox');
  return { owner: { kind: 'shared', address }, name: rest.join(HIERARCHY_DELIMITER) };
}

export function visibleMailboxName(owner: Owner, name: string): string {
  if (owner.kind === 'user') return name;
  const root = `${SHARED_ROOT}${HIERARCHY_DELIMITER}${owner.address}`;
  return name === 'INBOX' ? root : `${root}${HIERARCHY_DELIMITER}${name}`;
}

/** Personal mailboxes, then those of every shared mailbox the user is a member of now. */
export async function listVisibleMailboxes(store: Store, user: Pick<UserRecord, 'address'>): Promise<VisibleMailbox[]> {
  const owner: Owner = { kind: 'user', address: user.address };
  const result: VisibleMailbox[] = (await store.listMailboxes(owner)).map((info) => ({ name: info.name, info }));
  const fresh = await store.getUser(user.address);
  for (const address of fresh.shared) {
    const sharedOwner: Owner = { kind: 'shared', address };
    for (const info of await store.listMailboxes(sharedOwner)) result.push({ name: visibleMailboxName(sharedOwner, info.name), info });
  }
  return result;
}

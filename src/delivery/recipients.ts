/**
 * Who a recipient address is: a user (possibly with a "+folder" detail) or a shared mailbox.
 * Addresses compare case-insensitively; a detail names a folder only when that folder exists.
 */
import type { MailboxInfo, Owner, SharedRecord, Store, UserRecord } from '../store/types.js';
import { normalizeAddress, splitDetail } from './address.js';

export type DeliveryTarget =
  | { kind: 'user'; recipient: string; user: UserRecord; detail: string | null }
  | { kind: 'shared'; recipient: string; shared: SharedRecord; detail: string | null };

export function targetOwner(target: DeliveryTarget): Owner {
  return target.kind === 'user' ? { kind: 'user', address: target.user.address } : { kind: 'shared', address: target.shared.address };
}

/** Null when no user or shared mailbox has this address (with or without its detail). */
export async function resolveRecipient(store: Store, recipient: string): Promise<DeliveryTarget | null> {
  const whole = normalizeAddress(recipient);
  const exact = await lookup(store, recipient, whole, null);
  if (exact) return exact;
  const { base, detail } = splitDetail(recipient);
  if (detail === null || base === whole) return null;
  return lookup(store, recipient, base, detail);
}

async function lookup(store: Store, recipient: string, address: string, detail: string | null): Promise<DeliveryTarget | null> {
  const user = await store.findUser(address);
  if (user) return { kind: 'user', recipient, user, detail };
  const shared = await store.findShared(address);
  if (shared) return { kind: 'shared', recipient, shared, detail };
  return null;
}

/**
 * The existing folder a detail names in the owner's tree: the exact name first, else the one
 * name that matches case-insensitively. Null when there is none (delivery then uses INBOX).
 */
export async function findDetailFolder(store: Store, owner: Owner, detail: string): Promise<MailboxInfo | null> {
  const exact = await store.findMailbox(owner, detail);
  if (exact) return exact;
  const lower = detail.toLowerCase();
  const matches = (await store.listMailboxes(owner)).filter((m) => m.name.toLowerCase() === lower);
  return matches.length === 1 ? (matches[0] ?? null) : null;
}

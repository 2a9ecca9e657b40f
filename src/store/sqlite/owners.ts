/**
 * Owners of mailbox trees (users and shared mailboxes): address rules, lookup, and the root
 * directory their message files go to.
 */
import path from 'node:path';
import { MailError } from '../errors.js';
import type { Owner } from '../types.js';
import type { StoreContext } from './context.js';

export const OWNER_USER = 0;
export const OWNER_SHARED = 1;
export type OwnerKind = typeof OWNER_USER | typeof OWNER_SHARED;

export interface OwnerRef {
  kind: OwnerKind;
  id: number;
  address: string;
  /** Absolute directory for new message files. */
  root: string;
  quotaBytes: number | null;
}

const MAX_ADDRESS_LENGTH = 320;

/** Lower-cases an address and checks it can name an account (throws MS_INVALID_NAME). */
export function validateAddress(address: string): string {
  const lower = address.toLowerCase();
  const invalid = (why: string): never => {
    throw new MailError('MS_INVALID_NAME', `Invalid address "${address}": ${why}`);
  };
  if (lower.length === 0) invalid('it is empty');
  if (lower.length > MAX_ADDRESS_LENGTH) invalid(`it is longer than ${MAX_ADDRESS_LENGTH} characters`);
  // "/" would break the shared namespace ("shared/<address>"); spaces and controls break protocols.
  if (/[\s\x00-\x1f\x7f/"\\]/.test(lower)) invalid('it contains a space, control character, quote, "\\" or "/"');
  return lower;
}

export function normalizeAddress(address: string): string {
  return address.toLowerCase();
}

export function ownerKindOf(owner: Owner): OwnerKind {
  return owner.kind === 'user' ? OWNER_USER : OWNER_SHARED;
}

export function rootFor(ctx: StoreContext, home: string | null): string {
  return home ? path.resolve(home) : ctx.mailRoot;
}

interface OwnerRow {
  id: number;
  address: string;
  home: string | null;
  quota_bytes: number | null;
}

/** Looks the owner up; throws MS_USER_REC_NOT_FOUND or MS_SHARED_REC_NOT_FOUND. */
export function resolveOwner(ctx: StoreContext, owner: Owner): OwnerRef {
  const address = normalizeAddress(owner.address);
  if (owner.kind === 'user') {
    const row = ctx.stmt('SELECT id, address, home, quota_bytes FROM users WHERE address = ?').get(address) as
      | OwnerRow
      | undefined;
    if (!row) throw new MailError('MS_USER_REC_NOT_FOUND', `User ${owner.address} not found`);
    return { kind: OWNER_USER, id: row.id, address: row.address, root: rootFor(ctx, row.home), quotaBytes: row.quota_bytes };
  }
  const row = ctx.stmt('SELECT id, address, home, NULL AS quota_bytes FROM shared WHERE address = ?').get(address) as
    | OwnerRow
    | undefined;
  if (!row) throw new MailError('MS_SHARED_REC_NOT_FOUND', `Shared mailbox ${owner.address} not found`);
  return { kind: OWNER_SHARED, id: row.id, address: row.address, root: rootFor(ctx, row.home), quotaBytes: null };
}

/** The owner of a mailbox by its stored kind and id (the row must exist). */
export function ownerById(ctx: StoreContext, kind: OwnerKind, id: number): OwnerRef {
  const row = (
    kind === OWNER_USER
      ? ctx.stmt('SELECT id, address, home, quota_bytes FROM users WHERE id = ?').get(id)
      : ctx.stmt('SELECT id, address, home, NULL AS quota_bytes FROM shared WHERE id = ?').get(id)
  ) as OwnerRow | undefined;
  if (!row) throw new MailError('MS_MBX_REC_NOT_FOUND', 'The mailbox owner no longer exists');
  return { kind, id: row.id, address: row.address, root: rootFor(ctx, row.home), quotaBytes: row.quota_bytes };
}

/** Bytes stored in all of an owner's mailboxes (every reference to a shared file counts). */
export function ownerUsage(ctx: StoreContext, kind: OwnerKind, id: number): { bytes: number; messages: number } {
  const row = ctx
    .stmt(
      'SELECT COALESCE(SUM(total_size), 0) AS bytes, COALESCE(SUM(message_count), 0) AS messages FROM mailboxes WHERE owner_kind = ? AND owner_id = ?',
    )
    .get(kind, id) as { bytes: number; messages: number };
  return row;
}

/** Throws MS_OVER_QUOTA when adding `extra` bytes would pass the owner's limit. */
export function checkQuota(ctx: StoreContext, owner: OwnerRef, extra: number): void {
  if (owner.quotaBytes === null) return;
  const used = ownerUsage(ctx, owner.kind, owner.id).bytes;
  if (used + extra > owner.quotaBytes) {
    throw new MailError(
      'MS_OVER_QUOTA',
      `Mailbox quota exceeded: ${used + extra} bytes would pass the limit of ${owner.quotaBytes} bytes`,
    );
  }
}

/** Id of a message-file root directory, registered on first use (inside a write transaction). */
export function rootIdFor(ctx: StoreContext, root: string): number {
  const found = ctx.col('SELECT id FROM roots WHERE path = ?').get(root) as number | undefined;
  if (found !== undefined) return found;
  return Number(ctx.stmt('INSERT INTO roots (path) VALUES (?)').run(root).lastInsertRowid);
}

const rootPaths = new WeakMap<StoreContext, Map<number, string>>();

/** Path of a root by id (roots never change, so they are cached). */
export function rootPath(ctx: StoreContext, rootId: number): string {
  let cache = rootPaths.get(ctx);
  if (!cache) {
    cache = new Map();
    rootPaths.set(ctx, cache);
  }
  let p = cache.get(rootId);
  if (p === undefined) {
    p = ctx.col('SELECT path FROM roots WHERE id = ?').get(rootId) as string | undefined;
    if (p === undefined) throw new MailError('MS_MSGFILE_NOT_FOUND', undefined, { detail: `unknown root ${rootId}` });
    cache.set(rootId, p);
  }
  return p;
}

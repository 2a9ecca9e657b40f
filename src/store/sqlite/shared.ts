/**
 * Shared mailboxes: an address that receives mail into its own mailbox tree, read by its
 * members. There is always at least one member, and every member is an existing user.
 */
import { MailError } from '../errors.js';
import type { NewShared, SharedRecord } from '../types.js';
import type { StoreContext } from './context.js';
import { insertMailboxRow } from './mailbox-rows.js';
import { deleteMailboxRow } from './message-rows.js';
import { normalizeAddress, OWNER_SHARED, validateAddress } from './owners.js';
import { userIdOf } from './users.js';

interface SharedRow {
  id: number;
  address: string;
  display_name: string;
  home: string | null;
  created_at: number;
  members_json: string;
}

const SHARED_COLUMNS = `s.id, s.address, s.display_name, s.home, s.created_at,
  (SELECT json_group_array(address) FROM (SELECT u.address FROM shared_members sm JOIN users u ON u.id = sm.user_id
     WHERE sm.shared_id = s.id ORDER BY u.address)) AS members_json`;

function toRecord(row: SharedRow): SharedRecord {
  return {
    address: row.address,
    displayName: row.display_name,
    home: row.home,
    members: JSON.parse(row.members_json) as string[],
    createdAt: new Date(row.created_at),
  };
}

export function findSharedRow(ctx: StoreContext, address: string): SharedRecord | null {
  const row = ctx.stmt(`SELECT ${SHARED_COLUMNS} FROM shared s WHERE s.address = ?`).get(normalizeAddress(address)) as
    | SharedRow
    | undefined;
  return row ? toRecord(row) : null;
}

function sharedIdOf(ctx: StoreContext, address: string): number {
  const id = ctx.col('SELECT id FROM shared WHERE address = ?').get(normalizeAddress(address)) as number | undefined;
  if (id === undefined) throw new MailError('MS_SHARED_REC_NOT_FOUND', `Shared mailbox ${address} not found`);
  return id;
}

/** Drops a user's subscriptions to "shared/<address>" and its sub-folders. */
function dropSharedSubscriptions(ctx: StoreContext, sharedAddress: string, userId: number | null): void {
  const prefix = `shared/${sharedAddress}`;
  ctx
    .stmt(
      `DELETE FROM subscriptions WHERE (? IS NULL OR user_id = ?)
         AND (name = ? OR substr(name, 1, ?) = ?)`,
    )
    .run(userId, userId, prefix, prefix.length + 1, prefix + '/');
}

export function addShared(ctx: StoreContext, shared: NewShared): SharedRecord {
  const address = validateAddress(shared.address);
  if (shared.home !== undefined && shared.home !== null && shared.home.length === 0) {
    throw new MailError('MS_INVALID_ARGUMENT', 'Invalid home directory: expected a non-empty path');
  }
  return ctx.write('SHARED', 'add', () => {
    if (ctx.stmt('SELECT 1 FROM shared WHERE address = ?').get(address)) {
      throw new MailError('MS_SHARED_REC_ALREADY_EXIST', `Shared mailbox ${address} already exists`);
    }
    if (ctx.stmt('SELECT 1 FROM users WHERE address = ?').get(address)) {
      throw new MailError('MS_SHARED_REC_ALREADY_EXIST', `${address} is already the address of a user`);
    }
    if (shared.members.length === 0) {
      throw new MailError('MS_CANNOT_ADD_SHARED_REC', 'A shared mailbox needs at least one member');
    }
    const memberIds = [...new Set(shared.members.map((m) => userIdOf(ctx, m)))];
    const id = Number(
      ctx
        .stmt('INSERT INTO shared (address, display_name, home, created_at) VALUES (?, ?, ?, ?)')
        .run(address, shared.displayName ?? '', shared.home ?? null, Date.now()).lastInsertRowid,
    );
    for (const userId of memberIds) ctx.stmt('INSERT INTO shared_members (shared_id, user_id) VALUES (?, ?)').run(id, userId);
    insertMailboxRow(ctx, OWNER_SHARED, id, 'INBOX', null);
    return findSharedRow(ctx, address) as SharedRecord;
  });
}

export function removeShared(ctx: StoreContext, address: string): void {
  ctx.write('SHARED', 'delete', (tx) => {
    const id = sharedIdOf(ctx, address);
    const mailboxes = ctx
      .col('SELECT id FROM mailboxes WHERE owner_kind = ? AND owner_id = ?')
      .all(OWNER_SHARED, id) as number[];
    for (const mailboxId of mailboxes) deleteMailboxRow(ctx, tx, mailboxId);
    dropSharedSubscriptions(ctx, normalizeAddress(address), null);
    ctx.stmt('DELETE FROM shared WHERE id = ?').run(id);
  });
}

export function getShared(ctx: StoreContext, address: string): SharedRecord {
  const found = ctx.read('SHARED', () => findSharedRow(ctx, address));
  if (!found) throw new MailError('MS_SHARED_REC_NOT_FOUND', `Shared mailbox ${address} not found`);
  return found;
}

export function listShared(ctx: StoreContext): SharedRecord[] {
  return ctx.read('SHARED', () =>
    (ctx.stmt(`SELECT ${SHARED_COLUMNS} FROM shared s ORDER BY s.address`).all() as SharedRow[]).map(toRecord),
  );
}

export function updateShared(
  ctx: StoreContext,
  address: string,
  update: { displayName?: string; home?: string | null },
): SharedRecord {
  if (update.home !== undefined && update.home !== null && update.home.length === 0) {
    throw new MailError('MS_INVALID_ARGUMENT', 'Invalid home directory: expected a non-empty path');
  }
  return ctx.write('SHARED', 'update', () => {
    const id = sharedIdOf(ctx, address);
    if (update.displayName !== undefined) ctx.stmt('UPDATE shared SET display_name = ? WHERE id = ?').run(update.displayName, id);
    if (update.home !== undefined) ctx.stmt('UPDATE shared SET home = ? WHERE id = ?').run(update.home, id);
    return findSharedRow(ctx, address) as SharedRecord;
  });
}

/** Adds a member (adding an existing member changes nothing). */
export function addSharedMember(ctx: StoreContext, sharedAddress: string, userAddress: string): SharedRecord {
  return ctx.write('SHARED', 'update', () => {
    const id = sharedIdOf(ctx, sharedAddress);
    const userId = userIdOf(ctx, userAddress);
    ctx.stmt('INSERT OR IGNORE INTO shared_members (shared_id, user_id) VALUES (?, ?)').run(id, userId);
    return findSharedRow(ctx, sharedAddress) as SharedRecord;
  });
}

/** Removes a member; the last member cannot be removed (remove the shared mailbox instead). */
export function removeSharedMember(ctx: StoreContext, sharedAddress: string, userAddress: string): SharedRecord {
  return ctx.write('SHARED', 'update', () => {
    const id = sharedIdOf(ctx, sharedAddress);
    const userId = userIdOf(ctx, userAddress);
    if (!ctx.stmt('SELECT 1 FROM shared_members WHERE shared_id = ? AND user_id = ?').get(id, userId)) {
      throw new MailError('MS_USER_REC_NOT_FOUND', `User ${userAddress} is not a member of shared mailbox ${sharedAddress}`);
    }
    const count = ctx.col('SELECT count(*) FROM shared_members WHERE shared_id = ?').get(id) as number;
    if (count <= 1) {
      throw new MailError(
        'MS_CANNOT_UPDATE_SHARED_REC',
        `Cannot remove ${userAddress}: a shared mailbox must keep at least one member (remove the shared mailbox instead)`,
      );
    }
    ctx.stmt('DELETE FROM shared_members WHERE shared_id = ? AND user_id = ?').run(id, userId);
    dropSharedSubscriptions(ctx, normalizeAddress(sharedAddress), userId);
    return findSharedRow(ctx, sharedAddress) as SharedRecord;
  });
}

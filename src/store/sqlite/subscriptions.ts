/**
 * Subscriptions (IMAP SUBSCRIBE/LSUB): per user, names as the user sees them, so a shared
 * mailbox appears as "shared/<address>/...". A name need not exist to be subscribed (RFC 3501 6.3.6).
 */
import { normalizeMailboxName, validateMailboxName } from '../names.js';
import type { StoreContext } from './context.js';
import { OWNER_USER, type OwnerRef } from './owners.js';
import { userIdOf } from './users.js';

export function subscribe(ctx: StoreContext, userAddress: string, name: string): void {
  validateMailboxName(name);
  const normalized = normalizeMailboxName(name);
  ctx.write('MBX', 'update', () => {
    const userId = userIdOf(ctx, userAddress);
    ctx.stmt('INSERT OR IGNORE INTO subscriptions (user_id, name) VALUES (?, ?)').run(userId, normalized);
  });
}

/** Unsubscribing a name that is not subscribed changes nothing. */
export function unsubscribe(ctx: StoreContext, userAddress: string, name: string): void {
  const normalized = normalizeMailboxName(name);
  ctx.write('MBX', 'update', () => {
    const userId = userIdOf(ctx, userAddress);
    ctx.stmt('DELETE FROM subscriptions WHERE user_id = ? AND name = ?').run(userId, normalized);
  });
}

export function listSubscriptions(ctx: StoreContext, userAddress: string): string[] {
  return ctx.read('MBX', () => {
    const userId = userIdOf(ctx, userAddress);
    return ctx.col('SELECT name FROM subscriptions WHERE user_id = ? ORDER BY name').all(userId) as string[];
  });
}

/** After a rename, subscriptions to the old name and its children follow to the new name. */
export function renameSubscriptions(ctx: StoreContext, owner: OwnerRef, from: string, to: string): void {
  const prefix = owner.kind === OWNER_USER ? '' : `shared/${owner.address}/`;
  const oldName = prefix + from;
  const newName = prefix + to;
  const users =
    owner.kind === OWNER_USER
      ? [owner.id]
      : (ctx.col('SELECT user_id FROM shared_members WHERE shared_id = ?').all(owner.id) as number[]);
  const update = ctx.stmt(
    `UPDATE OR REPLACE subscriptions SET name = ? || substr(name, ?)
     WHERE user_id = ? AND (name = ? OR substr(name, 1, ?) = ?)`,
  );
  for (const userId of users) update.run(newName, oldName.length + 1, userId, oldName, oldName.length + 1, oldName + '/');
}

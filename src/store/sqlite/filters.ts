/**
 * Per-user MailSort filter files, the vacation-reply memory, and small key/value settings.
 */
import { MailError } from '../errors.js';
import type { FilterFile } from '../types.js';
import type { StoreContext } from './context.js';
import { userIdOf } from './users.js';

const DAY_MS = 24 * 60 * 60 * 1000;

interface FilterRow {
  text: string;
  version: number;
  updated_at: number;
}

const toFilter = (row: FilterRow): FilterFile => ({ text: row.text, version: row.version, updatedAt: new Date(row.updated_at) });

/** The user's filter file, or null when they have none; throws MS_USER_REC_NOT_FOUND. */
export function getFilterFile(ctx: StoreContext, userAddress: string): FilterFile | null {
  return ctx.read('USER', () => {
    const userId = userIdOf(ctx, userAddress);
    const row = ctx.stmt('SELECT text, version, updated_at FROM filters WHERE user_id = ?').get(userId) as FilterRow | undefined;
    return row ? toFilter(row) : null;
  });
}

export function setFilterFile(ctx: StoreContext, userAddress: string, text: string): FilterFile {
  return ctx.write('USER', 'update', () => {
    const userId = userIdOf(ctx, userAddress);
    // A store-wide counter: a deleted and re-written file never repeats an old version.
    const version = ctx.nextCounter('filter_version');
    const now = Date.now();
    ctx
      .stmt(
        `INSERT INTO filters (user_id, text, version, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET text = excluded.text, version = excluded.version, updated_at = excluded.updated_at`,
      )
      .run(userId, text, version, now);
    return { text, version, updatedAt: new Date(now) };
  });
}

/** Throws MS_NO_FILTERFILE when the user has no filter file. */
export function deleteFilterFile(ctx: StoreContext, userAddress: string): void {
  ctx.write('USER', 'update', () => {
    const userId = userIdOf(ctx, userAddress);
    if (ctx.stmt('DELETE FROM filters WHERE user_id = ?').run(userId).changes === 0) {
      throw new MailError('MS_NO_FILTERFILE', `User ${userAddress} has no filter file`);
    }
  });
}

export function recordVacationReply(ctx: StoreContext, userAddress: string, sender: string, now: Date, days: number): boolean {
  const key = sender.toLowerCase();
  return ctx.write('USER', 'update', () => {
    const userId = userIdOf(ctx, userAddress);
    const last = ctx.col('SELECT sent_at FROM vacation_replies WHERE user_id = ? AND sender = ?').get(userId, key) as
      | number
      | undefined;
    if (last !== undefined && now.getTime() - last < days * DAY_MS) return false;
    ctx
      .stmt(
        `INSERT INTO vacation_replies (user_id, sender, sent_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id, sender) DO UPDATE SET sent_at = excluded.sent_at`,
      )
      .run(userId, key, now.getTime());
    return true;
  });
}

export function getSetting(ctx: StoreContext, key: string): string | null {
  return ctx.read('USER', () => (ctx.col('SELECT value FROM settings WHERE key = ?').get(key) as string | undefined) ?? null);
}

export function setSetting(ctx: StoreContext, key: string, value: string | null): void {
  ctx.write('USER', 'update', () => {
    if (value === null) ctx.stmt('DELETE FROM settings WHERE key = ?').run(key);
    else ctx.stmt('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  });
}

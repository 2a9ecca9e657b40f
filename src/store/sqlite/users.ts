/**
 * User accounts. An address is unique case-insensitively (stored lower-case) across users and
 * shared mailboxes alike; a new user gets only an INBOX (the admin service adds special-use
 * folders). Removing a user removes everything that belongs to them.
 */
import { MailError } from '../errors.js';
import type { NewUser, UserRecord, UserUpdate } from '../types.js';
import type { StoreContext } from './context.js';
import { deleteMailboxRow } from './message-rows.js';
import { insertMailboxRow } from './mailbox-rows.js';
import { normalizeAddress, OWNER_USER, validateAddress } from './owners.js';

interface UserRow {
  id: number;
  address: string;
  first_name: string;
  last_name: string;
  password_hash: string;
  home: string | null;
  quota_bytes: number | null;
  disabled: number;
  apop_secret: string | null;
  created_at: number;
  shared_json: string;
}

const USER_COLUMNS = `u.id, u.address, u.first_name, u.last_name, u.password_hash, u.home, u.quota_bytes,
  u.disabled, u.apop_secret, u.created_at,
  (SELECT json_group_array(address) FROM (SELECT s.address FROM shared_members sm JOIN shared s ON s.id = sm.shared_id
     WHERE sm.user_id = u.id ORDER BY s.address)) AS shared_json`;

function toRecord(row: UserRow): UserRecord {
  return {
    address: row.address,
    firstName: row.first_name,
    lastName: row.last_name,
    passwordHash: row.password_hash,
    home: row.home,
    quotaBytes: row.quota_bytes,
    disabled: row.disabled !== 0,
    apopSecret: row.apop_secret,
    shared: JSON.parse(row.shared_json) as string[],
    createdAt: new Date(row.created_at),
  };
}

export function validateQuota(quota: number | null | undefined): void {
  if (quota === undefined || quota === null) return;
  if (!Number.isSafeInteger(quota) || quota < 0) {
    throw new MailError('MS_INVALID_ARGUMENT', `Invalid quota ${quota}: expected a whole number of bytes, 0 or more`);
  }
}

function validateHome(home: string | null | undefined): void {
  if (home === undefined || home === null) return;
  if (home.length === 0 || home.includes('\0')) {
    throw new MailError('MS_INVALID_ARGUMENT', 'Invalid home directory: expected a non-empty path');
  }
}

export function findUserRow(ctx: StoreContext, address: string): UserRecord | null {
  const row = ctx.stmt(`SELECT ${USER_COLUMNS} FROM users u WHERE u.address = ?`).get(normalizeAddress(address)) as
    | UserRow
    | undefined;
  return row ? toRecord(row) : null;
}

export function userIdOf(ctx: StoreContext, address: string): number {
  const id = ctx.col('SELECT id FROM users WHERE address = ?').get(normalizeAddress(address)) as number | undefined;
  if (id === undefined) throw new MailError('MS_USER_REC_NOT_FOUND', `User ${address} not found`);
  return id;
}

export function addUser(ctx: StoreContext, user: NewUser): UserRecord {
  const address = validateAddress(user.address);
  validateQuota(user.quotaBytes);
  validateHome(user.home);
  if (typeof user.passwordHash !== 'string') throw new MailError('MS_INVALID_ARGUMENT', 'A password hash is required');
  return ctx.write('USER', 'add', () => {
    if (ctx.stmt('SELECT 1 FROM users WHERE address = ?').get(address)) {
      throw new MailError('MS_USER_REC_ALREADY_EXIST', `User ${address} already exists`);
    }
    if (ctx.stmt('SELECT 1 FROM shared WHERE address = ?').get(address)) {
      throw new MailError('MS_USER_REC_ALREADY_EXIST', `${address} is already the address of a shared mailbox`);
    }
    const id = Number(
      ctx
        .stmt(
          `INSERT INTO users (address, first_name, last_name, password_hash, home, quota_bytes, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          address,
          user.firstName ?? '',
          user.lastName ?? '',
          user.passwordHash,
          user.home ?? null,
          user.quotaBytes ?? null,
          Date.now(),
        ).lastInsertRowid,
    );
    insertMailboxRow(ctx, OWNER_USER, id, 'INBOX', null);
    return findUserRow(ctx, address) as UserRecord;
  });
}

export function getUser(ctx: StoreContext, address: string): UserRecord {
  const user = ctx.read('USER', () => findUserRow(ctx, address));
  if (!user) throw new MailError('MS_USER_REC_NOT_FOUND', `User ${address} not found`);
  return user;
}

export function updateUser(ctx: StoreContext, address: string, update: UserUpdate): UserRecord {
  validateQuota(update.quotaBytes);
  validateHome(update.home);
  return ctx.write('USER', 'update', () => {
    const id = userIdOf(ctx, address);
    const sets: string[] = [];
    const values: (string | number | null)[] = [];
    const set = (column: string, value: string | number | null): void => {
      sets.push(`${column} = ?`);
      values.push(value);
    };
    if (update.firstName !== undefined) set('first_name', update.firstName);
    if (update.lastName !== undefined) set('last_name', update.lastName);
    if (update.passwordHash !== undefined) set('password_hash', update.passwordHash);
    if (update.home !== undefined) set('home', update.home);
    if (update.quotaBytes !== undefined) set('quota_bytes', update.quotaBytes);
    if (update.disabled !== undefined) set('disabled', update.disabled ? 1 : 0);
    if (update.apopSecret !== undefined) set('apop_secret', update.apopSecret);
    if (sets.length > 0) ctx.db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    return findUserRow(ctx, address) as UserRecord;
  });
}

export function removeUser(ctx: StoreContext, address: string): void {
  ctx.write('USER', 'delete', (tx) => {
    const id = userIdOf(ctx, address);
    const soleMemberOf = ctx
      .col(
        `SELECT s.address FROM shared_members sm JOIN shared s ON s.id = sm.shared_id WHERE sm.user_id = ?
           AND (SELECT count(*) FROM shared_members other WHERE other.shared_id = sm.shared_id) = 1
         ORDER BY s.address`,
      )
      .all(id) as string[];
    if (soleMemberOf.length > 0) {
      throw new MailError(
        'MS_CANNOT_DELETE_USER_REC',
        `User ${address} is the only member of shared mailbox ${soleMemberOf.join(', ')}: add another member or remove the shared mailbox first`,
      );
    }
    const mailboxes = ctx
      .col('SELECT id FROM mailboxes WHERE owner_kind = ? AND owner_id = ?')
      .all(OWNER_USER, id) as number[];
    for (const mailboxId of mailboxes) deleteMailboxRow(ctx, tx, mailboxId);
    // Subscriptions, filter file, vacation memory and memberships go with the row (ON DELETE CASCADE).
    ctx.stmt('DELETE FROM users WHERE id = ?').run(id);
  });
}

export function listUsers(
  ctx: StoreContext,
  options: { search?: string; offset?: number; limit?: number } = {},
): { users: UserRecord[]; total: number } {
  const offset = Math.max(0, Math.floor(options.offset ?? 0));
  const limit = options.limit === undefined ? -1 : Math.max(0, Math.floor(options.limit));
  const search = (options.search ?? '').toLowerCase();
  // instr on lower() is ASCII-only case folding; addresses are stored lower-case already.
  const where = `(? = '' OR instr(u.address, ?) > 0 OR instr(lower(u.first_name), ?) > 0 OR instr(lower(u.last_name), ?) > 0)`;
  return ctx.read('USER', () => {
    const total = ctx.col(`SELECT count(*) FROM users u WHERE ${where}`).get(search, search, search, search) as number;
    const rows = ctx
      .stmt(`SELECT ${USER_COLUMNS} FROM users u WHERE ${where} ORDER BY u.address LIMIT ? OFFSET ?`)
      .all(search, search, search, search, limit, offset) as UserRow[];
    return { users: rows.map(toRecord), total };
  });
}

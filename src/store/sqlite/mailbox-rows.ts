/**
 * Mailbox rows: creation with a fresh UIDVALIDITY, lookup, and conversion to MailboxInfo.
 */
import { MailError } from '../errors.js';
import { asMailboxId, asModSeq, asUid, type MailboxInfo, type SpecialUse } from '../types.js';
import type { StoreContext } from './context.js';
import { OWNER_USER, type OwnerKind } from './owners.js';

export interface MailboxRow {
  id: number;
  owner_kind: OwnerKind;
  owner_id: number;
  owner_address: string;
  name: string;
  uid_validity: number;
  uid_next: number;
  highest_modseq: number;
  recent_mark: number;
  special_use: SpecialUse | null;
  message_count: number;
  total_size: number;
}

export const MAILBOX_COLUMNS = `m.id, m.owner_kind, m.owner_id, m.name, m.uid_validity, m.uid_next, m.highest_modseq,
  m.recent_mark, m.special_use, m.message_count, m.total_size,
  CASE m.owner_kind WHEN 0 THEN (SELECT address FROM users WHERE id = m.owner_id)
    ELSE (SELECT address FROM shared WHERE id = m.owner_id) END AS owner_address`;

export const SPECIAL_USES: readonly SpecialUse[] = ['\\Sent', '\\Drafts', '\\Trash', '\\Junk', '\\Archive', '\\All', '\\Flagged'];

export function validateSpecialUse(use: SpecialUse | null | undefined): void {
  if (use === undefined || use === null) return;
  if (!SPECIAL_USES.includes(use)) throw new MailError('MS_INVALID_ARGUMENT', `Unknown special use ${String(use)}`);
}

export function toMailboxInfo(row: MailboxRow): MailboxInfo {
  return {
    id: asMailboxId(row.id),
    owner: { kind: row.owner_kind === OWNER_USER ? 'user' : 'shared', address: row.owner_address },
    name: row.name,
    uidValidity: row.uid_validity,
    uidNext: asUid(row.uid_next),
    highestModSeq: asModSeq(row.highest_modseq),
    specialUse: row.special_use,
  };
}

/**
 * A new UIDVALIDITY: the current time in seconds, but always above every value handed out
 * before, so a mailbox deleted and created again under the same name never repeats one.
 */
function nextUidValidity(ctx: StoreContext): number {
  const value = ctx.nextCounter('uidvalidity', Math.floor(Date.now() / 1000));
  if (value > 0xffffffff) throw new MailError('MS_CANNOT_ADD_MBX_REC', 'UIDVALIDITY values are exhausted');
  return value;
}

/** Inserts a mailbox row (the caller checked the name); returns its id. */
export function insertMailboxRow(
  ctx: StoreContext,
  kind: OwnerKind,
  ownerId: number,
  name: string,
  specialUse: SpecialUse | null,
): number {
  return Number(
    ctx
      .stmt('INSERT INTO mailboxes (owner_kind, owner_id, name, uid_validity, special_use) VALUES (?, ?, ?, ?, ?)')
      .run(kind, ownerId, name, nextUidValidity(ctx), specialUse).lastInsertRowid,
  );
}

export function mailboxRowByName(ctx: StoreContext, kind: OwnerKind, ownerId: number, name: string): MailboxRow | undefined {
  return ctx
    .stmt(`SELECT ${MAILBOX_COLUMNS} FROM mailboxes m WHERE m.owner_kind = ? AND m.owner_id = ? AND m.name = ?`)
    .get(kind, ownerId, name) as MailboxRow | undefined;
}

export function mailboxRowById(ctx: StoreContext, id: number): MailboxRow | undefined {
  return ctx.stmt(`SELECT ${MAILBOX_COLUMNS} FROM mailboxes m WHERE m.id = ?`).get(id) as MailboxRow | undefined;
}

/** The mailbox row or MS_MBX_REC_NOT_FOUND. */
export function requireMailbox(ctx: StoreContext, id: number): MailboxRow {
  const row = mailboxRowById(ctx, id);
  if (!row) throw new MailError('MS_MBX_REC_NOT_FOUND', `Mailbox ${id} not found`);
  return row;
}

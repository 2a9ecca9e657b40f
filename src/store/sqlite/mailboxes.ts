/**
 * Mailbox operations: create (with missing parents), delete (children stay), rename (children
 * follow; INBOX's messages move out, RFC 3501 6.3.5), lookup, listing and status.
 */
import { MailError } from '../errors.js';
import { isDescendantName, normalizeMailboxName, parentNames, validateMailboxName } from '../names.js';
import type { MailboxInfo, MailboxStatus, Owner, SpecialUse } from '../types.js';
import { asMailboxId, asModSeq, asUid } from '../types.js';
import type { StoreContext, TxScope } from './context.js';
import {
  insertMailboxRow,
  MAILBOX_COLUMNS,
  mailboxRowById,
  mailboxRowByName,
  requireMailbox,
  toMailboxInfo,
  validateSpecialUse,
  type MailboxRow,
} from './mailbox-rows.js';
import { deleteAllMessages, deleteMailboxRow, insertMessageRow } from './message-rows.js';
import { resolveOwner, type OwnerRef } from './owners.js';
import { renameSubscriptions } from './subscriptions.js';

/** Normalises and validates a name for creation; a personal top level may not be "shared". */
function checkNewName(owner: Owner, name: string): string {
  validateMailboxName(name);
  const normalized = normalizeMailboxName(name);
  const top = normalized.split('/')[0] ?? '';
  if (owner.kind === 'user' && top.toLowerCase() === 'shared') {
    throw new MailError('MS_INVALID_NAME', 'Invalid mailbox name: "shared" is reserved for the shared namespace');
  }
  return normalized;
}

function notFound(name: string): MailError {
  return new MailError('MS_MBX_REC_NOT_FOUND', `Mailbox ${name} not found`);
}

/** Creates each missing ancestor of `name`. */
function createParents(ctx: StoreContext, owner: OwnerRef, name: string): void {
  for (const parent of parentNames(name)) {
    if (!mailboxRowByName(ctx, owner.kind, owner.id, parent)) insertMailboxRow(ctx, owner.kind, owner.id, parent, null);
  }
}

export function createMailbox(
  ctx: StoreContext,
  owner: Owner,
  name: string,
  options: { specialUse?: SpecialUse | null } = {},
): MailboxInfo {
  const normalized = checkNewName(owner, name);
  validateSpecialUse(options.specialUse);
  return ctx.write('MBX', 'add', () => {
    const ref = resolveOwner(ctx, owner);
    if (mailboxRowByName(ctx, ref.kind, ref.id, normalized)) {
      throw new MailError('MS_MBX_REC_ALREADY_EXIST', `Mailbox ${normalized} already exists`);
    }
    createParents(ctx, ref, normalized);
    const id = insertMailboxRow(ctx, ref.kind, ref.id, normalized, options.specialUse ?? null);
    return toMailboxInfo(requireMailbox(ctx, id));
  });
}

export function deleteMailbox(ctx: StoreContext, owner: Owner, name: string): void {
  const normalized = normalizeMailboxName(name);
  if (normalized === 'INBOX') throw new MailError('MS_CANNOT_DELETE_MBX_REC', 'INBOX cannot be deleted');
  ctx.write('MBX', 'delete', (tx) => {
    const ref = resolveOwner(ctx, owner);
    const row = mailboxRowByName(ctx, ref.kind, ref.id, normalized);
    if (!row) throw notFound(normalized);
    deleteMailboxRow(ctx, tx, row.id);
  });
}

/** Moves every message of INBOX into a new mailbox `to`, leaving INBOX empty. */
function renameInbox(ctx: StoreContext, tx: TxScope, ref: OwnerRef, inbox: MailboxRow, to: string): void {
  createParents(ctx, ref, to);
  const targetId = insertMailboxRow(ctx, ref.kind, ref.id, to, null);
  const rows = ctx
    .stmt(
      'SELECT uid, flags, keywords, internal_date AS internalDate, size, blob_id AS blobId FROM messages WHERE mailbox_id = ? ORDER BY uid',
    )
    .all(inbox.id) as { uid: number; flags: number; keywords: string | null; internalDate: number; size: number; blobId: number }[];
  // Insert the new references before dropping the old ones so no blob reaches zero on the way.
  for (const r of rows) {
    insertMessageRow(ctx, targetId, { blobId: r.blobId, size: r.size, mask: r.flags, keywords: r.keywords, internalDate: r.internalDate });
  }
  if (rows.length === 0) return;
  const removed = deleteAllMessages(ctx, tx, inbox.id);
  const modseq = ctx
    .col('UPDATE mailboxes SET highest_modseq = highest_modseq + 1 WHERE id = ? RETURNING highest_modseq')
    .get(inbox.id) as number;
  tx.notify({ kind: 'expunge', mailboxId: asMailboxId(inbox.id), uids: removed, modseq: asModSeq(modseq) });
}

export function renameMailbox(ctx: StoreContext, owner: Owner, from: string, to: string): void {
  const source = normalizeMailboxName(from);
  const target = checkNewName(owner, to);
  if (source === target) throw new MailError('MS_MBX_REC_ALREADY_EXIST', `Mailbox ${target} already exists`);
  if (target === 'INBOX') throw new MailError('MS_MBX_REC_ALREADY_EXIST', 'INBOX already exists');
  if (source !== 'INBOX' && isDescendantName(target, source)) {
    throw new MailError('MS_INVALID_NAME', `Cannot rename ${source} to ${target}, a name inside itself`);
  }
  ctx.write('MBX', 'update', (tx) => {
    const ref = resolveOwner(ctx, owner);
    const row = mailboxRowByName(ctx, ref.kind, ref.id, source);
    if (!row) throw notFound(source);
    if (mailboxRowByName(ctx, ref.kind, ref.id, target)) {
      throw new MailError('MS_MBX_REC_ALREADY_EXIST', `Mailbox ${target} already exists`);
    }
    if (source === 'INBOX') {
      renameInbox(ctx, tx, ref, row, target);
      return;
    }
    const children = (
      ctx
        .stmt(`SELECT ${MAILBOX_COLUMNS} FROM mailboxes m WHERE m.owner_kind = ? AND m.owner_id = ? AND substr(m.name, 1, ?) = ?`)
        .all(ref.kind, ref.id, source.length + 1, source + '/') as MailboxRow[]
    ).map((child) => ({ id: child.id, name: target + child.name.slice(source.length) }));
    for (const child of children) {
      if (mailboxRowByName(ctx, ref.kind, ref.id, child.name)) {
        throw new MailError('MS_MBX_REC_ALREADY_EXIST', `Mailbox ${child.name} already exists`);
      }
      validateMailboxName(child.name);
    }
    createParents(ctx, ref, target);
    const rename = ctx.stmt('UPDATE mailboxes SET name = ? WHERE id = ?');
    for (const moved of [{ id: row.id, name: target }, ...children]) {
      rename.run(moved.name, moved.id);
      tx.notify({ kind: 'renamed', mailboxId: asMailboxId(moved.id), name: moved.name });
    }
    renameSubscriptions(ctx, ref, source, target);
  });
}

function lookup(ctx: StoreContext, owner: Owner, name: string): MailboxRow | undefined {
  const ref = resolveOwner(ctx, owner);
  return mailboxRowByName(ctx, ref.kind, ref.id, normalizeMailboxName(name));
}

export function findMailbox(ctx: StoreContext, owner: Owner, name: string): MailboxInfo | null {
  return ctx.read('MBX', () => {
    const row = lookup(ctx, owner, name);
    return row ? toMailboxInfo(row) : null;
  });
}

export function getMailbox(ctx: StoreContext, owner: Owner, name: string): MailboxInfo {
  const found = findMailbox(ctx, owner, name);
  if (!found) throw notFound(normalizeMailboxName(name));
  return found;
}

export function getMailboxById(ctx: StoreContext, id: number): MailboxInfo {
  return ctx.read('MBX', () => toMailboxInfo(requireMailbox(ctx, id)));
}

export function listMailboxes(ctx: StoreContext, owner: Owner): MailboxInfo[] {
  return ctx.read('MBX', () => {
    const ref = resolveOwner(ctx, owner);
    const rows = ctx
      .stmt(`SELECT ${MAILBOX_COLUMNS} FROM mailboxes m WHERE m.owner_kind = ? AND m.owner_id = ? ORDER BY m.name`)
      .all(ref.kind, ref.id) as MailboxRow[];
    return rows.map(toMailboxInfo);
  });
}

export function mailboxStatus(ctx: StoreContext, id: number): MailboxStatus {
  return ctx.read('MBX', () => {
    const row = mailboxRowById(ctx, id);
    if (!row) throw new MailError('MS_MBX_REC_NOT_FOUND', `Mailbox ${id} not found`);
    const counts = ctx
      .stmt(
        `SELECT count(*) FILTER (WHERE (flags & 1) = 0) AS unseen, count(*) FILTER (WHERE uid >= ?) AS recent
         FROM messages WHERE mailbox_id = ?`,
      )
      .get(row.recent_mark, id) as { unseen: number; recent: number };
    return {
      messages: row.message_count,
      unseen: counts.unseen,
      recent: counts.recent,
      uidNext: asUid(row.uid_next),
      uidValidity: row.uid_validity,
      highestModSeq: asModSeq(row.highest_modseq),
      size: row.total_size,
    };
  });
}

export function setSpecialUse(ctx: StoreContext, id: number, use: SpecialUse | null): void {
  validateSpecialUse(use);
  ctx.write('MBX', 'update', () => {
    requireMailbox(ctx, id);
    ctx.stmt('UPDATE mailboxes SET special_use = ? WHERE id = ?').run(use, id);
  });
}

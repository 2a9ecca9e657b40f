/**
 * Row-level steps that several operations share (append, copy, move, expunge, mailbox and user
 * removal). All run inside a write transaction; they keep the mailbox counters (UIDNEXT,
 * HIGHESTMODSEQ, message count, total size) and the blob reference counts consistent.
 */
import { MailError } from '../errors.js';
import { asMailboxId, asModSeq, asUid, type ModSeq, type Uid } from '../types.js';
import { blobPath } from './blobs.js';
import type { StoreContext, TxScope } from './context.js';
import { rootPath } from './owners.js';

export interface NewMessageRow {
  blobId: number;
  size: number;
  mask: number;
  keywords: string | null;
  internalDate: number;
}

export interface InsertedRow {
  uid: Uid;
  modseq: ModSeq;
  uidValidity: number;
}

/** Gives the message the mailbox's next UID and a new MODSEQ, and inserts its row. */
export function insertMessageRow(ctx: StoreContext, mailboxId: number, row: NewMessageRow): InsertedRow {
  const taken = ctx
    .stmt(
      `UPDATE mailboxes SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1,
         message_count = message_count + 1, total_size = total_size + ?
       WHERE id = ? RETURNING uid_next - 1 AS uid, highest_modseq AS modseq, uid_validity AS uidValidity`,
    )
    .get(row.size, mailboxId) as { uid: number; modseq: number; uidValidity: number } | undefined;
  if (!taken) throw new MailError('MS_MBX_REC_NOT_FOUND', 'Mailbox not found');
  ctx
    .stmt(
      `INSERT INTO messages (mailbox_id, uid, modseq, flags, keywords, internal_date, size, blob_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(mailboxId, taken.uid, taken.modseq, row.mask, row.keywords, row.internalDate, row.size, row.blobId);
  ctx.stmt('UPDATE blobs SET refs = refs + 1 WHERE id = ?').run(row.blobId);
  return { uid: asUid(taken.uid), modseq: asModSeq(taken.modseq), uidValidity: taken.uidValidity };
}

/** Drops one reference to a blob; the last one deletes its rows and queues its file for removal. */
export function releaseBlob(ctx: StoreContext, tx: TxScope, blobId: number, count = 1): void {
  const left = ctx
    .stmt('UPDATE blobs SET refs = refs - ? WHERE id = ? RETURNING refs, root_id AS rootId, hash')
    .get(count, blobId) as { refs: number; rootId: number; hash: Buffer } | undefined;
  if (!left || left.refs > 0) return;
  ctx.stmt('DELETE FROM content_text WHERE rowid = ?').run(blobId);
  ctx.stmt('DELETE FROM contents WHERE blob_id = ?').run(blobId);
  ctx.stmt('DELETE FROM blobs WHERE id = ?').run(blobId);
  const root = rootPath(ctx, left.rootId);
  tx.dropFile({ root, hash: left.hash, file: blobPath(root, left.hash.toString('hex')) });
}

function releaseAll(ctx: StoreContext, tx: TxScope, blobIds: readonly number[]): void {
  const counts = new Map<number, number>();
  for (const id of blobIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const [id, n] of counts) releaseBlob(ctx, tx, id, n);
}

/**
 * Deletes the given messages (UIDs that do not exist are skipped); returns the removed UIDs in
 * order and the MODSEQ the removal got (null when nothing was removed).
 */
export function deleteMessageRows(
  ctx: StoreContext,
  tx: TxScope,
  mailboxId: number,
  uids: readonly number[],
): { uids: Uid[]; modseq: ModSeq | null } {
  const del = ctx.stmt('DELETE FROM messages WHERE mailbox_id = ? AND uid = ? RETURNING blob_id AS blobId, size');
  const removed: Uid[] = [];
  const blobIds: number[] = [];
  let bytes = 0;
  for (const uid of [...new Set(uids)].sort((a, b) => a - b)) {
    const row = del.get(mailboxId, uid) as { blobId: number; size: number } | undefined;
    if (!row) continue;
    removed.push(asUid(uid));
    blobIds.push(row.blobId);
    bytes += row.size;
  }
  if (removed.length === 0) return { uids: removed, modseq: null };
  releaseAll(ctx, tx, blobIds);
  const modseq = ctx
    .col(
      `UPDATE mailboxes SET highest_modseq = highest_modseq + 1, message_count = message_count - ?,
         total_size = total_size - ? WHERE id = ? RETURNING highest_modseq`,
    )
    .get(removed.length, bytes, mailboxId) as number;
  return { uids: removed, modseq: asModSeq(modseq) };
}

/** Deletes every message of a mailbox (mailbox or owner removal); returns the removed UIDs. */
export function deleteAllMessages(ctx: StoreContext, tx: TxScope, mailboxId: number): Uid[] {
  const rows = ctx
    .stmt('DELETE FROM messages WHERE mailbox_id = ? RETURNING uid, blob_id AS blobId')
    .all(mailboxId) as { uid: number; blobId: number }[];
  releaseAll(
    ctx,
    tx,
    rows.map((r) => r.blobId),
  );
  ctx.stmt('UPDATE mailboxes SET message_count = 0, total_size = 0 WHERE id = ?').run(mailboxId);
  return rows.map((r) => asUid(r.uid)).sort((a, b) => a - b);
}

/** Removes a mailbox row with its messages and tells its listeners it is gone. */
export function deleteMailboxRow(ctx: StoreContext, tx: TxScope, mailboxId: number): void {
  deleteAllMessages(ctx, tx, mailboxId);
  ctx.stmt('DELETE FROM mailboxes WHERE id = ?').run(mailboxId);
  tx.notify({ kind: 'deleted', mailboxId: asMailboxId(mailboxId) });
}

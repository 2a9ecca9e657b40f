/**
 * Message operations other than append: listing, details, reading the bytes, flags, copy,
 * move, expunge, removal and \Recent. Everything a listing needs comes from the rows; only
 * readMessage/openMessageStream open files.
 */
import { MailError } from '../errors.js';
import {
  asMailboxId,
  asModSeq,
  asUid,
  type CopyResult,
  type FlagChange,
  type FlagOperation,
  type MessageDetail,
  type MessageMeta,
  type Uid,
} from '../types.js';
import { blobPath } from './blobs.js';
import { indexFromRow, type ContentRow } from './contents.js';
import type { StoreContext } from './context.js';
import {
  applyFlagOperation,
  decodeFlags,
  DELETED_BIT,
  encodeFlags,
  keywordsFromColumn,
  keywordsToColumn,
  sameFlags,
} from './flags.js';
import { requireMailbox } from './mailbox-rows.js';
import { deleteMessageRows, insertMessageRow } from './message-rows.js';
import { checkQuota, ownerById } from './owners.js';

/** SQL that narrows to a JSON array of UIDs bound as the last parameter. */
const IN_UIDS = 'AND uid IN (SELECT value FROM json_each(?))';

export function uidsParam(uids: readonly Uid[]): string {
  return JSON.stringify(uids);
}

function requireMailboxExists(ctx: StoreContext, mailboxId: number): void {
  if (ctx.col('SELECT 1 FROM mailboxes WHERE id = ?').get(mailboxId) === undefined) {
    throw new MailError('MS_MBX_REC_NOT_FOUND', `Mailbox ${mailboxId} not found`);
  }
}

type MetaTuple = [number, number, number, string | null, number, number];

export function listMessages(ctx: StoreContext, mailboxId: number, uids?: readonly Uid[]): MessageMeta[] {
  return ctx.read('MSGSTAT', () => {
    requireMailboxExists(ctx, mailboxId);
    const base = 'SELECT uid, modseq, flags, keywords, internal_date, size FROM messages WHERE mailbox_id = ?';
    const tuples = (
      uids === undefined
        ? ctx.rows(`${base} ORDER BY uid`).all(mailboxId)
        : ctx.rows(`${base} ${IN_UIDS} ORDER BY uid`).all(mailboxId, uidsParam(uids))
    ) as MetaTuple[];
    const out = new Array<MessageMeta>(tuples.length);
    for (let i = 0; i < tuples.length; i++) {
      const t = tuples[i] as MetaTuple;
      out[i] = {
        uid: asUid(t[0]),
        modseq: asModSeq(t[1]),
        flags: decodeFlags(t[2], t[3]),
        internalDate: new Date(t[4]),
        size: t[5],
      };
    }
    return out;
  });
}

interface DetailRow extends ContentRow {
  uid: number;
  modseq: number;
  flags: number;
  keywords: string | null;
  internal_date: number;
  size: number;
}

export function getMessageDetails(ctx: StoreContext, mailboxId: number, uids: readonly Uid[]): MessageDetail[] {
  return ctx.read('MSGENV', () => {
    requireMailboxExists(ctx, mailboxId);
    const rows = ctx
      .stmt(
        `SELECT m.uid, m.modseq, m.flags, m.keywords, m.internal_date, m.size,
           c.envelope, c.body_structure, c.body, c.tree, c.headers
         FROM messages m JOIN contents c ON c.blob_id = m.blob_id
         WHERE m.mailbox_id = ? AND m.uid IN (SELECT value FROM json_each(?)) ORDER BY m.uid`,
      )
      .all(mailboxId, uidsParam(uids)) as DetailRow[];
    return rows.map((r) => ({
      uid: asUid(r.uid),
      modseq: asModSeq(r.modseq),
      flags: decodeFlags(r.flags, r.keywords),
      internalDate: new Date(r.internal_date),
      size: r.size,
      index: indexFromRow(r),
    }));
  });
}

/** Path of a message's file; throws MS_MSGSTAT_REC_NOT_FOUND for an unknown UID. */
export function messageFile(ctx: StoreContext, mailboxId: number, uid: Uid): string {
  return ctx.read('MSGSTAT', () => {
    const row = ctx
      .stmt(
        `SELECT r.path AS root, b.hash FROM messages m JOIN blobs b ON b.id = m.blob_id JOIN roots r ON r.id = b.root_id
         WHERE m.mailbox_id = ? AND m.uid = ?`,
      )
      .get(mailboxId, uid) as { root: string; hash: Buffer } | undefined;
    if (!row) {
      requireMailboxExists(ctx, mailboxId);
      throw new MailError('MS_MSGSTAT_REC_NOT_FOUND', `Message UID ${uid} not found`);
    }
    return blobPath(row.root, row.hash.toString('hex'));
  });
}

export function storeFlags(
  ctx: StoreContext,
  mailboxId: number,
  uids: readonly Uid[],
  op: FlagOperation,
  flags: readonly string[],
): FlagChange[] {
  const change = encodeFlags(flags);
  return ctx.write('MSGSTAT', 'update', (tx) => {
    const mailbox = requireMailbox(ctx, mailboxId);
    const rows = ctx
      .rows(`SELECT uid, flags, keywords FROM messages WHERE mailbox_id = ? ${IN_UIDS} ORDER BY uid`)
      .all(mailboxId, uidsParam(uids)) as [number, number, string | null][];
    const update = ctx.stmt('UPDATE messages SET flags = ?, keywords = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?');
    let modseq = mailbox.highest_modseq;
    const changes: FlagChange[] = [];
    for (const [uid, mask, keywords] of rows) {
      const current = { mask, keywords: keywordsFromColumn(keywords) };
      const next = applyFlagOperation(current, op, change);
      if (sameFlags(current, next)) continue;
      modseq++;
      const column = keywordsToColumn(next.keywords);
      update.run(next.mask, column, modseq, mailboxId, uid);
      changes.push({ uid: asUid(uid), modseq: asModSeq(modseq), flags: decodeFlags(next.mask, column) });
    }
    if (changes.length > 0) {
      ctx.stmt('UPDATE mailboxes SET highest_modseq = ? WHERE id = ?').run(modseq, mailboxId);
      tx.notify({ kind: 'flags', mailboxId: asMailboxId(mailboxId), changes });
    }
    return changes;
  });
}

interface SourceRow {
  uid: number;
  flags: number;
  keywords: string | null;
  internalDate: number;
  size: number;
  blobId: number;
}

function copyInto(ctx: StoreContext, from: number, uids: readonly Uid[], to: number, chargeQuota: boolean) {
  const source = requireMailbox(ctx, from);
  const target = requireMailbox(ctx, to);
  const rows = ctx
    .stmt(
      `SELECT uid, flags, keywords, internal_date AS internalDate, size, blob_id AS blobId
       FROM messages WHERE mailbox_id = ? ${IN_UIDS} ORDER BY uid`,
    )
    .all(from, uidsParam(uids)) as SourceRow[];
  if (chargeQuota || source.owner_kind !== target.owner_kind || source.owner_id !== target.owner_id) {
    const bytes = rows.reduce((sum, r) => sum + r.size, 0);
    if (rows.length > 0) checkQuota(ctx, ownerById(ctx, target.owner_kind, target.owner_id), bytes);
  }
  const mapping: CopyResult['mapping'] = [];
  let modseq = 0;
  for (const r of rows) {
    const inserted = insertMessageRow(ctx, to, {
      blobId: r.blobId,
      size: r.size,
      mask: r.flags,
      keywords: r.keywords,
      internalDate: r.internalDate,
    });
    mapping.push({ from: asUid(r.uid), to: inserted.uid });
    modseq = inserted.modseq;
  }
  return { result: { uidValidity: target.uid_validity, mapping }, modseq };
}

export function copyMessages(ctx: StoreContext, from: number, uids: readonly Uid[], to: number): CopyResult {
  return ctx.write('MSGSTAT', 'add', (tx) => {
    const { result, modseq } = copyInto(ctx, from, uids, to, true);
    if (result.mapping.length > 0) {
      tx.notify({ kind: 'append', mailboxId: asMailboxId(to), uids: result.mapping.map((m) => m.to), modseq: asModSeq(modseq) });
    }
    return result;
  });
}

/** Copy and remove in one transaction (RFC 6851): both mailboxes change together or not at all. */
export function moveMessages(ctx: StoreContext, from: number, uids: readonly Uid[], to: number): CopyResult {
  return ctx.write('MSGSTAT', 'update', (tx) => {
    // A move within one owner's tree does not change the owner's usage.
    const { result, modseq } = copyInto(ctx, from, uids, to, false);
    if (result.mapping.length === 0) return result;
    tx.notify({ kind: 'append', mailboxId: asMailboxId(to), uids: result.mapping.map((m) => m.to), modseq: asModSeq(modseq) });
    const removed = deleteMessageRows(
      ctx,
      tx,
      from,
      result.mapping.map((m) => m.from),
    );
    if (removed.modseq !== null) {
      tx.notify({ kind: 'expunge', mailboxId: asMailboxId(from), uids: removed.uids, modseq: removed.modseq });
    }
    return result;
  });
}

function removeWhere(ctx: StoreContext, mailboxId: number, uids: readonly Uid[] | undefined, deletedOnly: boolean): Uid[] {
  return ctx.write('MSGSTAT', 'delete', (tx) => {
    requireMailbox(ctx, mailboxId);
    const flagTest = deletedOnly ? `AND (flags & ${DELETED_BIT}) != 0` : '';
    const targets = (
      uids === undefined
        ? ctx.col(`SELECT uid FROM messages WHERE mailbox_id = ? ${flagTest} ORDER BY uid`).all(mailboxId)
        : ctx.col(`SELECT uid FROM messages WHERE mailbox_id = ? ${flagTest} ${IN_UIDS} ORDER BY uid`).all(mailboxId, uidsParam(uids))
    ) as number[];
    const removed = deleteMessageRows(ctx, tx, mailboxId, targets);
    if (removed.modseq !== null) {
      tx.notify({ kind: 'expunge', mailboxId: asMailboxId(mailboxId), uids: removed.uids, modseq: removed.modseq });
    }
    return removed.uids;
  });
}

export function expunge(ctx: StoreContext, mailboxId: number, uids?: readonly Uid[]): Uid[] {
  return removeWhere(ctx, mailboxId, uids, true);
}

export function removeMessages(ctx: StoreContext, mailboxId: number, uids: readonly Uid[]): Uid[] {
  return removeWhere(ctx, mailboxId, uids, false);
}

export function claimRecent(ctx: StoreContext, mailboxId: number): Uid[] {
  return ctx.write('MSGSTAT', 'update', () => {
    const mailbox = requireMailbox(ctx, mailboxId);
    const uids = ctx
      .col('SELECT uid FROM messages WHERE mailbox_id = ? AND uid >= ? ORDER BY uid')
      .all(mailboxId, mailbox.recent_mark) as number[];
    ctx.stmt('UPDATE mailboxes SET recent_mark = uid_next WHERE id = ?').run(mailboxId);
    return uids.map(asUid);
  });
}

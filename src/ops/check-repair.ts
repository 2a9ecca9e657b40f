/**
 * The writing half of `msgstore check --repair`. Every repair re-reads what it fixes inside
 * its own IMMEDIATE transaction (holding the write lock, as the store's own writers do), so
 * it never undoes a change the server made after the scan. Messages whose file is gone are
 * removed through the Store, which bumps MODSEQ, fixes counters and tells a running server's
 * sessions (EXPUNGE) like any other removal.
 */
import fs from 'node:fs';
import { blobPath } from '../store/sqlite/blobs.js';
import { asMailboxId, asUid, type Store } from '../store/types.js';
import { mailboxLabel, type BlobFinding, type DanglingFinding, type FileFinding, type MailboxFinding } from './check-scan.js';
import type { Problem } from './check-types.js';
import type { SqliteDb } from './sqlite-files.js';

function removeFile(file: string): boolean {
  try {
    fs.rmSync(file, { force: true });
    return true;
  } catch {
    return false;
  }
}

function fileExists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Messages that use a file row, per mailbox, with the label people know the mailbox by. */
function messagesUsing(db: SqliteDb, blobId: number): { mailboxId: number; mailbox: string; uids: number[] }[] {
  const rows = db
    .prepare(
      `SELECT m.mailbox_id AS mailboxId, m.uid, COALESCE(u.address, s.address, '?') AS owner, mb.name
       FROM messages m JOIN mailboxes mb ON mb.id = m.mailbox_id
       LEFT JOIN users u ON mb.owner_kind = 0 AND u.id = mb.owner_id
       LEFT JOIN shared s ON mb.owner_kind = 1 AND s.id = mb.owner_id
       WHERE m.blob_id = ? ORDER BY m.mailbox_id, m.uid`,
    )
    .all(blobId) as { mailboxId: number; uid: number; owner: string; name: string }[];
  const out = new Map<number, { mailboxId: number; mailbox: string; uids: number[] }>();
  for (const r of rows) {
    let entry = out.get(r.mailboxId);
    if (!entry) out.set(r.mailboxId, (entry = { mailboxId: r.mailboxId, mailbox: mailboxLabel(r.owner, r.name), uids: [] }));
    entry.uids.push(r.uid);
  }
  return [...out.values()];
}

function describeUses(uses: { mailbox: string; uids: number[] }[]): string {
  return uses.map((u) => `${u.mailbox} UID ${u.uids.join(',')}`).join('; ');
}

/** The problem line for a missing file or dangling message (read before anything changes). */
export function describeLostMessages(db: SqliteDb, finding: BlobFinding | DanglingFinding): Problem {
  const uses = messagesUsing(db, finding.blobId);
  const where = uses.length > 0 ? `: ${describeUses(uses)}` : ' (no message uses it)';
  if (finding.kind === 'dangling-message') {
    return { kind: 'dangling-message', detail: `${finding.messages} message(s) point at file row ${finding.blobId}, which does not exist${where}`, fixed: false };
  }
  return { kind: 'missing-file', detail: `message file is missing${where}`, ...(finding.file ? { file: finding.file } : {}), fixed: false };
}

/**
 * Removes the messages that use a file row whose file is gone (or a row that is gone).
 * Re-checked first: the row must still be there and the file still absent.
 */
export async function removeLostMessages(db: SqliteDb, store: Store, finding: BlobFinding | DanglingFinding, problem: Problem): Promise<void> {
  const row = db.prepare('SELECT 1 FROM blobs WHERE id = ?').get(finding.blobId);
  const stillLost = finding.kind === 'dangling-message' ? row === undefined : row !== undefined && (finding.file === null || !fileExists(finding.file));
  if (!stillLost) {
    problem.action = 'no longer a problem when repaired (changed meanwhile)';
    problem.fixed = true;
    return;
  }
  let removed = 0;
  for (const use of messagesUsing(db, finding.blobId)) {
    removed += (await store.removeMessages(asMailboxId(use.mailboxId), use.uids.map(asUid))).length;
  }
  problem.action = `removed ${removed} message(s) that cannot be read`;
  problem.fixed = true;
}

/**
 * Sets a file row's reference count to the messages that really use it; a row nobody uses
 * goes, with its search text and its file (unlinked while the write lock is held, as the
 * store's reaper does, so an append of the same content rewrites the file before it commits).
 */
export function repairRefs(db: SqliteDb, blobIds: readonly number[]): Map<number, string> {
  const actions = new Map<number, string>();
  const uses = db.prepare('SELECT count(*) FROM messages WHERE blob_id = ?').pluck();
  const row = db.prepare('SELECT b.refs, r.path AS root, b.hash FROM blobs b LEFT JOIN roots r ON r.id = b.root_id WHERE b.id = ?');
  db.transaction(() => {
    for (const blobId of blobIds) {
      const current = row.get(blobId) as { refs: number; root: string | null; hash: Buffer } | undefined;
      if (!current) {
        actions.set(blobId, 'already gone');
        continue;
      }
      const actual = Number(uses.get(blobId));
      if (actual > 0) {
        if (actual !== current.refs) db.prepare('UPDATE blobs SET refs = ? WHERE id = ?').run(actual, blobId);
        actions.set(blobId, actual === current.refs ? 'already right' : `reference count set to ${actual}`);
        continue;
      }
      db.prepare('DELETE FROM content_text WHERE rowid = ?').run(blobId);
      db.prepare('DELETE FROM contents WHERE blob_id = ?').run(blobId);
      db.prepare('DELETE FROM blobs WHERE id = ?').run(blobId);
      const file = current.root === null ? null : blobPath(current.root, current.hash.toString('hex'));
      const unlinked = file === null || removeFile(file);
      actions.set(blobId, unlinked ? 'unused file row and its file removed' : 'unused file row removed; its file could not be removed');
    }
  }).immediate();
  return actions;
}

/** Recomputes the mailbox fields a finding names, from the messages as they are now. */
export function repairMailbox(db: SqliteDb, finding: MailboxFinding): string {
  return db.transaction(() => {
    const now = db
      .prepare('SELECT count(*) AS n, COALESCE(sum(size), 0) AS bytes, COALESCE(max(uid), 0) AS maxUid, COALESCE(max(modseq), 0) AS maxModseq FROM messages WHERE mailbox_id = ?')
      .get(finding.mailboxId) as { n: number; bytes: number; maxUid: number; maxModseq: number };
    switch (finding.kind) {
      case 'uid-next': {
        const changed = db.prepare('UPDATE mailboxes SET uid_next = ? WHERE id = ? AND uid_next <= ?').run(now.maxUid + 1, finding.mailboxId, now.maxUid).changes;
        return changed > 0 ? `next UID set to ${now.maxUid + 1}` : 'already right';
      }
      case 'modseq': {
        const changed = db.prepare('UPDATE mailboxes SET highest_modseq = ? WHERE id = ? AND highest_modseq < ?').run(now.maxModseq, finding.mailboxId, now.maxModseq).changes;
        return changed > 0 ? `HIGHESTMODSEQ set to ${now.maxModseq}` : 'already right';
      }
      case 'counters': {
        db.prepare('UPDATE mailboxes SET message_count = ?, total_size = ? WHERE id = ?').run(now.n, now.bytes, finding.mailboxId);
        return `counters set to ${now.n} messages / ${now.bytes} bytes`;
      }
    }
  }).immediate();
}

/** Removes an orphan (if still no row names it) or a stale temporary file, under the write lock. */
export function removeStrayFile(db: SqliteDb, finding: FileFinding): string {
  const rowForFile = db.prepare('SELECT 1 FROM blobs b JOIN roots r ON r.id = b.root_id WHERE r.path = ? AND b.hash = ?').pluck();
  return db.transaction(() => {
    if (finding.hash !== null && rowForFile.get(finding.root, finding.hash) !== undefined) return 'kept: a message uses it now';
    return removeFile(finding.file) ? 'removed' : 'could not be removed';
  }).immediate();
}

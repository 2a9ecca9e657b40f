/**
 * The read-only half of `msgstore check`: compares the database with itself (reference
 * counts, UIDs, MODSEQs, mailbox counters) and with the message files on disk. Each database
 * comparison is one statement or one read transaction, so it sees a consistent snapshot
 * while the server writes. What the file walk finds is confirmed against a fresh read before
 * it is reported, and files that may belong to a write in progress are left alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FANOUT_DIR, HASH_HEX, TEMP_PREFIX, blobPath, tempFileWriterAlive } from '../store/sqlite/blobs.js';
import type { ProblemKind } from './check-types.js';
import type { SqliteDb } from './sqlite-files.js';

export interface BlobFinding {
  kind: 'missing-file' | 'wrong-refs';
  blobId: number;
  file: string | null;
  refs: number;
  actual: number;
}

export interface DanglingFinding {
  kind: 'dangling-message';
  blobId: number;
  messages: number;
}

export interface FileFinding {
  kind: 'orphan-file' | 'stale-temp-file';
  root: string;
  file: string;
  /** For orphans: the content hash the name carries. */
  hash: Buffer | null;
}

export interface MailboxFinding {
  kind: Extract<ProblemKind, 'uid-next' | 'modseq' | 'counters'>;
  mailboxId: number;
  mailbox: string;
  detail: string;
}

export interface ScanResult {
  blobs: BlobFinding[];
  dangling: DanglingFinding[];
  files: FileFinding[];
  mailboxes: MailboxFinding[];
  scanned: { mailboxes: number; messages: number; fileRows: number; files: number };
  skipped: { youngFiles: number; liveTempFiles: number };
}

export interface ScanOptions {
  /** The default message root (checked even before any file was stored there). */
  mailRoot: string;
  /** Files younger than this are never called orphans or stale. */
  graceMs: number;
  now?: () => number;
  /** Called after each fan-out folder is listed. */
  onFolder?: (done: number, total: number) => void;
}

interface MailboxRow {
  id: number;
  owner: string;
  name: string;
  uid_next: number;
  highest_modseq: number;
  message_count: number;
  total_size: number;
  n: number;
  bytes: number;
  max_uid: number;
  max_modseq: number;
}

/** Mailbox rows against their messages, in one statement (one snapshot). */
export const MAILBOX_SCAN_SQL = `
  SELECT mb.id, COALESCE(u.address, s.address, '?') AS owner, mb.name, mb.uid_next, mb.highest_modseq,
         mb.message_count, mb.total_size, COALESCE(m.n, 0) AS n, COALESCE(m.bytes, 0) AS bytes,
         COALESCE(m.max_uid, 0) AS max_uid, COALESCE(m.max_modseq, 0) AS max_modseq
  FROM mailboxes mb
  LEFT JOIN (SELECT mailbox_id, count(*) AS n, sum(size) AS bytes, max(uid) AS max_uid, max(modseq) AS max_modseq
             FROM messages GROUP BY mailbox_id) m ON m.mailbox_id = mb.id
  LEFT JOIN users u ON mb.owner_kind = 0 AND u.id = mb.owner_id
  LEFT JOIN shared s ON mb.owner_kind = 1 AND s.id = mb.owner_id
  ORDER BY mb.id`;

export function mailboxLabel(owner: string, name: string): string {
  return `${owner} ${name}`;
}

function scanMailboxes(db: SqliteDb): { findings: MailboxFinding[]; mailboxes: number; messages: number } {
  const rows = db.prepare(MAILBOX_SCAN_SQL).all() as MailboxRow[];
  const findings: MailboxFinding[] = [];
  let messages = 0;
  for (const r of rows) {
    messages += r.n;
    const mailbox = mailboxLabel(r.owner, r.name);
    if (r.n > 0 && r.uid_next <= r.max_uid) {
      findings.push({ kind: 'uid-next', mailboxId: r.id, mailbox, detail: `next UID ${r.uid_next} is not above the highest UID ${r.max_uid}` });
    }
    if (r.highest_modseq < r.max_modseq) {
      findings.push({ kind: 'modseq', mailboxId: r.id, mailbox, detail: `HIGHESTMODSEQ ${r.highest_modseq} is below a message's MODSEQ ${r.max_modseq}` });
    }
    if (r.message_count !== r.n || r.total_size !== r.bytes) {
      findings.push({
        kind: 'counters',
        mailboxId: r.id,
        mailbox,
        detail: `counters say ${r.message_count} messages / ${r.total_size} bytes, the messages are ${r.n} / ${r.bytes}`,
      });
    }
  }
  return { findings, mailboxes: rows.length, messages };
}

interface BlobRow {
  id: number;
  root: string | null;
  hash: Buffer;
  refs: number;
}

/** File rows with their real use, read in one transaction. */
function readBlobs(db: SqliteDb): { blobs: BlobRow[]; uses: Map<number, number> } {
  return db.transaction(() => {
    const blobs = db.prepare('SELECT b.id, r.path AS root, b.hash, b.refs FROM blobs b LEFT JOIN roots r ON r.id = b.root_id').all() as BlobRow[];
    const uses = new Map<number, number>();
    for (const [blobId, n] of db.prepare('SELECT blob_id, count(*) FROM messages GROUP BY blob_id').raw(true).all() as [number, number][]) {
      uses.set(blobId, n);
    }
    return { blobs, uses };
  })();
}

function listDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function ageMs(file: string, now: number): number | null {
  try {
    return now - fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

function fileExists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function scanStore(db: SqliteDb, options: ScanOptions): ScanResult {
  const now = options.now ?? Date.now;
  const mailboxScan = scanMailboxes(db);
  const { blobs, uses } = readBlobs(db);

  const result: ScanResult = {
    blobs: [],
    dangling: [],
    files: [],
    mailboxes: mailboxScan.findings,
    scanned: { mailboxes: mailboxScan.mailboxes, messages: mailboxScan.messages, fileRows: blobs.length, files: 0 },
    skipped: { youngFiles: 0, liveTempFiles: 0 },
  };

  const known = new Map<string, Set<string>>();
  const blobIds = new Set<number>();
  for (const b of blobs) {
    blobIds.add(b.id);
    const hex = b.hash.toString('hex');
    if (b.root !== null) {
      let set = known.get(b.root);
      if (!set) known.set(b.root, (set = new Set()));
      set.add(hex);
    }
    const actual = uses.get(b.id) ?? 0;
    const file = b.root === null ? null : blobPath(b.root, hex);
    if (file === null || !fileExists(file)) result.blobs.push({ kind: 'missing-file', blobId: b.id, file, refs: b.refs, actual });
    else if (actual !== b.refs) result.blobs.push({ kind: 'wrong-refs', blobId: b.id, file, refs: b.refs, actual });
  }
  for (const [blobId, n] of uses) if (!blobIds.has(blobId)) result.dangling.push({ kind: 'dangling-message', blobId, messages: n });

  // Every registered root (a home whose messages are all gone may still hold orphans) and the default one.
  const registered = db.prepare('SELECT path FROM roots').pluck().all() as string[];
  const roots = new Set<string>([...registered, ...known.keys(), path.resolve(options.mailRoot)]);
  const folders: { root: string; dir: string }[] = [];
  for (const root of roots) {
    for (const entry of listDir(root)) if (entry.isDirectory() && FANOUT_DIR.test(entry.name)) folders.push({ root, dir: path.join(root, entry.name) });
  }
  folders.forEach(({ root, dir }, i) => {
    const names = known.get(root);
    for (const entry of listDir(dir)) {
      if (!entry.isFile()) continue;
      const file = path.join(dir, entry.name);
      const isTemp = entry.name.startsWith(TEMP_PREFIX);
      if (!isTemp && !HASH_HEX.test(entry.name)) continue;
      result.scanned.files += isTemp ? 0 : 1;
      if (!isTemp && names?.has(entry.name)) continue;
      const age = ageMs(file, now());
      if (age === null) continue;
      if (age < options.graceMs) {
        result.skipped.youngFiles++;
        continue;
      }
      if (isTemp && tempFileWriterAlive(entry.name)) {
        result.skipped.liveTempFiles++;
        continue;
      }
      result.files.push({ kind: isTemp ? 'stale-temp-file' : 'orphan-file', root, file, hash: isTemp ? null : Buffer.from(entry.name, 'hex') });
    }
    options.onFolder?.(i + 1, folders.length);
  });
  return confirm(db, result);
}

/**
 * The walk took time: a row may have gone (and its file with it) or come (with its file)
 * meanwhile. Only what is still true on a fresh read is reported.
 */
function confirm(db: SqliteDb, result: ScanResult): ScanResult {
  const blobRow = db.prepare('SELECT b.refs, r.path AS root, b.hash FROM blobs b LEFT JOIN roots r ON r.id = b.root_id WHERE b.id = ?');
  const rowForFile = db.prepare('SELECT 1 FROM blobs b JOIN roots r ON r.id = b.root_id WHERE r.path = ? AND b.hash = ?').pluck();
  result.blobs = result.blobs.filter((f) => {
    const row = blobRow.get(f.blobId) as { refs: number } | undefined;
    if (!row) return false;
    return f.kind === 'wrong-refs' || f.file === null || !fileExists(f.file);
  });
  result.files = result.files.filter((f) => f.hash === null || rowForFile.get(f.root, f.hash) === undefined);
  return result;
}

/**
 * `msgstore check [--repair]`: finds message files no row points at, rows whose file is
 * missing, wrong reference counts, UID and MODSEQ order problems and wrong mailbox counters;
 * with repair, fixes them. Without repair the database connection is query-only, so a check
 * changes nothing. Safe while the server runs (see check-scan.ts and check-repair.ts).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { MailError } from '../store/errors.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/types.js';
import { DB_FILE } from './backup-format.js';
import { describeLostMessages, removeLostMessages, removeStrayFile, repairMailbox, repairRefs } from './check-repair.js';
import { scanStore, type BlobFinding, type DanglingFinding } from './check-scan.js';
import { PROBLEM_KINDS, type CheckReport, type Problem, type ProblemKind } from './check-types.js';
import { exists, fail } from './files.js';
import type { OpsProgress } from './backup.js';
import type { SqliteDb } from './sqlite-files.js';

export * from './check-types.js';

/** Files younger than this may belong to a write in progress (default five minutes). */
export const DEFAULT_GRACE_MS = 5 * 60 * 1000;

export interface CheckOptions {
  dataDir: string;
  mailRoot: string;
  repair?: boolean;
  graceMs?: number;
  onProgress?: (progress: OpsProgress) => void;
}

function openForCheck(file: string, repair: boolean): SqliteDb {
  try {
    const db = new Database(file, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    if (!repair) db.pragma('query_only = ON');
    db.prepare('SELECT count(*) FROM blobs').get();
    return db;
  } catch (err) {
    throw fail('MS_CANNOT_OPEN_SOURCE_DB', `Cannot open ${file}`, err);
  }
}

export async function checkStore(options: CheckOptions): Promise<CheckReport> {
  const started = Date.now();
  const repair = options.repair ?? false;
  const dataDir = path.resolve(options.dataDir);
  const mailRoot = path.resolve(options.mailRoot);
  const dbFile = path.join(dataDir, DB_FILE);
  if (!(await exists(dbFile))) throw new MailError('MS_SOURCE_DB_NOT_FOUND', `Message store database not found: ${dbFile}`);
  const db = openForCheck(dbFile, repair);
  let store: Store | null = null;
  try {
    const scan = scanStore(db, {
      mailRoot,
      graceMs: options.graceMs ?? DEFAULT_GRACE_MS,
      onFolder: (done, total) => options.onProgress?.({ phase: 'files', done, total }),
    });
    const problems: Problem[] = [];

    // Messages whose file is gone: described now, removed through the store.
    const lost: (BlobFinding | DanglingFinding)[] = [...scan.blobs.filter((b) => b.kind === 'missing-file'), ...scan.dangling];
    const lostProblems = lost.map((f) => describeLostMessages(db, f));
    problems.push(...lostProblems);
    if (repair && lost.length > 0) {
      store = await openStore({ dataDir, mailRoot, startupCheck: false });
      for (const [i, finding] of lost.entries()) await removeLostMessages(db, store, finding, lostProblems[i]!);
    }

    // Reference counts; missing-file rows are re-checked too, as their removal may leave a row behind.
    const refFindings = scan.blobs.filter((b) => b.kind === 'wrong-refs');
    const refProblems = refFindings.map(
      (f): Problem => ({ kind: 'wrong-refs', detail: `file row ${f.blobId} counts ${f.refs} reference(s), ${f.actual} message(s) use it`, ...(f.file ? { file: f.file } : {}), fixed: false }),
    );
    problems.push(...refProblems);
    if (repair) {
      const ids = [...refFindings.map((f) => f.blobId), ...scan.blobs.filter((b) => b.kind === 'missing-file').map((b) => b.blobId)];
      const actions = ids.length > 0 ? repairRefs(db, ids) : new Map<number, string>();
      refFindings.forEach((f, i) => {
        const problem = refProblems[i]!;
        problem.action = actions.get(f.blobId) ?? 'not repaired';
        problem.fixed = actions.has(f.blobId);
      });
    }

    for (const finding of scan.mailboxes) {
      const problem: Problem = { kind: finding.kind, detail: finding.detail, mailbox: finding.mailbox, fixed: false };
      if (repair) {
        problem.action = repairMailbox(db, finding);
        problem.fixed = true;
      }
      problems.push(problem);
    }

    for (const finding of scan.files) {
      const what = finding.kind === 'orphan-file' ? 'message file no row points at' : 'temporary file left by a writer that is gone';
      const problem: Problem = { kind: finding.kind, detail: what, file: finding.file, fixed: false };
      if (repair) {
        problem.action = removeStrayFile(db, finding);
        problem.fixed = problem.action === 'removed' || problem.action.startsWith('kept');
      }
      problems.push(problem);
    }

    const counts = Object.fromEntries(PROBLEM_KINDS.map((k) => [k, 0])) as Record<ProblemKind, number>;
    for (const p of problems) counts[p.kind]++;
    return { repair, problems, counts, scanned: scan.scanned, skipped: scan.skipped, seconds: (Date.now() - started) / 1000 };
  } catch (err) {
    if (err instanceof MailError) throw err;
    throw fail('MS_CANNOT_READ_SOURCE_DB', 'The store could not be checked', err);
  } finally {
    await store?.close();
    db.close();
  }
}

/** What `msgstore check` reports: each problem found, and what --repair did about it. */

export type ProblemKind =
  /** A row points at a message file that is not on disk: the message cannot be read. */
  | 'missing-file'
  /** A message row names a file row that does not exist. */
  | 'dangling-message'
  /** A message file no row points at (older than the grace period). */
  | 'orphan-file'
  /** A temporary file whose writer is gone (older than the grace period). */
  | 'stale-temp-file'
  /** A file row's reference count differs from the messages that use it. */
  | 'wrong-refs'
  /** A mailbox's next UID is not above its highest UID. */
  | 'uid-next'
  /** A mailbox's HIGHESTMODSEQ is below a message's MODSEQ. */
  | 'modseq'
  /** A mailbox's message count or total size differs from its messages. */
  | 'counters';

export const PROBLEM_KINDS: readonly ProblemKind[] = [
  'missing-file',
  'dangling-message',
  'orphan-file',
  'stale-temp-file',
  'wrong-refs',
  'uid-next',
  'modseq',
  'counters',
];

export interface Problem {
  kind: ProblemKind;
  /** One line for people. */
  detail: string;
  /** The mailbox concerned, as "<owner> <mailbox name>". */
  mailbox?: string;
  /** The message file concerned. */
  file?: string;
  /** What --repair did; absent when nothing was done. */
  action?: string;
  fixed: boolean;
}

export interface CheckReport {
  repair: boolean;
  problems: Problem[];
  /** Problems per kind. */
  counts: Record<ProblemKind, number>;
  scanned: { mailboxes: number; messages: number; fileRows: number; files: number };
  /** Files left alone because they may belong to a write in progress. */
  skipped: { youngFiles: number; liveTempFiles: number };
  seconds: number;
}

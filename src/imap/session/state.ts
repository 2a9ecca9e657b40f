/** The IMAP session states (RFC 3501 3): what exists only in a state exists only in its variant. */
import type { UserRecord } from '../../store/types.js';
import type { SelectedView } from './view.js';

export type SessionState =
  | { kind: 'not-authenticated' }
  | { kind: 'authenticated'; user: UserRecord }
  | { kind: 'selected'; user: UserRecord; view: SelectedView }
  | { kind: 'logout' };

export type StateKind = SessionState['kind'];

export const ANY_STATE: readonly StateKind[] = ['not-authenticated', 'authenticated', 'selected'];
export const NOT_AUTHENTICATED: readonly StateKind[] = ['not-authenticated'];
export const AUTHENTICATED: readonly StateKind[] = ['authenticated', 'selected'];
export const SELECTED: readonly StateKind[] = ['selected'];

/** Per-session transcripts hook in here: every line in and out, without touching the commands. */
export interface TranscriptHook {
  onLine(direction: 'in' | 'out', bytes: Buffer): void;
  /** The session logged in as `user`. */
  onLogin?(user: string): void;
  /** The session ended. */
  onClose?(): void;
}

/** The connection under a session (a TCP or TLS socket, or an in-memory pipe in tests). */
export interface ImapTransport {
  readonly remoteAddress: string;
  /** True once the connection is encrypted (IMAPS, or after STARTTLS). */
  readonly secure: boolean;
  /** Writes bytes; false means "wait for drain() before writing much more". */
  write(bytes: Buffer): boolean;
  drain(): Promise<void>;
  /** Upgrades the connection to TLS in place (STARTTLS); bytes already received are dropped by the caller. */
  startTls(): Promise<void>;
  pause(): void;
  resume(): void;
  /** Ends the connection once written bytes are flushed. */
  close(): void;
}

/**
 * The POP3 session states (RFC 1939 section 3). What exists only once a maildrop is open
 * (the user, the maildrop, the lock) exists only in the TRANSACTION state.
 */
import type { UserRecord } from '../store/types.js';
import type { Maildrop } from './maildrop.js';
import type { ReadAhead } from './read-ahead.js';
import type { SeenMarker } from './seen-marker.js';

export interface AuthorizationState {
  kind: 'authorization';
  /** The name given by USER, waiting for PASS. */
  pendingUser: string | null;
}

export interface TransactionState {
  kind: 'transaction';
  user: UserRecord;
  maildrop: Maildrop;
  /** Background \Seen marks for retrieved messages. */
  seen: SeenMarker;
  /** The next message's bytes, read while the current one is sent. */
  readAhead: ReadAhead;
  /** Gives back the maildrop lock and the per-user connection slot. */
  release(): void;
}

/** After QUIT (UPDATE), after an auto-logout or a dropped connection: no more commands. */
export interface EndedState {
  kind: 'ended';
}

export type SessionState = AuthorizationState | TransactionState | EndedState;

/** The states in which commands are accepted. */
export type CommandState = AuthorizationState | TransactionState;
export type CommandStateKind = CommandState['kind'];

export const STATE_NAMES: Record<CommandStateKind, string> = {
  authorization: 'AUTHORIZATION',
  transaction: 'TRANSACTION',
};

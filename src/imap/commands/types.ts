/**
 * Commands are data: each one is a descriptor in the command table, with the states it is valid
 * in, whether the UID prefix applies, whether EXPUNGE responses may accompany it (RFC 3501
 * 7.4.1), an argument parser (its errors are BAD) and a handler.
 */
import type { ImapCommand, ImapValue } from '../protocol/types.js';
import type { Completion } from '../session/errors.js';
import type { StateKind } from '../session/state.js';
import type { ImapSession } from '../session/session.js';

export interface CommandDescriptor<A> {
  name: string;
  states: readonly StateKind[];
  /** The command may be prefixed with UID (COPY, FETCH, SEARCH, STORE, EXPUNGE, MOVE). */
  uid?: boolean;
  /** EXPUNGE responses may be sent with this command; for FETCH/STORE/SEARCH only the UID form allows them. */
  allowsExpunge: boolean | ((uid: boolean) => boolean);
  parse(args: readonly ImapValue[], command: ImapCommand): A;
  /** Resolves with the tagged completion (OK when nothing is returned). */
  handle(session: ImapSession, args: A, command: ImapCommand): Promise<Completion | void>;
}

/** A descriptor with its argument type hidden, as kept in the table. */
export interface RegisteredCommand {
  readonly name: string;
  readonly states: readonly StateKind[];
  readonly uid: boolean;
  allowsExpunge(uid: boolean): boolean;
  run(session: ImapSession, command: ImapCommand): Promise<Completion | void>;
}

export function defineCommand<A>(d: CommandDescriptor<A>): RegisteredCommand {
  const allows = d.allowsExpunge;
  return {
    name: d.name,
    states: d.states,
    uid: d.uid ?? false,
    allowsExpunge: typeof allows === 'function' ? allows : () => allows,
    run: async (session, command) => d.handle(session, d.parse(command.args, command), command),
  };
}

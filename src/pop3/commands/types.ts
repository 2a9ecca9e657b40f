/**
 * POP3 commands are data: one descriptor per command with the states it is valid in, a pure
 * argument parser and a handler. The session looks descriptors up in one table and never
 * switches on command names.
 */
import type { ServerContext } from '../../server/context.js';
import type { UserRecord } from '../../store/types.js';
import type { CommandLine } from '../protocol/command-line.js';
import type { ResponseCode } from '../protocol/responses.js';
import type { MaildropMessage } from '../maildrop.js';
import type { CommandState, CommandStateKind, SessionState } from '../session-state.js';

/** What a command handler may do with its session. */
export interface Pop3SessionApi {
  readonly ctx: ServerContext;
  readonly state: SessionState;
  /** True once the connection runs over TLS (implicit, or after STLS). */
  readonly secure: boolean;
  /** The APOP timestamp from the greeting, e.g. "<1896.697170952@mail.test>". */
  readonly apopBanner: string;
  readonly remoteAddress: string;

  ok(text?: string): Promise<void>;
  err(text: string, code?: ResponseCode): Promise<void>;
  /** A multi-line response of short protocol lines (LIST, UIDL, CAPA). */
  multiLine(first: string, lines: readonly string[]): Promise<void>;
  /** A SASL challenge line ("+ base64"). */
  challenge(base64: string): Promise<void>;
  /** The next client line during a SASL exchange; null when the connection closed. Never logged. */
  readResponseLine(): Promise<string | null>;

  /** USER/PASS and AUTH PLAIN/LOGIN are allowed here (TLS, loopback, or configuration). */
  plaintextAllowed(): boolean;
  /** Whether STLS can be offered: a plain connection with TLS material. */
  canStartTls(): boolean;
  setPendingUser(name: string | null): void;
  /** Sends "+OK", then switches the connection to TLS, discarding anything the client sent early. */
  startTls(): Promise<void>;
  /**
   * Finishes an authentication attempt: null (failed credentials) answers -ERR [AUTH]; a user
   * opens the maildrop (limits, lock, snapshot) and enters TRANSACTION, or answers why not.
   */
  completeLogin(user: UserRecord | null, mechanism: string): Promise<void>;
  /** RETR (no limit) or TOP (limit = body lines): +OK, the byte-stuffed message, ".". */
  sendMessage(message: MaildropMessage, bodyLineLimit: number | null): Promise<void>;
  /** QUIT: UPDATE in TRANSACTION, then goodbye and close. */
  quit(): Promise<void>;
}

export type ParsedArgs<A> = { ok: true; value: A } | { ok: false; error: string };

interface CommandSpec<S extends CommandState, A> {
  name: string;
  states: readonly S['kind'][];
  /** How the line appears in transcripts when it carries a secret (PASS, APOP, AUTH). */
  redact?(command: CommandLine): string;
  parse(command: CommandLine): ParsedArgs<A>;
  handle(session: Pop3SessionApi, state: S, args: A): Promise<void>;
}

/** A descriptor with its argument type hidden, as the table holds it. */
export interface Pop3Command {
  readonly name: string;
  readonly states: readonly CommandStateKind[];
  /** The line for transcripts with secrets masked; null when it can be shown as sent. */
  redacted(command: CommandLine): string | null;
  /** Parses the arguments and runs the handler; answers -ERR itself for bad arguments. */
  run(session: Pop3SessionApi, state: CommandState, command: CommandLine): Promise<void>;
}

export function defineCommand<S extends CommandState, A>(spec: CommandSpec<S, A>): Pop3Command {
  const isAllowed = (state: CommandState): state is S => (spec.states as readonly string[]).includes(state.kind);
  return {
    name: spec.name,
    states: spec.states,
    redacted: (command) => (spec.redact ? spec.redact(command) : null),
    async run(session, state, command) {
      if (!isAllowed(state)) {
        await session.err(`${spec.name} is not valid in this state`);
        return;
      }
      const args = spec.parse(command);
      if (!args.ok) {
        await session.err(args.error);
        return;
      }
      await spec.handle(session, state, args.value);
    },
  };
}

/** Argument parsers shared by several commands. */
export const noArgs = (command: CommandLine): ParsedArgs<null> =>
  command.args.length === 0 ? { ok: true, value: null } : { ok: false, error: `${command.keyword} takes no arguments` };

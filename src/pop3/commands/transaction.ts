/**
 * Commands of the TRANSACTION state (RFC 1939 sections 5 and 7): STAT, LIST, RETR, DELE,
 * NOOP, RSET, TOP, UIDL. Message numbers refer to the maildrop as it was at login and never
 * shift; a message marked deleted may not be referred to again until RSET.
 */
import { parseLineCount, parseMessageNumber, type CommandLine } from '../protocol/command-line.js';
import type { MaildropMessage } from '../maildrop.js';
import type { TransactionState } from '../session-state.js';
import { defineCommand, noArgs, type ParsedArgs, type Pop3Command, type Pop3SessionApi } from './types.js';

const TRANSACTION = ['transaction'] as const;

function oneMessageNumber(command: CommandLine): ParsedArgs<number> {
  if (command.args.length !== 1) return { ok: false, error: `${command.keyword} needs exactly one message number` };
  const n = parseMessageNumber(command.args[0] ?? '');
  return n === null ? { ok: false, error: 'Invalid message number' } : { ok: true, value: n };
}

function optionalMessageNumber(command: CommandLine): ParsedArgs<number | null> {
  if (command.args.length === 0) return { ok: true, value: null };
  return oneMessageNumber(command);
}

/** Looks a message up; answers -ERR itself and returns null when it does not exist or is deleted. */
async function liveMessage(session: Pop3SessionApi, state: TransactionState, n: number): Promise<MaildropMessage | null> {
  const found = state.maildrop.lookup(n);
  if (found.ok) return found.message;
  await session.err(found.reason === 'deleted' ? `Message ${n} is already deleted` : `No such message: ${n}`);
  return null;
}

const stat = defineCommand<TransactionState, null>({
  name: 'STAT',
  states: TRANSACTION,
  parse: noArgs,
  async handle(session, state) {
    await session.ok(`${state.maildrop.count} ${state.maildrop.size}`);
  },
});

const list = defineCommand<TransactionState, number | null>({
  name: 'LIST',
  states: TRANSACTION,
  parse: optionalMessageNumber,
  async handle(session, state, n) {
    if (n !== null) {
      const message = await liveMessage(session, state, n);
      if (message) await session.ok(`${message.number} ${message.size}`);
      return;
    }
    const lines = [...state.maildrop.live()].map((m) => `${m.number} ${m.size}`);
    await session.multiLine(`${state.maildrop.count} messages (${state.maildrop.size} octets)`, lines);
  },
});

const uidl = defineCommand<TransactionState, number | null>({
  name: 'UIDL',
  states: TRANSACTION,
  parse: optionalMessageNumber,
  async handle(session, state, n) {
    if (n !== null) {
      const message = await liveMessage(session, state, n);
      if (message) await session.ok(`${message.number} ${message.uidl}`);
      return;
    }
    const lines = [...state.maildrop.live()].map((m) => `${m.number} ${m.uidl}`);
    await session.multiLine('Unique-ID listing follows', lines);
  },
});

const retr = defineCommand<TransactionState, number>({
  name: 'RETR',
  states: TRANSACTION,
  parse: oneMessageNumber,
  async handle(session, state, n) {
    const message = await liveMessage(session, state, n);
    if (message) await session.sendMessage(message, null);
  },
});

const top = defineCommand<TransactionState, { n: number; lines: number }>({
  name: 'TOP',
  states: TRANSACTION,
  parse(command) {
    if (command.args.length !== 2) return { ok: false, error: 'TOP needs a message number and a number of lines' };
    const n = parseMessageNumber(command.args[0] ?? '');
    if (n === null) return { ok: false, error: 'Invalid message number' };
    const lines = parseLineCount(command.args[1] ?? '');
    if (lines === null) return { ok: false, error: 'Invalid number of lines' };
    return { ok: true, value: { n, lines } };
  },
  async handle(session, state, args) {
    const message = await liveMessage(session, state, args.n);
    if (message) await session.sendMessage(message, args.lines);
  },
});

const dele = defineCommand<TransactionState, number>({
  name: 'DELE',
  states: TRANSACTION,
  parse: oneMessageNumber,
  async handle(session, state, n) {
    const message = await liveMessage(session, state, n);
    if (!message) return;
    state.maildrop.markDeleted(n);
    await session.ok(`Message ${n} deleted`);
  },
});

const noop = defineCommand<TransactionState, null>({
  name: 'NOOP',
  states: TRANSACTION,
  parse: noArgs,
  async handle(session) {
    await session.ok();
  },
});

const rset = defineCommand<TransactionState, null>({
  name: 'RSET',
  states: TRANSACTION,
  parse: noArgs,
  async handle(session, state) {
    state.maildrop.resetDeletions();
    await session.ok(`Maildrop has ${state.maildrop.count} messages (${state.maildrop.size} octets)`);
  },
});

export const TRANSACTION_COMMANDS: readonly Pop3Command[] = [stat, list, uidl, retr, top, dele, noop, rset];

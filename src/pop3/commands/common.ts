/**
 * Commands valid in both AUTHORIZATION and TRANSACTION: CAPA (RFC 2449 section 5) and QUIT
 * (RFC 1939 sections 5 and 6).
 */
import type { CommandState } from '../session-state.js';
import { SASL_MECHANISMS } from './sasl.js';
import { defineCommand, noArgs, type Pop3Command, type Pop3SessionApi } from './types.js';

const BOTH = ['authorization', 'transaction'] as const;

/** The capability list for the session's current state (RFC 2449 section 6). */
export function capabilities(session: Pop3SessionApi, state: CommandState): string[] {
  const capas = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
  if (state.kind === 'authorization') {
    // Plaintext mechanisms are advertised only where they are accepted (RFC 5034 section 4).
    if (session.plaintextAllowed()) {
      capas.push('USER', `SASL ${SASL_MECHANISMS.map((m) => m.name).join(' ')}`);
    }
    if (!session.secure && session.canStartTls()) capas.push('STLS');
  }
  capas.push('IMPLEMENTATION msgstore');
  return capas;
}

const capa = defineCommand<CommandState, null>({
  name: 'CAPA',
  states: BOTH,
  parse: noArgs,
  async handle(session, state) {
    await session.multiLine('Capability list follows', capabilities(session, state));
  },
});

const quit = defineCommand<CommandState, null>({
  name: 'QUIT',
  states: BOTH,
  parse: noArgs,
  async handle(session) {
    await session.quit();
  },
});

export const COMMON_COMMANDS: readonly Pop3Command[] = [capa, quit];

/** The one table of POP3 commands, keyed by upper-case keyword. */
import { AUTHORIZATION_COMMANDS } from './authorization.js';
import { COMMON_COMMANDS } from './common.js';
import { TRANSACTION_COMMANDS } from './transaction.js';
import type { Pop3Command } from './types.js';

export const POP3_COMMANDS: ReadonlyMap<string, Pop3Command> = new Map(
  [...AUTHORIZATION_COMMANDS, ...TRANSACTION_COMMANDS, ...COMMON_COMMANDS].map((c) => [c.name, c]),
);

/** Commands valid in every state (CAPABILITY, NOOP, LOGOUT, ID) and ENABLE. */
import { atom, list, str } from '../protocol/encoder.js';
import type { ImapValue } from '../protocol/types.js';
import { ANY_STATE } from '../session/state.js';
import type { CompletionWithAfter } from '../session/session.js';
import { astring, expectCount } from './args.js';
import { bad } from '../session/errors.js';
import { defineCommand } from './types.js';

const noArgs = (name: string) => (args: readonly ImapValue[]): void => expectCount(args, 0, 0, name);

export const capability = defineCommand({
  name: 'CAPABILITY',
  states: ANY_STATE,
  allowsExpunge: true,
  parse: noArgs('CAPABILITY'),
  async handle(session) {
    await session.sendUntagged([atom('CAPABILITY'), ...session.capabilities().map(atom)]);
  },
});

export const noop = defineCommand({
  name: 'NOOP',
  states: ANY_STATE,
  allowsExpunge: true,
  parse: noArgs('NOOP'),
  async handle() {
    // Pending mailbox changes go out before the tagged reply (the session flushes them).
  },
});

export const logout = defineCommand({
  name: 'LOGOUT',
  states: ANY_STATE,
  allowsExpunge: true,
  parse: noArgs('LOGOUT'),
  async handle(session): Promise<CompletionWithAfter> {
    session.deselect();
    await session.send(Buffer.from('* BYE Logging out\r\n', 'latin1'));
    return {
      status: 'OK',
      text: 'LOGOUT completed',
      after: async () => session.end(null),
    };
  },
});

const ID_FIELDS_MAX = 30;

/** ID (RFC 2971): the client's identification is logged; the server names itself. */
export const id = defineCommand({
  name: 'ID',
  states: ANY_STATE,
  allowsExpunge: true,
  parse(args): Record<string, string | null> | null {
    expectCount(args, 1, 1, 'ID ("name" "value" ...) or ID NIL');
    const arg = args[0] as ImapValue;
    if (arg.type === 'nil') return null;
    if (arg.type !== 'list' || arg.items.length % 2 !== 0 || arg.items.length > ID_FIELDS_MAX * 2) throw bad('ID needs NIL or a list of field/value pairs');
    const out: Record<string, string | null> = {};
    for (let i = 0; i < arg.items.length; i += 2) {
      const key = astring(arg.items[i], 'an ID field name').slice(0, 30);
      const value = arg.items[i + 1];
      out[key] = value?.type === 'nil' ? null : astring(value, 'an ID field value').slice(0, 1024);
    }
    return out;
  },
  async handle(session, fields) {
    if (fields) session.log.info({ clientId: fields }, 'client id');
    await session.sendUntagged([atom('ID'), list([str('name'), str('msgstore'), str('vendor'), str('msgstore')])]);
  },
});

/** ENABLE (RFC 5161): none of the extensions this server offers needs enabling. */
export const enable = defineCommand({
  name: 'ENABLE',
  states: ['authenticated'],
  allowsExpunge: true,
  parse(args): string[] {
    if (args.length === 0) throw bad('ENABLE needs at least one capability');
    return args.map((a) => astring(a, 'a capability name'));
  },
  async handle(session) {
    await session.sendUntagged([atom('ENABLED')]);
  },
});

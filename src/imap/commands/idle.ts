/**
 * IDLE (RFC 2177): changes to the selected mailbox are sent as they happen (the store's notifier
 * wakes the session; nothing polls) until the client sends DONE.
 */
import { bad } from '../session/errors.js';
import { AUTHENTICATED } from '../session/state.js';
import { expectCount } from './args.js';
import { defineCommand } from './types.js';

export const idle = defineCommand({
  name: 'IDLE',
  states: AUTHENTICATED,
  allowsExpunge: true,
  parse: (args) => expectCount(args, 0, 0, 'IDLE'),
  async handle(session) {
    await session.send(Buffer.from('+ idling\r\n', 'latin1'));
    session.idling = true;
    try {
      await session.flushUpdates(true);
      const line = await session.readLine();
      if (line === null) throw bad('Expected DONE');
      if (line.toString('latin1').trim().toUpperCase() !== 'DONE') throw bad('Expected DONE');
    } finally {
      session.idling = false;
    }
  },
});

/** APPEND (RFC 3501 6.3.11) with APPENDUID (RFC 4315). */
import type { ImapValue } from '../protocol/types.js';
import { bad, no } from '../session/errors.js';
import { AUTHENTICATED } from '../session/state.js';
import { dateTime, flagList, mailboxName, stringBytes } from './args.js';
import { destination } from './copy.js';
import { defineCommand } from './types.js';

export const append = defineCommand({
  name: 'APPEND',
  states: AUTHENTICATED,
  allowsExpunge: true,
  parse(args: readonly ImapValue[]) {
    if (args.length < 2 || args.length > 4) throw bad('Syntax: APPEND mailbox [(flags)] [date-time] message-literal');
    const name = mailboxName(args[0]);
    let i = 1;
    let flags: string[] = [];
    let internalDate: Date | undefined;
    if (args[i]?.type === 'list') flags = flagList(args[i++]);
    if (args.length - i === 2) internalDate = dateTime(args[i++]);
    if (i !== args.length - 1) throw bad('Syntax: APPEND mailbox [(flags)] [date-time] message-literal');
    return { name, flags, internalDate, message: stringBytes(args[i], 'the message as a literal') };
  },
  async handle(session, { name, flags, internalDate, message }) {
    if (message.length === 0) throw no('An empty message cannot be appended', 'CANNOT');
    const dest = await destination(session, name);
    const result = await session.store.appendMessage(dest.id, message, { flags, internalDate });
    if (session.state.kind === 'selected' && session.state.view.mailboxId === dest.id) session.state.view.noteAppended([result.uid]);
    return { status: 'OK', code: `APPENDUID ${result.uidValidity} ${result.uid}`, text: 'APPEND completed' };
  },
});

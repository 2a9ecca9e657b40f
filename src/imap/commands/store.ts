/** STORE and UID STORE: FLAGS, +FLAGS, -FLAGS, each optionally .SILENT (RFC 3501 6.4.6). */
import type { FlagOperation } from '../../store/types.js';
import { atom, list, num } from '../protocol/encoder.js';
import { bad, no, type Completion } from '../session/errors.js';
import { SELECTED } from '../session/state.js';
import { atomText, flag, flagList, sequenceSet } from './args.js';
import { resolveTargets } from './messages.js';
import { defineCommand } from './types.js';

const OPERATIONS: Record<string, FlagOperation> = { FLAGS: 'set', '+FLAGS': 'add', '-FLAGS': 'remove' };

export const store = defineCommand({
  name: 'STORE',
  states: SELECTED,
  uid: true,
  allowsExpunge: (uid) => uid,
  parse(args) {
    if (args.length < 3) throw bad('Syntax: STORE sequence-set (+|-)FLAGS[.SILENT] (flags)');
    const item = atomText(args[1], 'FLAGS, +FLAGS or -FLAGS').toUpperCase();
    const silent = item.endsWith('.SILENT');
    const op = OPERATIONS[silent ? item.slice(0, -'.SILENT'.length) : item];
    if (!op) throw bad(`Unknown STORE item ${item}`);
    const rest = args.slice(2);
    const flags = rest.length === 1 && rest[0]?.type === 'list' ? flagList(rest[0]) : [...new Set(rest.map(flag))];
    return { set: sequenceSet(args[0]), op, silent, flags };
  },
  async handle(session, { set, op, silent, flags }, command): Promise<Completion | void> {
    const view = session.view();
    if (view.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
    const { uids } = resolveTargets(view, set, command.uid);
    if (uids.length === 0) return;
    const changes = await session.store.storeFlags(view.mailboxId, uids, op, flags);
    // .SILENT: the client learns nothing of changes by others, so those stay to be reported.
    for (const c of changes) {
      if (silent) view.noteOwnChange(c.uid, c.modseq);
      else view.noteReported(c.uid, c.modseq);
    }
    if (op !== 'remove' && view.learnKeywords(flags)) await session.send(view.flagsResponses());
    if (silent) {
      // The same answer as without .SILENT (RFC 2180 4.2), from what the view already knows.
      if (!command.uid && uids.some((u) => view.isPendingExpunge(u))) return { status: 'NO', code: 'EXPUNGEISSUED', text: 'Some of the messages no longer exist' };
      return;
    }
    const current = await session.store.listMessages(view.mailboxId, uids);
    for (const msg of current) {
      const seq = view.seqOf(msg.uid);
      if (seq === 0) continue;
      const items = [atom('FLAGS'), view.flagList(msg.uid, msg.flags)];
      if (command.uid) items.unshift(atom('UID'), num(msg.uid));
      await session.sendUntagged([num(seq), atom('FETCH'), list(items)]);
      view.noteReported(msg.uid, msg.modseq);
    }
    // UID STORE ignores UIDs that no longer exist (RFC 3501 6.4.8), as UID FETCH does.
    if (current.length < uids.length && !command.uid) return { status: 'NO', code: 'EXPUNGEISSUED', text: 'Some of the messages no longer exist' };
  },
});

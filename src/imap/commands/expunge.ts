/** EXPUNGE and UID EXPUNGE (RFC 4315); the EXPUNGE responses come from the view's flush. */
import { no } from '../session/errors.js';
import { SELECTED } from '../session/state.js';
import { expectCount, sequenceSet } from './args.js';
import { resolveTargets } from './messages.js';
import { defineCommand } from './types.js';

export const expunge = defineCommand({
  name: 'EXPUNGE',
  states: SELECTED,
  uid: true,
  allowsExpunge: true,
  parse(args, command) {
    if (!command.uid) {
      expectCount(args, 0, 0, 'EXPUNGE');
      return null;
    }
    expectCount(args, 1, 1, 'UID EXPUNGE sequence-set');
    return sequenceSet(args[0]);
  },
  async handle(session, set) {
    const view = session.view();
    if (view.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
    if (set === null) {
      view.noteExpunged(await session.store.expunge(view.mailboxId));
      return;
    }
    const { uids } = resolveTargets(view, set, true);
    if (uids.length > 0) view.noteExpunged(await session.store.expunge(view.mailboxId, uids));
  },
});

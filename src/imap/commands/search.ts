/** SEARCH and UID SEARCH: keys parsed and evaluated by src/imap/search over the session's view. */
import { evaluateSearch, parseSearchCommand } from '../search/index.js';
import { asModSeq, type MessageMeta } from '../../store/types.js';
import { atom, num } from '../protocol/encoder.js';
import { SELECTED } from '../session/state.js';
import { defineCommand } from './types.js';

export const search = defineCommand({
  name: 'SEARCH',
  states: SELECTED,
  uid: true,
  allowsExpunge: (uid) => uid,
  parse: (args) => parseSearchCommand(args),
  async handle(session, { key }, command) {
    const view = session.view();
    const stored = new Map((await session.store.listMessages(view.mailboxId)).map((m) => [m.uid as number, m]));
    // Sequence numbers are the view's: a message expunged elsewhere but not yet reported keeps
    // its place (as a placeholder that is never returned).
    const messages: MessageMeta[] = Array.from(view.uidList(), (uid) => {
      const m = stored.get(uid);
      return m ?? { uid: uid as MessageMeta['uid'], modseq: asModSeq(0), flags: ['\\Deleted'], internalDate: new Date(0), size: 0 };
    });
    const found = await evaluateSearch(key, { store: session.store, mailboxId: view.mailboxId, messages, recentUids: view.recent });
    const numbers: number[] = [];
    for (const uid of found) {
      if (!stored.has(uid)) continue;
      numbers.push(command.uid ? uid : view.seqOf(uid));
    }
    await session.sendUntagged([atom('SEARCH'), ...numbers.map(num)]);
  },
});

/**
 * FETCH and UID FETCH. Items are parsed and answered by src/imap/fetch; this file resolves the
 * set, sets \Seen when a body is fetched (not with PEEK, not in a read-only mailbox) and streams
 * the responses with backpressure. Messages expunged by another session but not yet reported
 * are left out and the command ends with NO (RFC 2180 4.1.2).
 */
import { buildFetchResponse, parseFetchItems } from '../fetch/index.js';
import type { MessageDetail, MessageMeta, Uid } from '../../store/types.js';
import type { Completion } from '../session/errors.js';
import { SELECTED } from '../session/state.js';
import { sequenceSet } from './args.js';
import { resolveTargets } from './messages.js';
import { defineCommand } from './types.js';

/** Messages loaded from the store per round trip. */
const BATCH = 128;

export const fetch = defineCommand({
  name: 'FETCH',
  states: SELECTED,
  uid: true,
  allowsExpunge: (uid) => uid,
  parse(args) {
    return { set: sequenceSet(args[0]), request: parseFetchItems(args.slice(1)) };
  },
  async handle(session, { set, request }, command): Promise<Completion | void> {
    const view = session.view();
    const store = session.store;
    const { uids } = resolveTargets(view, set, command.uid);
    if (uids.length === 0) return;
    const seenNow = new Set<number>();
    if (request.setsSeen && !view.readOnly) {
      for (const change of await store.storeFlags(view.mailboxId, uids, 'add', ['\\Seen'])) {
        seenNow.add(change.uid);
        view.noteReported(change.uid, change.modseq);
      }
    }
    let missing = 0;
    for (let i = 0; i < uids.length; i += BATCH) {
      const batch = uids.slice(i, i + BATCH);
      const loaded: (MessageMeta | MessageDetail)[] = request.needsIndex
        ? await store.getMessageDetails(view.mailboxId, batch)
        : await store.listMessages(view.mailboxId, batch);
      const byUid = new Map<number, MessageMeta | MessageDetail>(loaded.map((m) => [m.uid, m]));
      for (const uid of batch) {
        const msg = byUid.get(uid);
        const seq = view.seqOf(uid);
        if (!msg || seq === 0) {
          missing += 1;
          continue;
        }
        const source = { read: (range?: { start: number; end: number }) => store.readMessage(view.mailboxId, uid as Uid, range) };
        const parts = await buildFetchResponse(seq, request, msg, source, {
          uidCommand: command.uid,
          recent: view.recent.has(uid),
          includeFlags: seenNow.has(uid),
        });
        await session.send(parts);
        if (request.hasFlags || seenNow.has(uid)) view.noteReported(uid, msg.modseq);
      }
    }
    if (missing > 0) return { status: 'NO', code: 'EXPUNGEISSUED', text: 'Some of the requested messages no longer exist' };
  },
});

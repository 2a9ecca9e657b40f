/**
 * FETCH and UID FETCH. Items are parsed and answered by src/imap/fetch; this file resolves the
 * set, sets \Seen when a body is fetched (not with PEEK, not in a read-only mailbox) and streams
 * the responses with backpressure. Messages expunged by another session but not yet reported
 * are left out; FETCH then ends with NO (RFC 2180 4.1.2), UID FETCH with OK (RFC 3501 6.4.8).
 */
import { fetchMessages, parseFetchItems } from '../fetch/index.js';
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
    const metas = await store.listMessages(view.mailboxId, uids);
    const targets = metas.map((meta) => ({ seq: view.seqOf(meta.uid), meta })).filter((t) => t.seq > 0);
    let missing = uids.length - targets.length;
    const run = fetchMessages(store, view.mailboxId, request, targets, {
      uidCommand: command.uid,
      recentUids: view.recent,
      flagsChanged: seenNow,
      batchSize: BATCH,
    });
    for (let step = await run.next(); ; step = await run.next()) {
      if (step.done) {
        missing += step.value.missing.length;
        break;
      }
      await session.send(step.value);
      // The client went away: stop reading messages nobody will receive.
      if (session.isClosed) return;
    }
    if (request.hasFlags || seenNow.size > 0) {
      for (const t of targets) if (request.hasFlags || seenNow.has(t.meta.uid)) view.noteReported(t.meta.uid, t.meta.modseq);
    }
    // A UID that no longer exists is ignored without an error (RFC 3501 6.4.8); the EXPUNGE
    // responses that UID FETCH may carry tell the client before the tagged OK.
    if (missing > 0 && !command.uid) return { status: 'NO', code: 'EXPUNGEISSUED', text: 'Some of the requested messages no longer exist' };
  },
});

/** Resolving message sets against the selected view (sequence numbers or UIDs). */
import { resolveSequenceSet, resolveUidSetIndexes, sequenceSetExceeds, type SequenceSet } from '../sequence/index.js';
import { asUid, type Uid } from '../../store/types.js';
import { bad } from '../session/errors.js';
import type { SelectedView } from '../session/view.js';

export interface Targets {
  /** UIDs in ascending order (= ascending sequence numbers). */
  uids: Uid[];
}

/**
 * The messages a set names. A sequence number beyond the mailbox (or "*" in an empty one) is a
 * BAD (RFC 3501 9, seq-number); a UID set simply names the UIDs that exist.
 */
export function resolveTargets(view: SelectedView, set: SequenceSet, uid: boolean): Targets {
  if (uid) {
    const list = view.uidList();
    return { uids: resolveUidSetIndexes(set, list).map((i) => asUid(list[i] as number)) };
  }
  if (sequenceSetExceeds(set, view.count)) throw bad('Invalid message sequence number');
  return { uids: resolveSequenceSet(set, view.count).map((seq) => asUid(view.uidAt(seq) as number)) };
}

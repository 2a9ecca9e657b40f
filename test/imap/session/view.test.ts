import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SelectedView } from '../../../src/imap/session/view.js';
import { asMailboxId, asModSeq, asUid, type MailboxId } from '../../../src/store/types.js';

const ID: MailboxId = asMailboxId(7);

function view(uids: number[], readOnly = false): SelectedView {
  return new SelectedView({ mailboxId: ID, owner: { kind: 'user', address: 'v@example.com' }, name: 'INBOX', uidValidity: 1, readOnly, uids });
}

const text = (bufs: Buffer[]): string[] => bufs.map((b) => b.toString().trimEnd());
const noRecent = { claimRecent: async () => [] as number[] };

describe('selected view', () => {
  test('maps sequence numbers and UIDs both ways', () => {
    const v = view([3, 7, 9, 20]);
    assert.equal(v.count, 4);
    assert.equal(v.uidAt(1), 3);
    assert.equal(v.uidAt(4), 20);
    assert.equal(v.uidAt(5), undefined);
    assert.equal(v.seqOf(9), 3);
    assert.equal(v.seqOf(8), 0);
    assert.equal(v.lastUid, 20);
  });

  test('expunges wait until allowed, then go out highest first with correct numbers', async () => {
    const v = view([1, 2, 3, 4, 5]);
    v.onChange({ kind: 'expunge', mailboxId: ID, uids: [asUid(2), asUid(4)], modseq: asModSeq(9) });
    assert.deepEqual(text(await v.flush(noRecent, false)), []);
    assert.equal(v.count, 5);
    assert.ok(v.isPendingExpunge(2));
    assert.deepEqual(text(await v.flush(noRecent, true)), ['* 4 EXPUNGE', '* 2 EXPUNGE']);
    assert.deepEqual([...v.uidList()], [1, 3, 5]);
  });

  test('new messages: EXISTS and RECENT with the claimed \\Recent; ignored when already known', async () => {
    const v = view([1, 2]);
    v.onChange({ kind: 'append', mailboxId: ID, uids: [asUid(2), asUid(3), asUid(4)], modseq: asModSeq(3) });
    const out = text(await v.flush({ claimRecent: async () => [3, 4] }, false));
    assert.deepEqual(out, ['* 4 EXISTS', '* 2 RECENT']);
    assert.ok(v.recent.has(3));
    assert.deepEqual(text(await v.flush(noRecent, true)), []);
  });

  test('a read-only view claims no \\Recent', async () => {
    const v = view([1], true);
    let claimed = false;
    v.noteAppended([2]);
    const out = text(await v.flush({ claimRecent: async () => ((claimed = true), [2]) }, true));
    assert.deepEqual(out, ['* 2 EXISTS', '* 0 RECENT']);
    assert.equal(claimed, false);
  });

  test('flag changes: newest wins, already-reported ones are not repeated, \\Recent shown', async () => {
    const v = view([1, 2, 3]);
    v.learnKeywords(['$Work']);
    v.recent.add(3);
    v.onChange({ kind: 'flags', mailboxId: ID, changes: [{ uid: asUid(1), modseq: asModSeq(5), flags: ['\\Seen'] }] });
    v.onChange({ kind: 'flags', mailboxId: ID, changes: [{ uid: asUid(1), modseq: asModSeq(4), flags: [] }] });
    v.onChange({ kind: 'flags', mailboxId: ID, changes: [{ uid: asUid(2), modseq: asModSeq(6), flags: ['\\Flagged'] }] });
    v.onChange({ kind: 'flags', mailboxId: ID, changes: [{ uid: asUid(3), modseq: asModSeq(7), flags: ['$Work'] }] });
    v.noteReported(2, 6);
    assert.deepEqual(text(await v.flush(noRecent, false)), ['* 1 FETCH (FLAGS (\\Seen))', '* 3 FETCH (FLAGS ($Work \\Recent))']);
  });

  test('a message appended and expunged before it was reported is never announced', async () => {
    const v = view([1]);
    v.onChange({ kind: 'append', mailboxId: ID, uids: [asUid(2)], modseq: asModSeq(2) });
    v.onChange({ kind: 'expunge', mailboxId: ID, uids: [asUid(2)], modseq: asModSeq(3) });
    assert.deepEqual(text(await v.flush(noRecent, true)), []);
    assert.equal(v.count, 1);
  });

  test('deletion by someone else is noted, by this session ignored', () => {
    const v = view([1]);
    v.deletingSelf = true;
    v.onChange({ kind: 'deleted', mailboxId: ID });
    assert.equal(v.deleted, false);
    v.deletingSelf = false;
    v.onChange({ kind: 'deleted', mailboxId: ID });
    assert.equal(v.deleted, true);
  });

  test('grows past its initial capacity', async () => {
    const v = view([]);
    v.noteAppended(Array.from({ length: 1000 }, (_, i) => i + 1));
    await v.flush(noRecent, true);
    assert.equal(v.count, 1000);
    assert.equal(v.seqOf(777), 777);
  });
});

test('a \\Recent claim for a message not yet in the view is kept until it joins', async () => {
  const v = view([1, 2]);
  v.addRecent([2, 3]);
  assert.deepEqual([...v.recent], [2]);
  v.onChange({ kind: 'append', mailboxId: ID, uids: [asUid(3)], modseq: asModSeq(4) });
  assert.deepEqual(text(await v.flush(noRecent, true)), ['* 3 EXISTS', '* 2 RECENT']);
  assert.ok(v.recent.has(3));
});

test('a keyword new to the mailbox brings a new FLAGS and PERMANENTFLAGS response', async () => {
  const v = view([1]);
  v.learnKeywords(['\\Seen', '$Old']);
  v.onChange({ kind: 'flags', mailboxId: ID, changes: [{ uid: asUid(1), modseq: asModSeq(2), flags: ['$Old', '$New'] }] });
  assert.deepEqual(text(await v.flush(noRecent, true)), [
    '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $New $Old)',
    '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $New $Old \\*)] Flags permitted',
    '* 1 FETCH (FLAGS ($Old $New))',
  ]);
});

test('a rename elsewhere changes only the name the view knows', () => {
  const v = new SelectedView({ mailboxId: ID, owner: { kind: 'shared', address: 's@example.com' }, name: 'shared/s@example.com/A', uidValidity: 1, readOnly: false, uids: [1] });
  v.onChange({ kind: 'renamed', mailboxId: ID, name: 'B/C' });
  assert.equal(v.name, 'shared/s@example.com/B/C');
  assert.equal(v.count, 1);
});

test('an own STORE .SILENT hides only itself: a change by another session before it is still reported', async () => {
  const v = view([1, 2]);
  // Another session removes \Flagged from 1, then this session silently adds \Answered to 1 and 2.
  v.onChange({ kind: 'flags', mailboxId: ID, changes: [{ uid: asUid(1), modseq: asModSeq(5), flags: ['\\Seen'] }] });
  v.onChange({ kind: 'flags', mailboxId: ID, changes: [{ uid: asUid(1), modseq: asModSeq(6), flags: ['\\Seen', '\\Answered'] }, { uid: asUid(2), modseq: asModSeq(6), flags: ['\\Answered'] }] });
  v.noteOwnChange(1, 6);
  v.noteOwnChange(2, 6);
  assert.deepEqual(text(await v.flush(noRecent, true)), ['* 1 FETCH (FLAGS (\\Seen \\Answered))']);
  assert.deepEqual(text(await v.flush(noRecent, true)), []);
});

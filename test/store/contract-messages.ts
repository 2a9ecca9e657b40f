/** Contract: appending, reading, flags, copy, move, expunge, \Recent and notices. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { indexMessage } from '../../src/mime/index.js';
import { asMailboxId, asUid, type Store } from '../../src/store/types.js';
import { addUser, message, recordChanges, rejectsWith, user, withStore, type StoreFactory } from './contract-helpers.js';

const U = 'u@x.org';

async function box(store: Store, name = 'Box') {
  await addUser(store, U);
  return store.createMailbox(user(U), name);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

export function messageContract(makeStore: StoreFactory): void {
  describe('messages', () => {
    test('appendMessage stores the normalised bytes and their index', () =>
      withStore(makeStore, async (store) => {
        const mbx = await box(store);
        const raw = Buffer.from('Subject: Line ends\nFrom: a@b.c\n\nbare LF\nlines\n');
        const date = new Date('2024-02-03T04:05:06.000Z');
        const r = await store.appendMessage(mbx.id, raw, { flags: ['\\Seen', '$Label1', '\\Recent'], internalDate: date });
        const stored = Buffer.from('Subject: Line ends\r\nFrom: a@b.c\r\n\r\nbare LF\r\nlines\r\n');
        assert.equal(r.uid, 1);
        assert.equal(r.uidValidity, mbx.uidValidity);
        assert.equal(r.size, stored.length);
        assert.ok(r.modseq > 0);
        assert.deepEqual(await store.readMessage(mbx.id, r.uid), stored);
        assert.deepEqual(await store.readMessage(mbx.id, r.uid, { start: 9, end: 18 }), Buffer.from('Line ends'));
        assert.deepEqual(await readAll(await store.openMessageStream(mbx.id, r.uid)), stored);
        assert.deepEqual(await readAll(await store.openMessageStream(mbx.id, r.uid, { start: 0, end: 7 })), Buffer.from('Subject'));
        assert.deepEqual(await readAll(await store.openMessageStream(mbx.id, r.uid, { start: 5, end: 5 })), Buffer.alloc(0));
        const [meta] = await store.listMessages(mbx.id);
        assert.deepEqual(meta, { uid: r.uid, modseq: r.modseq, flags: ['\\Seen', '$Label1'], internalDate: date, size: stored.length });
        const [detail] = await store.getMessageDetails(mbx.id, [r.uid]);
        assert.ok(detail);
        assert.equal(detail.index.headers.subject, 'Line ends');
        assert.match(detail.index.envelope, /"Line ends"/);
        assert.match(detail.index.bodyStructure, /^\("TEXT" "PLAIN"/i);
        assert.equal(detail.index.root.body.end, stored.length);
        assert.deepEqual(stored.subarray(detail.index.root.body.start, detail.index.root.body.end), Buffer.from('bare LF\r\nlines\r\n'));
      }));

    test('an index given with the append is kept as it is', () =>
      withStore(makeStore, async (store) => {
        const mbx = await box(store);
        const raw = message({ subject: 'pre-indexed' });
        const index = indexMessage(raw);
        const r = await store.appendMessage(mbx.id, raw, { index });
        const [detail] = await store.getMessageDetails(mbx.id, [r.uid]);
        assert.deepEqual(detail?.index, index);
        assert.deepEqual(await store.readMessage(mbx.id, r.uid), raw);
        assert.deepEqual(await store.searchText(mbx.id, 'subject', 'PRE-INDEXED'), [r.uid]);
      }));

    test('appending to a missing mailbox and reading a missing UID fail', () =>
      withStore(makeStore, async (store) => {
        const mbx = await box(store);
        await rejectsWith(store.appendMessage(asMailboxId(987654), message()), 'MS_MBX_REC_NOT_FOUND');
        await rejectsWith(store.readMessage(mbx.id, asUid(5)), 'MS_MSGSTAT_REC_NOT_FOUND');
        await rejectsWith(store.openMessageStream(mbx.id, asUid(5)), 'MS_MSGSTAT_REC_NOT_FOUND');
        await rejectsWith(store.listMessages(asMailboxId(987654)), 'MS_MBX_REC_NOT_FOUND');
        await rejectsWith(store.getMessageDetails(asMailboxId(987654), [asUid(1)]), 'MS_MBX_REC_NOT_FOUND');
        await rejectsWith(store.storeFlags(asMailboxId(987654), [asUid(1)], 'add', ['\\Seen']), 'MS_MBX_REC_NOT_FOUND');
        await rejectsWith(store.expunge(asMailboxId(987654)), 'MS_MBX_REC_NOT_FOUND');
        await rejectsWith(store.claimRecent(asMailboxId(987654)), 'MS_MBX_REC_NOT_FOUND');
        await rejectsWith(store.copyMessages(mbx.id, [asUid(1)], asMailboxId(987654)), 'MS_MBX_REC_NOT_FOUND');
      }));

    test('concurrent appends get distinct, ascending UIDs and all arrive', () =>
      withStore(makeStore, async (store) => {
        const mbx = await box(store);
        const n = 40;
        const results = await Promise.all(
          Array.from({ length: n }, (_, i) => store.appendMessage(mbx.id, message({ subject: `msg ${i}`, body: `body ${i}\r\n` }))),
        );
        const uids = results.map((r) => r.uid).sort((a, b) => a - b);
        assert.deepEqual(
          uids,
          Array.from({ length: n }, (_, i) => i + 1),
        );
        const listed = await store.listMessages(mbx.id);
        assert.deepEqual(
          listed.map((m) => m.uid),
          uids,
        );
        for (let i = 0; i < n; i++) {
          const r = results[i];
          assert.ok(r);
          assert.match((await store.readMessage(mbx.id, r.uid)).toString(), new RegExp(`body ${i}\\r\\n$`));
        }
        const modseqs = new Set(results.map((r) => r.modseq));
        assert.equal(modseqs.size, n, 'each append has its own MODSEQ');
      }));

    test('UIDs are never reused after expunge; HIGHESTMODSEQ always grows', () =>
      withStore(makeStore, async (store) => {
        const mbx = await box(store);
        const a = await store.appendMessage(mbx.id, message());
        const b = await store.appendMessage(mbx.id, message({ subject: 'b' }));
        await store.storeFlags(mbx.id, [b.uid], 'add', ['\\Deleted']);
        const before = (await store.mailboxStatus(mbx.id)).highestModSeq;
        assert.deepEqual(await store.expunge(mbx.id), [b.uid]);
        const afterExpunge = (await store.mailboxStatus(mbx.id)).highestModSeq;
        assert.ok(afterExpunge > before);
        const c = await store.appendMessage(mbx.id, message({ subject: 'c' }));
        assert.equal(c.uid, b.uid + 1);
        assert.ok(c.modseq > afterExpunge);
        assert.deepEqual(
          (await store.listMessages(mbx.id)).map((m) => m.uid),
          [a.uid, c.uid],
        );
      }));

    test('listMessages and getMessageDetails take a UID subset', () =>
      withStore(makeStore, async (store) => {
        const mbx = await box(store);
        for (let i = 0; i < 5; i++) await store.appendMessage(mbx.id, message({ subject: `s${i}` }));
        assert.deepEqual(
          (await store.listMessages(mbx.id, [asUid(4), asUid(2), asUid(99)])).map((m) => m.uid),
          [2, 4],
        );
        const details = await store.getMessageDetails(mbx.id, [asUid(5), asUid(1)]);
        assert.deepEqual(
          details.map((d) => [d.uid, d.index.headers.subject]),
          [
            [1, 's0'],
            [5, 's4'],
          ],
        );
        assert.deepEqual(await store.listMessages(mbx.id, []), []);
      }));

    test('storeFlags: add, remove, set; only real changes get a new MODSEQ', () =>
      withStore(makeStore, async (store) => {
        const mbx = await box(store);
        const m1 = await store.appendMessage(mbx.id, message());
        const m2 = await store.appendMessage(mbx.id, message({ subject: '2' }), { flags: ['\\Seen'] });
        const seen = recordChanges(store, mbx.id);
        const added = await store.storeFlags(mbx.id, [m1.uid, m2.uid], 'add', ['\\SEEN', 'Work']);
        assert.deepEqual(
          added.map((c) => [c.uid, c.flags]),
          [
            [m1.uid, ['\\Seen', 'Work']],
            [m2.uid, ['\\Seen', 'Work']],
          ],
        );
        assert.ok(added.every((c) => c.modseq > m2.modseq));
        assert.deepEqual(await store.storeFlags(mbx.id, [m1.uid], 'add', ['work', '\\Seen']), [], 'nothing changed');
        const removed = await store.storeFlags(mbx.id, [m1.uid], 'remove', ['WORK']);
        assert.deepEqual(removed[0]?.flags, ['\\Seen']);
        const set = await store.storeFlags(mbx.id, [m2.uid], 'set', ['\\Flagged', '\\Answered', '\\Draft', '\\Deleted', 'x']);
        assert.deepEqual(set[0]?.flags, ['\\Answered', '\\Flagged', '\\Deleted', '\\Draft', 'x']);
        const listed = await store.listMessages(mbx.id);
        assert.deepEqual(
          listed.map((m) => m.flags),
          [['\\Seen'], ['\\Answered', '\\Flagged', '\\Deleted', '\\Draft', 'x']],
        );
        assert.equal(listed[1]?.modseq, set[0]?.modseq);
        assert.equal((await store.mailboxStatus(mbx.id)).highestModSeq, set[0]?.modseq);
        assert.deepEqual(
          seen.changes.map((c) => c.kind),
          ['flags', 'flags', 'flags'],
        );
        seen.stop();
        await store.storeFlags(mbx.id, [m1.uid], 'add', ['\\Flagged']);
        assert.equal(seen.changes.length, 3, 'no notices after unsubscribing');
        assert.deepEqual(await store.storeFlags(mbx.id, [asUid(77)], 'add', ['\\Seen']), []);
      }));

    test('copyMessages keeps flags and dates, shares content, and maps UIDs', () =>
      withStore(makeStore, async (store) => {
        const src = await box(store, 'Src');
        const dst = await store.createMailbox(user(U), 'Dst');
        await store.appendMessage(dst.id, message({ subject: 'already there' }));
        const date = new Date('2020-01-01T00:00:00Z');
        const a = await store.appendMessage(src.id, message({ subject: 'a' }), { flags: ['\\Flagged'], internalDate: date });
        const b = await store.appendMessage(src.id, message({ subject: 'b' }));
        const seen = recordChanges(store, dst.id);
        const result = await store.copyMessages(src.id, [b.uid, a.uid, asUid(50)], dst.id);
        assert.equal(result.uidValidity, dst.uidValidity);
        assert.deepEqual(result.mapping, [
          { from: a.uid, to: asUid(2) },
          { from: b.uid, to: asUid(3) },
        ]);
        const copied = await store.listMessages(dst.id, [asUid(2)]);
        assert.deepEqual(copied[0]?.flags, ['\\Flagged']);
        assert.deepEqual(copied[0]?.internalDate, date);
        assert.deepEqual(await store.readMessage(dst.id, asUid(2)), await store.readMessage(src.id, a.uid));
        assert.equal(seen.changes[0]?.kind, 'append');
        // Both references count towards the quota.
        const usage = await store.quotaUsage(user(U));
        assert.equal(usage.messages, 5);
        // The source stays as it was; the copy lives on after the source goes.
        await store.removeMessages(src.id, [a.uid]);
        assert.match((await store.readMessage(dst.id, asUid(2))).toString(), /Subject: a/);
        assert.deepEqual((await store.copyMessages(src.id, [asUid(99)], dst.id)).mapping, []);
      }));

    test('moveMessages removes from the source in the same step', () =>
      withStore(makeStore, async (store) => {
        const src = await box(store, 'Src');
        const dst = await store.createMailbox(user(U), 'Dst');
        const a = await store.appendMessage(src.id, message({ subject: 'a' }), { flags: ['\\Seen'] });
        const b = await store.appendMessage(src.id, message({ subject: 'b' }));
        const srcSeen = recordChanges(store, src.id);
        const dstSeen = recordChanges(store, dst.id);
        const result = await store.moveMessages(src.id, [a.uid], dst.id);
        assert.deepEqual(result.mapping, [{ from: a.uid, to: asUid(1) }]);
        assert.deepEqual(
          (await store.listMessages(src.id)).map((m) => m.uid),
          [b.uid],
        );
        assert.deepEqual((await store.listMessages(dst.id))[0]?.flags, ['\\Seen']);
        assert.match((await store.readMessage(dst.id, asUid(1))).toString(), /Subject: a/);
        assert.deepEqual(
          srcSeen.changes.map((c) => c.kind),
          ['expunge'],
        );
        assert.deepEqual(
          dstSeen.changes.map((c) => c.kind),
          ['append'],
        );
        assert.deepEqual((await store.moveMessages(src.id, [asUid(42)], dst.id)).mapping, []);
      }));

    test('expunge removes only \\Deleted messages (optionally among given UIDs); removeMessages ignores flags', () =>
      withStore(makeStore, async (store) => {
        const mbx = await box(store);
        const uids = [];
        for (let i = 0; i < 4; i++) uids.push((await store.appendMessage(mbx.id, message({ subject: `m${i}` }))).uid);
        await store.storeFlags(mbx.id, [asUid(1), asUid(2), asUid(3)], 'add', ['\\Deleted']);
        const seen = recordChanges(store, mbx.id);
        assert.deepEqual(await store.expunge(mbx.id, [asUid(2), asUid(4)]), [2]);
        assert.deepEqual(await store.expunge(mbx.id), [1, 3]);
        assert.deepEqual(await store.expunge(mbx.id), []);
        assert.deepEqual(
          seen.changes.map((c) => (c.kind === 'expunge' ? c.uids : c.kind)),
          [[2], [1, 3]],
        );
        assert.deepEqual(await store.removeMessages(mbx.id, [asUid(4), asUid(9)]), [4]);
        assert.deepEqual(await store.listMessages(mbx.id), []);
        assert.deepEqual(uids, [1, 2, 3, 4]);
        assert.equal((await store.mailboxStatus(mbx.id)).size, 0);
      }));

    test('claimRecent hands each new message to one claimant', () =>
      withStore(makeStore, async (store) => {
        const mbx = await box(store);
        await store.appendMessage(mbx.id, message());
        await store.appendMessage(mbx.id, message({ subject: '2' }));
        assert.equal((await store.mailboxStatus(mbx.id)).recent, 2);
        assert.deepEqual(await store.claimRecent(mbx.id), [1, 2]);
        assert.deepEqual(await store.claimRecent(mbx.id), []);
        assert.equal((await store.mailboxStatus(mbx.id)).recent, 0);
        await store.appendMessage(mbx.id, message({ subject: '3' }));
        assert.equal((await store.mailboxStatus(mbx.id)).recent, 1);
        assert.deepEqual(await store.claimRecent(mbx.id), [3]);
      }));

    test('append notices carry the new UIDs and MODSEQ', () =>
      withStore(makeStore, async (store) => {
        const mbx = await box(store);
        const seen = recordChanges(store, mbx.id);
        const r = await store.appendMessage(mbx.id, message());
        assert.deepEqual(seen.changes, [{ kind: 'append', mailboxId: mbx.id, uids: [r.uid], modseq: r.modseq }]);
      }));

    test('a listener that throws does not stop others or the store', () =>
      withStore(makeStore, async (store) => {
        const mbx = await box(store);
        store.notifier.subscribe(mbx.id, () => {
          throw new Error('listener bug');
        });
        const seen = recordChanges(store, mbx.id);
        await store.appendMessage(mbx.id, message());
        assert.equal(seen.changes.length, 1);
      }));
  });
}

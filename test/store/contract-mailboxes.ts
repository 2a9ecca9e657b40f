/** Contract: mailboxes and subscriptions. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { asMailboxId } from '../../src/store/types.js';
import {
  addUser,
  message,
  recordChanges,
  rejectsWith,
  sharedOwner,
  user,
  withStore,
  type StoreFactory,
} from './contract-helpers.js';

const U = 'u@x.org';

export function mailboxContract(makeStore: StoreFactory): void {
  describe('mailboxes', () => {
    test('createMailbox creates missing parents and refuses duplicates', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, U);
        const deep = await store.createMailbox(user(U), 'a/b/c', { specialUse: '\\Archive' });
        assert.equal(deep.name, 'a/b/c');
        assert.equal(deep.specialUse, '\\Archive');
        assert.equal(deep.uidNext, 1);
        assert.ok(deep.uidValidity > 0 && deep.uidValidity <= 0xffffffff);
        assert.deepEqual(deep.owner, { kind: 'user', address: U });
        assert.deepEqual(
          (await store.listMailboxes(user(U))).map((m) => m.name),
          ['INBOX', 'a', 'a/b', 'a/b/c'],
        );
        await rejectsWith(store.createMailbox(user(U), 'a/b'), 'MS_MBX_REC_ALREADY_EXIST');
        await rejectsWith(store.createMailbox(user(U), 'inbox'), 'MS_MBX_REC_ALREADY_EXIST');
        const child = await store.createMailbox(user(U), 'Inbox/Sub');
        assert.equal(child.name, 'INBOX/Sub');
        assert.equal((await store.getMailbox(user(U), 'iNbOx/Sub')).id, child.id);
        // Only the INBOX level is case-insensitive.
        const other = await store.createMailbox(user(U), 'A');
        assert.notEqual(other.id, (await store.getMailbox(user(U), 'a')).id);
      }));

    test('invalid names are refused with MS_INVALID_NAME', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, U);
        const bad = ['', 'a//b', '/a', 'a/', 'a/./b', '..', 'a\u0007b', 'a\u007fb', 'x'.repeat(513), Array(33).fill('l').join('/'), 'shared', 'Shared/x'];
        for (const name of bad) await rejectsWith(store.createMailbox(user(U), name), 'MS_INVALID_NAME');
        assert.deepEqual(
          (await store.listMailboxes(user(U))).map((m) => m.name),
          ['INBOX'],
        );
        // At the limits exactly: fine.
        await store.createMailbox(user(U), 'y'.repeat(512));
        await store.createMailbox(user(U), Array(32).fill('l').join('/'));
      }));

    test('an unknown owner is reported', () =>
      withStore(makeStore, async (store) => {
        await rejectsWith(store.createMailbox(user('ghost@x.org'), 'a'), 'MS_USER_REC_NOT_FOUND');
        await rejectsWith(store.createMailbox(sharedOwner('ghost@x.org'), 'a'), 'MS_SHARED_REC_NOT_FOUND');
        await rejectsWith(store.listMailboxes(user('ghost@x.org')), 'MS_USER_REC_NOT_FOUND');
      }));

    test('lookups: get, find, by id; unknown ones fail', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, U);
        const box = await store.createMailbox(user(U), 'Drafts', { specialUse: '\\Drafts' });
        assert.deepEqual(await store.getMailbox(user('U@X.ORG'), 'Drafts'), box);
        assert.deepEqual(await store.findMailbox(user(U), 'Drafts'), box);
        assert.deepEqual(await store.getMailboxById(box.id), box);
        assert.equal(await store.findMailbox(user(U), 'drafts'), null);
        await rejectsWith(store.getMailbox(user(U), 'Nope'), 'MS_MBX_REC_NOT_FOUND');
        await rejectsWith(store.getMailboxById(asMailboxId(999999)), 'MS_MBX_REC_NOT_FOUND');
        await rejectsWith(store.mailboxStatus(asMailboxId(999999)), 'MS_MBX_REC_NOT_FOUND');
        await store.setSpecialUse(box.id, null);
        assert.equal((await store.getMailboxById(box.id)).specialUse, null);
        await store.setSpecialUse(box.id, '\\Sent');
        assert.equal((await store.getMailboxById(box.id)).specialUse, '\\Sent');
        await rejectsWith(store.setSpecialUse(asMailboxId(999999), '\\Sent'), 'MS_MBX_REC_NOT_FOUND');
        await rejectsWith(store.setSpecialUse(box.id, '\\Bogus' as never), 'MS_INVALID_ARGUMENT');
        await rejectsWith(store.createMailbox(user(U), 'Odd', { specialUse: 'Sent' as never }), 'MS_INVALID_ARGUMENT');
      }));

    test('deleteMailbox removes messages, keeps children, refuses INBOX', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, U);
        const parent = await store.createMailbox(user(U), 'p');
        await store.createMailbox(user(U), 'p/child');
        await store.appendMessage(parent.id, message());
        const seen = recordChanges(store, parent.id);
        await store.deleteMailbox(user(U), 'p');
        assert.deepEqual(seen.changes, [{ kind: 'deleted', mailboxId: parent.id }]);
        assert.deepEqual(
          (await store.listMailboxes(user(U))).map((m) => m.name),
          ['INBOX', 'p/child'],
        );
        assert.equal((await store.quotaUsage(user(U))).messages, 0);
        await rejectsWith(store.deleteMailbox(user(U), 'inbox'), 'MS_CANNOT_DELETE_MBX_REC');
        await rejectsWith(store.deleteMailbox(user(U), 'p'), 'MS_MBX_REC_NOT_FOUND');
        await rejectsWith(store.listMessages(parent.id), 'MS_MBX_REC_NOT_FOUND');
      }));

    test('a mailbox created again under a deleted name gets a new UIDVALIDITY', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, U);
        const seen = new Set<number>();
        for (let i = 0; i < 3; i++) {
          const box = await store.createMailbox(user(U), 'again');
          assert.ok(!seen.has(box.uidValidity), 'UIDVALIDITY repeated');
          seen.add(box.uidValidity);
          await store.deleteMailbox(user(U), 'again');
        }
      }));

    test('renameMailbox moves children along and keeps ids', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, U);
        const a = await store.createMailbox(user(U), 'a');
        const ab = await store.createMailbox(user(U), 'a/b');
        await store.appendMessage(ab.id, message());
        await store.subscribe(U, 'a/b');
        const seen = recordChanges(store, ab.id);
        await store.renameMailbox(user(U), 'a', 'x/y');
        assert.deepEqual(
          (await store.listMailboxes(user(U))).map((m) => m.name),
          ['INBOX', 'x', 'x/y', 'x/y/b'],
        );
        assert.equal((await store.getMailboxById(a.id)).name, 'x/y');
        const moved = await store.getMailboxById(ab.id);
        assert.equal(moved.name, 'x/y/b');
        assert.equal(moved.uidValidity, ab.uidValidity);
        assert.equal((await store.listMessages(ab.id)).length, 1);
        assert.deepEqual(seen.changes, [{ kind: 'renamed', mailboxId: ab.id, name: 'x/y/b' }]);
        assert.deepEqual(await store.listSubscriptions(U), ['x/y/b']);
      }));

    test('renameMailbox refusals', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, U);
        await store.createMailbox(user(U), 'a/b');
        await store.createMailbox(user(U), 'c');
        await store.createMailbox(user(U), 'd/b');
        await rejectsWith(store.renameMailbox(user(U), 'a', 'c'), 'MS_MBX_REC_ALREADY_EXIST');
        await rejectsWith(store.renameMailbox(user(U), 'nope', 'z'), 'MS_MBX_REC_NOT_FOUND');
        await rejectsWith(store.renameMailbox(user(U), 'a', 'a/b/c'), 'MS_INVALID_NAME');
        await rejectsWith(store.renameMailbox(user(U), 'a', 'bad//name'), 'MS_INVALID_NAME');
        await rejectsWith(store.renameMailbox(user(U), 'c', 'INBOX'), 'MS_MBX_REC_ALREADY_EXIST');
        // A child would land on an existing name: nothing changes.
        await store.deleteMailbox(user(U), 'd/b');
        await store.createMailbox(user(U), 'e/b');
        await store.deleteMailbox(user(U), 'e');
        await rejectsWith(store.renameMailbox(user(U), 'a', 'e'), 'MS_MBX_REC_ALREADY_EXIST');
        assert.deepEqual(
          (await store.listMailboxes(user(U))).map((m) => m.name),
          ['INBOX', 'a', 'a/b', 'c', 'd', 'e/b'],
        );
      }));

    test('renaming INBOX moves its messages to a new mailbox and leaves INBOX empty', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, U);
        const inbox = await store.getMailbox(user(U), 'INBOX');
        await store.createMailbox(user(U), 'INBOX/kid');
        await store.appendMessage(inbox.id, message({ subject: 'one' }), { flags: ['\\Seen'] });
        await store.appendMessage(inbox.id, message({ subject: 'two' }));
        const seen = recordChanges(store, inbox.id);
        await store.renameMailbox(user(U), 'inbox', 'Old/Inbox');
        const old = await store.getMailbox(user(U), 'Old/Inbox');
        assert.notEqual(old.id, inbox.id);
        const moved = await store.listMessages(old.id);
        assert.deepEqual(
          moved.map((m) => m.flags),
          [['\\Seen'], []],
        );
        assert.equal((await store.listMessages(inbox.id)).length, 0);
        const after = await store.getMailbox(user(U), 'INBOX');
        assert.equal(after.id, inbox.id);
        assert.equal(after.uidNext, 3, 'UIDs of INBOX are not reused');
        assert.ok((await store.findMailbox(user(U), 'INBOX/kid')) !== null, 'children of INBOX stay');
        assert.equal(seen.changes.length, 1);
        assert.equal(seen.changes[0]?.kind, 'expunge');
      }));

    test('mailboxStatus counts messages, unseen, recent and size', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, U);
        const box = await store.createMailbox(user(U), 'S');
        const empty = await store.mailboxStatus(box.id);
        assert.deepEqual(
          { messages: empty.messages, unseen: empty.unseen, recent: empty.recent, size: empty.size },
          { messages: 0, unseen: 0, recent: 0, size: 0 },
        );
        const r1 = await store.appendMessage(box.id, message({ subject: 'a' }), { flags: ['\\Seen'] });
        const r2 = await store.appendMessage(box.id, message({ subject: 'bb' }));
        const status = await store.mailboxStatus(box.id);
        assert.equal(status.messages, 2);
        assert.equal(status.unseen, 1);
        assert.equal(status.recent, 2);
        assert.equal(status.size, r1.size + r2.size);
        assert.equal(status.uidNext, 3);
        assert.equal(status.uidValidity, box.uidValidity);
        assert.ok(status.highestModSeq >= r2.modseq);
      }));

    test('shared mailboxes have their own tree', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, U);
        await store.addShared({ address: 'team@x.org', members: [U] });
        const box = await store.createMailbox(sharedOwner('team@x.org'), 'Projects/2024');
        assert.deepEqual(box.owner, { kind: 'shared', address: 'team@x.org' });
        assert.deepEqual(
          (await store.listMailboxes(sharedOwner('TEAM@x.org'))).map((m) => m.name),
          ['INBOX', 'Projects', 'Projects/2024'],
        );
        assert.equal(await store.findMailbox(user(U), 'Projects'), null);
      }));
  });

  describe('subscriptions', () => {
    test('subscribe, list (sorted, INBOX normalised), unsubscribe', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, U);
        await store.subscribe(U, 'zeta');
        await store.subscribe(U, 'inbox/x');
        await store.subscribe(U, 'shared/team@x.org/Projects');
        await store.subscribe(U, 'zeta');
        assert.deepEqual(await store.listSubscriptions('U@x.org'), ['INBOX/x', 'shared/team@x.org/Projects', 'zeta']);
        await store.unsubscribe(U, 'zeta');
        await store.unsubscribe(U, 'never-subscribed');
        assert.deepEqual(await store.listSubscriptions(U), ['INBOX/x', 'shared/team@x.org/Projects']);
        await rejectsWith(store.subscribe(U, 'a//b'), 'MS_INVALID_NAME');
        await rejectsWith(store.subscribe('ghost@x.org', 'a'), 'MS_USER_REC_NOT_FOUND');
        await rejectsWith(store.listSubscriptions('ghost@x.org'), 'MS_USER_REC_NOT_FOUND');
      }));
  });
}

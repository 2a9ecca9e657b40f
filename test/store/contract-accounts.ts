/** Contract: users and shared mailboxes. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addUser, message, rejectsWith, sharedOwner, user, withStore, type StoreFactory } from './contract-helpers.js';

export function accountContract(makeStore: StoreFactory): void {
  describe('users', () => {
    test('addUser stores a lower-case address, defaults, and only an INBOX', () =>
      withStore(makeStore, async (store) => {
        const rec = await store.addUser({ address: 'Alice@Example.ORG', passwordHash: 'h1' });
        assert.equal(rec.address, 'alice@example.org');
        assert.equal(rec.firstName, '');
        assert.equal(rec.lastName, '');
        assert.equal(rec.passwordHash, 'h1');
        assert.equal(rec.home, null);
        assert.equal(rec.quotaBytes, null);
        assert.equal(rec.disabled, false);
        assert.equal(rec.apopSecret, null);
        assert.deepEqual(rec.shared, []);
        assert.ok(rec.createdAt instanceof Date && !Number.isNaN(rec.createdAt.getTime()));
        const boxes = await store.listMailboxes(user('ALICE@example.org'));
        assert.deepEqual(
          boxes.map((b) => b.name),
          ['INBOX'],
        );
        assert.equal((await store.getUser('ALICE@EXAMPLE.ORG')).address, 'alice@example.org');
      }));

    test('duplicate and colliding addresses are refused', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, 'a@x.org');
        await rejectsWith(addUser(store, 'A@X.ORG'), 'MS_USER_REC_ALREADY_EXIST');
        await store.addShared({ address: 'team@x.org', members: ['a@x.org'] });
        await rejectsWith(addUser(store, 'Team@x.org'), 'MS_USER_REC_ALREADY_EXIST');
        await rejectsWith(store.addShared({ address: 'A@x.org', members: ['a@x.org'] }), 'MS_SHARED_REC_ALREADY_EXIST');
        await rejectsWith(store.addShared({ address: 'team@X.org', members: ['a@x.org'] }), 'MS_SHARED_REC_ALREADY_EXIST');
      }));

    test('invalid addresses and quotas are refused', () =>
      withStore(makeStore, async (store) => {
        await rejectsWith(addUser(store, ''), 'MS_INVALID_NAME');
        await rejectsWith(addUser(store, 'a b@x.org'), 'MS_INVALID_NAME');
        await rejectsWith(addUser(store, 'a/b@x.org'), 'MS_INVALID_NAME');
        await rejectsWith(addUser(store, 'a\u0001@x.org'), 'MS_INVALID_NAME');
        await rejectsWith(addUser(store, 'q@x.org', { quotaBytes: -1 }), 'MS_INVALID_ARGUMENT');
        assert.equal((await store.listUsers()).total, 0);
      }));

    test('getUser, findUser and updateUser', () =>
      withStore(makeStore, async (store) => {
        await rejectsWith(store.getUser('nobody@x.org'), 'MS_USER_REC_NOT_FOUND');
        assert.equal(await store.findUser('nobody@x.org'), null);
        await rejectsWith(store.updateUser('nobody@x.org', { firstName: 'X' }), 'MS_USER_REC_NOT_FOUND');
        await addUser(store, 'u@x.org');
        const updated = await store.updateUser('U@x.org', {
          firstName: 'Ursula',
          lastName: 'Le',
          passwordHash: 'h2',
          home: '/srv/mail/u',
          quotaBytes: 1000,
          disabled: true,
          apopSecret: 'secret',
        });
        assert.equal(updated.firstName, 'Ursula');
        assert.equal(updated.lastName, 'Le');
        assert.equal(updated.passwordHash, 'h2');
        assert.equal(updated.home, '/srv/mail/u');
        assert.equal(updated.quotaBytes, 1000);
        assert.equal(updated.disabled, true);
        assert.equal(updated.apopSecret, 'secret');
        const cleared = await store.updateUser('u@x.org', { home: null, quotaBytes: null, apopSecret: null, disabled: false });
        assert.equal(cleared.home, null);
        assert.equal(cleared.quotaBytes, null);
        assert.equal(cleared.apopSecret, null);
        assert.equal(cleared.disabled, false);
        assert.equal(cleared.firstName, 'Ursula');
        assert.deepEqual(await store.findUser('U@X.ORG'), cleared);
      }));

    test('listUsers searches, pages and counts', () =>
      withStore(makeStore, async (store) => {
        for (const a of ['carol@x.org', 'alice@x.org', 'bob@y.org', 'dave@x.org']) await addUser(store, a);
        await store.updateUser('dave@x.org', { firstName: 'Zebulon' });
        const all = await store.listUsers();
        assert.equal(all.total, 4);
        assert.deepEqual(
          all.users.map((u) => u.address),
          ['alice@x.org', 'bob@y.org', 'carol@x.org', 'dave@x.org'],
        );
        const page = await store.listUsers({ offset: 1, limit: 2 });
        assert.equal(page.total, 4);
        assert.deepEqual(
          page.users.map((u) => u.address),
          ['bob@y.org', 'carol@x.org'],
        );
        const xs = await store.listUsers({ search: '@X.org' });
        assert.equal(xs.total, 3);
        const byName = await store.listUsers({ search: 'zebu' });
        assert.deepEqual(
          byName.users.map((u) => u.address),
          ['dave@x.org'],
        );
      }));

    test('removeUser removes mailboxes, messages, subscriptions, filter and memberships', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, 'gone@x.org');
        await addUser(store, 'stay@x.org');
        await store.addShared({ address: 'team@x.org', members: ['gone@x.org', 'stay@x.org'] });
        const box = await store.createMailbox(user('gone@x.org'), 'Work');
        await store.appendMessage(box.id, message());
        await store.subscribe('gone@x.org', 'Work');
        await store.setFilterFile('gone@x.org', 'if true then keep');
        await store.removeUser('GONE@x.org');
        await rejectsWith(store.getUser('gone@x.org'), 'MS_USER_REC_NOT_FOUND');
        await rejectsWith(store.getMailboxById(box.id), 'MS_MBX_REC_NOT_FOUND');
        assert.deepEqual((await store.getShared('team@x.org')).members, ['stay@x.org']);
        await rejectsWith(store.removeUser('gone@x.org'), 'MS_USER_REC_NOT_FOUND');
        // The address is free again, with nothing left over from before.
        await addUser(store, 'gone@x.org');
        assert.deepEqual(await store.listSubscriptions('gone@x.org'), []);
        assert.equal(await store.getFilterFile('gone@x.org'), null);
        assert.deepEqual(
          (await store.listMailboxes(user('gone@x.org'))).map((b) => b.name),
          ['INBOX'],
        );
        assert.deepEqual((await store.getUser('gone@x.org')).shared, []);
      }));

    test('removing the only member of a shared mailbox is refused', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, 'solo@x.org');
        await store.addShared({ address: 'desk@x.org', members: ['solo@x.org'] });
        await rejectsWith(store.removeUser('solo@x.org'), 'MS_CANNOT_DELETE_USER_REC');
        assert.equal((await store.getUser('solo@x.org')).address, 'solo@x.org');
      }));
  });

  describe('shared mailboxes', () => {
    test('addShared creates an INBOX and lists members; users list memberships', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, 'b@x.org');
        await addUser(store, 'a@x.org');
        const rec = await store.addShared({
          address: 'Sales@X.org',
          displayName: 'Sales',
          home: '/srv/shared/sales',
          members: ['b@x.org', 'A@x.org', 'a@x.org'],
        });
        assert.equal(rec.address, 'sales@x.org');
        assert.equal(rec.displayName, 'Sales');
        assert.equal(rec.home, '/srv/shared/sales');
        assert.deepEqual(rec.members, ['a@x.org', 'b@x.org']);
        assert.ok(rec.createdAt instanceof Date);
        assert.deepEqual(
          (await store.listMailboxes(sharedOwner('sales@x.org'))).map((m) => m.name),
          ['INBOX'],
        );
        assert.deepEqual((await store.getUser('a@x.org')).shared, ['sales@x.org']);
        assert.deepEqual(await store.findShared('SALES@x.org'), rec);
        assert.equal(await store.findShared('none@x.org'), null);
        await rejectsWith(store.getShared('none@x.org'), 'MS_SHARED_REC_NOT_FOUND');
      }));

    test('members are required and must exist', () =>
      withStore(makeStore, async (store) => {
        await rejectsWith(store.addShared({ address: 's@x.org', members: [] }), 'MS_CANNOT_ADD_SHARED_REC');
        await rejectsWith(store.addShared({ address: 's@x.org', members: ['ghost@x.org'] }), 'MS_USER_REC_NOT_FOUND');
        assert.deepEqual(await store.listShared(), []);
      }));

    test('members are added and removed; the last one stays', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, 'a@x.org');
        await addUser(store, 'b@x.org');
        await store.addShared({ address: 's@x.org', members: ['a@x.org'] });
        assert.deepEqual((await store.addSharedMember('s@x.org', 'B@x.org')).members, ['a@x.org', 'b@x.org']);
        assert.deepEqual((await store.addSharedMember('s@x.org', 'b@x.org')).members, ['a@x.org', 'b@x.org']);
        await rejectsWith(store.addSharedMember('s@x.org', 'ghost@x.org'), 'MS_USER_REC_NOT_FOUND');
        await rejectsWith(store.addSharedMember('none@x.org', 'a@x.org'), 'MS_SHARED_REC_NOT_FOUND');
        assert.deepEqual((await store.removeSharedMember('s@x.org', 'a@x.org')).members, ['b@x.org']);
        await rejectsWith(store.removeSharedMember('s@x.org', 'a@x.org'), 'MS_USER_REC_NOT_FOUND');
        await rejectsWith(store.removeSharedMember('s@x.org', 'b@x.org'), 'MS_CANNOT_UPDATE_SHARED_REC');
        await rejectsWith(store.removeSharedMember('none@x.org', 'b@x.org'), 'MS_SHARED_REC_NOT_FOUND');
        assert.deepEqual((await store.getShared('s@x.org')).members, ['b@x.org']);
      }));

    test('updateShared, listShared and removeShared', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, 'a@x.org');
        await store.addShared({ address: 'z@x.org', members: ['a@x.org'] });
        await store.addShared({ address: 'm@x.org', members: ['a@x.org'] });
        const updated = await store.updateShared('z@x.org', { displayName: 'Zed', home: '/srv/z' });
        assert.equal(updated.displayName, 'Zed');
        assert.equal(updated.home, '/srv/z');
        assert.equal((await store.updateShared('z@x.org', { home: null })).home, null);
        await rejectsWith(store.updateShared('none@x.org', { displayName: 'N' }), 'MS_SHARED_REC_NOT_FOUND');
        assert.deepEqual(
          (await store.listShared()).map((s) => s.address),
          ['m@x.org', 'z@x.org'],
        );
        const inbox = await store.getMailbox(sharedOwner('z@x.org'), 'INBOX');
        await store.appendMessage(inbox.id, message());
        await store.subscribe('a@x.org', 'shared/z@x.org');
        await store.removeShared('z@x.org');
        await rejectsWith(store.getShared('z@x.org'), 'MS_SHARED_REC_NOT_FOUND');
        await rejectsWith(store.getMailboxById(inbox.id), 'MS_MBX_REC_NOT_FOUND');
        await rejectsWith(store.removeShared('z@x.org'), 'MS_SHARED_REC_NOT_FOUND');
        assert.deepEqual((await store.getUser('a@x.org')).shared, ['m@x.org']);
        assert.deepEqual(await store.listSubscriptions('a@x.org'), []);
        await rejectsWith(store.listMailboxes(sharedOwner('z@x.org')), 'MS_SHARED_REC_NOT_FOUND');
      }));
  });
}

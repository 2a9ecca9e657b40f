/** Contract: text search, quota, filter files, vacation memory, outbound queue, settings, close. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { asMailboxId, asUid, type Store } from '../../src/store/types.js';
import { addUser, message, rejectsWith, sharedOwner, user, withStore, type StoreFactory } from './contract-helpers.js';

const U = 'u@x.org';

async function searchBox(store: Store) {
  await addUser(store, U);
  const mbx = await store.createMailbox(user(U), 'Search');
  await store.appendMessage(
    mbx.id,
    message({
      subject: '=?UTF-8?Q?=C3=84rger_im_B=C3=BCro?=',
      from: '"Zoë Adams" <zoe@example.net>',
      to: 'team@example.org',
      cc: 'carbon@example.com',
      body: 'The quarterly NUMBERS are in.\r\nab\r\n',
    }),
  );
  await store.appendMessage(
    mbx.id,
    message({
      subject: 'Lunch plans',
      from: 'bob@example.org',
      to: 'alice@example.org',
      bcc: 'hidden@example.com',
      body: 'Pizza or sushi? Straße\r\n',
    }),
  );
  await store.appendMessage(
    mbx.id,
    Buffer.from(
      'From: x@example.org\r\nSubject: html\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=BB\r\n\r\n' +
        '--BB\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 cr=E8me\r\n' +
        '--BB--\r\n',
    ),
  );
  return mbx;
}

export function miscContract(makeStore: StoreFactory): void {
  describe('searchText', () => {
    test('header fields: decoded, case-insensitive substrings', () =>
      withStore(makeStore, async (store) => {
        const mbx = await searchBox(store);
        assert.deepEqual(await store.searchText(mbx.id, 'subject', 'ärger'), [1]);
        assert.deepEqual(await store.searchText(mbx.id, 'subject', 'BÜRO'), [1]);
        assert.deepEqual(await store.searchText(mbx.id, 'subject', 'lunch'), [2]);
        assert.deepEqual(await store.searchText(mbx.id, 'from', 'zoË'), [1]);
        assert.deepEqual(await store.searchText(mbx.id, 'from', 'example.org'), [2, 3]);
        assert.deepEqual(await store.searchText(mbx.id, 'to', 'TEAM@'), [1]);
        assert.deepEqual(await store.searchText(mbx.id, 'cc', 'carbon'), [1]);
        assert.deepEqual(await store.searchText(mbx.id, 'bcc', 'hidden'), [2]);
        assert.deepEqual(await store.searchText(mbx.id, 'subject', 'nothing like this'), []);
        assert.deepEqual(await store.searchText(mbx.id, 'subject', ''), [1, 2, 3]);
      }));

    test('body and text: decoded content, long and short needles', () =>
      withStore(makeStore, async (store) => {
        const mbx = await searchBox(store);
        assert.deepEqual(await store.searchText(mbx.id, 'body', 'numbers are'), [1]);
        assert.deepEqual(await store.searchText(mbx.id, 'body', 'QUARTERLY'), [1]);
        assert.deepEqual(await store.searchText(mbx.id, 'body', 'STRASSE'), []);
        assert.deepEqual(await store.searchText(mbx.id, 'body', 'straße'), [2]);
        assert.deepEqual(await store.searchText(mbx.id, 'body', 'café crème'), [3]);
        assert.deepEqual(await store.searchText(mbx.id, 'body', 'CRÈ'), [3]);
        // Short needles (below the trigram size) scan the stored text.
        assert.deepEqual(await store.searchText(mbx.id, 'body', 'AB'), [1]);
        assert.deepEqual(await store.searchText(mbx.id, 'body', 'é'), [3]);
        // Subject words are in TEXT but not in BODY.
        assert.deepEqual(await store.searchText(mbx.id, 'body', 'lunch'), []);
        assert.deepEqual(await store.searchText(mbx.id, 'text', 'lunch'), [2]);
        assert.deepEqual(await store.searchText(mbx.id, 'text', 'Zoë'), [1]);
        assert.deepEqual(await store.searchText(mbx.id, 'text', 'sushi'), [2]);
        assert.deepEqual(await store.searchText(mbx.id, 'text', 'NC'), [2]);
        assert.deepEqual(await store.searchText(mbx.id, 'text', 'with "quotes" inside'), []);
        assert.deepEqual(await store.searchText(mbx.id, 'body', 'in', [asUid(2), asUid(3)]), []);
        assert.deepEqual(await store.searchText(mbx.id, 'text', 'example', [asUid(3), asUid(1)]), [1, 3]);
      }));

    test('search follows copies and expunges', () =>
      withStore(makeStore, async (store) => {
        const mbx = await searchBox(store);
        const other = await store.createMailbox(user(U), 'Other');
        await store.copyMessages(mbx.id, [asUid(2)], other.id);
        assert.deepEqual(await store.searchText(other.id, 'body', 'sushi'), [1]);
        await store.removeMessages(mbx.id, [asUid(2)]);
        assert.deepEqual(await store.searchText(mbx.id, 'body', 'sushi'), []);
        assert.deepEqual(await store.searchText(other.id, 'body', 'sushi'), [1]);
      }));
  });

  describe('quota', () => {
    test('appends and copies beyond the owner quota are refused', () =>
      withStore(makeStore, async (store) => {
        const raw = message({ body: 'x'.repeat(500) + '\r\n' });
        await addUser(store, U, { quotaBytes: raw.length * 2 + 10 });
        const inbox = await store.getMailbox(user(U), 'INBOX');
        const other = await store.createMailbox(user(U), 'Other');
        await store.appendMessage(inbox.id, raw);
        await store.appendMessage(inbox.id, raw);
        await rejectsWith(store.appendMessage(inbox.id, raw), 'MS_OVER_QUOTA');
        await rejectsWith(store.copyMessages(inbox.id, [asUid(1)], other.id), 'MS_OVER_QUOTA');
        const usage = await store.quotaUsage(user(U));
        assert.deepEqual(usage, { bytes: raw.length * 2, messages: 2, limitBytes: raw.length * 2 + 10 });
        // Moving within the owner's tree does not change usage.
        await store.moveMessages(inbox.id, [asUid(1)], other.id);
        assert.equal((await store.quotaUsage(user(U))).bytes, raw.length * 2);
        await store.removeMessages(inbox.id, [asUid(2)]);
        await store.appendMessage(inbox.id, raw);
        await store.updateUser(U, { quotaBytes: null });
        await store.appendMessage(inbox.id, raw);
        assert.equal((await store.quotaUsage(user(U))).limitBytes, null);
        await rejectsWith(store.quotaUsage(user('ghost@x.org')), 'MS_USER_REC_NOT_FOUND');
      }));

    test('shared mailboxes are unlimited', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, U, { quotaBytes: 10 });
        await store.addShared({ address: 's@x.org', members: [U] });
        const inbox = await store.getMailbox(sharedOwner('s@x.org'), 'INBOX');
        const r = await store.appendMessage(inbox.id, message());
        assert.deepEqual(await store.quotaUsage(sharedOwner('s@x.org')), { bytes: r.size, messages: 1, limitBytes: null });
        assert.equal((await store.quotaUsage(user(U))).bytes, 0);
      }));
  });

  describe('filter files and vacation memory', () => {
    test('set, get, replace and delete a filter file', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, U);
        assert.equal(await store.getFilterFile(U), null);
        const first = await store.setFilterFile(U, 'rule 1');
        assert.equal(first.text, 'rule 1');
        const second = await store.setFilterFile('U@X.org', 'rule 2');
        assert.notEqual(second.version, first.version);
        const got = await store.getFilterFile(U);
        assert.equal(got?.text, 'rule 2');
        assert.equal(got?.version, second.version);
        assert.ok(got?.updatedAt instanceof Date);
        await store.deleteFilterFile(U);
        assert.equal(await store.getFilterFile(U), null);
        await rejectsWith(store.deleteFilterFile(U), 'MS_NO_FILTERFILE');
        const third = await store.setFilterFile(U, 'rule 1');
        assert.ok(third.version !== first.version && third.version !== second.version);
        await rejectsWith(store.getFilterFile('ghost@x.org'), 'MS_USER_REC_NOT_FOUND');
        await rejectsWith(store.setFilterFile('ghost@x.org', 'x'), 'MS_USER_REC_NOT_FOUND');
      }));

    test('recordVacationReply answers once per sender per period', () =>
      withStore(makeStore, async (store) => {
        await addUser(store, U);
        const t0 = new Date('2024-05-01T10:00:00Z');
        const day = 24 * 3600 * 1000;
        assert.equal(await store.recordVacationReply(U, 'Friend@x.org', t0, 7), true);
        assert.equal(await store.recordVacationReply(U, 'friend@X.ORG', new Date(t0.getTime() + 6 * day), 7), false);
        assert.equal(await store.recordVacationReply(U, 'other@x.org', new Date(t0.getTime() + day), 7), true);
        assert.equal(await store.recordVacationReply(U, 'friend@x.org', new Date(t0.getTime() + 7 * day), 7), true);
        assert.equal(await store.recordVacationReply(U, 'friend@x.org', new Date(t0.getTime() + 8 * day), 7), false);
        await rejectsWith(store.recordVacationReply('ghost@x.org', 'a@b', t0, 7), 'MS_USER_REC_NOT_FOUND');
      }));
  });

  describe('outbound queue', () => {
    test('enqueue, due, retry, give up, complete, stats', () =>
      withStore(makeStore, async (store) => {
        assert.deepEqual(await store.outboundStats(), { depth: 0, oldest: null });
        const raw = Buffer.from('Subject: fwd\r\n\r\nbinary \u0000 ok\r\n');
        const a = await store.enqueueOutbound({ kind: 'forward', from: 'u@x.org', to: ['far@y.org', 'b@y.org'], raw });
        const b = await store.enqueueOutbound({ kind: 'vacation', from: '', to: ['sender@z.org'], raw: Buffer.from('v') });
        const due = await store.dueOutbound(new Date(Date.now() + 1000), 10);
        assert.deepEqual(
          due.map((m) => m.id),
          [a, b],
        );
        const first = due[0];
        assert.ok(first);
        assert.equal(first.kind, 'forward');
        assert.equal(first.from, 'u@x.org');
        assert.deepEqual(first.to, ['far@y.org', 'b@y.org']);
        assert.deepEqual(first.raw, raw);
        assert.equal(first.attempts, 0);
        assert.equal(first.lastError, null);
        assert.equal(due[1]?.from, '');
        const retryAt = new Date(Date.now() + 60_000);
        await store.failOutbound(a, '451 try later', retryAt);
        const now = await store.dueOutbound(new Date(Date.now() + 1000), 10);
        assert.deepEqual(
          now.map((m) => m.id),
          [b],
        );
        const later = await store.dueOutbound(new Date(retryAt.getTime() + 1), 1);
        assert.equal(later.length, 1);
        const retried = (await store.dueOutbound(new Date(retryAt.getTime() + 1), 10)).find((m) => m.id === a);
        assert.equal(retried?.attempts, 1);
        assert.equal(retried?.lastError, '451 try later');
        assert.equal(retried?.nextAttemptAt.getTime(), retryAt.getTime());
        const stats = await store.outboundStats();
        assert.equal(stats.depth, 2);
        assert.ok(stats.oldest instanceof Date);
        await store.failOutbound(a, '550 no such user', null);
        await store.completeOutbound(b);
        assert.deepEqual(await store.outboundStats(), { depth: 0, oldest: null });
        await rejectsWith(store.completeOutbound(b), 'MS_MSGSTAT_REC_NOT_FOUND');
        await rejectsWith(store.failOutbound(a, 'x', null), 'MS_MSGSTAT_REC_NOT_FOUND');
        await rejectsWith(store.enqueueOutbound({ kind: 'forward', from: 'a', to: [], raw }), 'MS_INVALID_ARGUMENT');
      }));
  });

  describe('settings and close', () => {
    test('settings are set, replaced and cleared', () =>
      withStore(makeStore, async (store) => {
        assert.equal(await store.getSetting('admin.token'), null);
        await store.setSetting('admin.token', 'abc');
        await store.setSetting('admin.token', 'def');
        assert.equal(await store.getSetting('admin.token'), 'def');
        await store.setSetting('admin.token', null);
        assert.equal(await store.getSetting('admin.token'), null);
      }));

    test('a closed store refuses work with MS_STORE_CLOSED', async () => {
      const { store, cleanup } = await makeStore();
      try {
        await addUser(store, U);
        await store.close();
        await rejectsWith(store.getUser(U), 'MS_STORE_CLOSED');
        await rejectsWith(store.addUser({ address: 'v@x.org', passwordHash: 'h' }), 'MS_STORE_CLOSED');
        await rejectsWith(store.appendMessage(asMailboxId(1), message()), 'MS_STORE_CLOSED');
      } finally {
        await cleanup();
      }
    });
  });
}

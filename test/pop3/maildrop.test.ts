import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Maildrop, uidlFor } from '../../src/pop3/maildrop.js';
import { MaildropLocks } from '../../src/pop3/locks.js';
import { asMailboxId, asModSeq, asUid, type MessageMeta } from '../../src/store/types.js';

const meta = (uid: number, size: number): MessageMeta => ({
  uid: asUid(uid),
  modseq: asModSeq(1),
  flags: [],
  internalDate: new Date(0),
  size,
});

describe('Maildrop', () => {
  test('numbers are fixed, deletions are marks until reset', () => {
    const drop = new Maildrop(asMailboxId(1), 77, [meta(3, 100), meta(9, 50), meta(10, 7)]);
    assert.equal(drop.count, 3);
    assert.equal(drop.size, 157);
    drop.markDeleted(2);
    assert.equal(drop.count, 2);
    assert.equal(drop.size, 107);
    assert.deepEqual(drop.lookup(2), { ok: false, reason: 'deleted' });
    assert.deepEqual(drop.lookup(4), { ok: false, reason: 'no-such-message' });
    const third = drop.lookup(3);
    assert.ok(third.ok);
    assert.equal(third.message.number, 3);
    assert.equal(third.message.uid, 10);
    assert.deepEqual([...drop.live()].map((m) => m.number), [1, 3]);
    assert.deepEqual(drop.deletedUids(), [9]);
    drop.resetDeletions();
    assert.equal(drop.count, 3);
    assert.deepEqual(drop.deletedUids(), []);
  });

  test('UIDL values come from UIDVALIDITY and UID', () => {
    assert.equal(uidlFor(1, asUid(1)), '1.1');
    assert.notEqual(uidlFor(2, asUid(1)), uidlFor(1, asUid(2)));
    assert.match(uidlFor(4294967295, asUid(4294967295)), /^[\x21-\x7e]{1,70}$/);
  });
});

describe('MaildropLocks', () => {
  const inbox = asMailboxId(5);

  test('a second POP3 lock on a mailbox is refused until released', () => {
    const locks = new MaildropLocks();
    const first = locks.lockForPop3(inbox, { exclusiveInbox: false });
    assert.ok(first.ok);
    assert.deepEqual(locks.lockForPop3(inbox, { exclusiveInbox: false }), { ok: false, heldBy: 'pop3' });
    assert.ok(locks.lockForPop3(asMailboxId(6), { exclusiveInbox: false }).ok);
    first.release();
    first.release();
    assert.ok(locks.lockForPop3(inbox, { exclusiveInbox: false }).ok);
  });

  test('IMAP selections block POP3 only in exclusive mode', () => {
    const locks = new MaildropLocks();
    const releaseA = locks.imapSelected('u@x', inbox);
    const releaseB = locks.imapSelected('u@x', inbox);
    assert.deepEqual(locks.imapHolders(inbox), ['u@x', 'u@x']);
    assert.deepEqual(locks.lockForPop3(inbox, { exclusiveInbox: true }), { ok: false, heldBy: 'imap' });
    const shared = locks.lockForPop3(inbox, { exclusiveInbox: false });
    assert.ok(shared.ok);
    shared.release();
    releaseA();
    releaseA();
    assert.deepEqual(locks.lockForPop3(inbox, { exclusiveInbox: true }), { ok: false, heldBy: 'imap' });
    releaseB();
    assert.deepEqual(locks.imapHolders(inbox), []);
    assert.ok(locks.lockForPop3(inbox, { exclusiveInbox: true }).ok);
  });
});

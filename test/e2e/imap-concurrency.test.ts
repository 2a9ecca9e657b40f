/**
 * Multi-access (RFC 2180 practice): two sessions on one mailbox plus the delivery agent. Updates
 * reach an idling session within a second, \Recent goes to exactly one session, EXPUNGE is never
 * sent during FETCH, STORE or SEARCH, and DELETE/RENAME of a selected mailbox follow the
 * documented strategy.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startImap, type ImapHarness } from './imap-harness.js';
import { RawImap } from './imap-raw-client.js';
import type { MailboxId } from '../../src/store/types.js';

const USER = 'multi@example.com';
const PASSWORD = 'multi-pass-1';

function message(n: number): Buffer {
  return Buffer.from(`From: sender${n}@example.com\r\nTo: ${USER}\r\nSubject: message ${n}\r\nMessage-ID: <m${n}@example.com>\r\n\r\nBody ${n}\r\n`);
}

describe('IMAP multi-access', () => {
  let h: ImapHarness;
  let inboxId: MailboxId;

  before(async () => {
    h = await startImap({ [USER]: PASSWORD });
    const inbox = await h.test.ctx.store.getMailbox({ kind: 'user', address: USER }, 'INBOX');
    inboxId = inbox.id;
    for (let i = 1; i <= 3; i++) await h.test.ctx.store.appendMessage(inboxId, message(i));
  });
  after(async () => {
    await h.stop();
  });

  test('delivery, flags and expunges reach an idling session within a second; \\Recent goes to one session', async () => {
    const a = await RawImap.login(h.imapPort, USER, PASSWORD);
    const b = await RawImap.login(h.imapPort, USER, PASSWORD);
    try {
      const selA = await a.command('SELECT INBOX');
      assert.ok(selA.untagged.includes('* 3 EXISTS'), selA.untagged.join('\n'));
      const selB = await b.command('SELECT INBOX');
      assert.ok(selB.untagged.includes('* 3 EXISTS'));
      // The three delivered messages were \Recent for the first session only.
      assert.ok(selA.untagged.includes('* 3 RECENT'));
      assert.ok(selB.untagged.includes('* 0 RECENT'));

      b.send('I1 IDLE\r\n');
      assert.match(await b.next(), /^\+ /);

      // The delivery agent stores a message: B hears about it without polling.
      await h.test.ctx.store.appendMessage(inboxId, message(4));
      let t0 = Date.now(); // committed: B must hear of it within a second
      await b.waitFor(/^\* 4 EXISTS$/, 1000);
      const recentB = await b.waitFor(/^\* \d+ RECENT$/, 1000);
      assert.equal(recentB.line, '* 1 RECENT');
      assert.ok(Date.now() - t0 < 1000, `EXISTS took ${Date.now() - t0} ms`);

      // A learns of it at its next command; its \Recent count stays 3 (B holds the new one).
      const noop = await a.command('NOOP');
      assert.ok(noop.untagged.includes('* 4 EXISTS'), noop.untagged.join('\n'));
      assert.ok(noop.untagged.includes('* 3 RECENT'), noop.untagged.join('\n'));

      // A flags a message: B sees the new flags while idling.
      await a.command('STORE 2 +FLAGS (\\Flagged)');
      t0 = Date.now(); // committed: B must hear of it within a second
      const flagged = await b.waitFor(/^\* 2 FETCH \(FLAGS/, 1000);
      assert.match(flagged.line, /\\Flagged/);
      assert.ok(Date.now() - t0 < 1000);

      // A expunges: B (idling) gets EXPUNGE at once.
      await a.command('STORE 1 +FLAGS.SILENT (\\Deleted)');
      const exp = await a.command('EXPUNGE');
      t0 = Date.now(); // committed: B must hear of it within a second
      assert.deepEqual(exp.untagged, ['* 1 EXPUNGE']);
      await b.waitFor(/^\* 1 EXPUNGE$/, 1000);
      assert.ok(Date.now() - t0 < 1000);
      b.send('DONE\r\n');
      await b.waitFor(/^I1 OK/);

      // Now B is not idling. A expunges message 1 (was 2) and appends: B's FETCH, STORE and
      // SEARCH carry no EXPUNGE, and its sequence numbers stay as they were.
      await a.command('STORE 1 +FLAGS.SILENT (\\Deleted)');
      await a.command('EXPUNGE');
      await a.command(`APPEND INBOX {${message(5).length}+}\r\n${message(5).toString()}`);
      const fetch = await b.command('FETCH 1:* (UID FLAGS)');
      assert.ok(!fetch.untagged.some((l) => /EXPUNGE/.test(l)), fetch.untagged.join('\n'));
      // Message 1 of B's view is gone: the others are answered and the command says NO (RFC 2180 4.1.2).
      assert.match(fetch.tagged, /NO \[EXPUNGEISSUED\]/);
      assert.ok(fetch.untagged.some((l) => /^\* 2 FETCH \(UID 3 /.test(l)), fetch.untagged.join('\n'));
      // The new message may be announced during FETCH (EXISTS is allowed there; EXPUNGE is not).
      assert.ok(fetch.untagged.includes('* 4 EXISTS'), fetch.untagged.join('\n'));
      const store = await b.command('STORE 2 +FLAGS (\\Seen)');
      assert.ok(!store.untagged.some((l) => /EXPUNGE/.test(l)), store.untagged.join('\n'));
      assert.ok(store.untagged.some((l) => /^\* 2 FETCH \(FLAGS \(.*\\Seen/.test(l)), store.untagged.join('\n'));
      const search = await b.command('SEARCH ALL');
      assert.ok(!search.untagged.some((l) => /EXPUNGE/.test(l)), search.untagged.join('\n'));
      assert.ok(search.untagged.includes('* SEARCH 2 3 4'), search.untagged.join('\n'));
      // NOOP delivers the EXPUNGE.
      const noopB = await b.command('NOOP');
      assert.deepEqual(noopB.untagged.filter((l) => /EXPUNGE|EXISTS/.test(l)), ['* 1 EXPUNGE']);
      const uids = await b.command('FETCH 1:* UID');
      assert.equal(uids.untagged.length, 3);
      assert.match(uids.tagged, /OK/);
      const uidsA = await a.command('FETCH 1:* UID');
      // Both sessions agree on sequence numbers (A may also hear of B's \Seen here).
      assert.deepEqual(uids.untagged, uidsA.untagged.filter((l) => /\(UID \d+\)$/.test(l)));
    } finally {
      a.close();
      b.close();
    }
  });

  test('\\Recent is given to exactly one of several sessions', async () => {
    const clients = await Promise.all([1, 2, 3].map(() => RawImap.login(h.imapPort, USER, PASSWORD)));
    try {
      for (const c of clients) await c.command('SELECT INBOX');
      await h.test.ctx.store.appendMessage(inboxId, message(6));
      let total = 0;
      for (const c of clients) {
        const r = await c.command('NOOP');
        const recent = r.untagged.find((l) => /^\* \d+ RECENT$/.test(l));
        total += Number(recent?.split(' ')[1] ?? 0);
      }
      assert.equal(total, 1);
    } finally {
      for (const c of clients) c.close();
    }
  });

  test('ten idling sessions all see a burst of concurrent deliveries; each message is \\Recent once', async () => {
    const box = await h.test.ctx.store.createMailbox({ kind: 'user', address: USER }, 'Burst');
    const clients = await Promise.all(Array.from({ length: 10 }, () => RawImap.login(h.imapPort, USER, PASSWORD)));
    try {
      for (const c of clients) {
        await c.command('SELECT Burst');
        c.send('I IDLE\r\n');
        await c.next();
      }
      await Promise.all(Array.from({ length: 20 }, (_, i) => h.test.ctx.store.appendMessage(box.id, message(100 + i))));
      let recentTotal = 0;
      for (const c of clients) {
        await c.waitFor(/^\* 20 EXISTS$/, 3000);
        c.send('DONE\r\n');
        await c.waitFor(/^I OK/, 3000);
        // SEARCH RECENT lists the messages that are \Recent in this session.
        const found = await c.command('SEARCH RECENT');
        recentTotal += (found.untagged[0] ?? '* SEARCH').split(' ').length - 2;
      }
      assert.equal(recentTotal, 20);
    } finally {
      for (const c of clients) c.close();
    }
  });

  test('a mailbox deleted by another session: its users get BYE (RFC 2180 3.3); a renamed one keeps working (3.4)', async () => {
    const a = await RawImap.login(h.imapPort, USER, PASSWORD);
    const b = await RawImap.login(h.imapPort, USER, PASSWORD);
    const c = await RawImap.login(h.imapPort, USER, PASSWORD);
    try {
      await a.command('CREATE Doomed');
      await a.command('CREATE Moving');
      await a.command(`APPEND Moving {${message(7).length}+}\r\n${message(7).toString()}`);
      await b.command('SELECT Doomed');
      await c.command('SELECT Moving');
      b.send('I2 IDLE\r\n');
      await b.next();
      const del = await a.command('DELETE Doomed');
      assert.match(del.tagged, /OK/);
      const bye = await b.waitFor(/^\* BYE/, 1000);
      assert.match(bye.line, /deleted/);
      assert.ok(await b.waitClosed(3000));
      const ren = await a.command('RENAME Moving Moved');
      assert.match(ren.tagged, /OK/);
      const f = await c.command('FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
      assert.match(f.tagged, /OK/);
      assert.ok(f.untagged.join('\n').includes('Subject: message 7'));
      const st = await c.command('STATUS Moved (MESSAGES)');
      assert.ok(st.untagged.includes('* STATUS Moved (MESSAGES 1)'), st.untagged.join('\n'));
    } finally {
      a.close();
      b.close();
      c.close();
    }
  });

  test('deleting the mailbox this session has selected leaves it authenticated', async () => {
    const a = await RawImap.login(h.imapPort, USER, PASSWORD);
    try {
      await a.command('CREATE Self');
      await a.command('SELECT Self');
      const del = await a.command('DELETE Self');
      assert.match(del.tagged, /OK/);
      const f = await a.command('FETCH 1 FLAGS');
      assert.match(f.tagged, /BAD/);
      assert.match((await a.command('NOOP')).tagged, /OK/);
    } finally {
      a.close();
    }
  });
});

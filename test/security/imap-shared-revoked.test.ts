/**
 * Removing a user from a shared mailbox takes effect at once, also for an IMAP session that
 * has it selected: its next command ends the session instead of reading, flagging or expunging
 * the shared mail. Members who stay are not affected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminService } from '../../src/admin/service.js';
import { startImap } from '../e2e/imap-harness.js';
import { RawImap } from '../e2e/imap-raw-client.js';

const PASS = 'revoke-pass-1';
const SHARED = 'sales@example.com';
const MSG = 'From: a@example.org\r\nSubject: confidential\r\n\r\nquarterly numbers\r\n';

test('a member removed while the shared mailbox is selected can no longer use it', async () => {
  const h = await startImap({ 'alice@example.com': PASS, 'bob@example.com': PASS });
  try {
    await new AdminService(h.test.ctx.store).addShared({ address: SHARED, members: ['alice@example.com', 'bob@example.com'] });
    const alice = await RawImap.login(h.imapPort, 'alice@example.com', PASS);
    const bob = await RawImap.login(h.imapPort, 'bob@example.com', PASS);
    try {
      assert.match((await bob.command(`APPEND shared/${SHARED} {${MSG.length}+}\r\n${MSG}`)).tagged, /OK/);
      assert.match((await alice.command(`SELECT shared/${SHARED}`)).tagged, /OK/);
      assert.match((await bob.command(`EXAMINE shared/${SHARED}`)).tagged, /OK/);
      // Control: a member reads the message.
      const before = await alice.command('FETCH 1 BODY.PEEK[TEXT]');
      assert.ok(before.untagged.some((l) => l.includes('quarterly numbers')));

      await h.test.ctx.store.removeSharedMember(SHARED, 'alice@example.com');
      alice.send('R1 FETCH 1 BODY.PEEK[TEXT]\r\nR2 STORE 1 +FLAGS (\\Deleted)\r\nR3 EXPUNGE\r\n');
      const seen: string[] = [];
      for (let i = 0; i < 10 && !alice.closed; i++) seen.push(await alice.next(3000).catch(() => ''));
      assert.ok(await alice.waitClosed(3000), 'the session ends');
      assert.ok(seen.some((l) => /^\* BYE/.test(l)), seen.join('\n'));
      assert.ok(!seen.some((l) => l.includes('quarterly numbers') || /^R\d OK/.test(l)), seen.join('\n'));

      // Bob, still a member, sees the message unchanged.
      const fetch = await bob.command('FETCH 1 (FLAGS BODY.PEEK[TEXT])');
      assert.ok(fetch.untagged.some((l) => l.includes('quarterly numbers') && !l.includes('\\Deleted')), fetch.untagged.join('\n'));
      const status = await bob.command(`STATUS shared/${SHARED} (MESSAGES)`);
      assert.deepEqual(status.untagged, [`* STATUS shared/${SHARED} (MESSAGES 1)`]);
    } finally {
      alice.close();
      bob.close();
    }
  } finally {
    await h.stop();
  }
});

test('an idling member who is removed hears no more about the shared mailbox', async () => {
  const h = await startImap({ 'alice@example.com': PASS, 'bob@example.com': PASS });
  try {
    await new AdminService(h.test.ctx.store).addShared({ address: SHARED, members: ['alice@example.com', 'bob@example.com'] });
    const alice = await RawImap.login(h.imapPort, 'alice@example.com', PASS);
    const bob = await RawImap.login(h.imapPort, 'bob@example.com', PASS);
    try {
      assert.match((await alice.command(`SELECT shared/${SHARED}`)).tagged, /OK/);
      alice.send('I IDLE\r\n');
      assert.match(await alice.next(), /^\+/);
      // Control: while a member, the idler hears of new mail.
      assert.match((await bob.command(`APPEND shared/${SHARED} {${MSG.length}+}\r\n${MSG}`)).tagged, /OK/);
      assert.equal((await alice.waitFor(/EXISTS/, 3000)).line, '* 1 EXISTS');
      await h.test.ctx.store.removeSharedMember(SHARED, 'alice@example.com');
      assert.match((await bob.command(`APPEND shared/${SHARED} {${MSG.length}+}\r\n${MSG}`)).tagged, /OK/);
      const next = await alice.waitFor(/^\* (BYE|2 EXISTS)/, 3000);
      assert.match(next.line, /^\* BYE/, next.line);
      assert.ok(await alice.waitClosed(3000));
    } finally {
      alice.close();
      bob.close();
    }
  } finally {
    await h.stop();
  }
});

/**
 * Shared mailboxes over IMAP: members see "shared/<address>" in LIST and NAMESPACE, can select,
 * search, fetch, flag, append, copy into it and create sub-folders; flags are shared between
 * members; a non-member gets the same NO for an existing shared mailbox as for a missing one.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AdminService } from '../../src/admin/service.js';
import { startImap, type ImapHarness } from './imap-harness.js';
import { RawImap } from './imap-raw-client.js';

const PASS = 'shared-pass-1';
const SHARED = 'sales@example.com';
const MSG = 'From: customer@example.org\r\nTo: sales@example.com\r\nSubject: quote request\r\n\r\nPlease send a quote.\r\n';

describe('IMAP shared mailboxes', () => {
  let h: ImapHarness;

  before(async () => {
    h = await startImap({ 'alice@example.com': PASS, 'bob@example.com': PASS, 'eve@example.com': PASS });
    await new AdminService(h.test.ctx.store).addShared({ address: SHARED, members: ['alice@example.com', 'bob@example.com'] });
  });
  after(async () => {
    await h.stop();
  });

  test('a member lists, selects, appends, creates sub-folders, searches, fetches and copies', async () => {
    const alice = await RawImap.login(h.imapPort, 'alice@example.com', PASS);
    try {
      const list = await alice.command('LIST "" "*"');
      assert.ok(list.untagged.includes('* LIST (\\Noselect \\HasChildren) "/" shared'), list.untagged.join('\n'));
      assert.ok(list.untagged.some((l) => l.endsWith(`"/" shared/${SHARED}`)), list.untagged.join('\n'));
      const ns = await alice.command('NAMESPACE');
      assert.deepEqual(ns.untagged, ['* NAMESPACE (("" "/")) NIL (("shared/" "/"))']);
      const app = await alice.command(`APPEND shared/${SHARED} {${MSG.length}+}\r\n${MSG}`);
      assert.match(app.tagged, /OK \[APPENDUID \d+ 1\]/);
      assert.match((await alice.command(`CREATE shared/${SHARED}/Quotes/2026`)).tagged, /OK/);
      const sub = await alice.command(`LIST "" "shared/${SHARED}/*"`);
      assert.deepEqual(sub.untagged, [`* LIST (\\HasChildren) "/" shared/${SHARED}/Quotes`, `* LIST (\\HasNoChildren) "/" shared/${SHARED}/Quotes/2026`]);
      const sel = await alice.command(`SELECT shared/${SHARED}`);
      assert.match(sel.tagged, /OK \[READ-WRITE\]/);
      assert.ok(sel.untagged.includes('* 1 EXISTS'));
      const search = await alice.command('SEARCH SUBJECT quote');
      assert.deepEqual(search.untagged, ['* SEARCH 1']);
      const fetch = await alice.command('FETCH 1 BODY.PEEK[TEXT]');
      assert.ok(fetch.untagged[0]?.includes('Please send a quote.'));
      const copy = await alice.command(`COPY 1 shared/${SHARED}/Quotes`);
      assert.match(copy.tagged, /OK \[COPYUID /);
      assert.match((await alice.command('COPY 1 INBOX')).tagged, /OK \[COPYUID /);
      const status = await alice.command(`STATUS shared/${SHARED}/Quotes (MESSAGES)`);
      assert.deepEqual(status.untagged, [`* STATUS shared/${SHARED}/Quotes (MESSAGES 1)`]);
      assert.match((await alice.command(`SUBSCRIBE shared/${SHARED}`)).tagged, /OK/);
      const lsub = await alice.command('LSUB "" "shared/*"');
      assert.ok(lsub.untagged.includes(`* LSUB () "/" shared/${SHARED}`), lsub.untagged.join('\n'));
      // The shared root itself cannot be deleted or renamed by a member.
      assert.match((await alice.command(`DELETE shared/${SHARED}`)).tagged, /NO/);
      assert.match((await alice.command(`RENAME shared/${SHARED} Mine`)).tagged, /NO/);
      assert.match((await alice.command(`RENAME shared/${SHARED}/Quotes/2026 shared/${SHARED}/Quotes/2027`)).tagged, /OK/);
    } finally {
      alice.close();
    }
  });

  test('flags are shared: one member sees the other member\'s changes while idling', async () => {
    const alice = await RawImap.login(h.imapPort, 'alice@example.com', PASS);
    const bob = await RawImap.login(h.imapPort, 'bob@example.com', PASS);
    try {
      await alice.command(`SELECT shared/${SHARED}`);
      await bob.command(`SELECT shared/${SHARED}`);
      bob.send('I IDLE\r\n');
      await bob.next();
      await alice.command('STORE 1 +FLAGS (\\Seen \\Answered)');
      const seen = await bob.waitFor(/^\* 1 FETCH \(FLAGS/, 1000);
      assert.match(seen.line, /\\Seen/);
      assert.match(seen.line, /\\Answered/);
      await alice.command(`APPEND shared/${SHARED} {${MSG.length}+}\r\n${MSG}`);
      // Within one second of the APPEND's commit (the wait starts once APPEND answered OK).
      await bob.waitFor(/^\* 2 EXISTS$/, 1000);
      bob.send('DONE\r\n');
      await bob.waitFor(/^I OK/);
    } finally {
      alice.close();
      bob.close();
    }
  });

  test('a non-member gets the same NO for an existing shared mailbox as for a missing one', async () => {
    const eve = await RawImap.login(h.imapPort, 'eve@example.com', PASS);
    try {
      const list = await eve.command('LIST "" "*"');
      assert.ok(!list.untagged.some((l) => l.includes('sales') || l.includes('shared')), list.untagged.join('\n'));
      await eve.command('SELECT INBOX');
      const probes = [
        (n: string) => `SELECT ${n}`,
        (n: string) => `EXAMINE ${n}`,
        (n: string) => `STATUS ${n} (MESSAGES)`,
        (n: string) => `APPEND ${n} {${MSG.length}+}\r\n${MSG}`,
        (n: string) => `CREATE ${n}/Spy`,
        (n: string) => `DELETE ${n}`,
        (n: string) => `DELETE ${n}/Quotes`,
        (n: string) => `RENAME ${n}/Quotes Mine`,
        (n: string) => `SUBSCRIBE ${n}`,
        (n: string) => `LIST "" ${n}/*`,
      ];
      for (const probe of probes) {
        // SELECT of a missing mailbox leaves eve unselected; reselect INBOX for COPY afterwards.
        const existing = await eve.command(probe(`shared/${SHARED}`));
        const missing = await eve.command(probe('shared/nobody@example.com'));
        const strip = (r: { untagged: string[]; tagged: string }) => [r.untagged, r.tagged.replace(/^\S+ /, '')];
        assert.deepEqual(strip(existing), strip(missing), probe('X'));
        if (probe('X').startsWith('LIST')) assert.deepEqual(existing.untagged, []);
        else assert.doesNotMatch(existing.tagged, /^\S+ OK/, probe('X'));
      }
      await eve.command('SELECT INBOX');
      await eve.command(`APPEND INBOX {${MSG.length}+}\r\n${MSG}`);
      await eve.command('NOOP');
      const c1 = await eve.command(`COPY 1 shared/${SHARED}`);
      const c2 = await eve.command('COPY 1 shared/nobody@example.com');
      assert.equal(c1.tagged.replace(/^\S+ /, ''), c2.tagged.replace(/^\S+ /, ''));
      assert.match(c1.tagged, /NO/);
      const lsub = await eve.command('LSUB "" "*"');
      assert.ok(!lsub.untagged.some((l) => l.includes('sales')));
    } finally {
      eve.close();
    }
  });

  test('a personal mailbox cannot be named "shared"', async () => {
    const bob = await RawImap.login(h.imapPort, 'bob@example.com', PASS);
    try {
      for (const name of ['shared', 'Shared', 'SHARED']) {
        const r = await bob.command(`CREATE ${name}`);
        assert.match(r.tagged, /NO/);
      }
      assert.match((await bob.command('RENAME Sent shared')).tagged, /NO/);
    } finally {
      bob.close();
    }
  });
});

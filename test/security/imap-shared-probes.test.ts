/**
 * A user who is not a member of a shared mailbox learns nothing about it over IMAP: every
 * command that names "shared/<address>" (or a folder below it, in any letter case, as a source
 * or a target) gets a reply byte-identical, tags aside, to the one for an address that does not
 * exist at all. The same holds for a former member, and the probes change nothing.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AdminService } from '../../src/admin/service.js';
import { startImap, type ImapHarness } from '../e2e/imap-harness.js';
import { RawImap, type Reply } from '../e2e/imap-raw-client.js';

const PASS = 'probe-pass-1';
const SHARED = 'sales@example.com';
const MISSING = 'nobody@example.com';
const MSG = 'From: a@example.org\r\nSubject: probe\r\n\r\nbody\r\n';

/** The reply without its tag: untagged lines and the tagged line's status and text. */
const strip = (r: Reply): string[] => [...r.untagged, r.tagged.replace(/^\S+ /, '')];

/** Commands naming `n` (a visible mailbox name); "INBOX" is selected before each. */
const PROBES: ((n: string) => string)[] = [
  (n) => `SELECT ${n}`,
  (n) => `EXAMINE ${n}`,
  (n) => `STATUS ${n} (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)`,
  (n) => `APPEND ${n} (\\Seen) {${MSG.length}+}\r\n${MSG}`,
  (n) => `CREATE ${n}`,
  (n) => `CREATE ${n}/Spy`,
  (n) => `CREATE ${n}/Quotes/Deeper`,
  (n) => `DELETE ${n}`,
  (n) => `DELETE ${n}/Quotes`,
  (n) => `RENAME ${n} Mine`,
  (n) => `RENAME ${n}/Quotes Mine`,
  (n) => `RENAME Folder ${n}/Folder`,
  (n) => `RENAME Folder ${n}`,
  (n) => `SUBSCRIBE ${n}`,
  (n) => `SUBSCRIBE ${n}/Quotes`,
  (n) => `UNSUBSCRIBE ${n}`,
  (n) => `UNSUBSCRIBE ${n}/Quotes`,
  (n) => `LIST "" ${n}`,
  (n) => `LIST "" ${n}/*`,
  (n) => `LIST "" ${n}/%`,
  (n) => `LIST ${n}/ *`,
  (n) => `LIST (SUBSCRIBED) "" ${n}*`,
  (n) => `LIST "" ${n} RETURN (CHILDREN SPECIAL-USE SUBSCRIBED)`,
  (n) => `LSUB "" ${n}*`,
  (n) => `COPY 1 ${n}`,
  (n) => `COPY 1 ${n}/Quotes`,
  (n) => `UID COPY 1 ${n}`,
  (n) => `MOVE 2 ${n}`,
  (n) => `UID MOVE 2 ${n}/Quotes`,
  (n) => `SELECT ${n}/INBOX`,
  (n) => `STATUS ${n}/Quotes (MESSAGES)`,
];

/** The same shared address as a prober might spell it. */
function spellings(address: string): string[] {
  return [`shared/${address}`, `Shared/${address.toUpperCase()}`, `SHARED/${address}`, `"shared/${address}"`];
}

describe('IMAP: a non-member cannot tell an existing shared mailbox from a missing one', () => {
  let h: ImapHarness;

  before(async () => {
    h = await startImap({ 'alice@example.com': PASS, 'bob@example.com': PASS, 'eve@example.com': PASS });
    const admin = new AdminService(h.test.ctx.store);
    await admin.addShared({ address: SHARED, members: ['alice@example.com', 'bob@example.com'] });
    // Bob subscribes and then leaves: a former member must not learn more than a stranger.
    const alice = await RawImap.login(h.imapPort, 'alice@example.com', PASS);
    const bob = await RawImap.login(h.imapPort, 'bob@example.com', PASS);
    try {
      assert.match((await alice.command(`CREATE shared/${SHARED}/Quotes`)).tagged, /OK/);
      assert.match((await alice.command(`APPEND shared/${SHARED} {${MSG.length}+}\r\n${MSG}`)).tagged, /OK/);
      assert.match((await bob.command(`SUBSCRIBE shared/${SHARED}`)).tagged, /OK/);
      assert.match((await bob.command(`SUBSCRIBE shared/${SHARED}/Quotes`)).tagged, /OK/);
    } finally {
      alice.close();
      bob.close();
    }
    await h.test.ctx.store.removeSharedMember(SHARED, 'bob@example.com');
  });
  after(async () => {
    await h.stop();
  });

  async function probeAs(user: string): Promise<void> {
    const c = await RawImap.login(h.imapPort, user, PASS);
    try {
      assert.match((await c.command('CREATE Folder')).tagged, /OK/);
      for (let i = 0; i < 4; i++) assert.match((await c.command(`APPEND INBOX {${MSG.length}+}\r\n${MSG}`)).tagged, /OK/);
      for (const spelled of spellings(SHARED)) {
        const missing = spellings(MISSING)[spellings(SHARED).indexOf(spelled)] ?? '';
        for (const probe of PROBES) {
          // Each probe starts from the same state: INBOX selected, nothing pending.
          assert.match((await c.command('SELECT INBOX')).tagged, /OK/);
          const existing = await c.command(probe(spelled));
          assert.match((await c.command('SELECT INBOX')).tagged, /OK/);
          const absent = await c.command(probe(missing));
          assert.deepEqual(strip(existing), strip(absent), `${user}: ${probe(spelled)}`);
          if (!/^(LIST|LSUB)/.test(probe('x'))) assert.doesNotMatch(existing.tagged, /^\S+ OK/, `${user}: ${probe(spelled)}`);
          for (const line of existing.untagged) assert.ok(!line.toLowerCase().includes('sales'), `${user}: ${probe(spelled)} -> ${line}`);
        }
      }
      // APPEND with a synchronising literal: the first answer (continuation or refusal) matches too.
      const firstAnswer = async (name: string): Promise<string> => {
        c.send(`S1 APPEND ${name} {${MSG.length}}\r\n`);
        const line = await c.next();
        if (line.startsWith('+')) {
          c.send(`${MSG}\r\n`);
          return `${line} / ${(await c.waitFor(/^S1 /)).line}`;
        }
        return line;
      };
      assert.equal(await firstAnswer(`shared/${SHARED}`), await firstAnswer(`shared/${MISSING}`));
      // Nothing the probes did shows up anywhere.
      const list = await c.command('LIST "" "*"');
      const lsub = await c.command('LSUB "" "*"');
      for (const line of [...list.untagged, ...lsub.untagged]) assert.ok(!/shared/i.test(line), `${user}: ${line}`);
    } finally {
      c.close();
    }
  }

  test('a user who was never a member', async () => {
    await probeAs('eve@example.com');
  });

  test('a former member', async () => {
    await probeAs('bob@example.com');
  });

  test('the shared mailbox is untouched by the probes', async () => {
    const alice = await RawImap.login(h.imapPort, 'alice@example.com', PASS);
    try {
      const list = await alice.command(`LIST "" "shared/${SHARED}*"`);
      assert.deepEqual(list.untagged, [`* LIST (\\HasChildren) "/" shared/${SHARED}`, `* LIST (\\HasNoChildren) "/" shared/${SHARED}/Quotes`]);
      const status = await alice.command(`STATUS shared/${SHARED} (MESSAGES)`);
      assert.deepEqual(status.untagged, [`* STATUS shared/${SHARED} (MESSAGES 1)`]);
      const quotes = await alice.command(`STATUS shared/${SHARED}/Quotes (MESSAGES)`);
      assert.deepEqual(quotes.untagged, [`* STATUS shared/${SHARED}/Quotes (MESSAGES 0)`]);
    } finally {
      alice.close();
    }
  });
});

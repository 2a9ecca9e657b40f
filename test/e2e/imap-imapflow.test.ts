/**
 * A real client's everyday flows through imapflow: STARTTLS login, LIST with special-use,
 * CREATE, APPEND, FETCH, SEARCH, STORE, MOVE (RFC 6851) and IDLE notifications.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { startImap, type ImapHarness } from './imap-harness.js';

const USER = 'flow@example.com';
const PASSWORD = 'flow-pass-1';

function client(port: number): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: false,
    auth: { user: USER, pass: PASSWORD },
    logger: false,
    tls: { rejectUnauthorized: false },
  });
}

const RAW = (n: number): string =>
  `From: Carol <carol@example.org>\r\nTo: ${USER}\r\nSubject: flow ${n}\r\nMessage-ID: <flow${n}@example.org>\r\nContent-Type: text/plain\r\n\r\nHello number ${n}\r\n`;

describe('IMAP with imapflow', () => {
  let h: ImapHarness;
  before(async () => {
    h = await startImap({ [USER]: PASSWORD });
  });
  after(async () => {
    await h.stop();
  });

  test('login over STARTTLS, folders, append, fetch, search, flags, move', async () => {
    const c = client(h.imapPort);
    await c.connect();
    try {
      assert.equal(c.secureConnection, true, 'the client upgraded with STARTTLS');
      const boxes = await c.list();
      const byUse = new Map(boxes.filter((b) => b.specialUse).map((b) => [b.specialUse, b.path]));
      assert.equal(byUse.get('\\Sent'), 'Sent');
      assert.equal(byUse.get('\\Trash'), 'Trash');
      assert.equal(byUse.get('\\Drafts'), 'Drafts');
      assert.equal(byUse.get('\\Junk'), 'Junk');
      assert.equal(byUse.get('\\Archive'), 'Archive');
      await c.mailboxCreate(['Projects', 'Alpha']);
      assert.ok((await c.list()).some((b) => b.path === 'Projects/Alpha'));

      for (let i = 1; i <= 3; i++) await c.append('INBOX', RAW(i), i === 2 ? ['\\Flagged'] : []);
      const mailbox = await c.mailboxOpen('INBOX');
      assert.equal(mailbox.exists, 3);
      const one = await c.fetchOne('2', { envelope: true, flags: true, source: true, bodyStructure: true, uid: true });
      assert.ok(one);
      assert.equal(one.envelope?.subject, 'flow 2');
      assert.ok(one.flags?.has('\\Flagged'));
      assert.ok(one.source?.toString().includes('Hello number 2'));
      assert.equal(one.bodyStructure?.type, 'text/plain');

      const found = await c.search({ subject: 'flow 3' }, { uid: true });
      assert.deepEqual(found, [3]);
      await c.messageFlagsAdd('1:2', ['\\Seen', 'Important']);
      const flags: string[][] = [];
      // The messages are \Recent in this session too; that flag is the server's, not the client's.
      for await (const m of c.fetch('1:*', { flags: true })) flags.push([...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort());
      assert.deepEqual(flags, [['Important', '\\Seen'], ['Important', '\\Flagged', '\\Seen'], []]);

      const moved = await c.messageMove('1:2', 'Projects/Alpha');
      assert.ok(moved);
      assert.equal(moved.uidMap?.size, 2);
      assert.equal(c.mailbox && typeof c.mailbox !== 'boolean' ? c.mailbox.exists : -1, 1);
      const status = await c.status('Projects/Alpha', { messages: true, unseen: true });
      assert.ok(status);
      assert.equal(status.messages, 2);
      assert.equal(status.unseen, 0);
    } finally {
      await c.logout();
    }
  });

  test('IDLE: new mail, flag changes and expunges arrive within a second', async () => {
    const watcher = client(h.imapPort);
    const actor = client(h.imapPort);
    await watcher.connect();
    await actor.connect();
    try {
      await watcher.mailboxOpen('INBOX');
      const events: { kind: string; at: number }[] = [];
      watcher.on('exists', () => events.push({ kind: 'exists', at: Date.now() }));
      watcher.on('flags', () => events.push({ kind: 'flags', at: Date.now() }));
      watcher.on('expunge', () => events.push({ kind: 'expunge', at: Date.now() }));
      void watcher.idle();
      await new Promise((r) => setTimeout(r, 100));

      // How long after `done` (the change is committed) the event arrived; events since `since` count.
      const waitFor = async (kind: string, since: number, done: number): Promise<number> => {
        for (let i = 0; i < 100; i++) {
          const e = events.find((x) => x.kind === kind && x.at >= since);
          if (e) return Math.max(0, e.at - done);
          await new Promise((r) => setTimeout(r, 20));
        }
        throw new Error(`no ${kind} event`);
      };
      const inbox = await h.test.ctx.store.getMailbox({ kind: 'user', address: USER }, 'INBOX');
      let t0 = Date.now();
      await h.test.ctx.store.appendMessage(inbox.id, Buffer.from(RAW(10)));
      assert.ok((await waitFor('exists', t0, Date.now())) < 1000);

      await actor.mailboxOpen('INBOX');
      t0 = Date.now();
      await actor.messageFlagsAdd('1:*', ['\\Answered']);
      assert.ok((await waitFor('flags', t0, Date.now())) < 1000);

      t0 = Date.now();
      await actor.messageDelete('1');
      assert.ok((await waitFor('expunge', t0, Date.now())) < 1000);
    } finally {
      await actor.logout();
      await watcher.logout();
    }
  });
});

/**
 * RFC 3501 conformance of the IMAP server as clients see it: a raw-socket Python session checks
 * the response grammar and multi-session behaviour byte for byte, and imapflow replays what
 * Thunderbird does when it starts (CAPABILITY, ID, NAMESPACE, LIST with special-use, STATUS of
 * each folder, SELECT INBOX, FETCH 1:* (UID FLAGS), UID FETCH of header fields, IDLE).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { AdminService } from '../../src/admin/service.js';
import { runPython, startImap, type ImapHarness } from './imap-harness.js';

const USER = 'conf@example.com';
const OTHER = 'conf2@example.com';
const OUTSIDER = 'outsider@example.com';
const PASS = 'conformance-pass-1';
const SHARED = 'team@example.com';
const TB = 'thunder@example.com';

const RAW = (n: number): string =>
  `From: Dana <dana@example.org>\r\nTo: ${TB}\r\nSubject: tb ${n}\r\nDate: Mon, 2 Mar 2026 10:0${n}:00 +0000\r\nMessage-ID: <tb${n}@example.org>\r\nContent-Type: text/plain\r\n\r\nText ${n}\r\n`;

/** The header fields Thunderbird asks for when it lists a folder. */
const TB_HEADERS = ['From', 'To', 'Cc', 'Bcc', 'Subject', 'Date', 'Message-ID', 'Priority', 'X-Priority', 'References', 'Newsgroups', 'In-Reply-To', 'Content-Type', 'Reply-To'];

describe('IMAP RFC 3501 conformance', () => {
  let h: ImapHarness;
  before(async () => {
    h = await startImap({ [USER]: PASS, [OTHER]: PASS, [OUTSIDER]: PASS, [TB]: PASS }, { limits: { maxMessageBytes: 65536 } });
    await new AdminService(h.test.ctx.store).addShared({ address: SHARED, members: [USER, OTHER, TB] });
  });
  after(async () => {
    await h.stop();
  });

  test('raw protocol checks (Python)', async () => {
    const r = await runPython('imap_conformance.py', [String(h.imapPort), USER, PASS, OTHER, PASS, SHARED, OUTSIDER, PASS]);
    assert.deepEqual(r.stdout.split('\n').filter((l) => l.startsWith('FAIL')), [], r.stdout + r.stderr);
    assert.match(r.stdout, /SUMMARY (\d+) passed 0 failed/, r.stdout + r.stderr);
    const passed = Number(/SUMMARY (\d+) passed/.exec(r.stdout)?.[1]);
    assert.ok(passed >= 80, `only ${passed} checks ran:\n${r.stdout}${r.stderr}`);
    assert.equal(r.code, 0, r.stderr);
  });

  test('imapflow replays a Thunderbird start-up: ID, NAMESPACE, LIST + STATUS, SELECT, FETCH flags and headers, IDLE', async () => {
    const store = h.test.ctx.store;
    const inbox = await store.getMailbox({ kind: 'user', address: TB }, 'INBOX');
    for (let n = 1; n <= 3; n++) await store.appendMessage(inbox.id, Buffer.from(RAW(n)), n === 1 ? { flags: ['\\Seen'] } : {});
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: h.imapPort,
      secure: false,
      auth: { user: TB, pass: PASS },
      clientInfo: { name: 'Thunderbird', version: '128.5.0' },
      logger: false,
      tls: { rejectUnauthorized: false },
    });
    await c.connect();
    try {
      for (const cap of ['IMAP4rev1', 'IDLE', 'NAMESPACE', 'UIDPLUS', 'MOVE', 'SPECIAL-USE', 'CHILDREN', 'ID']) assert.ok(c.capabilities.has(cap), cap);
      assert.equal(c.serverInfo?.name, 'msgstore');
      assert.deepEqual(c.namespace, { prefix: '', delimiter: '/' });
      const sharedNs = c.namespaces?.shared;
      assert.ok(sharedNs, 'the shared namespace is announced');
      assert.equal(sharedNs[0]?.prefix, 'shared/');

      // A subscribed folder below a selectable, unsubscribed parent (imapflow, like Thunderbird
      // without LIST-EXTENDED, merges LSUB "" "*" into the LIST answer).
      await store.createMailbox({ kind: 'user', address: TB }, 'Lists/rust');
      await store.subscribe(TB, 'Lists/rust');
      const boxes = await c.list({ statusQuery: { messages: true, recent: true, uidNext: true, uidValidity: true, unseen: true } });
      const byPath = new Map(boxes.map((b) => [b.path, b]));
      for (const [path, use] of [['Sent', '\\Sent'], ['Drafts', '\\Drafts'], ['Trash', '\\Trash'], ['Junk', '\\Junk'], ['Archive', '\\Archive']]) {
        assert.equal(byPath.get(path as string)?.specialUse, use, path);
      }
      assert.ok(byPath.get('shared')?.flags.has('\\Noselect'));
      assert.ok(byPath.has(`shared/${SHARED}`));
      assert.equal(byPath.get('Lists/rust')?.subscribed, true);
      assert.notEqual(byPath.get('Lists')?.subscribed, true, 'an unsubscribed parent is not reported as subscribed');
      assert.ok(!byPath.get('Lists')?.flags.has('\\Noselect'), 'a selectable parent stays selectable');
      assert.equal(byPath.get('Lists')?.status?.messages, 0);
      const inboxStatus = byPath.get('INBOX')?.status;
      assert.equal(inboxStatus?.messages, 3);
      assert.equal(inboxStatus?.unseen, 2);
      assert.equal(inboxStatus?.recent, 3);
      assert.equal(inboxStatus?.uidNext, 4);
      assert.equal(byPath.get('Sent')?.status?.messages, 0);

      const box = await c.mailboxOpen('INBOX');
      assert.equal(box.exists, 3);
      assert.equal(box.uidNext, 4);
      assert.equal(String(box.uidValidity), String(inboxStatus?.uidValidity));
      assert.ok(box.permanentFlags?.has('\\*'));
      assert.equal(box.readOnly, false);

      const flags = new Map<number, string[]>();
      for await (const m of c.fetch('1:*', { uid: true, flags: true })) flags.set(m.uid, [...(m.flags ?? [])].sort());
      assert.deepEqual([...flags.keys()], [1, 2, 3]);
      assert.deepEqual(flags.get(1), ['\\Recent', '\\Seen']);
      assert.deepEqual(flags.get(2), ['\\Recent']);

      const headers = new Map<number, string>();
      for await (const m of c.fetch('1:3', { uid: true, headers: TB_HEADERS }, { uid: true })) headers.set(m.uid, m.headers?.toString() ?? '');
      assert.equal(headers.size, 3);
      assert.match(headers.get(2) ?? '', /^From: Dana <dana@example\.org>\r\nTo: thunder@example\.com\r\nSubject: tb 2\r\nDate: .*\r\nMessage-ID: <tb2@example\.org>\r\nContent-Type: text\/plain\r\n\r\n$/);
      // Header fetches are PEEKs: nothing became \Seen.
      const after = await c.fetchOne('2', { flags: true });
      assert.ok(after && !after.flags?.has('\\Seen'));

      const events: string[] = [];
      c.on('exists', (e: { count: number }) => events.push(`exists ${e.count}`));
      const idling = c.idle();
      await new Promise((r) => setTimeout(r, 100));
      await store.appendMessage(inbox.id, Buffer.from(RAW(4)));
      const t0 = Date.now(); // the change is committed: the client must hear of it within a second
      for (let i = 0; i < 50 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(events, ['exists 4']);
      assert.ok(Date.now() - t0 < 1000);
      const fresh = await c.fetchOne('4', { uid: true, envelope: true });
      assert.equal(fresh && fresh.envelope?.subject, 'tb 4');
      await idling;
    } finally {
      await c.logout();
    }
  });
});

/** Change notices across store instances (e.g. `msgstore deliver` beside `msgstore serve`). */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createSqliteStore, startNotifyListener } from '../../src/store/sqlite/index.js';
import { parseNotice } from '../../src/store/sqlite/notifier.js';
import { asUid, type MailboxChange } from '../../src/store/types.js';
import { eventually, message, user } from './contract-helpers.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msn-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('cross-process notices', () => {
  test('changes made by another store instance reach the listening store', async () => {
    const dir = tempDir();
    const server = await createSqliteStore({ dataDir: dir });
    const listener = await startNotifyListener(server);
    const cli = await createSqliteStore({ dataDir: dir, startupCheck: false });
    try {
      assert.equal(listener.path, path.join(dir, 'run', 'notify.sock'));
      await server.addUser({ address: 'u@x.org', passwordHash: 'h' });
      const inbox = await server.getMailbox(user('u@x.org'), 'INBOX');
      const other = await server.createMailbox(user('u@x.org'), 'Other');
      const seen: MailboxChange[] = [];
      server.notifier.subscribe(inbox.id, (c) => seen.push(c));
      server.notifier.subscribe(other.id, (c) => seen.push(c));

      const r = await cli.appendMessage(inbox.id, message());
      await eventually(() => seen.length === 1);
      assert.deepEqual(seen[0], { kind: 'append', mailboxId: inbox.id, uids: [r.uid], modseq: r.modseq });

      const [flagChange] = await cli.storeFlags(inbox.id, [r.uid], 'add', ['\\Deleted', 'Kw']);
      await eventually(() => seen.length === 2);
      assert.deepEqual(seen[1], { kind: 'flags', mailboxId: inbox.id, changes: [flagChange] });

      await cli.expunge(inbox.id);
      await eventually(() => seen.length === 3);
      assert.equal(seen[2]?.kind, 'expunge');

      await cli.renameMailbox(user('u@x.org'), 'Other', 'Renamed');
      await eventually(() => seen.length === 4);
      assert.deepEqual(seen[3], { kind: 'renamed', mailboxId: other.id, name: 'Renamed' });

      await cli.deleteMailbox(user('u@x.org'), 'Renamed');
      await eventually(() => seen.length === 5);
      assert.deepEqual(seen[4], { kind: 'deleted', mailboxId: other.id });

      // The listening store's own changes arrive once, not again through the socket.
      await server.appendMessage(inbox.id, message({ subject: 'local' }));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(seen.length, 6);
    } finally {
      await cli.close();
      await listener.close();
      await server.close();
    }
    assert.equal(fs.existsSync(path.join(dir, 'run', 'notify.sock')), false);
  });

  test('without a listener (or with a stale socket file) writers carry on', async () => {
    const dir = tempDir();
    const store = await createSqliteStore({ dataDir: dir });
    try {
      await store.addUser({ address: 'u@x.org', passwordHash: 'h' });
      const inbox = await store.getMailbox(user('u@x.org'), 'INBOX');
      await store.appendMessage(inbox.id, message());
      // A socket file left by a server that died.
      const sock = path.join(dir, 'run', 'notify.sock');
      fs.mkdirSync(path.dirname(sock), { recursive: true });
      const dead = net.createServer();
      await new Promise<void>((resolve) => dead.listen(sock, resolve));
      await new Promise<void>((resolve) => dead.close(() => resolve()));
      fs.writeFileSync(sock, '');
      await store.appendMessage(inbox.id, message({ subject: 'two' }));
      await store.storeFlags(inbox.id, [asUid(1)], 'add', ['\\Seen']);
      assert.equal((await store.mailboxStatus(inbox.id)).messages, 2);
      // A new listener replaces the stale file.
      const listener = await startNotifyListener(store);
      await listener.close();
    } finally {
      await store.close();
    }
  });

  test('a second listener on a live socket is refused', async () => {
    const dir = tempDir();
    const a = await createSqliteStore({ dataDir: dir });
    const b = await createSqliteStore({ dataDir: dir, startupCheck: false });
    const listener = await startNotifyListener(a);
    try {
      await assert.rejects(startNotifyListener(b), /already listening/);
    } finally {
      await listener.close();
      await b.close();
      await a.close();
    }
  });

  test('malformed notice lines are ignored', () => {
    assert.equal(parseNotice('not json'), null);
    assert.equal(parseNotice('{"change":{"kind":"append","mailboxId":1,"uids":["x"],"modseq":2}}'), null);
    assert.equal(parseNotice('{"change":{"kind":"bogus","mailboxId":1}}'), null);
    assert.equal(parseNotice('{"change":{"kind":"renamed","mailboxId":1}}'), null);
    assert.equal(parseNotice('{"change":{"kind":"flags","mailboxId":1,"changes":[{"uid":1,"modseq":2,"flags":[3]}]}}'), null);
    assert.deepEqual(parseNotice('{"change":{"kind":"deleted","mailboxId":7}}'), { kind: 'deleted', mailboxId: 7 });
  });
});

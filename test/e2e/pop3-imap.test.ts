import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { createImapService } from '../../src/imap/index.js';
import type { Service } from '../../src/server/context.js';
import { RawPop3Client } from '../pop3/client.js';
import { sampleMessage, startPop3, type Pop3Fixture } from '../pop3/fixture.js';

/** An IMAP client idling on INBOX sees the messages a POP3 session removes at QUIT. */
describe('POP3 deletions seen by an IMAP session', () => {
  let f: Pop3Fixture;
  let imap: Service;
  let imapPort = 0;

  before(async () => {
    f = await startPop3();
    imap = createImapService(f.ctx);
    const bound = await imap.start();
    imapPort = bound.find((b) => b.service === 'imap')?.port ?? 0;
  });
  after(async () => {
    await imap.stop();
    await f.cleanup();
  });

  test('EXPUNGE reaches the idling IMAP session; RETR made the message \\Seen', async () => {
    const user = 'both@example.com';
    await f.addUser(user, 'pw');
    for (let i = 1; i <= 5; i++) await f.deliver(user, sampleMessage(i));

    const client = new ImapFlow({
      host: '127.0.0.1',
      port: imapPort,
      secure: false,
      auth: { user, pass: 'pw' },
      logger: false,
      tls: { rejectUnauthorized: false },
    });
    const expunged: number[] = [];
    client.on('expunge', (event: { seq?: number }) => {
      if (typeof event.seq === 'number') expunged.push(event.seq);
    });
    await client.connect();
    try {
      const mailbox = await client.mailboxOpen('INBOX');
      assert.equal(mailbox.exists, 5);
      const idling = client.idle();

      const pop = await RawPop3Client.connect(f.port);
      await pop.command(`USER ${user}`);
      assert.match(await pop.command('PASS pw'), /^\+OK/);
      assert.match((await pop.multi('RETR 4')).status, /^\+OK/);
      assert.equal(await pop.command('DELE 2'), '+OK Message 2 deleted');
      assert.equal(await pop.command('DELE 3'), '+OK Message 3 deleted');
      assert.match(await pop.command('QUIT'), /\(2 messages deleted\)/);
      await pop.waitClosed();

      for (let i = 0; i < 100 && expunged.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
      // Two EXPUNGE responses for messages 2 and 3: sequence numbers 3,2 or 2,2 depending on order.
      assert.equal(expunged.length, 2, `expunges seen: ${expunged.join(',')}`);
      assert.ok(expunged.every((seq) => seq === 2 || seq === 3));

      await client.mailboxClose().catch(() => undefined);
      await idling.catch(() => undefined);
      const status = await client.status('INBOX', { messages: true, unseen: true });
      assert.ok(status, 'STATUS answered');
      assert.equal(status.messages, 3);
      // Messages 1, 4 and 5 are left; only 4 was retrieved.
      assert.equal(status.unseen, 2);
    } finally {
      await client.logout().catch(() => client.close());
    }
  });
});

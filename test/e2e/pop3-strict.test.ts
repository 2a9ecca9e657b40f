import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { createImapService } from '../../src/imap/index.js';
import type { Service } from '../../src/server/context.js';
import { RawPop3Client } from '../pop3/client.js';
import { sampleMessage, startPop3, type Pop3Fixture } from '../pop3/fixture.js';

/** The guide's strict mode: no POP3 login while an IMAP session has that INBOX selected. */
describe('POP3 strict mode (pop3.exclusiveInbox) against a real IMAP session', () => {
  let f: Pop3Fixture;
  let imap: Service;
  let imapPort = 0;

  before(async () => {
    f = await startPop3({ pop3: { exclusiveInbox: true } });
    imap = createImapService(f.ctx);
    imapPort = (await imap.start()).find((b) => b.service === 'imap')?.port ?? 0;
  });
  after(async () => {
    await imap.stop();
    await f.cleanup();
  });

  test('refused with [IN-USE] while INBOX is selected over IMAP, allowed once it is closed', async () => {
    const user = 'strict@example.com';
    await f.addUser(user, 'pw');
    await f.deliver(user, sampleMessage(1));
    const client = new ImapFlow({ host: '127.0.0.1', port: imapPort, secure: false, auth: { user, pass: 'pw' }, logger: false, tls: { rejectUnauthorized: false } });
    await client.connect();
    try {
      await client.mailboxOpen('INBOX');
      const refused = await RawPop3Client.connect(f.port);
      await refused.command(`USER ${user}`);
      assert.match(await refused.command('PASS pw'), /^-ERR \[IN-USE\]/);
      await refused.command('QUIT').catch(() => undefined);

      await client.mailboxClose();
      const allowed = await RawPop3Client.connect(f.port);
      await allowed.command(`USER ${user}`);
      assert.match(await allowed.command('PASS pw'), /^\+OK/);
      // While POP3 holds the maildrop, IMAP may still select it (only POP3 logins are refused).
      await client.mailboxOpen('INBOX');
      assert.match(await allowed.command('QUIT'), /^\+OK/);
    } finally {
      await client.logout();
    }
  });
});

/**
 * The delivery ways in as `msgstore serve` wires them: LMTP (TCP and unix socket) and the spool,
 * with the MailSort engine as sorter and forwards queued for the outbound sender.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminService } from '../../src/admin/service.js';
import { configSchema } from '../../src/config/schema.js';
import { writeSpoolFile } from '../../src/delivery/spool-files.js';
import { LmtpClient } from '../../src/lmtp/client.js';
import { silentLogger } from '../../src/log/logger.js';
import { startServer, type RunningServer } from '../../src/server/main.js';
import { messagesIn, user } from '../delivery/helpers.js';

const ANY = { host: '127.0.0.1', port: 0 };

describe('delivery in msgstore serve', () => {
  let dataDir: string;
  let server: RunningServer;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'msgstore-serve-lmtp-'));
    const config = configSchema.parse({
      dataDir,
      hostname: 'mail.test',
      host: '127.0.0.1',
      listeners: { imap: ANY, imaps: ANY, pop3: ANY, pop3s: ANY, http: ANY, lmtp: { host: '127.0.0.1', port: 0 } },
      timers: { spoolScanSeconds: 1 },
      log: { level: 'silent' },
    });
    server = await startServer(config, { logger: silentLogger(), print: () => undefined });
    const admin = new AdminService(server.ctx.store);
    await admin.addUser({ address: 'dana@example.com', password: 'dana-password-1' });
    await server.ctx.store.setFilterFile(
      'dana@example.com',
      'rule "lists"\n  if subject contains "[list]"\n  move to "Lists/News"\nend\nrule "boss"\n  if from contains "boss@"\n  forward to "dana@mobile.example"\nend\n',
    );
  });
  after(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('LMTP over TCP applies the MailSort rules and queues forwards', async () => {
    const port = server.addresses.find((a) => a.service === 'lmtp')?.port ?? 0;
    const { client } = await LmtpClient.connect({ host: '127.0.0.1', port, timeoutMs: 5000 });
    await client.command('LHLO serve.test');
    const list = await client.send('news@lists.example', ['dana@example.com'], Buffer.from('From: news@lists.example\r\nSubject: [list] weekly\r\n\r\nnews\r\n'));
    assert.equal(list.delivery[0]?.code, 250);
    const boss = await client.send('boss@example.com', ['dana@example.com'], Buffer.from('From: boss@example.com\r\nSubject: call me\r\n\r\nnow\r\n'));
    assert.equal(boss.delivery[0]?.code, 250);
    await client.quit();
    assert.equal((await messagesIn(server.ctx.store, user('dana@example.com'), 'Lists/News')).raws.length, 1);
    const inbox = await messagesIn(server.ctx.store, user('dana@example.com'), 'INBOX');
    assert.equal(inbox.raws.length, 1);
    const { depth } = await server.ctx.store.outboundStats();
    assert.ok(depth >= 1, 'the forward is queued (no relay configured, so it stays)');
  });

  test('the unix socket and the spool directory deliver too', async () => {
    const socket = server.addresses.find((a) => a.service === 'lmtp-unix')?.host ?? '';
    assert.ok(existsSync(socket));
    const { client } = await LmtpClient.connect({ path: socket, timeoutMs: 5000 });
    await client.command('LHLO serve.test');
    const r = await client.send('', ['dana@example.com'], Buffer.from('Subject: over the socket\r\n\r\nhi\r\n'));
    assert.equal(r.delivery[0]?.code, 250);
    await client.quit();

    const spool = join(dataDir, 'spool');
    const name = await writeSpoolFile(spool, { from: 'x@remote.example', recipients: ['dana@example.com'] }, Buffer.from('Subject: [list] spooled\r\n\r\nhi\r\n'));
    const deadline = Date.now() + 5000;
    while (!readdirSync(join(spool, 'done')).includes(name) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    assert.ok(readdirSync(join(spool, 'done')).includes(name));
    assert.equal((await messagesIn(server.ctx.store, user('dana@example.com'), 'Lists/News')).raws.length, 2);
  });
});

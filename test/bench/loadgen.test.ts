/**
 * The load generator's own clients against a real msgstore, in miniature: LMTP delivers a few
 * messages, POP3 retrieves them, the simulated IMAP mail client runs every operation without a
 * consistency violation, and its checks catch a UID that another session expunged.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapClient, searchUids } from '../../bench/clients/imap-client.js';
import { LmtpClient } from '../../bench/clients/lmtp-client.js';
import { Pop3Client } from '../../bench/clients/pop3-client.js';
import { MessageGenerator } from '../../bench/corpus/message-generator.js';
import { stuffDots, unstuffDots } from '../../bench/lib/socket-reader.js';
import { MailClient, type Operation } from '../../bench/workloads/mail-client.js';
import { MailboxModel } from '../../bench/workloads/mailbox-model.js';
import { runCli } from '../helpers/cli.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

const USER = 'loadgen@bench.test';
const PASSWORD = 'loadgen-Secret-1';

describe('load generator clients against msgstore', () => {
  let dataDir: string;
  let server: ServerProcess;
  const generator = new MessageGenerator(7);
  // Sizes chosen to cross socket chunk boundaries; one starts a line with a dot.
  const messages = [generator.message(1, USER, 3000).data, generator.message(2, USER, 90_000).data, Buffer.from('Subject: dots\r\n\r\n.leading dot\r\n..two\r\n.\r\nend\r\n')];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'msgstore-loadgen-'));
    const added = await runCli(['user', 'add', USER, '--password-stdin', '--data', dataDir], { input: `${PASSWORD}\n` });
    assert.equal(added.code, 0, added.stderr);
    server = await startServerProcess(dataDir, [], {}, 3);
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const port = (service: string) => {
    const value = server.ports.get(service);
    assert.ok(value, `no ${service} port`);
    return value;
  };

  test('LMTP delivers, POP3 retrieves the same bytes', async () => {
    const lmtp = await LmtpClient.connect('127.0.0.1', port('lmtp'), 30_000);
    for (const message of messages) await lmtp.deliver('sender@example.net', [USER], message);
    await lmtp.quit();

    const pop = await Pop3Client.connect('127.0.0.1', port('pop3'), 30_000);
    await pop.login(USER, PASSWORD);
    const sizes = await pop.list();
    assert.equal(sizes.size, messages.length);
    const bodies: Buffer[] = [];
    for (const [n, size] of sizes) {
      const body = await pop.retr(n);
      assert.equal(body.length, size, `message ${n} is as long as LIST says`);
      bodies.push(body);
    }
    await pop.quit();
    // The stored message may carry a Return-Path/Received line on top; the original follows it whole.
    for (const [i, message] of messages.entries()) assert.ok(bodies[i]!.includes(message), `message ${i + 1} came back byte for byte`);
  });

  test('the IMAP mail client runs every operation with no consistency violation', async () => {
    const imap = await ImapClient.connect({ host: '127.0.0.1', port: port('imap'), timeoutMs: 30_000 });
    await imap.login(USER, PASSWORD);
    const client = new MailClient(imap, 'test', 1, messages.slice(0, 2));
    await client.open();
    assert.equal(client.model.size, messages.length);
    const operations: Operation[] = ['headers', 'body', 'flag', 'flag', 'append', 'move', 'append', 'expunge', 'idle', 'select', 'check'];
    for (const op of operations) await client.perform(op);
    assert.equal(client.model.violations.length, 0, client.model.violations.join('; '));
    assert.equal(client.model.size, messages.length + 2 - 2, 'two appended, one moved, one expunged');
    const search = await imap.ok('UID SEARCH ALL');
    assert.deepEqual(searchUids(search), [...client.model.allUids]);
    await imap.logout();
  });

  test('a UID expunged by another session is reported as lost', async () => {
    const a = await ImapClient.connect({ host: '127.0.0.1', port: port('imap'), timeoutMs: 30_000 });
    await a.login(USER, PASSWORD);
    const client = new MailClient(a, 'watcher', 2, messages.slice(0, 1));
    await client.open();
    assert.equal(client.model.violations.length, 0, client.model.violations.join('; '));
    const victim = client.model.allUids[0]!;

    const b = await ImapClient.connect({ host: '127.0.0.1', port: port('imap'), timeoutMs: 30_000 });
    await b.login(USER, PASSWORD);
    await b.ok('SELECT INBOX');
    await b.ok(`UID STORE ${victim} +FLAGS.SILENT (\\Deleted)`);
    await b.ok('EXPUNGE');
    await b.logout();

    await client.perform('check');
    assert.ok(
      client.model.violations.some((v) => v.includes(`UID ${victim}`) && v.includes('lost')),
      `expected a lost-UID violation, got ${JSON.stringify(client.model.violations)}`,
    );
    await a.logout();
  });
});

describe('load generator pieces without a server', () => {
  test('the model reports a missing and a duplicated UID in a full listing', () => {
    const model = new MailboxModel('unit');
    const msg = (seq: number, uid: number) => ({ seq, uid, flags: [], attributes: new Map<string, unknown>() });
    model.reset([msg(1, 10), msg(2, 11), msg(3, 12)]);
    assert.equal(model.violations.length, 0);
    model.compareFull([msg(1, 10), msg(2, 12), msg(3, 12)]);
    assert.ok(model.violations.some((v) => v.includes('UID 11 is missing') && v.includes('lost')));
    assert.ok(model.violations.some((v) => v.includes('UID 12 listed twice')));
  });

  test('dot-stuffing round-trips', () => {
    const original = Buffer.from('.a\r\nb\r\n..c\r\n.\r\n');
    const stuffed = stuffDots(original);
    assert.equal(stuffed.toString(), '..a\r\nb\r\n...c\r\n..\r\n.\r\n');
    assert.equal(unstuffDots(stuffed.subarray(0, stuffed.length - 3)).toString(), original.toString());
  });
});

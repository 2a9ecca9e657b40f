import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createLmtpService } from '../../src/lmtp/index.js';
import { LmtpClient, type ClientReply } from '../../src/lmtp/client.js';
import type { BoundAddress, Service } from '../../src/server/context.js';
import { addTestUser, makeTestContext, type TestContext } from '../helpers/context.js';
import { expectedStored, messagesIn, user } from '../delivery/helpers.js';

const text = (r: ClientReply) => r.lines.join('\n');

describe('LMTP server', () => {
  let t: TestContext;
  let service: Service;
  let bound: BoundAddress[];
  let port = 0;
  let socketPath = '';

  before(async () => {
    t = await makeTestContext({ limits: { maxMessageBytes: 64 * 1024, maxBadCommands: 5 } });
    await addTestUser(t.ctx, 'alice@example.com', 'pw-alice-1');
    await addTestUser(t.ctx, 'bob@example.com', 'pw-bob-1');
    service = createLmtpService(t.ctx);
    bound = await service.start();
    port = bound.find((b) => b.service === 'lmtp')?.port ?? 0;
    socketPath = bound.find((b) => b.service === 'lmtp-unix')?.host ?? '';
  });
  after(async () => {
    await service.stop();
    assert.equal(existsSync(socketPath), false, 'the socket file is removed on stop');
    await t.cleanup();
  });

  const connect = async () => (await LmtpClient.connect({ host: '127.0.0.1', port, timeoutMs: 5000 })).client;

  test('listens on TCP and on the unix socket under <dataDir>/run', async () => {
    assert.ok(port > 0);
    assert.equal(socketPath, join(t.dataDir, 'run', 'lmtp.sock'));
    const { client, greeting } = await LmtpClient.connect({ path: socketPath, timeoutMs: 5000 });
    assert.equal(greeting.code, 220);
    assert.match(text(greeting), /^mail\.test /);
    const lhlo = await client.command('LHLO mta.test');
    assert.equal(lhlo.code, 250);
    assert.deepEqual(lhlo.lines.slice(1), ['PIPELINING', 'ENHANCEDSTATUSCODES', '8BITMIME', 'SMTPUTF8', `SIZE ${64 * 1024}`]);
    await client.quit();
  });

  test('LMTP only: HELO and EHLO are refused, MAIL needs LHLO', async () => {
    const c = await connect();
    assert.equal((await c.command('HELO x')).code, 500);
    assert.equal((await c.command('EHLO x')).code, 500);
    const mail = await c.command('MAIL FROM:<a@b.example>');
    assert.equal(mail.code, 503);
    assert.match(text(mail), /^5\.5\.1 /);
    await c.quit();
  });

  test('one reply per accepted recipient, in order, after the final dot', async () => {
    const c = await connect();
    await c.command('LHLO mta.test');
    const message = Buffer.from('Subject: pipelined\r\n\r\n.starts with a dot\r\nend\r\n');
    const result = await c.send('sender@remote.example', ['alice@example.com', 'ghost@example.com', 'BOB@example.com', 'alice@example.com'], message);
    assert.equal(result.mail.code, 250);
    assert.deepEqual(result.rcpt.map((r) => r.code), [250, 550, 250, 250]);
    assert.match(text(result.rcpt[1] as ClientReply), /^5\.1\.1 /);
    assert.equal(result.data?.code, 354);
    assert.deepEqual(result.delivery.map((r) => r.code), [250, 250, 250]);
    assert.ok(result.delivery.every((r) => text(r).startsWith('2.0.0 ')));
    const alice = await messagesIn(t.ctx.store, user('alice@example.com'), 'INBOX');
    assert.equal(alice.raws.length, 1, 'a recipient named twice gets one copy');
    assert.ok(alice.raws[0]?.equals(expectedStored('sender@remote.example', 'alice@example.com', message)));
    const bob = await messagesIn(t.ctx.store, user('bob@example.com'), 'INBOX');
    assert.ok(bob.raws.at(-1)?.equals(expectedStored('sender@remote.example', 'BOB@example.com', message)));
    // The session is ready for the next transaction.
    const again = await c.send('', ['bob@example.com'], Buffer.from('Subject: second\r\n\r\nx\r\n'));
    assert.deepEqual(again.delivery.map((r) => r.code), [250]);
    await c.quit();
  });

  test('DATA without an accepted recipient is 503; RSET, NOOP, VRFY, HELP, QUIT', async () => {
    const c = await connect();
    await c.command('LHLO mta.test');
    assert.equal((await c.command('DATA')).code, 503);
    assert.equal((await c.command('MAIL FROM:<>')).code, 250);
    assert.equal((await c.command('RCPT TO:<nobody@example.com>')).code, 550);
    assert.equal((await c.command('DATA')).code, 503);
    assert.equal((await c.command('RSET')).code, 250);
    assert.equal((await c.command('RCPT TO:<alice@example.com>')).code, 503, 'RSET ended the transaction');
    assert.equal((await c.command('NOOP')).code, 250);
    const vrfy = await c.command('VRFY alice');
    assert.equal(vrfy.code, 252);
    assert.equal((await c.command('HELP')).code, 214);
    const quit = await c.command('QUIT');
    assert.equal(quit.code, 221);
  });

  test('size limits: declared SIZE and actual data, 552 5.3.4', async () => {
    const c = await connect();
    await c.command('LHLO mta.test');
    const declared = await c.command(`MAIL FROM:<a@b.example> SIZE=${64 * 1024 + 1}`);
    assert.equal(declared.code, 552);
    assert.match(text(declared), /^5\.3\.4 /);
    const big = Buffer.concat([Buffer.from('Subject: big\r\n\r\n'), Buffer.alloc(70 * 1024, 0x61), Buffer.from('\r\n')]);
    c.write('MAIL FROM:<a@b.example>\r\nRCPT TO:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n');
    assert.deepEqual([(await c.read()).code, (await c.read()).code, (await c.read()).code, (await c.read()).code], [250, 250, 250, 354]);
    c.write(Buffer.concat([big, Buffer.from('.\r\n')]));
    const replies = [await c.read(), await c.read()];
    assert.deepEqual(replies.map((r) => r.code), [552, 552]);
    assert.match(text(replies[0] as ClientReply), /^5\.3\.4 /);
    assert.equal((await c.command('NOOP')).code, 250);
    await c.quit();
  });

  test('binary data with NUL bytes and bare CRs is stored byte for byte', async () => {
    const c = await connect();
    await c.command('LHLO mta.test');
    const body = Buffer.from([0x53, 0x3a, 0x20, 0x62, 0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0xff, 0x0d, 0x41, 0x0d, 0x0a, 0x2e, 0x2e, 0x0d, 0x0a]);
    c.write('MAIL FROM:<a@b.example> BODY=8BITMIME\r\nRCPT TO:<alice@example.com>\r\nDATA\r\n');
    for (const code of [250, 250, 354]) assert.equal((await c.read()).code, code);
    c.write(Buffer.concat([body, Buffer.from('.\r\n')]));
    assert.equal((await c.read()).code, 250);
    const unstuffed = Buffer.concat([body.subarray(0, 14), Buffer.from('.\r\n')]);
    const alice = await messagesIn(t.ctx.store, user('alice@example.com'), 'INBOX');
    assert.ok(alice.raws.at(-1)?.equals(expectedStored('a@b.example', 'alice@example.com', unstuffed)));
    await c.quit();
  });

  test('a command line over the limit is refused; too many errors close the connection', async () => {
    const c = await connect();
    c.write('NOOP ' + 'x'.repeat(10_000) + '\r\n');
    const long = await c.read();
    assert.equal(long.code, 500);
    assert.match(text(long), /^5\.5\.2 /);
    assert.equal((await c.command('NOOP')).code, 250);
    for (let i = 0; i < 4; i++) assert.equal((await c.command('BOGUS')).code, 500);
    const last = await c.command('BOGUS');
    assert.equal(last.code, 500);
    assert.equal((await c.read()).code, 421);
    await assert.rejects(c.read());
  });

  test('bad MAIL and RCPT syntax and unsupported parameters', async () => {
    const c = await connect();
    await c.command('LHLO mta.test');
    assert.equal((await c.command('MAIL FROM:nobrackets@x')).code, 501);
    assert.equal((await c.command('MAIL FROM:<a@b.example> RET=HDRS')).code, 555);
    assert.equal((await c.command('MAIL FROM:<a@b.example> SMTPUTF8')).code, 250);
    assert.equal((await c.command('MAIL FROM:<a@b.example>')).code, 503, 'nested MAIL');
    assert.equal((await c.command('RCPT TO:<no-at-sign>')).code, 553);
    assert.equal((await c.command('RCPT TO:<alice@example.com> NOTIFY=NEVER')).code, 555);
    await c.quit();
  });

  test('non-ASCII addresses need SMTPUTF8', async () => {
    const c = await connect();
    await c.command('LHLO mta.test');
    const refused = await c.command('MAIL FROM:<jörg@bücher.example>');
    assert.equal(refused.code, 553);
    assert.match(text(refused), /^5\.6\.7 /);
    assert.equal((await c.command('MAIL FROM:<a@b.example>')).code, 250);
    assert.equal((await c.command('RCPT TO:<jörg@example.com>')).code, 553);
    assert.equal((await c.command('RSET')).code, 250);
    assert.equal((await c.command('MAIL FROM:<jörg@bücher.example> SMTPUTF8')).code, 250);
    assert.equal((await c.command('RCPT TO:<jörg@example.com>')).code, 550, 'checked (and unknown) rather than refused');
    assert.equal((await c.command('RCPT TO:<alice@example.com>')).code, 250);
    await c.quit();
  });
});

describe('LMTP connection limits', () => {
  test('connections over the per-IP limit get 421 4.7.0; a freed slot is usable again', async () => {
    const t = await makeTestContext({ limits: { lmtp: { maxConnectionsPerIp: 1 } }, listeners: { lmtp: { socket: '' } } });
    const service = createLmtpService(t.ctx);
    try {
      const port = (await service.start())[0]?.port ?? 0;
      const first = await LmtpClient.connect({ host: '127.0.0.1', port, timeoutMs: 5000 });
      assert.equal(first.greeting.code, 220);
      const second = await LmtpClient.connect({ host: '127.0.0.1', port, timeoutMs: 5000 });
      assert.equal(second.greeting.code, 421);
      assert.match(text(second.greeting), /^4\.7\.0 /);
      second.client.destroy();
      await first.client.quit();
      let greeting = 0;
      for (let i = 0; i < 50 && greeting !== 220; i++) {
        await new Promise((r) => setTimeout(r, 20));
        const again = await LmtpClient.connect({ host: '127.0.0.1', port, timeoutMs: 5000 });
        greeting = again.greeting.code;
        again.client.destroy();
      }
      assert.equal(greeting, 220);
    } finally {
      await service.stop();
      await t.cleanup();
    }
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MaildropLocks } from '../../src/pop3/locks.js';
import type { MailboxChange } from '../../src/store/types.js';
import { RawPop3Client } from './client.js';
import { sampleMessage, startPop3 } from './fixture.js';

async function login(port: number, user: string, password = 'pw'): Promise<{ client: RawPop3Client; answer: string }> {
  const client = await RawPop3Client.connect(port);
  await client.command(`USER ${user}`);
  return { client, answer: await client.command(`PASS ${password}`) };
}

describe('POP3 sessions', () => {
  test('a second session on the same maildrop gets -ERR [IN-USE] until the first ends', async () => {
    const f = await startPop3();
    try {
      await f.addUser('u@example.com', 'pw');
      await f.deliver('u@example.com', sampleMessage(1));
      const first = await login(f.port, 'u@example.com');
      assert.match(first.answer, /^\+OK/);
      const second = await login(f.port, 'u@example.com');
      assert.equal(second.answer, '-ERR [IN-USE] Mailbox is in use by another POP3 session');
      // The refused session stays in AUTHORIZATION and can try again once the first quits.
      await first.client.command('QUIT');
      await first.client.waitClosed();
      await second.client.command('USER u@example.com');
      assert.match(await second.client.command('PASS pw'), /^\+OK/);
      second.client.close();
    } finally {
      await f.cleanup();
    }
  });

  test('strict mode refuses POP3 while IMAP has INBOX selected; default mode allows it', async () => {
    const locks = new MaildropLocks();
    const strict = await startPop3({ pop3: { exclusiveInbox: true } }, { locks });
    try {
      await strict.addUser('s@example.com', 'pw');
      const inbox = await strict.inboxId('s@example.com');
      const release = locks.imapSelected('s@example.com', inbox);
      const refused = await login(strict.port, 's@example.com');
      assert.equal(refused.answer, '-ERR [IN-USE] Mailbox is open in an IMAP session');
      release();
      await refused.client.command('USER s@example.com');
      assert.match(await refused.client.command('PASS pw'), /^\+OK/);
      refused.client.close();
    } finally {
      await strict.cleanup();
    }

    const relaxedLocks = new MaildropLocks();
    const relaxed = await startPop3({}, { locks: relaxedLocks });
    try {
      await relaxed.addUser('r@example.com', 'pw');
      relaxedLocks.imapSelected('r@example.com', await relaxed.inboxId('r@example.com'));
      const allowed = await login(relaxed.port, 'r@example.com');
      assert.match(allowed.answer, /^\+OK/);
      allowed.client.close();
    } finally {
      await relaxed.cleanup();
    }
  });

  test('QUIT removal reaches listeners of the INBOX as an expunge notice', async () => {
    const f = await startPop3();
    try {
      await f.addUser('n@example.com', 'pw');
      const uids = [];
      for (let i = 1; i <= 3; i++) uids.push(await f.deliver('n@example.com', sampleMessage(i)));
      const inbox = await f.inboxId('n@example.com');
      const changes: MailboxChange[] = [];
      const stop = f.ctx.store.notifier.subscribe(inbox, (c) => changes.push(c));
      const { client } = await login(f.port, 'n@example.com');
      await client.command('DELE 1');
      await client.command('DELE 3');
      await client.command('QUIT');
      await client.waitClosed();
      for (let i = 0; i < 100 && !changes.some((c) => c.kind === 'expunge'); i++) await new Promise((r) => setTimeout(r, 10));
      stop();
      const expunged = changes.filter((c) => c.kind === 'expunge').flatMap((c) => (c.kind === 'expunge' ? c.uids : []));
      assert.deepEqual(expunged.sort((a, b) => a - b), [uids[0], uids[2]]);
    } finally {
      await f.cleanup();
    }
  });

  test('inactivity auto-logout closes without a response and removes nothing', async () => {
    const f = await startPop3({}, { idleTimeoutMs: 300 });
    try {
      await f.addUser('idle@example.com', 'pw');
      await f.deliver('idle@example.com', sampleMessage(1));
      const { client, answer } = await login(f.port, 'idle@example.com');
      assert.match(answer, /^\+OK/);
      await client.command('DELE 1');
      const started = Date.now();
      await client.waitClosed(3000);
      assert.ok(Date.now() - started >= 200, 'closed by the timer, not at once');
      assert.equal((await f.ctx.store.listMessages(await f.inboxId('idle@example.com'))).length, 1);
      // The maildrop lock went with the session.
      const again = await login(f.port, 'idle@example.com');
      assert.match(again.answer, /^\+OK idle@example.com has 1 messages/);
      again.client.close();
    } finally {
      await f.cleanup();
    }
  });

  test('a client that stops reading during RETR is logged out and its lock released', async () => {
    const f = await startPop3({}, { idleTimeoutMs: 400 });
    try {
      await f.addUser('stall@example.com', 'pw');
      // Bigger than the socket buffers on both sides, so the server's writes must wait.
      await f.deliver('stall@example.com', 'Subject: big\r\n\r\n' + `${'y'.repeat(98)}\r\n`.repeat(160_000));
      const { client, answer } = await login(f.port, 'stall@example.com');
      assert.match(answer, /^\+OK/);
      client.pauseReading();
      client.write('RETR 1\r\n');
      // Well past the idle time; then read what was sent before the server gave up.
      await new Promise((r) => setTimeout(r, 1500));
      client.resumeReading();
      await client.waitClosed(5000);
      assert.ok(client.bufferedBytes < 160_000 * 100, 'the message was cut off');
      const again = await login(f.port, 'stall@example.com');
      assert.match(again.answer, /^\+OK stall@example.com has 1 messages/);
      again.client.close();
    } finally {
      await f.cleanup();
    }
  });

  test('the configured idle time is used, and never below 10 minutes', async () => {
    const { configSchema } = await import('../../src/config/schema.js');
    assert.equal(configSchema.parse({}).timers.pop3IdleSeconds, 1800);
    assert.throws(() => configSchema.parse({ timers: { pop3IdleSeconds: 599 } }));
  });

  test('connection limits: per IP and per user, with a clear -ERR', async () => {
    const f = await startPop3({ limits: { pop3: { maxConnections: 100, maxConnectionsPerIp: 2, maxConnectionsPerUser: 1 } } });
    try {
      await f.addUser('lim@example.com', 'pw');
      await f.addUser('lim2@example.com', 'pw');
      const a = await login(f.port, 'lim@example.com');
      assert.match(a.answer, /^\+OK/);
      const b = await RawPop3Client.connect(f.port);
      const c = await RawPop3Client.connect(f.port, { skipGreeting: true });
      assert.equal(await c.readLine(), '-ERR [SYS/TEMP] Too many connections from your address');
      await c.waitClosed();
      // Per user: lim@ is logged in once already.
      await b.command('USER lim@example.com');
      assert.equal(await b.command('PASS pw'), '-ERR [SYS/TEMP] Too many connections for this user');
      a.client.close();
      b.close();
    } finally {
      await f.cleanup();
    }
  });

  test('the total connection limit answers with the guide\'s message', async () => {
    const f = await startPop3({ limits: { pop3: { maxConnections: 1, maxConnectionsPerIp: 10, maxConnectionsPerUser: 10 } } });
    try {
      const first = await RawPop3Client.connect(f.port);
      const second = await RawPop3Client.connect(f.port, { skipGreeting: true });
      assert.equal(await second.readLine(), '-ERR [SYS/TEMP] Maximum number of client connections has been reached');
      await second.waitClosed();
      // The slot comes back when the first client leaves.
      await first.command('QUIT');
      await first.waitClosed();
      let third: RawPop3Client | null = null;
      for (let i = 0; i < 50 && third === null; i++) {
        const attempt = await RawPop3Client.connect(f.port, { skipGreeting: true });
        if ((await attempt.readLine()).startsWith('+OK')) third = attempt;
        else await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(third, 'a new connection is accepted once the first is gone');
      third.close();
    } finally {
      await f.cleanup();
    }
  });

  test('failed logins are answered only after the throttling delay', async () => {
    const f = await startPop3({ auth: { failuresBeforeDelay: 0, maxDelayMs: 400, blockAfterFailures: 1000 } });
    try {
      await f.addUser('slow@example.com', 'pw');
      const c = await RawPop3Client.connect(f.port);
      await c.command('USER slow@example.com');
      const started = Date.now();
      assert.equal(await c.command('PASS wrong'), '-ERR [AUTH] Authentication failed');
      assert.ok(Date.now() - started >= 300, `answered after ${Date.now() - started} ms`);
      c.close();
    } finally {
      await f.cleanup();
    }
  });

  test('the transcript hook sees commands and responses, never a password or SASL payload', async () => {
    const seen: string[] = [];
    const sessions: string[] = [];
    const f = await startPop3(
      {},
      {
        transcripts: (id) => {
          sessions.push(`open ${id}`);
          return {
            onLine: (direction, bytes) => seen.push(`${direction} ${bytes.toString('latin1')}`),
            onLogin: (user) => sessions.push(`login ${id} ${user}`),
            onClose: () => sessions.push(`close ${id}`),
          };
        },
      },
    );
    try {
      await f.addUser('t@example.com', 'secret-pw');
      await f.deliver('t@example.com', sampleMessage(1));
      const c = await RawPop3Client.connect(f.port);
      await c.command('USER t@example.com');
      await c.command('PASS secret-pw');
      await c.multi('RETR 1');
      await c.command('QUIT');
      await c.waitClosed();
      const d = await RawPop3Client.connect(f.port);
      const token = Buffer.from('\0t@example.com\0secret-pw').toString('base64');
      await d.command('AUTH PLAIN');
      await d.command(token);
      d.close();
      for (let i = 0; i < 100 && sessions.filter((l) => l.startsWith('close')).length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(sessions.filter((l) => l.endsWith(' 1') || l.includes(' 1 ')), ['open 1', 'login 1 t@example.com', 'close 1']);
      assert.deepEqual(sessions.filter((l) => l.endsWith(' 2') || l.includes(' 2 ')), ['open 2', 'login 2 t@example.com', 'close 2']);
      assert.ok(seen.includes('in USER t@example.com'));
      assert.ok(seen.includes('in PASS ***'));
      assert.ok(seen.includes('in AUTH PLAIN'));
      assert.ok(seen.includes('in ***'), 'the SASL response is masked');
      // Multi-line responses arrive line by line, without CRLF.
      assert.ok(seen.includes('out +OK t@example.com has 1 messages (' + Buffer.byteLength(sampleMessage(1)) + ' octets)'));
      assert.ok(seen.every((l) => !l.includes('\r') && !l.includes('\n')));
      assert.ok(seen.some((l) => l.startsWith('out [') && l.includes('octets of message 1')));
      assert.ok(seen.includes('in RETR 1'));
      assert.ok(!seen.some((l) => l.includes('secret-pw') || l.includes(token)), seen.join('\n'));
    } finally {
      await f.cleanup();
    }
  });

  test('too many bad commands close the connection; an overlong line is refused', async () => {
    const f = await startPop3({ limits: { maxBadCommands: 3, maxPreauthBytes: 256 } });
    try {
      const c = await RawPop3Client.connect(f.port);
      assert.equal(await c.command('X'.repeat(400)), '-ERR Line too long');
      assert.match((await c.multi('CAPA')).status, /^\+OK/);
      const d = await RawPop3Client.connect(f.port);
      assert.match(await d.command('FOO'), /^-ERR Unknown command/);
      assert.match(await d.command('BAR'), /^-ERR Unknown command/);
      assert.match(await d.command('STAT'), /^-ERR STAT is not valid/);
      assert.equal(await d.readLine(), '-ERR Too many bad commands; closing the connection');
      await d.waitClosed();
      c.close();
    } finally {
      await f.cleanup();
    }
  });

  test('stop() ends open sessions without removing anything', async () => {
    const f = await startPop3();
    try {
      await f.addUser('stop@example.com', 'pw');
      await f.deliver('stop@example.com', sampleMessage(1));
      const { client } = await login(f.port, 'stop@example.com');
      await client.command('DELE 1');
      await f.service.stop();
      assert.equal(await client.readLine(), '-ERR [SYS/TEMP] Server shutting down');
      await client.waitClosed();
      assert.equal((await f.ctx.store.listMessages(await f.inboxId('stop@example.com'))).length, 1);
    } finally {
      await f.cleanup();
    }
  });
});

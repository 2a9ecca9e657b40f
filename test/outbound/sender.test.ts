import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { openStore, type Store } from '../../src/store/index.js';
import { OutboundSender, type RelayConfig } from '../../src/outbound/sender.js';
import { classifySmtpError, retryDelayMs } from '../../src/outbound/classify.js';
import { startSink, closedPort, type Sink } from './sink.js';

function captureLog(): { logger: Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), records };
}

const RAW = Buffer.from('From: alice@example.com\r\nTo: bob@remote.example\r\nSubject: fwd\r\n\r\nHello there.\r\n');

function relay(port: number, extra: Partial<RelayConfig> = {}): RelayConfig {
  return { host: '127.0.0.1', port, startTls: false, maxQueueAgeSeconds: 3600, ...extra };
}

describe('OutboundSender', () => {
  let dir: string;
  let store: Store;
  let sinks: Sink[];
  let senders: OutboundSender[];
  /** The sender's clock runs `offset` ms ahead of the real one. */
  let offset: number;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'msgstore-outbound-'));
    store = await openStore({ dataDir: dir });
    sinks = [];
    senders = [];
    offset = 0;
  });

  afterEach(async () => {
    for (const s of senders) await s.stop();
    for (const s of sinks) await s.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function sender(config: RelayConfig, logger: Logger = captureLog().logger): OutboundSender {
    const s = new OutboundSender({
      store,
      logger,
      config,
      hostname: 'mail.example.com',
      timing: { pollMs: 60_000, retryBaseMs: 1000, retryMaxMs: 8000, smtpTimeoutMs: 3000 },
      now: () => new Date(Date.now() + offset),
    });
    senders.push(s);
    return s;
  }

  async function sink(options: Parameters<typeof startSink>[0] = {}): Promise<Sink> {
    const s = await startSink(options);
    sinks.push(s);
    return s;
  }

  test('sends a queued message with its stored envelope and exact bytes, then removes it', async () => {
    const smtp = await sink();
    await store.enqueueOutbound({ kind: 'forward', from: 'bob@remote.example', to: ['x@elsewhere.example', 'y@elsewhere.example'], raw: RAW });
    await store.enqueueOutbound({ kind: 'vacation', from: '', to: ['bob@remote.example'], raw: RAW });
    const s = sender(relay(smtp.port));
    s.start();
    await s.flush();
    assert.equal(smtp.received.length, 2);
    assert.deepEqual(smtp.received.map((r) => [r.from, r.to]), [
      ['bob@remote.example', ['x@elsewhere.example', 'y@elsewhere.example']],
      ['', ['bob@remote.example']],
    ]);
    assert.equal(smtp.received[0]?.raw.toString(), RAW.toString());
    assert.deepEqual(await store.outboundStats(), { depth: 0, oldest: null });
  });

  test('kick() after an enqueue sends without waiting for the poll interval', async () => {
    const smtp = await sink();
    const s = sender(relay(smtp.port));
    s.start();
    await store.enqueueOutbound({ kind: 'forward', from: 'a@example.com', to: ['b@elsewhere.example'], raw: RAW });
    s.kick();
    await smtp.waitFor(1);
    assert.equal(smtp.received[0]?.to[0], 'b@elsewhere.example');
  });

  test('relay down: the message stays queued with a backoff, and goes once the relay is back', async () => {
    const port = await closedPort();
    const log = captureLog();
    const s = sender(relay(port), log.logger);
    s.start();
    await store.enqueueOutbound({ kind: 'forward', from: 'a@example.com', to: ['b@elsewhere.example'], raw: RAW });
    await s.flush();
    let [row] = await store.dueOutbound(new Date(Date.now() + 3_600_000), 10);
    assert.equal(row?.attempts, 1);
    assert.ok(row && row.nextAttemptAt.getTime() >= Date.now() + 500, 'retry later, not at once');
    assert.ok(log.records.some((r) => r.level === 40 && String(r.msg).includes('temporary failure')));

    // Not due yet: nothing is tried.
    await s.flush();
    [row] = await store.dueOutbound(new Date(Date.now() + 3_600_000), 10);
    assert.equal(row?.attempts, 1);

    // Still down at the next attempt: the delay doubles.
    offset = 1500;
    await s.flush();
    [row] = await store.dueOutbound(new Date(Date.now() + 3_600_000), 10);
    assert.equal(row?.attempts, 2);
    assert.ok(row && row.nextAttemptAt.getTime() - (Date.now() + offset) >= 1500);

    // The relay comes back on the same port.
    const smtp = await sink({ port });
    offset = 10_000;
    await s.flush();
    assert.equal(smtp.received.length, 1);
    assert.equal((await store.outboundStats()).depth, 0);
  });

  test('relay back: each waiting message goes at its own retry time, not one of them at the next poll', async () => {
    const port = await closedPort();
    const s = sender(relay(port));
    s.start();
    await store.enqueueOutbound({ kind: 'forward', from: 'a@example.com', to: ['first@elsewhere.example'], raw: RAW });
    await s.flush();
    // The second message fails 300 ms (of the sender's clock) later, so its retry is 300 ms later.
    offset = 300;
    await store.enqueueOutbound({ kind: 'vacation', from: '', to: ['second@elsewhere.example'], raw: RAW });
    await s.flush();
    assert.equal((await store.dueOutbound(new Date(Date.now() + 3_600_000), 10)).length, 2);

    // The relay is back before either retry: the timer wakes for the first, then for the second
    // (the poll interval is a minute, far longer than the wait below; the drains that ran in
    // between and found nothing due must not have made either wait for it).
    const smtp = await sink({ port });
    await smtp.waitFor(2, 4000);
    assert.deepEqual(smtp.received.map((r) => r.to[0]).sort(), ['first@elsewhere.example', 'second@elsewhere.example']);
  });

  test('nothing is lost across a restart: a message queued before it is sent by the next process', async () => {
    await store.enqueueOutbound({ kind: 'vacation', from: '', to: ['b@elsewhere.example'], raw: RAW });
    await store.close();
    store = await openStore({ dataDir: dir });
    const smtp = await sink();
    const s = sender(relay(smtp.port));
    s.start();
    await s.flush();
    assert.equal(smtp.received.length, 1);
  });

  test('a 5xx for the message is permanent: logged and removed', async () => {
    const smtp = await sink();
    smtp.rcptReplies.set('nobody@elsewhere.example', { code: 550, text: 'No such user' });
    const log = captureLog();
    const s = sender(relay(smtp.port), log.logger);
    s.start();
    await store.enqueueOutbound({ kind: 'forward', from: 'a@example.com', to: ['nobody@elsewhere.example'], raw: RAW });
    await s.flush();
    assert.equal(smtp.received.length, 0);
    assert.equal((await store.outboundStats()).depth, 0);
    const err = log.records.find((r) => r.level === 50);
    assert.match(String(err?.msg), /refused the message permanently/);
    assert.match(String(err?.error), /550/);
  });

  test('a 4xx is temporary: the message stays queued', async () => {
    const smtp = await sink();
    smtp.rcptReplies.set('busy@elsewhere.example', { code: 451, text: 'Try later' });
    const s = sender(relay(smtp.port));
    s.start();
    await store.enqueueOutbound({ kind: 'forward', from: 'a@example.com', to: ['busy@elsewhere.example'], raw: RAW });
    await s.flush();
    const [row] = await store.dueOutbound(new Date(Date.now() + 3_600_000), 10);
    assert.equal(row?.attempts, 1);
    assert.match(row?.lastError ?? '', /451/);
    smtp.rcptReplies.clear();
    offset = 5000;
    await s.flush();
    assert.equal(smtp.received.length, 1);
  });

  test('partly accepted: accepted recipients are done, a permanent refusal is logged, a temporary one is queued alone', async () => {
    const smtp = await sink();
    smtp.rcptReplies.set('gone@elsewhere.example', { code: 550, text: 'Gone' });
    smtp.rcptReplies.set('later@elsewhere.example', { code: 452, text: 'Mailbox full' });
    const log = captureLog();
    const s = sender(relay(smtp.port), log.logger);
    s.start();
    await store.enqueueOutbound({
      kind: 'forward',
      from: 'a@example.com',
      to: ['ok@elsewhere.example', 'gone@elsewhere.example', 'later@elsewhere.example'],
      raw: RAW,
    });
    await s.flush();
    assert.deepEqual(smtp.received.map((r) => r.to), [['ok@elsewhere.example']]);
    const rows = await store.dueOutbound(new Date(Date.now() + 3_600_000), 10);
    assert.deepEqual(rows.map((r) => r.to), [['later@elsewhere.example']]);
    assert.ok(log.records.some((r) => r.level === 50 && r.recipient === 'gone@elsewhere.example'));
    smtp.rcptReplies.clear();
    await s.flush();
    assert.deepEqual(smtp.received.map((r) => r.to), [['ok@elsewhere.example'], ['later@elsewhere.example']]);
  });

  test('queue age limit: a message that cannot go in time is given up and logged', async () => {
    const port = await closedPort();
    const log = captureLog();
    const s = sender(relay(port, { maxQueueAgeSeconds: 60 }), log.logger);
    s.start();
    await store.enqueueOutbound({ kind: 'forward', from: 'a@example.com', to: ['b@elsewhere.example'], raw: RAW });
    offset = 61_000;
    await s.flush();
    assert.equal((await store.outboundStats()).depth, 0);
    assert.ok(log.records.some((r) => r.level === 50 && String(r.msg).includes('queued too long')));
  });

  test('no relay configured: a warning at start, and messages stay queued', async () => {
    await store.enqueueOutbound({ kind: 'forward', from: 'a@example.com', to: ['b@elsewhere.example'], raw: RAW });
    const log = captureLog();
    const s = sender({ ...relay(25), host: '' }, log.logger);
    s.start();
    s.kick();
    await s.flush();
    await new Promise((r) => setTimeout(r, 50));
    const warning = log.records.find((r) => r.level === 40);
    assert.match(String(warning?.msg), /No SMTP relay configured/);
    assert.equal(warning?.queued, 1);
    assert.equal((await store.outboundStats()).depth, 1);
    assert.equal(s.sending, false);
  });

  test('STARTTLS and AUTH towards the relay', async () => {
    const smtp = await sink({ startTls: true, auth: { user: 'relayuser', pass: 's3cret' } });
    const s = sender(relay(smtp.port, { startTls: true, user: 'relayuser', password: 's3cret' }));
    s.start();
    await store.enqueueOutbound({ kind: 'forward', from: 'a@example.com', to: ['b@elsewhere.example'], raw: RAW });
    await s.flush();
    assert.equal(smtp.received.length, 1);
    assert.equal(smtp.received[0]?.user, 'relayuser');
    assert.equal(smtp.received[0]?.secure, true);
  });

  test('wrong AUTH credentials are temporary (a configuration error must not drop mail)', async () => {
    const smtp = await sink({ startTls: true, auth: { user: 'relayuser', pass: 's3cret' } });
    const s = sender(relay(smtp.port, { startTls: true, user: 'relayuser', password: 'wrong' }));
    s.start();
    await store.enqueueOutbound({ kind: 'forward', from: 'a@example.com', to: ['b@elsewhere.example'], raw: RAW });
    await s.flush();
    assert.equal((await store.outboundStats()).depth, 1);
  });

  test('stop() ends the timer; kick() afterwards sends nothing', async () => {
    const smtp = await sink();
    const s = sender(relay(smtp.port));
    s.start();
    await s.stop();
    await store.enqueueOutbound({ kind: 'forward', from: 'a@example.com', to: ['b@elsewhere.example'], raw: RAW });
    s.kick();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(smtp.received.length, 0);
    assert.equal((await store.outboundStats()).depth, 1);
  });
});

describe('classification and backoff', () => {
  test('only a 5xx to the message commands is permanent', () => {
    const e = (fields: Record<string, unknown>): boolean => classifySmtpError(Object.assign(new Error('x'), fields)).permanent;
    assert.equal(e({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }), true);
    assert.equal(e({ code: 'EMESSAGE', responseCode: 554, command: 'DATA' }), true);
    assert.equal(e({ code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM' }), true);
    assert.equal(e({ code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO' }), false);
    assert.equal(e({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }), false);
    assert.equal(e({ code: 'ECONNECTION', command: 'CONN' }), false);
    assert.equal(e({ code: 'EPROTOCOL', responseCode: 554, command: 'CONN' }), false);
    assert.equal(e({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', rejectedErrors: [{ responseCode: 550 }, { responseCode: 450 }] }), false);
    assert.equal(classifySmtpError('weird').permanent, false);
    assert.equal(e({ code: 'EENVELOPE', command: 'API' }), true);
  });

  test('retry delays double up to the cap', () => {
    assert.deepEqual([0, 1, 2, 3, 10, 100].map((n) => retryDelayMs(n, 60_000, 3_600_000)), [60_000, 120_000, 240_000, 480_000, 3_600_000, 3_600_000]);
  });
});

describe('OutboundSender with a failing queue', () => {
  test('a queue row that cannot be updated stops the drain instead of sending it again and again', async () => {
    const smtp = await startSink();
    const row = { id: 1, kind: 'forward' as const, from: 'a@example.com', to: ['b@elsewhere.example'], raw: RAW, attempts: 0, createdAt: new Date(), nextAttemptAt: new Date(), lastError: null };
    let reads = 0;
    const store = {
      dueOutbound: async () => {
        reads++;
        return Array.from({ length: 20 }, () => row);
      },
      completeOutbound: async () => {
        throw new Error('database is locked');
      },
      failOutbound: async () => undefined,
      enqueueOutbound: async () => 2,
      outboundStats: async () => ({ depth: 1, oldest: null }),
    };
    const log = captureLog();
    const s = new OutboundSender({ store, logger: log.logger, config: relay(smtp.port), hostname: 'h', timing: { pollMs: 60_000 } });
    s.start();
    await s.flush();
    await s.stop();
    await smtp.close();
    assert.equal(smtp.received.length <= 2, true, `sent ${smtp.received.length} times`);
    assert.ok(reads <= 2);
    assert.ok(log.records.some((r) => r.level === 50 && String(r.msg).includes('cannot update the queue')));
  });
});

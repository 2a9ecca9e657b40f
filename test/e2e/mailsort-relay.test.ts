/**
 * Forwards and vacation replies while the SMTP relay is down: delivery still answers 250 and
 * files the message, the outbound queue keeps what could not be sent, and once the relay is
 * back (a local SMTP sink on the port it had) each message reaches it exactly once. The services
 * are composed in-process like src/server/services.ts does, but with the outbound sender's
 * retry delays shortened and the delivery clock movable.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AdminService } from '../../src/admin/service.js';
import { DeliveryPipeline } from '../../src/delivery/pipeline.js';
import { createImapService } from '../../src/imap/index.js';
import { createLmtpService } from '../../src/lmtp/index.js';
import { MailSortEngine } from '../../src/mailsort/engine.js';
import { OutboundSender } from '../../src/outbound/sender.js';
import { createServerContext, type ServerContext, type Service } from '../../src/server/context.js';
import { closedPort, startSink, type Sink } from '../outbound/sink.js';
import { PASSWORD, counts, deliverOne, memoryLogger, message, readMailboxes, testConfig, waitUntil, type LogRecord } from './mailsort-harness.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('MailSort forwards and vacation replies with the relay down and back', () => {
  let dataDir = '';
  let ctx: ServerContext;
  let logs: LogRecord[];
  let sender: OutboundSender;
  let services: Service[] = [];
  let relayPort = 0;
  let sink: Sink | null = null;
  let lmtpPort = 0;
  let imapPort = 0;
  /** How far the delivery clock runs ahead of the real one. */
  let clockOffsetMs = 0;

  const queueDepth = async () => (await ctx.store.outboundStats()).depth;
  /** True once the queue is empty (within 5 s): a sent row leaves it just after the relay's answer. */
  const queueEmptied = async (): Promise<boolean> => {
    for (let i = 0; i < 200; i++) {
      if ((await queueDepth()) === 0) return true;
      await new Promise((r) => setTimeout(r, 25));
    }
    return false;
  };
  const addUser = async (address: string, filter: string): Promise<void> => {
    const admin = new AdminService(ctx.store);
    await admin.addUser({ address, password: PASSWORD, firstName: 'Tess', lastName: 'Traveller' });
    await admin.setFilter(address, filter);
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'msgstore-mailsort-relay-'));
    relayPort = await closedPort();
    const memory = memoryLogger();
    logs = memory.records;
    const config = testConfig(dataDir, relayPort);
    ctx = await createServerContext(config, memory.logger);
    sender = new OutboundSender({
      store: ctx.store,
      logger: ctx.logger.child({ service: 'outbound' }),
      config: config.relay,
      hostname: ctx.hostname,
      // Retries every few hundred milliseconds instead of minutes; no background poll.
      timing: { retryBaseMs: 200, retryMaxMs: 800, pollMs: 60_000, smtpTimeoutMs: 2000 },
    });
    const pipeline = new DeliveryPipeline({
      store: ctx.store,
      logger: ctx.logger,
      hostname: ctx.hostname,
      sorter: new MailSortEngine({ store: ctx.store, logger: ctx.logger.child({ service: 'mailsort' }), hostname: ctx.hostname }),
      onOutbound: () => sender.kick(),
      now: () => new Date(Date.now() + clockOffsetMs),
    });
    services = [createLmtpService(ctx, pipeline), createImapService(ctx)];
    for (const service of services) {
      for (const bound of await service.start()) {
        if (bound.service === 'lmtp') lmtpPort = bound.port;
        if (bound.service === 'imap') imapPort = bound.port;
      }
    }
    sender.start();
  });

  after(async () => {
    for (const service of [...services].reverse()) await service.stop();
    await sender?.stop();
    await sink?.close();
    await ctx?.store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('queued while the relay is down, delivered once when it is back', async () => {
    const user = 'tess@example.com';
    await addUser(
      user,
      `rule "fwd"\n  if subject contains "[fwd]"\n  forward to "far@relay.test"\nend\n` +
        `rule "away"\n  always\n  vacation\nend\n` +
        `vacation\n  subject "Travelling"\n  body "On the road."\nend\n`,
    );
    const raw = message(['From: Ann <ann@remote.test>', `To: ${user}`, 'Subject: [fwd] plans', 'Message-ID: <down-1@remote.test>']);
    const reply = await deliverOne(lmtpPort, 'ann@remote.test', user, raw);
    assert.equal(reply[0], 250, 'delivery does not wait for the relay');
    assert.deepEqual(counts(await readMailboxes(imapPort, user)), { INBOX: 1 });

    // Both the forward and the reply failed at least once against the closed port and wait.
    const retries = () => logs.filter((r) => r.msg === 'outbound: temporary failure; will retry');
    assert.ok(await waitUntil(() => new Set(retries().map((r) => r.kind)).size === 2), JSON.stringify(logs.filter((r) => String(r.msg).startsWith('outbound'))));
    assert.equal(await queueDepth(), 2);

    // The relay comes back on the same port; the sender's next retry delivers both.
    sink = await startSink({ port: relayPort });
    const relay = sink;
    assert.ok(await waitUntil(() => relay.received.length >= 2, 10_000), `relay got ${relay.received.length}: ${JSON.stringify(logs.filter((r) => String(r.msg).startsWith('outbound')))}`);
    assert.ok(await queueEmptied());
    const forward = relay.received.find((r) => r.to.includes('far@relay.test'));
    assert.equal(forward?.from, 'ann@remote.test');
    assert.equal(forward?.raw.toString('utf8'), `Delivered-To: ${user}\r\n${raw}`);
    const vacation = relay.received.find((r) => r.to.includes('ann@remote.test'));
    assert.equal(vacation?.from, '');
    assert.match(vacation?.raw.toString('utf8') ?? '', /^Subject: Travelling\r$/m);

    // Longer than the longest retry delay: nothing is sent twice.
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(relay.received.length, 2);
    assert.equal(await queueDepth(), 0);
  });

  test('a relay that answers 451 (greylisting) gets the forward again after the backoff; a 550 drops it', async () => {
    const user = 'grey@example.com';
    await addUser(user, `rule "fwd"\n  always\n  forward to "grey-target@relay.test", "dead-target@relay.test"\nend\n`);
    if (!sink) sink = await startSink({ port: relayPort });
    const relay = sink;
    relay.rcptReplies.set('grey-target@relay.test', { code: 451, text: '4.7.1 Greylisted, try again later' });
    relay.rcptReplies.set('dead-target@relay.test', { code: 550, text: '5.1.1 No such user' });
    const before = relay.received.length;
    const logsBefore = logs.length;
    const reply = await deliverOne(lmtpPort, 'gail@remote.test', user, message(['From: gail@remote.test', `To: ${user}`, 'Subject: grey']));
    assert.equal(reply[0], 250);
    const refusals = () => logs.slice(logsBefore).filter((r) => String(r.msg).startsWith('outbound:') && r.level >= 40);
    assert.ok(await waitUntil(() => refusals().length >= 1), JSON.stringify(logs.slice(logsBefore)));
    relay.rcptReplies.delete('grey-target@relay.test');
    assert.ok(await waitUntil(() => relay.received.length > before, 10_000), JSON.stringify(logs.slice(logsBefore)));
    assert.ok(await queueEmptied());
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(relay.received.slice(before).map((r) => r.to), [['grey-target@relay.test']]);
    // The permanent refusal is logged with its recipient, and not tried again.
    assert.ok(logs.slice(logsBefore).some((r) => r.level === 50 && r.recipient === 'dead-target@relay.test'), JSON.stringify(logs.slice(logsBefore)));
  });

  test('vacation: no second reply within "days", another one after they passed', async () => {
    const user = 'days@example.com';
    await addUser(user, `rule "away"\n  always\n  vacation\nend\nvacation\n  days 2\n  body "Away."\nend\n`);
    if (!sink) sink = await startSink({ port: relayPort });
    const relay = sink;
    const repliesToSam = () => relay.received.filter((r) => r.to.includes('sam@remote.test')).length;
    const send = async (offsetDays: number, n: number): Promise<void> => {
      clockOffsetMs = offsetDays * DAY_MS;
      const reply = await deliverOne(lmtpPort, 'sam@remote.test', user, message(['From: sam@remote.test', `To: ${user}`, `Subject: note ${n}`]));
      assert.equal(reply[0], 250);
    };
    try {
      await send(0, 1);
      assert.ok(await waitUntil(() => repliesToSam() === 1));
      // A day later: still within the 2 days, no reply is queued at all.
      await send(1, 2);
      assert.equal(await queueDepth(), 0);
      // Three days after the first reply: answered again.
      await send(3, 3);
      assert.ok(await waitUntil(() => repliesToSam() === 2));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(repliesToSam(), 2);
    } finally {
      clockOffsetMs = 0;
    }
    assert.deepEqual(counts(await readMailboxes(imapPort, user)), { INBOX: 3 });
  });
});

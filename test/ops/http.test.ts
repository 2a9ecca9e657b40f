import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDeliveryPipeline } from '../../src/delivery/index.js';
import { createHttpService, type HttpService } from '../../src/web/index.js';
import { TokenRegistry } from '../../src/web/credentials.js';
import { addTestUser, makeTestContext, type TestContext } from '../helpers/context.js';

/** The value of one sample line ("name{labels} value") in a Prometheus text page. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

describe('/metrics and /healthz', () => {
  let t: TestContext;
  let http: HttpService;
  let base: string;

  before(async () => {
    t = await makeTestContext();
    await addTestUser(t.ctx, 'alice@example.com', 'correct-horse-1');
    http = createHttpService(t.ctx, { listenerStatus: () => [] });
    const [bound] = await http.start();
    base = `http://127.0.0.1:${bound!.port}`;
  });

  after(async () => {
    await http.stop();
    await t.cleanup();
  });

  test('/healthz answers ok while the store answers', async () => {
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  test('/metrics shows connections, logins, deliveries, the queue, command latency and store size', async () => {
    // A delivery through the pipeline the server builds, one refused recipient, a failed and a good login.
    const pipeline = createDeliveryPipeline(t.ctx);
    const outcomes = await pipeline.deliver({
      envelopeFrom: 'sender@example.org',
      recipients: ['alice@example.com', 'nobody@example.com'],
      raw: Buffer.from('From: sender@example.org\r\nSubject: hello\r\n\r\nHello there.\r\n'),
      via: 'lmtp',
    });
    assert.deepEqual(outcomes.map((o) => o.code), [250, 550]);
    assert.equal(await t.ctx.auth.login('alice@example.com', 'wrong', { ip: '127.0.0.1', protocol: 'imap' }), null);
    assert.ok(await t.ctx.auth.login('alice@example.com', 'correct-horse-1', { ip: '127.0.0.1', protocol: 'imap' }));
    await t.ctx.store.enqueueOutbound({ kind: 'forward', from: 'alice@example.com', to: ['x@example.net'], raw: Buffer.from('Subject: fwd\r\n\r\nx\r\n') });
    t.ctx.metrics.commands.observe({ protocol: 'imap', command: 'NOOP' }, 0.002);
    const slot = t.ctx.limits.open('imap', '127.0.0.9');
    assert.ok(slot.ok);

    const res = await fetch(`${base}/metrics`);
    if (slot.ok) slot.release();
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.equal(sample(text, 'msgstore_connections{protocol="imap"}'), 1);
    assert.equal(sample(text, 'msgstore_connections{protocol="pop3"}'), 0);
    assert.equal(sample(text, 'msgstore_logins_total{outcome="failed",protocol="imap"}'), 1);
    assert.equal(sample(text, 'msgstore_logins_total{outcome="ok",protocol="imap"}'), 1);
    assert.equal(sample(text, 'msgstore_deliveries_total{outcome="delivered",via="lmtp"}'), 1);
    assert.equal(sample(text, 'msgstore_deliveries_total{outcome="permanent",via="lmtp"}'), 1);
    assert.equal(sample(text, 'msgstore_outbound_queue_depth'), 1);
    const age = sample(text, 'msgstore_outbound_queue_oldest_seconds');
    assert.ok(age !== undefined && age >= 0 && age < 60);
    assert.equal(sample(text, 'msgstore_command_seconds_count{command="NOOP",protocol="imap"}'), 1);
    assert.equal(sample(text, 'msgstore_command_seconds_bucket{command="NOOP",protocol="imap",le="0.0025"}'), 1);
    assert.equal(sample(text, 'msgstore_store_messages'), 1);
    const inbox = await t.ctx.store.getMailbox({ kind: 'user', address: 'alice@example.com' }, 'INBOX');
    assert.equal(sample(text, 'msgstore_store_bytes'), (await t.ctx.store.mailboxStatus(inbox.id)).size);
    assert.equal(sample(text, 'msgstore_store_up'), 1);
    assert.match(text, /# TYPE msgstore_command_seconds histogram/);
  });

  test('/metrics from elsewhere needs the administrator', async () => {
    const app = http.app!;
    const remote = { method: 'GET' as const, url: '/metrics', remoteAddress: '203.0.113.7' };
    const anonymous = await app.inject(remote);
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json<{ error: { code: string } }>().error.code, 'UNAUTHENTICATED');

    const tokens = new TokenRegistry(t.ctx.store);
    const user = await tokens.create('alice script', { role: 'user', address: 'alice@example.com' });
    const asUser = await app.inject({ ...remote, headers: { authorization: `Bearer ${user.token}` } });
    assert.equal(asUser.statusCode, 403);

    const admin = await tokens.create('prometheus', { role: 'admin' });
    const asAdmin = await app.inject({ ...remote, headers: { authorization: `Bearer ${admin.token}` } });
    assert.equal(asAdmin.statusCode, 200);
    assert.match(asAdmin.body, /msgstore_logins_total/);
  });

  test('/healthz answers 503 when the store does not answer', async () => {
    await t.ctx.store.close();
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { status: 'unavailable' });
    const metrics = await fetch(`${base}/metrics`);
    assert.equal(metrics.status, 200);
    assert.equal(sample(await metrics.text(), 'msgstore_store_up'), 0);
  });
});

/**
 * MailSort through the real delivery pipeline and the outbound sender: filter file in the store,
 * message delivered, folders filled, forward and vacation reply received by a local SMTP sink.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { openStore, type Owner, type Store } from '../../src/store/index.js';
import { DeliveryPipeline } from '../../src/delivery/pipeline.js';
import { MailSortEngine } from '../../src/mailsort/engine.js';
import { OutboundSender } from '../../src/outbound/sender.js';
import { startSink, type Sink } from '../outbound/sink.js';

function quietLogger(): Logger {
  return pino({ level: 'silent' }, new Writable({ write: (_c, _e, done) => done() }));
}

const ALICE = 'alice@example.com';
const alice: Owner = { kind: 'user', address: ALICE };

const FILTER = `# Alice's rules
rule "Rust list"
  if header "List-Id" contains "rust.lists.example.org"
  move to "Lists/rust"
  stop
end

rule "Quotes"
  if subject contains "[quote]"
  copy to "shared/sales@example.com/Quotes"
end

rule "Invoices"
  if subject begins with "Invoice"
  forward to "books@elsewhere.example"
end

rule "Spammer"
  if from is "offers@spam.example"
  reject "No thanks."
end

rule "Away"
  always
  vacation
end

vacation
  subject "Away this week"
  days 7
  body """
    I am away this week.
    """
end
`;

function mail(headers: string): Buffer {
  return Buffer.from(`${headers.replace(/\n/g, '\r\n')}\r\n\r\nBody text.\r\n`);
}

async function folder(store: Store, owner: Owner, name: string): Promise<string[]> {
  const box = await store.findMailbox(owner, name);
  if (!box) return [];
  const out: string[] = [];
  for (const m of await store.listMessages(box.id)) out.push((await store.readMessage(box.id, m.uid)).toString('utf8'));
  return out;
}

describe('MailSort in the delivery pipeline with the outbound sender', () => {
  let dir: string;
  let store: Store;
  let sink: Sink;
  let sender: OutboundSender;
  let pipeline: DeliveryPipeline;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'msgstore-mailsort-flow-'));
    store = await openStore({ dataDir: dir });
    await store.addUser({ address: ALICE, firstName: 'Alice', lastName: 'Smith', passwordHash: 'scrypt$test$x' });
    await store.addShared({ address: 'sales@example.com', members: [ALICE] });
    await store.setFilterFile(ALICE, FILTER);
    sink = await startSink();
    const logger = quietLogger();
    sender = new OutboundSender({
      store,
      logger,
      config: { host: '127.0.0.1', port: sink.port, startTls: false, maxQueueAgeSeconds: 3600 },
      hostname: 'mail.example.com',
      timing: { pollMs: 60_000, smtpTimeoutMs: 3000 },
    });
    sender.start();
    pipeline = new DeliveryPipeline({
      store,
      logger,
      hostname: 'mail.example.com',
      sorter: new MailSortEngine({ store, logger, hostname: 'mail.example.com' }),
      onOutbound: () => sender.kick(),
    });
  });

  after(async () => {
    await sender.stop();
    await sink.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a list message goes to a folder that did not exist yet, and gets no vacation reply', async () => {
    const [o] = await pipeline.deliver({
      envelopeFrom: 'rust-bounces@lists.example.org',
      recipients: [ALICE],
      raw: mail('From: dev@example.org\nTo: rust@lists.example.org\nList-Id: <rust.lists.example.org>\nSubject: RFC 1'),
    });
    assert.equal(o?.code, 250);
    assert.deepEqual(o?.mailboxes, ['Lists/rust']);
    assert.equal((await folder(store, alice, 'Lists/rust')).length, 1);
    assert.equal((await folder(store, alice, 'INBOX')).length, 0);
    await sender.flush();
    assert.equal(sink.received.length, 0);
  });

  test('a quote is kept in INBOX and copied to the shared mailbox; the sender gets one vacation reply', async () => {
    const raw = mail('From: Bob <bob@remote.example>\nTo: Alice <alice@example.com>\nSubject: [quote] 12 chairs\nMessage-ID: <q1@remote.example>');
    const [o] = await pipeline.deliver({ envelopeFrom: 'bob@remote.example', recipients: [ALICE], raw });
    assert.equal(o?.code, 250);
    assert.deepEqual([...(o?.mailboxes ?? [])].sort(), ['INBOX', 'shared/sales@example.com/Quotes']);
    assert.equal((await folder(store, { kind: 'shared', address: 'sales@example.com' }, 'Quotes')).length, 1);
    await sink.waitFor(1);
    const reply = sink.received[0];
    assert.equal(reply?.from, '');
    assert.deepEqual(reply?.to, ['bob@remote.example']);
    const text = reply?.raw.toString('utf8') ?? '';
    assert.match(text, /^Subject: Away this week\r$/m);
    assert.match(text, /^In-Reply-To: <q1@remote\.example>\r$/m);
    assert.match(text, /^Auto-Submitted: auto-replied\r$/m);
    assert.match(text, /I am away this week\./);

    // A second message from Bob in the same week: no second reply.
    await pipeline.deliver({ envelopeFrom: 'bob@remote.example', recipients: [ALICE], raw });
    await sender.flush();
    assert.equal(sink.received.length, 1);
  });

  test('an invoice is forwarded through the relay with the original envelope sender, and not again when it comes back', async () => {
    const before = sink.received.length;
    const raw = mail('From: shop@remote.example\nTo: alice@example.com\nSubject: Invoice 42');
    await pipeline.deliver({ envelopeFrom: 'billing@remote.example', recipients: [ALICE], raw });
    await sender.flush();
    const sent = sink.received.slice(before);
    const forward = sent.find((r) => r.to.includes('books@elsewhere.example'));
    assert.ok(forward, 'the forward went out');
    assert.equal(forward.from, 'billing@remote.example');
    assert.ok(forward.raw.toString('utf8').startsWith(`Delivered-To: ${ALICE}\r\n`));
    assert.ok(forward.raw.toString('utf8').endsWith('Subject: Invoice 42\r\n\r\nBody text.\r\n'));

    // The forwarded copy loops back to Alice: filed, but not forwarded a second time.
    const count = sink.received.length;
    await pipeline.deliver({ envelopeFrom: 'billing@remote.example', recipients: [ALICE], raw: forward.raw });
    await sender.flush();
    assert.ok(!sink.received.slice(count).some((r) => r.to.includes('books@elsewhere.example')));
  });

  test('reject answers 550 5.7.1 with the reason and keeps nothing', async () => {
    const inboxBefore = (await folder(store, alice, 'INBOX')).length;
    const [o] = await pipeline.deliver({
      envelopeFrom: 'offers@spam.example',
      recipients: [ALICE],
      raw: mail('From: Offers <offers@spam.example>\nTo: alice@example.com\nSubject: Deal'),
    });
    assert.equal(o?.code, 550);
    assert.equal(o?.enhanced, '5.7.1');
    assert.match(o?.text ?? '', /No thanks\./);
    assert.equal((await folder(store, alice, 'INBOX')).length, inboxBefore);
  });

  test('a filter file with a syntax error: the message goes to INBOX', async () => {
    await store.setFilterFile(ALICE, 'rule "broken"\n  if from\nend\n');
    const [o] = await pipeline.deliver({
      envelopeFrom: 'carol@remote.example',
      recipients: [ALICE],
      raw: mail('From: carol@remote.example\nTo: rust@lists.example.org\nList-Id: <rust.lists.example.org>\nSubject: x'),
    });
    assert.equal(o?.code, 250);
    assert.deepEqual(o?.mailboxes, ['INBOX']);
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryPipeline } from '../../src/delivery/pipeline.js';
import type { DeliveryPlan } from '../../src/delivery/plan.js';
import type { Sorter, SortInput } from '../../src/delivery/sorter.js';
import type { MailboxChange, Store } from '../../src/store/types.js';
import { addTestUser, makeTestContext, type TestContext } from '../helpers/context.js';
import { SIMPLE, captureLog, expectedStored, messagesIn, user } from './helpers.js';

function planSorter(plan: Partial<DeliveryPlan>, seen?: SortInput[]): Sorter {
  return {
    plan: async (input) => {
      seen?.push(input);
      return { reject: null, folders: ['INBOX'], forwards: [], vacation: null, notes: [], ...plan };
    },
  };
}

describe('delivery pipeline', () => {
  let t: TestContext;
  let store: Store;
  const log = captureLog();

  before(async () => {
    t = await makeTestContext();
    store = t.ctx.store;
    await addTestUser(t.ctx, 'alice@example.com', 'pw-alice-1');
    await addTestUser(t.ctx, 'bob@example.com', 'pw-bob-1');
    await addTestUser(t.ctx, 'carol@example.com', 'pw-carol-1');
    await store.addShared({ address: 'sales@example.com', members: ['alice@example.com'] });
    await store.createMailbox(user('alice@example.com'), 'Lists');
  });
  after(async () => t.cleanup());

  const pipeline = (extra: Partial<ConstructorParameters<typeof DeliveryPipeline>[0]> = {}) =>
    new DeliveryPipeline({ store, logger: log.logger, hostname: 'mail.test', maxMessageBytes: 1_000_000, ...extra });

  test('stores into INBOX with Return-Path and Delivered-To, INTERNALDATE = delivery time, one log line', async () => {
    const now = new Date('2026-01-02T03:04:05Z');
    const before = log.records.length;
    const [outcome] = await pipeline({ now: () => now }).deliver({ envelopeFrom: 'sender@remote.example', recipients: ['Alice@Example.COM'], raw: SIMPLE, via: 'test' });
    assert.equal(outcome?.code, 250);
    assert.equal(outcome?.enhanced, '2.0.0');
    assert.deepEqual(outcome?.mailboxes, ['INBOX']);
    const { box, raws } = await messagesIn(store, user('alice@example.com'), 'INBOX');
    assert.equal(raws.length, 1);
    assert.ok(raws[0]?.equals(expectedStored('sender@remote.example', 'Alice@Example.COM', SIMPLE)));
    const [meta] = await store.listMessages(box.id);
    assert.equal(meta?.internalDate.getTime(), now.getTime());
    const lines = log.records.slice(before).filter((r) => r.msg === 'delivery');
    assert.equal(lines.length, 1);
    const line = lines[0] ?? {};
    assert.equal(line.from, 'sender@remote.example');
    assert.equal(line.to, 'Alice@Example.COM');
    assert.equal(line.outcome, 'delivered');
    assert.equal(line.mailbox, 'INBOX');
    assert.equal(line.size, SIMPLE.length);
    assert.equal(typeof line.id, 'string');
    assert.equal(typeof line.ms, 'number');
  });

  test('every recipient gets its own copy with its own Delivered-To; unknown ones 550 5.1.1', async () => {
    const outcomes = await pipeline().deliver({ envelopeFrom: '', recipients: ['bob@example.com', 'nobody@example.com', 'carol@example.com'], raw: SIMPLE });
    assert.deepEqual(outcomes.map((o) => [o.code, o.enhanced]), [[250, '2.0.0'], [550, '5.1.1'], [250, '2.0.0']]);
    assert.equal(outcomes[1]?.lmCode, 'LM_USER_NOT_FOUND');
    const bob = await messagesIn(store, user('bob@example.com'), 'INBOX');
    const carol = await messagesIn(store, user('carol@example.com'), 'INBOX');
    assert.ok(bob.raws.at(-1)?.equals(expectedStored('', 'bob@example.com', SIMPLE)));
    assert.ok(carol.raws.at(-1)?.equals(expectedStored('', 'carol@example.com', SIMPLE)));
  });

  test('the same recipient twice gets one copy and two answers', async () => {
    const before = (await messagesIn(store, user('bob@example.com'), 'INBOX')).raws.length;
    const outcomes = await pipeline().deliver({ envelopeFrom: 'x@y.example', recipients: ['bob@example.com', 'BOB@example.com'], raw: SIMPLE });
    assert.deepEqual(outcomes.map((o) => [o.recipient, o.code]), [['bob@example.com', 250], ['BOB@example.com', 250]]);
    assert.equal((await messagesIn(store, user('bob@example.com'), 'INBOX')).raws.length, before + 1);
  });

  test('user+folder delivers into that folder when it exists (any case), else INBOX', async () => {
    const p = pipeline();
    const [a] = await p.deliver({ envelopeFrom: 'x@y.example', recipients: ['alice+lists@example.com'], raw: SIMPLE });
    assert.deepEqual(a?.mailboxes, ['Lists']);
    assert.equal((await messagesIn(store, user('alice@example.com'), 'Lists')).raws.length, 1);
    const [b] = await p.deliver({ envelopeFrom: 'x@y.example', recipients: ['alice+nosuchfolder@example.com'], raw: SIMPLE });
    assert.equal(b?.code, 250);
    assert.deepEqual(b?.mailboxes, ['INBOX']);
    const [c] = await p.deliver({ envelopeFrom: 'x@y.example', recipients: ['nobody+lists@example.com'], raw: SIMPLE });
    assert.equal(c?.code, 550);
  });

  test('a shared mailbox address stores one copy in that mailbox; the sorter is not asked', async () => {
    const seen: SortInput[] = [];
    const [o] = await pipeline({ sorter: planSorter({}, seen) }).deliver({ envelopeFrom: 'x@y.example', recipients: ['Sales@example.com'], raw: SIMPLE });
    assert.equal(o?.code, 250);
    assert.deepEqual(o?.mailboxes, ['shared/sales@example.com']);
    assert.equal(seen.length, 0);
    const shared = await messagesIn(store, { kind: 'shared', address: 'sales@example.com' }, 'INBOX');
    assert.equal(shared.raws.length, 1);
    assert.ok(shared.raws[0]?.equals(expectedStored('x@y.example', 'Sales@example.com', SIMPLE)));
  });

  test('a plan is carried out: folders (created when missing), forwards and vacation queued, sender kicked', async () => {
    const seen: SortInput[] = [];
    let kicks = 0;
    const vacation = { to: 'x@y.example', raw: Buffer.from('Subject: away\r\n\r\nI am away.\r\n') };
    const sorter = planSorter({ folders: ['Projects/Rust', 'INBOX', 'shared/sales@example.com'], forwards: ['fwd@elsewhere.example'], vacation }, seen);
    const [o] = await pipeline({ sorter, onOutbound: () => kicks++ }).deliver({ envelopeFrom: 'x@y.example', recipients: ['alice@example.com'], raw: SIMPLE });
    assert.equal(o?.code, 250);
    assert.deepEqual(o?.mailboxes, ['Projects/Rust', 'INBOX', 'shared/sales@example.com']);
    assert.equal(kicks, 1);
    assert.equal(seen[0]?.recipient, 'alice@example.com');
    assert.ok(seen[0]?.raw.equals(SIMPLE), 'the sorter sees the message without our trace headers');
    assert.equal((await messagesIn(store, user('alice@example.com'), 'Projects/Rust')).raws.length, 1);
    const queued = await store.dueOutbound(new Date(Date.now() + 60_000), 10);
    const forward = queued.find((m) => m.kind === 'forward');
    assert.deepEqual(forward?.to, ['fwd@elsewhere.example']);
    assert.equal(forward?.from, 'x@y.example');
    assert.ok(forward?.raw.equals(Buffer.concat([Buffer.from('Delivered-To: alice@example.com\r\n'), SIMPLE])));
    const reply = queued.find((m) => m.kind === 'vacation');
    assert.equal(reply?.from, '');
    assert.deepEqual(reply?.to, ['x@y.example']);
    for (const m of queued) await store.completeOutbound(m.id);
  });

  test('a folder the user may not use falls back to INBOX with a logged reason', async () => {
    const sorter = planSorter({ folders: ['shared/sales@example.com/Quotes'] });
    const before = log.records.length;
    const [o] = await pipeline({ sorter }).deliver({ envelopeFrom: 'x@y.example', recipients: ['bob@example.com'], raw: SIMPLE });
    assert.equal(o?.code, 250);
    assert.deepEqual(o?.mailboxes, ['INBOX']);
    const notes = log.records.slice(before).find((r) => r.msg === 'delivery notes');
    assert.match(String((notes?.notes as string[] | undefined)?.[0]), /shared\/sales@example.com\/Quotes/);
  });

  test('reject answers 550 5.7.1 with the reason and stores nothing; discard stores nothing', async () => {
    const before = (await messagesIn(store, user('carol@example.com'), 'INBOX')).raws.length;
    const [r] = await pipeline({ sorter: planSorter({ reject: 'No\r\nspam please' }) }).deliver({ envelopeFrom: 'x@y.example', recipients: ['carol@example.com'], raw: SIMPLE });
    assert.deepEqual([r?.code, r?.enhanced, r?.text, r?.lmCode], [550, '5.7.1', 'No spam please', 'LM_REJECTED']);
    const [d] = await pipeline({ sorter: planSorter({ folders: [] }) }).deliver({ envelopeFrom: 'x@y.example', recipients: ['carol@example.com'], raw: SIMPLE });
    assert.equal(d?.code, 250);
    assert.equal((await messagesIn(store, user('carol@example.com'), 'INBOX')).raws.length, before);
  });

  test('a failing sorter means INBOX', async () => {
    const sorter: Sorter = { plan: async () => Promise.reject(new Error('broken')) };
    const [o] = await pipeline({ sorter }).deliver({ envelopeFrom: 'x@y.example', recipients: ['carol@example.com'], raw: SIMPLE });
    assert.deepEqual([o?.code, o?.mailboxes], [250, ['INBOX']]);
  });

  test('message over the size limit: 552 5.3.4', async () => {
    const [o] = await pipeline({ maxMessageBytes: 100 }).deliver({ envelopeFrom: '', recipients: ['bob@example.com'], raw: Buffer.alloc(101, 0x41) });
    assert.deepEqual([o?.code, o?.enhanced, o?.lmCode], [552, '5.3.4', 'LM_MSG_TOO_LARGE']);
  });

  test('quota: 552 5.2.2 when the message can never fit, 452 4.2.2 when the mailbox is full for now', async () => {
    await addTestUser(t.ctx, 'quota@example.com', 'pw-quota-1');
    await store.updateUser('quota@example.com', { quotaBytes: 600 });
    const p = pipeline();
    const big = await p.deliver({ envelopeFrom: '', recipients: ['quota@example.com'], raw: Buffer.alloc(700, 0x41) });
    assert.deepEqual([big[0]?.code, big[0]?.enhanced], [552, '5.2.2']);
    const first = await p.deliver({ envelopeFrom: '', recipients: ['quota@example.com'], raw: Buffer.alloc(400, 0x42) });
    assert.equal(first[0]?.code, 250);
    const second = await p.deliver({ envelopeFrom: '', recipients: ['quota@example.com'], raw: Buffer.alloc(400, 0x43) });
    assert.deepEqual([second[0]?.code, second[0]?.enhanced, second[0]?.lmCode], [452, '4.2.2', 'LM_OVER_QUOTA']);
    assert.deepEqual([(await p.checkRecipient('quota@example.com', 10)).code, (await p.checkRecipient('quota@example.com', 200)).code, (await p.checkRecipient('quota@example.com', 10_000)).code], [250, 452, 552]);
    assert.equal((await p.checkRecipient('alice@example.com', 10_000)).code, 250);
    assert.equal((await p.checkRecipient('ghost@example.com')).code, 550);
  });

  test('a store failure is 451 4.3.0, and copies already filed for that recipient are taken back', async () => {
    let appends = 0;
    const failing = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'appendMessage') {
          return async (...args: Parameters<Store['appendMessage']>) => {
            appends++;
            if (appends === 2) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
            return target.appendMessage(...args);
          };
        }
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const beforeInbox = (await messagesIn(store, user('carol@example.com'), 'INBOX')).raws.length;
    const sorter = planSorter({ folders: ['INBOX', 'Archive'] });
    const [o] = await pipeline({ store: failing, sorter }).deliver({ envelopeFrom: '', recipients: ['carol@example.com'], raw: SIMPLE });
    assert.deepEqual([o?.code, o?.enhanced, o?.lmCode], [451, '4.3.0', 'LM_STORE_FAILURE']);
    assert.equal((await messagesIn(store, user('carol@example.com'), 'INBOX')).raws.length, beforeInbox);
    assert.equal((await messagesIn(store, user('carol@example.com'), 'Archive')).raws.length, 0);
  });

  test('malformed messages are stored byte for byte', async () => {
    const samples = [
      Buffer.from('no headers at all, just text\r\n'),
      Buffer.from([0, 1, 2, 255, 254, 0, 13, 10, 0, 13, 13, 10, 7]),
      Buffer.from('Subject: nul\r\n\r\nbody\0with\0nuls\r\n'),
      Buffer.from('Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nno end\r\n--zz'),
      Buffer.concat([Buffer.from('Subject: long\r\n\r\n'), Buffer.alloc(10 * 1024 * 1024, 0x61), Buffer.from('\r\n')]),
      Buffer.from('Subject: bare\nline ends\n\nbody\n'),
    ];
    const p = pipeline({ maxMessageBytes: 20 * 1024 * 1024 });
    for (const raw of samples) {
      const [o] = await p.deliver({ envelopeFrom: 'x@y.example', recipients: ['bob@example.com'], raw });
      assert.equal(o?.code, 250);
      const { raws } = await messagesIn(store, user('bob@example.com'), 'INBOX');
      assert.ok(raws.at(-1)?.equals(expectedStored('x@y.example', 'bob@example.com', raw)), `sample of ${raw.length} bytes`);
    }
  });

  test('open sessions are told about each delivery (the store notifier)', async () => {
    const inbox = await store.getMailbox(user('alice@example.com'), 'INBOX');
    const changes: MailboxChange[] = [];
    const stop = store.notifier.subscribe(inbox.id, (c) => changes.push(c));
    try {
      await pipeline().deliver({ envelopeFrom: '', recipients: ['alice@example.com'], raw: SIMPLE });
      for (let i = 0; i < 100 && changes.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(changes[0]?.kind, 'append');
    } finally {
      stop();
    }
  });
});

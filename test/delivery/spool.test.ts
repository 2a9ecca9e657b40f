import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeliveryPipeline } from '../../src/delivery/pipeline.js';
import { SpoolAgent, createSpoolService } from '../../src/delivery/spool.js';
import { writeSpoolFile } from '../../src/delivery/spool-files.js';
import { silentLogger } from '../../src/log/logger.js';
import type { Store } from '../../src/store/types.js';
import { addTestUser, makeTestContext, type TestContext } from '../helpers/context.js';
import { SIMPLE, expectedStored, messagesIn, user } from './helpers.js';

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

describe('spool agent', () => {
  let t: TestContext;
  let store: Store;
  let spool: string;
  let agent: SpoolAgent;
  let failAppends = false;

  before(async () => {
    t = await makeTestContext();
    store = t.ctx.store;
    await addTestUser(t.ctx, 'alice@example.com', 'pw-alice-1');
    await addTestUser(t.ctx, 'bob@example.com', 'pw-bob-1');
    spool = join(t.dataDir, 'spool-under-test');
    const flaky = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'appendMessage' && failAppends) return async () => Promise.reject(Object.assign(new Error('no space'), { code: 'ENOSPC' }));
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const pipeline = new DeliveryPipeline({ store: flaky, logger: silentLogger(), hostname: 'mail.test', maxMessageBytes: 100_000 });
    agent = new SpoolAgent({ dir: spool, pipeline, logger: silentLogger(), scanIntervalMs: 60_000, maxMessageBytes: 100_000, retryDelayMs: 1, maxRetryDelayMs: 1 });
    await agent.start();
  });
  after(async () => {
    await agent.stop();
    await t.cleanup();
  });

  test('a dropped file is delivered (watch notification) and moved to done/', async () => {
    const name = await writeSpoolFile(spool, { from: 'sender@remote.example', recipients: ['alice@example.com', 'Bob@example.com'] }, SIMPLE);
    await until(() => list(join(spool, 'done')).includes(name));
    assert.deepEqual(list(spool).filter((n) => !['tmp', 'done', 'failed'].includes(n)), []);
    const alice = await messagesIn(store, user('alice@example.com'), 'INBOX');
    assert.ok(alice.raws.at(-1)?.equals(expectedStored('sender@remote.example', 'alice@example.com', SIMPLE)));
    const bob = await messagesIn(store, user('bob@example.com'), 'INBOX');
    assert.ok(bob.raws.at(-1)?.equals(expectedStored('sender@remote.example', 'Bob@example.com', SIMPLE)));
    assert.deepEqual(list(join(spool, 'tmp')), []);
  });

  test('bad files keep their bytes in failed/ with the LM_* code beside them', async () => {
    const cases: [string, Buffer, string][] = [
      ['empty-file', Buffer.alloc(0), 'LM_MQ_MSGFILE_EMPTY'],
      ['broken-envelope', Buffer.from('Subject: not a spool file\r\n\r\nhello\r\n'), 'LM_INVALID_MSGENV'],
      ['no-message', Buffer.from('MSGSTORE-SPOOL 1\nMAIL FROM:<a@b.example>\nRCPT TO:<alice@example.com>\n\n'), 'LM_INVALID_MSGBODY'],
    ];
    for (const [name, bytes] of cases) {
      writeFileSync(join(spool, 'tmp', name), bytes);
      renameSync(join(spool, 'tmp', name), join(spool, name));
    }
    await agent.scanOnce();
    for (const [name, bytes, code] of cases) {
      const failed = join(spool, 'failed', name);
      assert.ok(readFileSync(failed).equals(bytes), `${name} kept as it was`);
      assert.equal(readFileSync(`${failed}.reason`, 'utf8').split('\n')[0], code);
    }
  });

  test('unknown recipients go to failed/ with their reasons; delivered ones are not repeated', async () => {
    const name = await writeSpoolFile(spool, { from: 'x@y.example', recipients: ['ghost@example.com', 'alice@example.com'] }, SIMPLE);
    const before = (await messagesIn(store, user('alice@example.com'), 'INBOX')).raws.length;
    await agent.scanOnce();
    assert.ok(list(join(spool, 'done')).includes(name));
    const reason = readFileSync(join(spool, 'failed', `${name}.reason`), 'utf8');
    assert.equal(reason.split('\n')[0], 'LM_USER_NOT_FOUND');
    assert.match(reason, /<ghost@example.com>: 550 5\.1\.1/);
    const failedCopy = readFileSync(join(spool, 'failed', name)).toString('latin1');
    assert.ok(failedCopy.includes('RCPT TO:<ghost@example.com>') && !failedCopy.includes('RCPT TO:<alice'));
    assert.equal((await messagesIn(store, user('alice@example.com'), 'INBOX')).raws.length, before + 1);
  });

  test('a temporary failure keeps the file in the spool and it is delivered on a later pass', async () => {
    failAppends = true;
    const name = await writeSpoolFile(spool, { from: 'x@y.example', recipients: ['bob@example.com'] }, SIMPLE);
    await agent.scanOnce();
    assert.ok(list(spool).includes(name), 'still queued after a temporary failure');
    assert.ok(!list(join(spool, 'failed')).includes(name));
    failAppends = false;
    await new Promise((r) => setTimeout(r, 5));
    await agent.scanOnce();
    assert.ok(list(join(spool, 'done')).includes(name));
    assert.ok(!list(spool).includes(name));
  });

  test('a burst of files is delivered, each message exactly once', async () => {
    const before = (await messagesIn(store, user('bob@example.com'), 'INBOX')).raws.length;
    const names: string[] = [];
    for (let i = 0; i < 40; i++) names.push(await writeSpoolFile(spool, { from: '', recipients: ['bob@example.com'] }, Buffer.from(`Subject: burst ${i}\r\n\r\nx\r\n`)));
    await agent.scanOnce();
    await until(() => names.every((n) => list(join(spool, 'done')).includes(n)));
    const { raws } = await messagesIn(store, user('bob@example.com'), 'INBOX');
    assert.equal(raws.length, before + 40);
    const subjects = raws.map((r) => /Subject: (burst \d+)/.exec(r.toString())?.[1]).filter(Boolean);
    assert.equal(new Set(subjects).size, 40);
  });

  test('dot files, directories and files in tmp/ are left alone', async () => {
    writeFileSync(join(spool, '.hidden'), 'x');
    mkdirSync(join(spool, 'adir'), { recursive: true });
    writeFileSync(join(spool, 'tmp', 'inflight'), 'partial');
    await agent.scanOnce();
    assert.ok(existsSync(join(spool, '.hidden')));
    assert.ok(existsSync(join(spool, 'adir')));
    assert.ok(existsSync(join(spool, 'tmp', 'inflight')));
  });
});

describe('spool service', () => {
  test('runs under <dataDir>/spool by default and can be switched off', async () => {
    const t = await makeTestContext({ timers: { spoolScanSeconds: 1 } });
    try {
      await addTestUser(t.ctx, 'alice@example.com', 'pw-alice-1');
      const pipeline = new DeliveryPipeline({ store: t.ctx.store, logger: silentLogger(), hostname: 'mail.test' });
      const service = createSpoolService(t.ctx, pipeline);
      assert.deepEqual(await service.start(), []);
      const spool = join(t.dataDir, 'spool');
      const name = await writeSpoolFile(spool, { from: '', recipients: ['alice@example.com'] }, SIMPLE);
      await until(() => list(join(spool, 'done')).includes(name));
      await service.stop();
    } finally {
      await t.cleanup();
    }
    const off = await makeTestContext({ spool: { enabled: false } });
    try {
      const service = createSpoolService(off.ctx, new DeliveryPipeline({ store: off.ctx.store, logger: silentLogger(), hostname: 'mail.test' }));
      await service.start();
      assert.equal(existsSync(join(off.dataDir, 'spool')), false);
      await service.stop();
    } finally {
      await off.cleanup();
    }
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { runDeliverCommand } from '../../src/cli/deliver.js';
import { silentLogger } from '../../src/log/logger.js';
import { addTestUser, makeTestContext, type TestContext } from '../helpers/context.js';
import { SIMPLE, expectedStored, messagesIn, user } from './helpers.js';

function stderrCapture(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('msgstore deliver', () => {
  let t: TestContext;

  before(async () => {
    t = await makeTestContext();
    await addTestUser(t.ctx, 'alice@example.com', 'pw-alice-1');
    await addTestUser(t.ctx, 'bob@example.com', 'pw-bob-1');
    await t.ctx.store.setFilterFile('bob@example.com', 'rule "no ads"\n  if subject contains "ADV"\n  reject "We do not want ads"\nend\nrule "lists"\n  if subject contains "[list]"\n  move to "Lists"\nend\n');
  });
  after(async () => t.cleanup());

  async function deliver(args: { to: string; from?: string; data?: string }, input: Buffer) {
    const err = stderrCapture();
    const code = await runDeliverCommand({ data: args.data ?? t.dataDir, to: args.to, ...(args.from !== undefined ? { from: args.from } : {}) }, { stdin: Readable.from([input]), stderr: err.stream, logger: silentLogger() });
    return { code, stderr: err.text() };
  }

  test('exit 0 once stored, with Return-Path and Delivered-To; LF line ends become CRLF', async () => {
    const lf = Buffer.from('From: x@remote.example\nSubject: via lda\n\nbody\n');
    const result = await deliver({ to: 'Alice@example.com', from: 'x@remote.example' }, lf);
    assert.deepEqual(result, { code: 0, stderr: '' });
    const { raws } = await messagesIn(t.ctx.store, user('alice@example.com'), 'INBOX');
    assert.ok(raws.at(-1)?.equals(expectedStored('x@remote.example', 'Alice@example.com', lf)));
  });

  test('an mbox "From " line first is not stored', async () => {
    const result = await deliver({ to: 'alice@example.com' }, Buffer.concat([Buffer.from('From x@remote.example Thu Nov 26 07:00:00 2026\n'), SIMPLE]));
    assert.equal(result.code, 0);
    const { raws } = await messagesIn(t.ctx.store, user('alice@example.com'), 'INBOX');
    assert.ok(raws.at(-1)?.equals(expectedStored('', 'alice@example.com', SIMPLE)));
  });

  test('67 for an unknown user', async () => {
    const result = await deliver({ to: 'nobody@example.com' }, SIMPLE);
    assert.equal(result.code, 67);
    assert.match(result.stderr, /550 5\.1\.1 .*LM_USER_NOT_FOUND/);
  });

  test("the recipient's MailSort rules apply: 77 with the reason on a reject, folders on a move", async () => {
    const ad = Buffer.from('Subject: ADV cheap stuff\r\n\r\nbuy\r\n');
    const rejected = await deliver({ to: 'bob@example.com', from: 'spam@remote.example' }, ad);
    assert.equal(rejected.code, 77);
    assert.match(rejected.stderr, /We do not want ads/);
    const list = Buffer.from('Subject: [list] news\r\n\r\nhello\r\n');
    assert.equal((await deliver({ to: 'bob@example.com' }, list)).code, 0);
    const { raws } = await messagesIn(t.ctx.store, user('bob@example.com'), 'Lists');
    assert.equal(raws.length, 1);
  });

  test('65 for bad data: empty input, too large, bad addresses', async () => {
    assert.equal((await deliver({ to: 'alice@example.com' }, Buffer.alloc(0))).code, 65);
    const configFile = join(t.dataDir, 'small-limit.json');
    writeFileSync(configFile, JSON.stringify({ dataDir: t.dataDir, limits: { maxMessageBytes: 32 * 1024 } }));
    const err = stderrCapture();
    const bigCode = await runDeliverCommand({ config: configFile, to: 'alice@example.com' }, { stdin: Readable.from([Buffer.alloc(40 * 1024, 0x61)]), stderr: err.stream, logger: silentLogger() });
    const big = { code: bigCode, stderr: err.text() };
    assert.equal(big.code, 65);
    assert.match(big.stderr, /LM_MSG_TOO_LARGE/);
    assert.equal((await deliver({ to: 'not an address' }, SIMPLE)).code, 65);
    assert.equal((await deliver({ to: 'alice@example.com', from: 'bad from' }, SIMPLE)).code, 65);
  });

  test('75 when the store cannot be used (an unwritable data directory)', async () => {
    const blocker = join(t.dataDir, 'not-a-directory');
    writeFileSync(blocker, 'x');
    const result = await deliver({ to: 'alice@example.com', data: join(blocker, 'data') }, SIMPLE);
    assert.equal(result.code, 75);
    assert.match(result.stderr, /cannot be opened/);
  });

  test('75 when the quota is full for now', async () => {
    await addTestUser(t.ctx, 'full@example.com', 'pw-full-1');
    await t.ctx.store.updateUser('full@example.com', { quotaBytes: 300 });
    assert.equal((await deliver({ to: 'full@example.com' }, Buffer.alloc(200, 0x61))).code, 0);
    const second = await deliver({ to: 'full@example.com' }, Buffer.alloc(200, 0x62));
    assert.equal(second.code, 75);
    assert.match(second.stderr, /452 4\.2\.2/);
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { createLmtpService } from '../../src/lmtp/index.js';
import type { Service } from '../../src/server/context.js';
import { addTestUser, makeTestContext, type TestContext } from '../helpers/context.js';
import { messagesIn, user } from '../delivery/helpers.js';

const SCRIPT = join(import.meta.dirname, 'python', 'lmtp_smtplib.py');

function runPython(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('python3', args, { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('LMTP with Python smtplib.LMTP', () => {
  let t: TestContext;
  let service: Service;
  let port = 0;
  let socket = '';

  before(async () => {
    t = await makeTestContext({ limits: { maxMessageBytes: 1024 * 1024 } });
    await addTestUser(t.ctx, 'alice@example.com', 'pw-alice-1');
    await addTestUser(t.ctx, 'bob@example.com', 'pw-bob-1');
    service = createLmtpService(t.ctx);
    const bound = await service.start();
    port = bound.find((b) => b.service === 'lmtp')?.port ?? 0;
    socket = bound.find((b) => b.service === 'lmtp-unix')?.host ?? '';
  });
  after(async () => {
    await service.stop();
    await t.cleanup();
  });

  test('LHLO, sendmail, multi-recipient DATA replies, refusals, VRFY, unix socket', async () => {
    const result = await runPython([SCRIPT, String(port), socket]);
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    const { delivered } = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { delivered: { to: string; subject: string }[] };
    assert.equal(delivered.length, 4);
    for (const d of delivered) {
      const { raws } = await messagesIn(t.ctx.store, user(d.to.toLowerCase()), 'INBOX');
      const matching = raws.filter((r) => r.toString('utf8').includes(`\r\nSubject: ${d.subject}\r\n`));
      assert.equal(matching.length, 1, `${d.subject} for ${d.to}`);
      assert.ok(matching[0]?.toString('utf8').startsWith(`Return-Path: <`), 'Return-Path first');
      assert.ok(matching[0]?.toString('utf8').includes(`\r\nDelivered-To: ${d.to}\r\n`), 'own Delivered-To');
    }
    const alice = await messagesIn(t.ctx.store, user('alice@example.com'), 'INBOX');
    const one = alice.raws.find((r) => r.includes('Subject: py-one'));
    assert.ok(one?.toString('utf8').endsWith('\r\n\r\n.dot line\r\nHello from smtplib\r\n'), 'dot-unstuffed');
    const two = alice.raws.find((r) => r.includes('Subject: py-two'));
    assert.ok(two?.toString('utf8').includes('Café 8-bit body'), '8-bit body kept');
  });
});

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import pino from 'pino';
import type { ServerContext } from '../../src/server/context.js';
import { createHttpService, ensureAdminCredential } from '../../src/web/index.js';
import { makeTestContext } from '../helpers/context.js';
import { ApiClient, FAST_AUTH } from './helpers.js';

describe('request log', () => {
  test('every change is logged with who, what and the outcome, never a password', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const test_ = await makeTestContext(FAST_AUTH);
    const ctx: ServerContext = { ...test_.ctx, logger: pino({ level: 'info' }, sink) };
    const password = (await ensureAdminCredential(ctx)) ?? '';
    const service = createHttpService(ctx);
    try {
      const [bound] = await service.start();
      const admin = new ApiClient(`http://127.0.0.1:${bound?.port}`);
      await admin.login('admin', password);
      assert.equal((await admin.call('POST', '/api/admin/users', { address: 'carol@example.com', password: 'carols-secret-pw' })).status, 201);
      assert.equal((await admin.call('POST', '/api/admin/users', { address: 'carol@example.com', password: 'carols-secret-pw' })).status, 409);
      const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.event === 'http');
      const created = entries.find((e) => e.route === '/api/admin/users' && e.status === 201);
      assert.ok(created, 'the creation is logged');
      assert.equal(created.user, 'admin');
      assert.equal(created.method, 'POST');
      assert.ok(entries.some((e) => e.route === '/api/admin/users' && e.status === 409));
      const all = lines.join('');
      assert.ok(!all.includes('carols-secret-pw'));
      assert.ok(!all.includes(password));
    } finally {
      await service.stop();
      await test_.cleanup();
    }
  });
});

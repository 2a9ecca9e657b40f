import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerContext } from '../../src/server/context.js';
import { createHttpService, ensureAdminCredential } from '../../src/web/index.js';
import { addTestUser, makeTestContext, type TestContext } from '../helpers/context.js';
import { failingStore } from './failing-store.js';
import { ApiClient, errorCode, FAST_AUTH, userClient, type WebFixture } from './helpers.js';

describe('REST API: storage failures the guide lists', () => {
  let test_: TestContext;
  let web: WebFixture;
  let stopService: () => Promise<void>;

  before(async () => {
    test_ = await makeTestContext(FAST_AUTH);
    await addTestUser(test_.ctx, 'alice@example.com', 'alice-pw');
    await addTestUser(test_.ctx, 'bob@example.com', 'bob-pw');
    const adminPassword = (await ensureAdminCredential(test_.ctx)) ?? '';
    const ctx: ServerContext = { ...test_.ctx, store: failingStore(test_.ctx.store) };
    const service = createHttpService(ctx);
    const [bound] = await service.start();
    stopService = () => service.stop();
    web = { test: test_, base: `http://127.0.0.1:${bound?.port}`, adminPassword, stop: async () => undefined };
  });
  after(async () => {
    await stopService();
    await test_.cleanup();
  });

  test('out of disk space: saving a block or the vacation message answers 507 with a clear message', async () => {
    const alice = await userClient(web, 'alice@example.com', 'alice-pw');
    const rule = await alice.call('POST', '/api/mail/alice%40example.com/rules', { rule: { name: 'x', condition: { kind: 'always' }, actions: [{ kind: 'stop' }] } });
    assert.equal(rule.status, 507);
    assert.equal(errorCode(rule), 'OUT_OF_DISK_SPACE');
    assert.match(rule.body.error.message, /out of disk space/);
    const vacation = await alice.call('PUT', '/api/mail/alice%40example.com/vacation', { vacation: { body: 'away' } });
    assert.equal(vacation.status, 507);
  });

  test('error in reading the filter file: 500 with the guide\'s words, nothing internal', async () => {
    const bob = new ApiClient(web.base);
    await bob.login('bob@example.com', 'bob-pw');
    const reply = await bob.call('GET', '/api/mail/bob%40example.com/rules');
    assert.equal(reply.status, 500);
    assert.equal(errorCode(reply), 'FILTER_UNREADABLE');
    assert.match(reply.body.error.message, /Error in reading the filter file/);
    assert.doesNotMatch(JSON.stringify(reply.body), /EIO/);
  });
});

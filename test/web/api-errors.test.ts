/** Error answers of the endpoints not covered by the feature suites. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AdminService } from '../../src/admin/service.js';
import { ApiClient, adminClient, errorCode, startWeb, userClient, type WebFixture } from './helpers.js';

describe('REST API: more error answers', () => {
  let web: WebFixture;
  let admin: ApiClient;
  let alice: ApiClient;

  before(async () => {
    web = await startWeb();
    const service = new AdminService(web.test.ctx.store);
    await service.addUser({ address: 'alice@example.com', password: 'alice-pw' });
    await service.addUser({ address: 'bob@example.com', password: 'bob-pw' });
    await service.addShared({ address: 'solo@example.com', members: ['bob@example.com'] });
    admin = await adminClient(web);
    alice = await userClient(web, 'alice@example.com', 'alice-pw');
  });
  after(async () => web.stop());

  test('shared members: removing the last member is 409, a non-member 404, adding twice changes nothing', async () => {
    const last = await admin.call('DELETE', '/api/admin/shared/solo%40example.com/members/bob%40example.com');
    assert.equal(last.status, 409);
    assert.equal(errorCode(last), 'MS_CANNOT_UPDATE_SHARED_REC');
    assert.match(last.body.error.message, /at least one member/);
    const notMember = await admin.call('DELETE', '/api/admin/shared/solo%40example.com/members/alice%40example.com');
    assert.equal(notMember.status, 404);
    const unknownUser = await admin.call('POST', '/api/admin/shared/solo%40example.com/members', { address: 'ghost@example.com' });
    assert.equal(unknownUser.status, 404);
    assert.equal(errorCode(unknownUser), 'MS_USER_REC_NOT_FOUND');
    const twice = await admin.call('POST', '/api/admin/shared/solo%40example.com/members', { address: 'bob@example.com' });
    assert.equal(twice.status, 200);
    assert.deepEqual(twice.body.members, ['bob@example.com']);
    const fromUserSide = await admin.call('DELETE', '/api/admin/users/alice%40example.com/shared/solo%40example.com');
    assert.equal(fromUserSide.status, 404);
  });

  test('deleting the sole member of a shared mailbox is refused with 409', async () => {
    const reply = await admin.call('DELETE', '/api/admin/users/bob%40example.com');
    assert.equal(reply.status, 409);
    assert.equal(errorCode(reply), 'MS_CANNOT_DELETE_USER_REC');
    assert.ok(await web.test.ctx.store.findUser('bob@example.com'));
  });

  test('PATCH of an unknown user is 404; a bad body 400', async () => {
    assert.equal((await admin.call('PATCH', '/api/admin/users/ghost%40example.com', { firstName: 'G' })).status, 404);
    assert.equal((await admin.call('PATCH', '/api/admin/users/alice%40example.com', { quotaBytes: -1 })).status, 400);
  });

  test("every per-user endpoint refuses another user's address with 403", async () => {
    const bob = '/api/mail/bob%40example.com';
    const rule = { name: 'x', condition: { kind: 'always' }, actions: [{ kind: 'stop' }] };
    for (const [method, path, body] of [
      ['GET', `${bob}/folders`, undefined],
      ['GET', `${bob}/messages`, undefined],
      ['GET', `${bob}/vacation`, undefined],
      ['DELETE', `${bob}/vacation`, undefined],
      ['POST', `${bob}/rules`, { rule }],
      ['PUT', `${bob}/rules/0`, { rule }],
      ['DELETE', `${bob}/rules/0`, undefined],
      ['POST', `${bob}/rules/0/move`, { to: 0 }],
      ['PUT', `${bob}/rules/0/enabled`, { enabled: false }],
      ['PUT', `${bob}/filter`, { text: '# mine now\n' }],
      ['POST', `${bob}/filter/check`, { text: '' }],
      ['POST', `${bob}/test`, { raw: 'Subject: x\n\nx\n' }],
      ['PUT', `${bob}/password`, { currentPassword: 'bob-pw', newPassword: 'x' }],
    ] as const) {
      const reply = await alice.call(method, path, body);
      assert.equal(reply.status, 403, `${method} ${path}`);
    }
    assert.equal(await web.test.ctx.store.getFilterFile('bob@example.com'), null);
  });

  test('a user may not manage API tokens or the admin password', async () => {
    assert.equal((await alice.call('GET', '/api/admin/tokens')).status, 403);
    assert.equal((await alice.call('POST', '/api/admin/tokens', { name: 'mine' })).status, 403);
    assert.equal((await alice.call('PUT', '/api/admin/password', { currentPassword: 'x', newPassword: 'yyyyyyyy' })).status, 403);
    assert.equal((await alice.call('PUT', '/api/admin/server/certificate', { certificate: 'x', key: 'y' })).status, 403);
  });

  test('bad path parameters and bodies answer 400, large bodies 413', async () => {
    assert.equal((await alice.call('PUT', '/api/mail/alice%40example.com/rules/abc', { rule: {} })).status, 400);
    assert.equal((await admin.call('DELETE', '/api/admin/tokens/not-an-id')).status, 400);
    const huge = await alice.call('PUT', '/api/mail/alice%40example.com/vacation', { vacation: { body: 'x'.repeat(2 * 1024 * 1024) } });
    assert.equal(huge.status, 413);
    assert.equal(errorCode(huge), 'PAYLOAD_TOO_LARGE');
  });
});

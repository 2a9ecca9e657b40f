import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiClient, adminClient, errorCode, startWeb, userClient, type WebFixture } from './helpers.js';

describe('REST API: users and shared mailboxes', () => {
  let web: WebFixture;
  let admin: ApiClient;

  before(async () => {
    web = await startWeb();
    admin = await adminClient(web);
  });
  after(async () => web.stop());

  test('creates a user with names, password and home, and shows the profile', async () => {
    const created = await admin.call('POST', '/api/admin/users', { address: 'Alice@Example.com', firstName: 'Alice', lastName: 'Liddell', password: 'wonder-1', home: null });
    assert.equal(created.status, 201);
    assert.equal(created.body.address, 'alice@example.com');
    assert.equal(created.body.firstName, 'Alice');
    assert.deepEqual(
      created.body.mailboxes.map((m: { name: string }) => m.name).sort(),
      ['Archive', 'Drafts', 'INBOX', 'Junk', 'Sent', 'Trash'],
    );
    const shown = await admin.call('GET', '/api/admin/users/alice%40example.com');
    assert.equal(shown.status, 200);
    assert.equal(shown.body.lastName, 'Liddell');
    assert.deepEqual(shown.body.quota, { bytes: 0, messages: 0, limitBytes: null });
    assert.deepEqual(shown.body.shared, []);
    // The new password works for a real login.
    await userClient(web, 'alice@example.com', 'wonder-1');
  });

  test('refuses a duplicate user with 409 and the store code', async () => {
    const again = await admin.call('POST', '/api/admin/users', { address: 'alice@example.com', password: 'x' });
    assert.equal(again.status, 409);
    assert.equal(errorCode(again), 'MS_USER_REC_ALREADY_EXIST');
    assert.match(again.body.error.message, /already exists/);
  });

  test('validates bodies: missing password, bad address, wrong types', async () => {
    const noPassword = await admin.call('POST', '/api/admin/users', { address: 'bob@example.com' });
    assert.equal(noPassword.status, 400);
    assert.equal(errorCode(noPassword), 'VALIDATION_FAILED');
    assert.ok(Array.isArray(noPassword.body.error.details));
    const badAddress = await admin.call('POST', '/api/admin/users', { address: 'not an address', password: 'x' });
    assert.equal(badAddress.status, 400);
    assert.equal(errorCode(badAddress), 'MS_INVALID_ARGUMENT');
    const wrongType = await admin.call('POST', '/api/admin/users', { address: 'bob@example.com', password: 5 });
    assert.equal(wrongType.status, 400);
    const notJson = await fetch(`${web.base}/api/admin/users`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: admin.cookie ?? '', 'x-csrf-token': admin.csrf ?? '' }, body: '{' });
    assert.equal(notJson.status, 400);
  });

  test('lists users with paging and search', async () => {
    for (const name of ['bob', 'carol', 'dave']) {
      assert.equal((await admin.call('POST', '/api/admin/users', { address: `${name}@example.com`, firstName: name.toUpperCase(), password: 'pw' })).status, 201);
    }
    const page = await admin.call('GET', '/api/admin/users?limit=2&offset=0');
    assert.equal(page.status, 200);
    assert.equal(page.body.total, 4);
    assert.equal(page.body.users.length, 2);
    const second = await admin.call('GET', '/api/admin/users?limit=2&offset=2');
    assert.equal(second.body.users.length, 2);
    const all = [...page.body.users, ...second.body.users].map((u: { address: string }) => u.address);
    assert.equal(new Set(all).size, 4);
    const search = await admin.call('GET', '/api/admin/users?search=carol');
    assert.deepEqual(search.body.users.map((u: { address: string }) => u.address), ['carol@example.com']);
    const bad = await admin.call('GET', '/api/admin/users?limit=0');
    assert.equal(bad.status, 400);
  });

  test('changes a password; the old one stops working', async () => {
    const changed = await admin.call('PUT', '/api/admin/users/bob%40example.com/password', { password: 'new-secret' });
    assert.equal(changed.status, 204);
    assert.equal((await new ApiClient(web.base).login('bob@example.com', 'pw')).status, 401);
    assert.equal((await new ApiClient(web.base).login('bob@example.com', 'new-secret')).status, 200);
    const missing = await admin.call('PUT', '/api/admin/users/nobody%40example.com/password', { password: 'x' });
    assert.equal(missing.status, 404);
    assert.equal(errorCode(missing), 'MS_USER_REC_NOT_FOUND');
    const empty = await admin.call('PUT', '/api/admin/users/bob%40example.com/password', { password: '' });
    assert.equal(empty.status, 400);
  });

  test('shared mailboxes: create with members, show, list, members, errors', async () => {
    const noMembers = await admin.call('POST', '/api/admin/shared', { address: 'sales@example.com', displayName: 'Sales', members: [] });
    assert.equal(noMembers.status, 400);
    const unknownMember = await admin.call('POST', '/api/admin/shared', { address: 'sales@example.com', displayName: 'Sales', members: ['ghost@example.com'] });
    assert.equal(unknownMember.status, 404);
    const created = await admin.call('POST', '/api/admin/shared', { address: 'sales@example.com', displayName: 'Sales team', home: null, members: ['alice@example.com', 'bob@example.com'] });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.members, ['alice@example.com', 'bob@example.com']);
    assert.equal(created.body.displayName, 'Sales team');
    const dup = await admin.call('POST', '/api/admin/shared', { address: 'sales@example.com', members: ['alice@example.com'] });
    assert.equal(dup.status, 409);
    assert.equal(errorCode(dup), 'MS_SHARED_REC_ALREADY_EXIST');

    const shown = await admin.call('GET', '/api/admin/shared/sales%40example.com');
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body.members, ['alice@example.com', 'bob@example.com']);
    assert.ok(shown.body.mailboxes.some((m: { name: string }) => m.name === 'INBOX'));
    const list = await admin.call('GET', '/api/admin/shared');
    assert.deepEqual(list.body.shared.map((s: { address: string }) => s.address), ['sales@example.com']);

    const added = await admin.call('POST', '/api/admin/shared/sales%40example.com/members', { address: 'carol@example.com' });
    assert.equal(added.status, 200);
    assert.ok(added.body.members.includes('carol@example.com'));
    const removed = await admin.call('DELETE', '/api/admin/shared/sales%40example.com/members/carol%40example.com');
    assert.equal(removed.status, 200);
    assert.ok(!removed.body.members.includes('carol@example.com'));
    assert.equal((await admin.call('GET', '/api/admin/shared/none%40example.com')).status, 404);
    assert.equal(errorCode(await admin.call('GET', '/api/admin/shared/none%40example.com')), 'MS_SHARED_REC_NOT_FOUND');
  });

  test("a user's shared mailboxes are added and removed from the user side", async () => {
    const added = await admin.call('POST', '/api/admin/users/dave%40example.com/shared', { shared: 'sales@example.com' });
    assert.equal(added.status, 200);
    assert.deepEqual(added.body.shared, [{ address: 'sales@example.com', displayName: 'Sales team' }]);
    const removed = await admin.call('DELETE', '/api/admin/users/dave%40example.com/shared/sales%40example.com');
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.body.shared, []);
    const unknown = await admin.call('POST', '/api/admin/users/dave%40example.com/shared', { shared: 'nothing@example.com' });
    assert.equal(unknown.status, 404);
  });

  test('updates names and disables a user, which ends their sessions', async () => {
    const carol = await userClient(web, 'carol@example.com', 'pw');
    const patched = await admin.call('PATCH', '/api/admin/users/carol%40example.com', { lastName: 'Jones', disabled: true });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.lastName, 'Jones');
    assert.equal(patched.body.disabled, true);
    assert.equal((await carol.call('GET', '/api/mail/carol%40example.com/folders')).status, 401);
    assert.equal((await new ApiClient(web.base).login('carol@example.com', 'pw')).status, 401);
  });

  test('deletes shared mailboxes and users; deleting twice is 404', async () => {
    assert.equal((await admin.call('DELETE', '/api/admin/shared/sales%40example.com')).status, 204);
    assert.equal((await admin.call('DELETE', '/api/admin/shared/sales%40example.com')).status, 404);
    assert.equal((await admin.call('DELETE', '/api/admin/users/dave%40example.com')).status, 204);
    const again = await admin.call('DELETE', '/api/admin/users/dave%40example.com');
    assert.equal(again.status, 404);
    assert.equal(errorCode(again), 'MS_USER_REC_NOT_FOUND');
    assert.equal((await admin.call('GET', '/api/admin/users/dave%40example.com')).status, 404);
  });

  test('a signed-in user may not use admin endpoints; nobody signed in gets 401', async () => {
    const alice = await userClient(web, 'alice@example.com', 'wonder-1');
    const forbidden = await alice.call('GET', '/api/admin/users');
    assert.equal(forbidden.status, 403);
    assert.equal(errorCode(forbidden), 'FORBIDDEN');
    const anonymous = await new ApiClient(web.base).call('GET', '/api/admin/users');
    assert.equal(anonymous.status, 401);
    assert.equal(errorCode(anonymous), 'UNAUTHENTICATED');
    const unknownRoute = await admin.call('GET', '/api/admin/nothing');
    assert.equal(unknownRoute.status, 404);
    assert.equal(errorCode(unknownRoute), 'NOT_FOUND');
  });
});

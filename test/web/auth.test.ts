import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_PASSWORD_SETTING } from '../../src/admin/service.js';
import { ensureAdminCredential } from '../../src/web/index.js';
import { addTestUser } from '../helpers/context.js';
import { ApiClient, adminClient, errorCode, startWeb, type WebFixture } from './helpers.js';

describe('REST API: sign-in, sessions, CSRF and API tokens', () => {
  let web: WebFixture;

  before(async () => {
    web = await startWeb();
    await addTestUser(web.test.ctx, 'alice@example.com', 'alice-pw');
    await addTestUser(web.test.ctx, 'bob@example.com', 'bob-pw');
  });
  after(async () => web.stop());

  test('the admin credential is made once, stored only as a hash', async () => {
    const stored = await web.test.ctx.store.getSetting(ADMIN_PASSWORD_SETTING);
    assert.ok(stored?.startsWith('scrypt$'));
    assert.ok(!stored?.includes(web.adminPassword));
    assert.equal(await ensureAdminCredential(web.test.ctx), null);
  });

  test('sign-in errors are the guide\'s: no user name, no password, not authorized', async () => {
    const client = new ApiClient(web.base);
    const noUser = await client.login('  ', 'x');
    assert.equal(noUser.status, 400);
    assert.equal(errorCode(noUser), 'NO_USER_NAME');
    const noPassword = await client.login('alice@example.com', '');
    assert.equal(noPassword.status, 400);
    assert.equal(errorCode(noPassword), 'NO_PASSWORD');
    const wrong = await client.login('alice@example.com', 'wrong');
    const unknown = await client.login('ghost@example.com', 'wrong');
    // The same answer whether the user exists or not.
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, unknown.body);
    assert.equal(errorCode(unknown), 'NOT_AUTHORIZED');
    assert.equal((await client.login('admin', 'wrong')).status, 401);
  });

  test('a session cookie is HttpOnly, SameSite=Strict and Secure on loopback; signing out ends it', async () => {
    const client = new ApiClient(web.base);
    const reply = await client.login('alice@example.com', 'alice-pw');
    assert.equal(reply.status, 200);
    assert.equal(reply.body.role, 'user');
    assert.equal(reply.body.address, 'alice@example.com');
    const cookie = reply.headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Secure/);
    const who = await client.call('GET', '/api/session');
    assert.equal(who.body.signedIn, true);
    assert.equal(who.body.csrfToken, client.csrf);
    const stolen = client.cookie;
    assert.equal((await client.call('DELETE', '/api/session')).status, 204);
    const replay = new ApiClient(web.base);
    replay.cookie = stolen;
    const after = await replay.call('GET', '/api/mail/alice%40example.com/folders');
    assert.equal(after.status, 401);
    assert.equal((await replay.call('GET', '/api/session')).body.signedIn, false);
  });

  test('a signed-out browser cannot call the API', async () => {
    const anonymous = new ApiClient(web.base);
    for (const [method, path] of [
      ['GET', '/api/mail/alice%40example.com/rules'],
      ['GET', '/api/admin/server'],
      ['PUT', '/api/mail/alice%40example.com/vacation'],
      ['DELETE', '/api/admin/users/alice%40example.com'],
    ] as const) {
      const reply = await anonymous.call(method, path, method === 'PUT' ? { vacation: { body: 'x' } } : undefined);
      assert.equal(reply.status, 401, `${method} ${path}`);
    }
    assert.ok(await web.test.ctx.store.findUser('alice@example.com'));
  });

  test('changes without the CSRF token, or from another site, are refused', async () => {
    const admin = await adminClient(web);
    const noToken = await admin.call('POST', '/api/admin/users', { address: 'x1@example.com', password: 'p' }, { 'x-csrf-token': '' });
    assert.equal(noToken.status, 403);
    assert.equal(errorCode(noToken), 'CSRF_REJECTED');
    const wrongToken = await admin.call('POST', '/api/admin/users', { address: 'x1@example.com', password: 'p' }, { 'x-csrf-token': 'forged' });
    assert.equal(wrongToken.status, 403);
    const crossSite = await admin.call('POST', '/api/admin/users', { address: 'x1@example.com', password: 'p' }, { origin: 'http://evil.example' });
    assert.equal(crossSite.status, 403);
    // A classic cross-site form post: the cookie rides along, but no token and no JSON.
    const form = await fetch(`${web.base}/api/admin/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: admin.cookie ?? '', origin: 'http://evil.example' },
      body: 'address=x1%40example.com&password=p',
    });
    assert.equal(form.status, 403);
    const sameOriginForm = await fetch(`${web.base}/api/admin/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: admin.cookie ?? '', 'x-csrf-token': admin.csrf ?? '' },
      body: 'address=x1%40example.com&password=p',
    });
    assert.equal(sameOriginForm.status, 415);
    assert.equal(await web.test.ctx.store.findUser('x1@example.com'), null);
    // Reading needs no token; a same-origin change with it works.
    assert.equal((await admin.call('GET', '/api/admin/users')).status, 200);
    assert.equal((await admin.call('POST', '/api/admin/users', { address: 'x1@example.com', password: 'p' }, { origin: web.base })).status, 201);
  });

  test('a new sign-in gets a new session id', async () => {
    const client = new ApiClient(web.base);
    await client.login('alice@example.com', 'alice-pw');
    const first = client.cookie;
    await client.login('bob@example.com', 'bob-pw');
    assert.notEqual(client.cookie, first);
    const old = new ApiClient(web.base);
    old.cookie = first;
    assert.equal((await old.call('GET', '/api/session')).body.signedIn, false);
  });

  test('API tokens: made by the admin, shown once, stored hashed, sent as Bearer, revocable', async () => {
    const admin = await adminClient(web);
    const created = await admin.call('POST', '/api/admin/tokens', { name: 'backup script' });
    assert.equal(created.status, 201);
    const token = String(created.body.token);
    assert.match(token, /^mst_[0-9a-f]{16}_/);
    const listed = await admin.call('GET', '/api/admin/tokens');
    assert.equal(listed.body.tokens.length, 1);
    assert.ok(!JSON.stringify(listed.body).includes(token.slice(21)));
    assert.ok(!((await web.test.ctx.store.getSetting('web.apiTokens')) ?? '').includes(token.slice(21)));

    const script = new ApiClient(web.base);
    script.bearer = token;
    // No cookie and no CSRF token: a bearer token is not ambient, so none is needed.
    const made = await script.call('POST', '/api/admin/users', { address: 'scripted@example.com', password: 'pw' });
    assert.equal(made.status, 201);
    script.bearer = `${token.slice(0, -2)}xx`;
    assert.equal((await script.call('GET', '/api/admin/users')).status, 401);
    script.bearer = 'garbage';
    assert.equal((await script.call('GET', '/api/admin/users')).status, 401);

    const userToken = await admin.call('POST', '/api/admin/tokens', { name: 'alice sync', user: 'alice@example.com' });
    assert.equal(userToken.status, 201);
    const aliceScript = new ApiClient(web.base);
    aliceScript.bearer = String(userToken.body.token);
    assert.equal((await aliceScript.call('GET', '/api/mail/alice%40example.com/rules')).status, 200);
    assert.equal((await aliceScript.call('GET', '/api/mail/bob%40example.com/rules')).status, 403);
    assert.equal((await aliceScript.call('GET', '/api/admin/users')).status, 403);
    assert.equal((await admin.call('POST', '/api/admin/tokens', { name: 'x', user: 'ghost@example.com' })).status, 404);

    const id = String(created.body.info.id);
    assert.equal((await admin.call('DELETE', `/api/admin/tokens/${id}`)).status, 204);
    assert.equal((await admin.call('DELETE', `/api/admin/tokens/${id}`)).status, 404);
    script.bearer = token;
    assert.equal((await script.call('GET', '/api/admin/users')).status, 401);
  });

  test('the admin password can be changed; other admin sessions end', async () => {
    const first = await adminClient(web);
    const second = await adminClient(web);
    const wrong = await first.call('PUT', '/api/admin/password', { currentPassword: 'nope', newPassword: 'a-new-password' });
    assert.equal(wrong.status, 401);
    const short = await first.call('PUT', '/api/admin/password', { currentPassword: web.adminPassword, newPassword: 'short' });
    assert.equal(short.status, 400);
    const ok = await first.call('PUT', '/api/admin/password', { currentPassword: web.adminPassword, newPassword: 'a-new-password' });
    assert.equal(ok.status, 204);
    assert.equal((await first.call('GET', '/api/admin/users')).status, 200);
    assert.equal((await second.call('GET', '/api/admin/users')).status, 401);
    assert.equal((await new ApiClient(web.base).login('admin', web.adminPassword)).status, 401);
    assert.equal((await new ApiClient(web.base).login('admin', 'a-new-password')).status, 200);
    web.adminPassword = 'a-new-password';
  });

  test('the OpenAPI document lists every endpoint', async () => {
    const reply = await new ApiClient(web.base).call('GET', '/api/openapi.json');
    assert.equal(reply.status, 200);
    assert.equal(reply.body.openapi, '3.1.0');
    const paths = Object.keys(reply.body.paths);
    for (const p of ['/api/session', '/api/admin/users', '/api/admin/users/{address}', '/api/admin/shared/{address}/members', '/api/admin/server/certificate', '/api/mail/{address}/rules/{index}/move', '/api/mail/{address}/vacation', '/api/mail/{address}/test']) {
      assert.ok(paths.includes(p), p);
    }
    const create = reply.body.paths['/api/admin/users'].post;
    assert.deepEqual(create.requestBody.content['application/json'].schema.required.sort(), ['address', 'password']);
    assert.ok(create.responses['409']);
    assert.equal(create.operationId, 'postAdminUsers');
    assert.equal(reply.body.paths['/api/admin/users/{address}'].get.operationId, 'getAdminUsersByAddress');
    const ids = Object.values(reply.body.paths).flatMap((item) => Object.values(item as Record<string, { operationId: string }>).map((op) => op.operationId));
    assert.equal(new Set(ids).size, ids.length, 'operation ids are unique');
  });
});

describe('REST API: failed sign-ins are slowed down', () => {
  test('a wrong password is answered only after a delay', async () => {
    const web = await startWeb({ auth: { maxDelayMs: 400 } });
    try {
      await addTestUser(web.test.ctx, 'alice@example.com', 'alice-pw');
      const started = Date.now();
      const reply = await new ApiClient(web.base).login('alice@example.com', 'wrong');
      assert.equal(reply.status, 401);
      assert.ok(Date.now() - started >= 240, `answered after ${Date.now() - started} ms`);
      const adminStarted = Date.now();
      assert.equal((await new ApiClient(web.base).login('admin', 'wrong')).status, 401);
      assert.ok(Date.now() - adminStarted >= 240);
    } finally {
      await web.stop();
    }
  });
});

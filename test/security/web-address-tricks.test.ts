/**
 * The web API's per-user routes (/api/mail/{address}/...): a signed-in user acts only on their
 * own address, whatever spelling of another address the path carries (letter case,
 * percent-encoding, dot segments, padding, look-alike characters), and the answer for another
 * existing user is the same as for one that does not exist. Sign-in failures do not tell known
 * from unknown users, and non-admins reach no admin route.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { AdminService } from '../../src/admin/service.js';
import { ApiClient, startWeb, type WebFixture } from '../web/helpers.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const BOB_FILTER = 'rule "Bob secret"\n  always\n  discard\nend\n';

interface RawReply {
  status: number;
  body: string;
}

/** Sends the path exactly as written (no client-side normalisation of dots or escapes). */
function raw(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawReply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

/** Spellings of `address` (a local part and the domain "example.com") that try to reach it. */
function spellings(local: string): string[] {
  return [
    `${local}@example.com`,
    `${local.toUpperCase()}@EXAMPLE.COM`,
    `${local}%40example.com`,
    `${local}%2540example.com`,
    `%20${local}@example.com%20`,
    `${local}@example.com%00`,
    `${local}@example.com.`,
    `${ALICE}%2F..%2F${local}@example.com`,
    `${ALICE}/../${local}@example.com`,
    `..%2F${local}@example.com`,
    `${local}@example.com%2F`,
    encodeURIComponent(`${local[0]?.toUpperCase() === 'K' ? '\u212A' : local[0] ?? ''}${local.slice(1)}@example.com`),
  ];
}

const ROUTES: { method: string; suffix: string; body?: unknown }[] = [
  { method: 'GET', suffix: 'folders' },
  { method: 'GET', suffix: 'messages' },
  { method: 'GET', suffix: 'rules' },
  { method: 'GET', suffix: 'filter' },
  { method: 'GET', suffix: 'vacation' },
  { method: 'PUT', suffix: 'filter', body: { text: 'rule "x"\n  always\n  discard\nend\n' } },
  { method: 'POST', suffix: 'rules', body: { name: 'x', conditions: [], actions: [{ kind: 'discard' }] } },
  { method: 'DELETE', suffix: 'rules/0' },
  { method: 'DELETE', suffix: 'vacation' },
  { method: 'PUT', suffix: 'password', body: { currentPassword: 'alice-pw', newPassword: 'taken-over' } },
];

describe('web API: one user cannot act on another by spelling the address differently', () => {
  let web: WebFixture;
  let headers: Record<string, string>;

  before(async () => {
    web = await startWeb();
    const admin = new AdminService(web.test.ctx.store);
    await admin.addUser({ address: ALICE, password: 'alice-pw' });
    await admin.addUser({ address: BOB, password: 'bob-pw' });
    await admin.addUser({ address: 'kate@example.com', password: 'kate-pw' });
    await web.test.ctx.store.setFilterFile(BOB, BOB_FILTER);
    const api = new ApiClient(web.base);
    assert.equal((await api.login(ALICE, 'alice-pw')).status, 200);
    headers = { cookie: api.cookie ?? '', 'x-csrf-token': api.csrf ?? '', accept: 'application/json' };
  });
  after(async () => {
    await web.stop();
  });

  test('control: alice reaches her own routes', async () => {
    const r = await raw(web.base, 'GET', `/api/mail/${ALICE}/folders`, headers);
    assert.equal(r.status, 200, r.body);
    const upper = await raw(web.base, 'GET', `/api/mail/${ALICE.toUpperCase()}/folders`, headers);
    assert.equal(upper.status, 200, upper.body);
  });

  test('every spelling of another user is refused, exactly as for a user that does not exist', async () => {
    for (const route of ROUTES) {
      const body = route.body === undefined ? undefined : JSON.stringify(route.body);
      const targets = [...spellings('bob'), ...spellings('kate')];
      const ghosts = [...spellings('ghost'), ...spellings('ghost')];
      for (let i = 0; i < targets.length; i++) {
        const path = `/api/mail/${targets[i]}/${route.suffix}`;
        const r = await raw(web.base, route.method, path, headers, body);
        const g = await raw(web.base, route.method, `/api/mail/${ghosts[i]}/${route.suffix}`, headers, body);
        assert.ok(r.status >= 400, `${route.method} ${path} -> ${r.status} ${r.body}`);
        assert.ok(!r.body.includes('Bob secret'), `${route.method} ${path} leaked: ${r.body}`);
        // Same status and same words (the address, if echoed, is the one the caller sent).
        assert.equal(r.status, g.status, `${route.method} ${path}: ${r.body} vs ${g.body}`);
        assert.equal(r.body.replaceAll('bob', 'X').replaceAll('BOB', 'X').replaceAll('kate', 'X').replaceAll('KATE', 'X').replaceAll('\u212Aate', 'X').replaceAll('%E2%84%AAate', 'X'), g.body.replaceAll('ghost', 'X').replaceAll('GHOST', 'X').replaceAll('%E2%84%AAate', 'X'), `${route.method} ${path}`);
      }
    }
    // Nothing changed for bob: his filter and his password still stand.
    assert.equal((await web.test.ctx.store.getFilterFile(BOB))?.text, BOB_FILTER);
    const bob = new ApiClient(web.base);
    assert.equal((await bob.login(BOB, 'bob-pw')).status, 200);
  });

  test('sign-in failures look the same for known and unknown users; non-admins reach no admin route', async () => {
    const anon = new ApiClient(web.base);
    const known = await anon.login(BOB, 'wrong-pw');
    const unknown = await anon.login('ghost@example.com', 'wrong-pw');
    const disabledProbe = await anon.login('BOB@example.com', 'wrong-pw');
    assert.equal(known.status, 401);
    assert.deepEqual([unknown.status, unknown.body], [known.status, known.body]);
    assert.deepEqual([disabledProbe.status, disabledProbe.body], [known.status, known.body]);
    for (const path of ['/api/admin/users', `/api/admin/users/${BOB}`, `/api/admin/users/ghost@example.com`, '/api/admin/shared', '/api/admin/server', '/api/admin/tokens']) {
      const r = await raw(web.base, 'GET', path, headers);
      const g = await raw(web.base, 'GET', path.replace(BOB, 'ghost@example.com'), headers);
      assert.equal(r.status, 403, `${path}: ${r.body}`);
      assert.equal(r.body, g.body, path);
      assert.ok(!r.body.includes(BOB), `${path}: ${r.body}`);
    }
  });
});

/** The OpenAPI document's answer shapes match what the endpoints really answer. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { z } from 'zod';
import { AdminService } from '../../src/admin/service.js';
import * as schemas from '../../src/web/api-schemas.js';
import { adminClient, type ApiClient, startWeb, userClient, type WebFixture } from './helpers.js';

function check(schema: z.ZodType, body: unknown, what: string): void {
  const result = schema.safeParse(body);
  assert.ok(result.success, `${what}: ${result.success ? '' : JSON.stringify(result.error.issues.slice(0, 3))}`);
}

describe('OpenAPI answer shapes', () => {
  let web: WebFixture;
  let admin: ApiClient;
  let alice: ApiClient;

  before(async () => {
    web = await startWeb();
    const service = new AdminService(web.test.ctx.store);
    await service.addUser({ address: 'alice@example.com', password: 'alice-pw' });
    await service.addShared({ address: 'team@example.com', members: ['alice@example.com'] });
    const inbox = await web.test.ctx.store.getMailbox({ kind: 'user', address: 'alice@example.com' }, 'INBOX');
    await web.test.ctx.store.appendMessage(inbox.id, Buffer.from('From: a@example.org\r\nSubject: s\r\n\r\nb\r\n'));
    admin = await adminClient(web);
    alice = await userClient(web, 'alice@example.com', 'alice-pw');
  });
  after(async () => web.stop());

  test('admin answers', async () => {
    check(schemas.sessionInfo, (await admin.call('GET', '/api/session')).body, 'session');
    check(schemas.userList, (await admin.call('GET', '/api/admin/users')).body, 'user list');
    check(schemas.userProfile, (await admin.call('GET', '/api/admin/users/alice%40example.com')).body, 'user');
    check(schemas.sharedList, (await admin.call('GET', '/api/admin/shared')).body, 'shared list');
    check(schemas.sharedProfile, (await admin.call('GET', '/api/admin/shared/team%40example.com')).body, 'shared');
    check(schemas.serverInfo, (await admin.call('GET', '/api/admin/server')).body, 'server');
    check(schemas.tokenCreated, (await admin.call('POST', '/api/admin/tokens', { name: 't' })).body, 'token');
    check(schemas.tokenList, (await admin.call('GET', '/api/admin/tokens')).body, 'tokens');
  });

  test('MailSort answers', async () => {
    const base = '/api/mail/alice%40example.com';
    check(schemas.rulesListing, (await alice.call('GET', `${base}/rules`)).body, 'empty listing');
    const created = await alice.call('POST', `${base}/rules`, {
      rule: { name: 'r', condition: { kind: 'or', tests: [{ kind: 'size', cmp: 'over', bytes: 1024 }, { kind: 'header', field: { kind: 'header', name: 'X-Spam' }, op: 'is', value: 'yes' }] }, actions: [{ kind: 'forward', to: ['x@example.org'] }, { kind: 'reject', reason: null }] },
    });
    check(schemas.rulesListing, created.body, 'listing');
    check(schemas.vacationReply, (await alice.call('PUT', `${base}/vacation`, { vacation: { body: 'away', activeUntil: '2030-01-01' } })).body, 'vacation');
    check(schemas.rulesListing, (await alice.call('GET', `${base}/rules`)).body, 'listing with vacation');
    check(schemas.filterFile, (await alice.call('GET', `${base}/filter`)).body, 'filter file');
    check(schemas.filterCheck, (await alice.call('POST', `${base}/filter/check`, { text: 'rule' })).body, 'check');
    check(schemas.folders, (await alice.call('GET', `${base}/folders`)).body, 'folders');
    check(schemas.recentMessages, (await alice.call('GET', `${base}/messages`)).body, 'messages');
    check(schemas.filterTestResult, (await alice.call('POST', `${base}/test`, { raw: 'From: a@example.org\nSubject: s\n\nb\n' })).body, 'test');
  });

  test('the document carries the answer schemas', async () => {
    const doc = (await admin.call('GET', '/api/openapi.json')).body;
    const profile = doc.paths['/api/admin/users/{address}'].get.responses['200'].content['application/json'].schema;
    assert.ok(profile.properties.quota);
    assert.ok(doc.paths['/api/mail/{address}/rules'].get.responses['200'].content['application/json'].schema.properties.rules);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import selfsigned from 'selfsigned';
import { addTestUser } from '../helpers/context.js';
import { ApiClient, adminClient, errorCode, startWeb, type WebFixture } from './helpers.js';

async function certificate(commonName: string, days: number): Promise<{ cert: string; key: string }> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 24 * 3600 * 1000),
    notAfterDate: new Date(Date.now() + days * 24 * 3600 * 1000),
  });
  return { cert: pems.cert, key: pems.private };
}

describe('REST API: the server page', () => {
  let web: WebFixture;
  let admin: ApiClient;

  before(async () => {
    web = await startWeb();
    admin = await adminClient(web);
    await addTestUser(web.test.ctx, 'alice@example.com', 'pw');
  });
  after(async () => web.stop());

  test('shows host name, versions, listeners, counts and the certificate', async () => {
    const reply = await admin.call('GET', '/api/admin/server');
    assert.equal(reply.status, 200);
    assert.equal(reply.body.hostname, 'mail.test');
    assert.equal(reply.body.versions.node, process.versions.node);
    assert.match(reply.body.versions.msgstore, /^\d+\.\d+\.\d+/);
    assert.equal(reply.body.counts.users, 1);
    assert.equal(reply.body.counts.sharedMailboxes, 0);
    assert.equal(reply.body.counts.outboundQueue, 0);
    const http = reply.body.listeners.find((l: { name: string }) => l.name === 'http');
    assert.equal(http.state, 'running');
    assert.equal(`http://127.0.0.1:${http.port}`, web.base);
    assert.deepEqual(reply.body.listeners.map((l: { name: string }) => l.name), ['imap', 'imaps', 'pop3', 'pop3s', 'lmtp', 'http']);
    assert.match(reply.body.certificate.subject, /CN=mail\.test/);
    assert.equal(reply.body.certificate.selfSigned, true);
    assert.equal(reply.body.certificate.expiresSoon, false);
    assert.ok(reply.body.certificate.daysLeft > 30);
  });

  test('installs a new certificate and key; warns when it ends within 30 days', async () => {
    const pair = await certificate('new.example.com', 10);
    const reply = await admin.call('PUT', '/api/admin/server/certificate', { certificate: pair.cert, key: pair.key });
    assert.equal(reply.status, 200);
    assert.match(reply.body.subject, /CN=new\.example\.com/);
    assert.equal(reply.body.expiresSoon, true);
    assert.ok(reply.body.daysLeft >= 9 && reply.body.daysLeft <= 10);
    assert.match(web.test.ctx.tls.certificateInfo().subject, /new\.example\.com/);
    const shown = await admin.call('GET', '/api/admin/server');
    assert.equal(shown.body.certificate.expiresSoon, true);
  });

  test('refuses a key that does not belong to the certificate, and garbage', async () => {
    const a = await certificate('a.example.com', 100);
    const b = await certificate('b.example.com', 100);
    const mismatch = await admin.call('PUT', '/api/admin/server/certificate', { certificate: a.cert, key: b.key });
    assert.equal(mismatch.status, 400);
    assert.equal(errorCode(mismatch), 'INVALID_CERTIFICATE');
    assert.match(mismatch.body.error.message, /does not belong/);
    const garbage = await admin.call('PUT', '/api/admin/server/certificate', { certificate: 'hello', key: b.key });
    assert.equal(garbage.status, 400);
    const empty = await admin.call('PUT', '/api/admin/server/certificate', { certificate: '', key: '' });
    assert.equal(empty.status, 400);
    assert.equal(errorCode(empty), 'VALIDATION_FAILED');
    assert.match(web.test.ctx.tls.certificateInfo().subject, /new\.example\.com/, 'the certificate in use is unchanged');
  });

  test('only the admin sees the server page', async () => {
    const user = new ApiClient(web.base);
    await user.login('alice@example.com', 'pw');
    assert.equal((await user.call('GET', '/api/admin/server')).status, 403);
    assert.equal((await new ApiClient(web.base).call('GET', '/api/admin/server')).status, 401);
  });
});

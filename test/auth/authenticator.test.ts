import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AdminService } from '../../src/admin/service.js';
import { addTestUser, makeTestContext, type TestContext } from '../helpers/context.js';

describe('authenticator', () => {
  let t: TestContext;
  const meta = { ip: '127.0.0.1', protocol: 'imap' as const };
  before(async () => {
    t = await makeTestContext({ auth: { failuresBeforeDelay: 100, maxDelayMs: 5, blockAfterFailures: 1000 } });
    await addTestUser(t.ctx, 'carol@example.com', 'first-password');
  });
  after(() => t.cleanup());

  test('a repeated good login is accepted; a wrong password never is', async () => {
    assert.equal((await t.ctx.auth.login('carol@example.com', 'first-password', meta))?.address, 'carol@example.com');
    assert.equal((await t.ctx.auth.login('Carol@Example.com', 'first-password', meta))?.address, 'carol@example.com');
    assert.equal(await t.ctx.auth.login('carol@example.com', 'first-passwor', meta), null);
    assert.equal(await t.ctx.auth.login('nobody@example.com', 'first-password', meta), null);
  });

  test('a remembered login ends with a password change or when the account is disabled', async () => {
    const admin = new AdminService(t.ctx.store);
    assert.ok(await t.ctx.auth.login('carol@example.com', 'first-password', meta));
    await admin.setPassword('carol@example.com', 'second-password');
    assert.equal(await t.ctx.auth.login('carol@example.com', 'first-password', meta), null);
    assert.ok(await t.ctx.auth.login('carol@example.com', 'second-password', meta));
    await admin.updateUser('carol@example.com', { disabled: true });
    assert.equal(await t.ctx.auth.login('carol@example.com', 'second-password', meta), null);
    await admin.updateUser('carol@example.com', { disabled: false });
    assert.ok(await t.ctx.auth.login('carol@example.com', 'second-password', meta));
  });
});

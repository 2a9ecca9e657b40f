import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AdminService } from '../../src/admin/service.js';
import { addTestUser } from '../helpers/context.js';
import { ApiClient, adminClient, errorCode, startWeb, userClient, type WebFixture } from './helpers.js';

const ALICE = '/api/mail/alice%40example.com';

const moveRule = (name: string, value: string, folder: string) => ({
  name,
  condition: { kind: 'and', tests: [{ kind: 'header', field: { kind: 'from' }, op: 'contains', value }] },
  actions: [{ kind: 'move', folder }],
});

describe('REST API: MailSort blocks, filter file and vacation', () => {
  let web: WebFixture;
  let alice: ApiClient;

  before(async () => {
    web = await startWeb();
    await addTestUser(web.test.ctx, 'alice@example.com', 'alice-pw');
    await addTestUser(web.test.ctx, 'bob@example.com', 'bob-pw');
    await new AdminService(web.test.ctx.store).addShared({ address: 'sales@example.com', displayName: 'Sales', members: ['alice@example.com'] });
    await web.test.ctx.store.createMailbox({ kind: 'user', address: 'alice@example.com' }, 'enr');
    alice = await userClient(web, 'alice@example.com', 'alice-pw');
  });
  after(async () => web.stop());

  test('no filter file yet: the listing says so and the raw file is 404', async () => {
    const listing = await alice.call('GET', `${ALICE}/rules`);
    assert.equal(listing.status, 200);
    assert.equal(listing.body.exists, false);
    assert.deepEqual(listing.body.rules, []);
    const raw = await alice.call('GET', `${ALICE}/filter`);
    assert.equal(raw.status, 404);
  });

  test('folders list personal folders and shared mailboxes', async () => {
    const reply = await alice.call('GET', `${ALICE}/folders`);
    assert.equal(reply.status, 200);
    const names = reply.body.folders.map((f: { name: string }) => f.name);
    assert.ok(names.includes('INBOX'));
    assert.ok(names.includes('enr'));
    assert.ok(names.includes('shared/sales@example.com'));
    assert.equal(reply.body.folders.find((f: { name: string }) => f.name === 'shared/sales@example.com').shared, true);
  });

  test('creates blocks, creating the file; lists them as structured rules', async () => {
    const first = await alice.call('POST', `${ALICE}/rules`, { rule: moveRule("John's mail", 'John Doe', 'enr') });
    assert.equal(first.status, 201);
    assert.equal(first.body.exists, true);
    assert.equal(first.body.rules.length, 1);
    assert.deepEqual(first.body.rules[0].actions, [{ kind: 'move', folder: 'enr' }]);
    assert.equal(first.body.rules[0].disabled, false);
    const second = await alice.call('POST', `${ALICE}/rules`, {
      rule: { name: 'Big quotes', condition: { kind: 'or', tests: [{ kind: 'header', field: { kind: 'subject' }, op: 'begins', value: '[quote]' }, { kind: 'size', cmp: 'over', bytes: 10240 }] }, actions: [{ kind: 'copy', folder: 'shared/sales@example.com' }, { kind: 'stop' }] },
      version: first.body.version,
    });
    assert.equal(second.status, 201);
    assert.equal(second.body.rules.length, 2);
    const file = await web.test.ctx.store.getFilterFile('alice@example.com');
    assert.match(file?.text ?? '', /rule "John's mail"\n\s+if from contains "John Doe"\n\s+move to "enr"\nend/);
    assert.match(file?.text ?? '', /size over 10K/);
    assert.match(file?.text ?? '', /^# MailSort rules for alice@example.com/);
  });

  test('invalid blocks are refused with 400 and say why', async () => {
    const noActions = await alice.call('POST', `${ALICE}/rules`, { rule: { name: 'x', condition: { kind: 'always' }, actions: [] } });
    assert.equal(noActions.status, 400);
    assert.equal(errorCode(noActions), 'VALIDATION_FAILED');
    const badForward = await alice.call('POST', `${ALICE}/rules`, { rule: { name: 'x', condition: { kind: 'always' }, actions: [{ kind: 'forward', to: ['not an address'] }] } });
    assert.equal(badForward.status, 400);
    const badIndex = await alice.call('PUT', `${ALICE}/rules/99`, { rule: moveRule('x', 'y', 'enr') });
    assert.equal(badIndex.status, 400);
  });

  test('edits one block, keeping comments and other blocks byte for byte', async () => {
    const before = (await web.test.ctx.store.getFilterFile('alice@example.com'))?.text ?? '';
    const withComment = before.replace('rule "Big quotes"', '# keep this comment\nrule "Big quotes"');
    await web.test.ctx.store.setFilterFile('alice@example.com', withComment);
    const listing = await alice.call('GET', `${ALICE}/rules`);
    const updated = await alice.call('PUT', `${ALICE}/rules/0`, { rule: moveRule('From John', 'John Q. Doe', 'Archive'), version: listing.body.version });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.rules[0].name, 'From John');
    const text = (await web.test.ctx.store.getFilterFile('alice@example.com'))?.text ?? '';
    const tail = withComment.slice(withComment.indexOf('# keep this comment'));
    assert.ok(text.endsWith(tail), 'the second block and its comment are unchanged');
    assert.match(text, /move to "Archive"/);
  });

  test('a stale version is refused with 409', async () => {
    const stale = await alice.call('PUT', `${ALICE}/rules/0/enabled`, { enabled: false, version: 1 });
    assert.equal(stale.status, 409);
    assert.equal(errorCode(stale), 'VERSION_CONFLICT');
  });

  test('enables, disables, reorders and deletes blocks', async () => {
    const off = await alice.call('PUT', `${ALICE}/rules/1/enabled`, { enabled: false });
    assert.equal(off.status, 200);
    assert.equal(off.body.rules[1].disabled, true);
    assert.match((await web.test.ctx.store.getFilterFile('alice@example.com'))?.text ?? '', /rule "Big quotes" disabled/);
    const moved = await alice.call('POST', `${ALICE}/rules/1/move`, { to: 0 });
    assert.equal(moved.status, 200);
    assert.deepEqual(moved.body.rules.map((r: { name: string }) => r.name), ['Big quotes', 'From John']);
    const badMove = await alice.call('POST', `${ALICE}/rules/0/move`, { to: 5 });
    assert.equal(badMove.status, 400);
    const on = await alice.call('PUT', `${ALICE}/rules/0/enabled`, { enabled: true });
    assert.equal(on.body.rules[0].disabled, false);
    const deleted = await alice.call('DELETE', `${ALICE}/rules/0?version=${on.body.version}`);
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.body.rules.map((r: { name: string }) => r.name), ['From John']);
    assert.equal((await alice.call('DELETE', `${ALICE}/rules/7`)).status, 400);
  });

  test('the raw file: get, put, and syntax errors as line:column', async () => {
    const got = await alice.call('GET', `${ALICE}/filter`);
    assert.equal(got.status, 200);
    assert.match(got.body.text, /rule "From John"/);
    const broken = await alice.call('PUT', `${ALICE}/filter`, { text: 'rule "x"\n  if from contain "y"\n  move to "z"\nend\n', version: got.body.version });
    assert.equal(broken.status, 400);
    assert.equal(errorCode(broken), 'FILTER_SYNTAX');
    assert.equal(broken.body.error.details[0].line, 2);
    assert.ok(broken.body.error.details[0].column > 1);
    assert.match(broken.body.error.message, /line 2, column \d+/);
    assert.equal((await web.test.ctx.store.getFilterFile('alice@example.com'))?.version, got.body.version, 'nothing saved');
    const check = await alice.call('POST', `${ALICE}/filter/check`, { text: 'rule "x"\nend\n' });
    assert.equal(check.body.ok, false);
    const text = '# my rules\n\nrule "Spam"\n  if subject contains "viagra"\n  discard\nend\n';
    const saved = await alice.call('PUT', `${ALICE}/filter`, { text, version: got.body.version });
    assert.equal(saved.status, 200);
    assert.equal((await web.test.ctx.store.getFilterFile('alice@example.com'))?.text, text);
  });

  test('a stored file that does not parse is reported, and block edits are refused', async () => {
    await web.test.ctx.store.setFilterFile('alice@example.com', 'rule "broken"\n  if\nend\n');
    const listing = await alice.call('GET', `${ALICE}/rules`);
    assert.equal(listing.status, 200);
    assert.ok(listing.body.syntaxErrors.length > 0);
    assert.equal(listing.body.syntaxErrors[0].line, 2);
    const edit = await alice.call('POST', `${ALICE}/rules`, { rule: moveRule('x', 'y', 'enr') });
    assert.equal(edit.status, 400);
    assert.equal(errorCode(edit), 'FILTER_SYNTAX');
    await web.test.ctx.store.setFilterFile('alice@example.com', '# fixed\n');
  });

  test('vacation: save, get, delete; errors', async () => {
    assert.deepEqual((await alice.call('GET', `${ALICE}/vacation`)).body.vacation, null);
    const saved = await alice.call('PUT', `${ALICE}/vacation`, { vacation: { subject: 'Away', body: 'I am away.\nBack soon.', days: 3, activeFrom: '2026-01-01', activeUntil: null, addresses: ['a.l@example.com'] } });
    assert.equal(saved.status, 200);
    assert.deepEqual(saved.body.vacation, { subject: 'Away', body: 'I am away.\nBack soon.', days: 3, activeFrom: '2026-01-01', activeUntil: null, addresses: ['a.l@example.com'] });
    const text = (await web.test.ctx.store.getFilterFile('alice@example.com'))?.text ?? '';
    assert.ok(text.startsWith('# fixed\n'));
    assert.match(text, /vacation[\s\S]*subject "Away"[\s\S]*end/);
    assert.equal((await alice.call('GET', `${ALICE}/vacation`)).body.vacation.subject, 'Away');
    const badDays = await alice.call('PUT', `${ALICE}/vacation`, { vacation: { body: 'x', days: 99 } });
    assert.equal(badDays.status, 400);
    const badDate = await alice.call('PUT', `${ALICE}/vacation`, { vacation: { body: 'x', activeFrom: '2026-02-30' } });
    assert.equal(badDate.status, 400);
    assert.equal((await alice.call('DELETE', `${ALICE}/vacation`)).status, 204);
    assert.equal((await alice.call('DELETE', `${ALICE}/vacation`)).status, 404);
    assert.equal((await alice.call('GET', `${ALICE}/vacation`)).body.vacation, null);
  });

  test('the test panel says which block matches and what would happen, without side effects', async () => {
    await alice.call('PUT', `${ALICE}/filter`, {
      text: 'rule "John"\n  if from contains "John Doe"\n  move to "enr"\n  vacation\nend\n\nvacation\n  subject "Away"\n  body "Back soon"\nend\n',
      version: null,
    });
    const message = 'Return-Path: <john@example.net>\r\nFrom: John Doe <john@example.net>\r\nTo: alice@example.com\r\nSubject: Hi\r\n\r\nHello\r\n';
    const reply = await alice.call('POST', `${ALICE}/test`, { raw: message });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body.matched, [{ index: 0, name: 'John' }]);
    assert.deepEqual(reply.body.outcome.folders, ['enr']);
    assert.equal(reply.body.outcome.vacation.to, 'john@example.net');
    assert.equal(reply.body.outcome.vacation.subject, 'Away');
    // A second run still says a reply would go: the test did not record one.
    const again = await alice.call('POST', `${ALICE}/test`, { raw: message });
    assert.ok(again.body.outcome.vacation);
    const other = await alice.call('POST', `${ALICE}/test`, { raw: 'From: x@example.org\nSubject: other\n\nbody\n' });
    assert.deepEqual(other.body.matched, []);
    assert.deepEqual(other.body.outcome.folders, ['INBOX']);
    assert.equal((await alice.call('POST', `${ALICE}/test`, {})).status, 400);
  });

  test('the test panel reads INBOX messages by uid; the newest 20 are listed', async () => {
    const inbox = await web.test.ctx.store.getMailbox({ kind: 'user', address: 'alice@example.com' }, 'INBOX');
    for (let i = 1; i <= 22; i++) {
      await web.test.ctx.store.appendMessage(inbox.id, Buffer.from(`From: John Doe <john@example.net>\r\nSubject: Message ${i}\r\n\r\nbody ${i}\r\n`));
    }
    const list = await alice.call('GET', `${ALICE}/messages`);
    assert.equal(list.status, 200);
    assert.equal(list.body.messages.length, 20);
    assert.equal(list.body.messages[0].subject, 'Message 22');
    assert.match(list.body.messages[0].from, /John Doe/);
    const uid = list.body.messages[0].uid as number;
    const reply = await alice.call('POST', `${ALICE}/test`, { uid });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body.matched, [{ index: 0, name: 'John' }]);
    assert.equal((await alice.call('POST', `${ALICE}/test`, { uid: 9999 })).status, 404);
  });

  test("a user cannot read or change another user's filters; the admin can", async () => {
    for (const target of ['bob%40example.com', 'ghost%40example.com']) {
      const read = await alice.call('GET', `/api/mail/${target}/rules`);
      assert.equal(read.status, 403, target);
      assert.equal(errorCode(read), 'FORBIDDEN');
      assert.equal((await alice.call('GET', `/api/mail/${target}/filter`)).status, 403);
      assert.equal((await alice.call('PUT', `/api/mail/${target}/vacation`, { vacation: { body: 'x' } })).status, 403);
    }
    assert.equal(await web.test.ctx.store.getFilterFile('bob@example.com'), null);
    const admin = await adminClient(web);
    assert.equal((await admin.call('GET', '/api/mail/bob%40example.com/rules')).status, 200);
    assert.equal((await admin.call('POST', '/api/mail/bob%40example.com/rules', { rule: moveRule('x', 'y', 'INBOX') })).status, 201);
    const ghost = await admin.call('GET', '/api/mail/ghost%40example.com/rules');
    assert.equal(ghost.status, 404);
    assert.equal(errorCode(ghost), 'MS_USER_REC_NOT_FOUND');
  });

  test('password: a user gives the current one, the admin need not', async () => {
    const wrong = await alice.call('PUT', `${ALICE}/password`, { currentPassword: 'nope', newPassword: 'alice-2' });
    assert.equal(wrong.status, 401);
    const ok = await alice.call('PUT', `${ALICE}/password`, { currentPassword: 'alice-pw', newPassword: 'alice-2' });
    assert.equal(ok.status, 204);
    assert.equal((await alice.call('GET', `${ALICE}/folders`)).status, 200, 'the session that changed it stays signed in');
    assert.equal((await new ApiClient(web.base).login('alice@example.com', 'alice-2')).status, 200);
    const admin = await adminClient(web);
    assert.equal((await admin.call('PUT', '/api/mail/bob%40example.com/password', { newPassword: 'bob-2' })).status, 204);
    assert.equal((await alice.call('PUT', '/api/mail/bob%40example.com/password', { currentPassword: 'bob-2', newPassword: 'x' })).status, 403);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';

describe('msgstore CLI against the store', () => {
  let dataDir = '';
  const cli = (args: string[], input?: string) => runCli([...args, '--data', dataDir], { input });

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'msgstore-cli-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('user add, show, list, passwd, remove', async () => {
    const add = await cli(['user', 'add', 'Alice@Example.com', '--password-stdin', '--first-name', 'Alice', '--last-name', 'Liddell'], 'wonderland\n');
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /user alice@example\.com added/);

    const show = await cli(['user', 'show', 'alice@example.com', '--json']);
    assert.equal(show.code, 0, show.stderr);
    const profile = JSON.parse(show.stdout) as { address: string; firstName: string; mailboxes: { name: string; specialUse: string | null }[] };
    assert.equal(profile.address, 'alice@example.com');
    assert.equal(profile.firstName, 'Alice');
    assert.deepEqual(
      profile.mailboxes.map((m) => [m.name, m.specialUse]).sort(),
      [['Archive', '\\Archive'], ['Drafts', '\\Drafts'], ['INBOX', null], ['Junk', '\\Junk'], ['Sent', '\\Sent'], ['Trash', '\\Trash']],
    );
    assert.ok(!show.stdout.includes('wonderland'), 'the password never appears');

    const text = await cli(['user', 'show', 'alice@example.com']);
    assert.match(text.stdout, /User: +alice@example\.com \(Alice Liddell\)/);
    assert.match(text.stdout, /Sent \\Sent: 0 messages/);

    await cli(['user', 'add', 'bob@example.com', '--password-stdin'], 'builder\n');
    const list = await cli(['user', 'list', '--json']);
    assert.deepEqual((JSON.parse(list.stdout) as { users: { address: string }[] }).users.map((u) => u.address), ['alice@example.com', 'bob@example.com']);

    const passwd = await cli(['user', 'passwd', 'bob@example.com', '--password-stdin'], 'new-secret\n');
    assert.equal(passwd.code, 0, passwd.stderr);

    const remove = await cli(['user', 'remove', 'bob@example.com']);
    assert.equal(remove.code, 0, remove.stderr);
    const again = await cli(['user', 'show', 'bob@example.com']);
    assert.equal(again.code, 67);
    assert.match(again.stderr, /MS_USER_REC_NOT_FOUND/);
  });

  test('errors: duplicates, bad addresses, missing password, unknown users', async () => {
    const dup = await cli(['user', 'add', 'alice@example.com', '--password-stdin'], 'x\n');
    assert.equal(dup.code, 73);
    assert.match(dup.stderr, /msgstore: .*\(MS_USER_REC_ALREADY_EXIST\)/);

    const bad = await cli(['user', 'add', 'not-an-address', '--password-stdin'], 'x\n');
    assert.equal(bad.code, 65);
    assert.match(bad.stderr, /not a valid mail address/);

    const nopw = await cli(['user', 'add', 'carol@example.com', '--password-stdin'], '');
    assert.equal(nopw.code, 65);
    assert.match(nopw.stderr, /no password on standard input/);

    const notty = await cli(['user', 'add', 'carol@example.com']);
    assert.equal(notty.code, 64);
    assert.match(notty.stderr, /--password-stdin/);

    const passwdUnknown = await cli(['user', 'passwd', 'nobody@example.com', '--password-stdin'], 'x\n');
    assert.equal(passwdUnknown.code, 67);

    const usage = await cli(['user', 'frobnicate']);
    assert.equal(usage.code, 64);
  });

  test('shared mailboxes: add with members, show, list, member add/remove, remove', async () => {
    await cli(['user', 'add', 'dave@example.com', '--password-stdin'], 'pw\n');
    const add = await cli(['shared', 'add', 'sales@example.com', '--member', 'alice@example.com', '--member', 'dave@example.com', '--display-name', 'Sales team']);
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /shared mailbox sales@example\.com added with 2 members/);

    const show = await cli(['shared', 'show', 'sales@example.com', '--json']);
    const profile = JSON.parse(show.stdout) as { members: string[]; displayName: string };
    assert.deepEqual(profile.members, ['alice@example.com', 'dave@example.com']);
    assert.equal(profile.displayName, 'Sales team');

    const user = JSON.parse((await cli(['user', 'show', 'alice@example.com', '--json'])).stdout) as { shared: { address: string }[] };
    assert.deepEqual(user.shared.map((s) => s.address), ['sales@example.com']);

    const removeMember = await cli(['shared', 'member', 'remove', 'sales@example.com', 'dave@example.com']);
    assert.equal(removeMember.code, 0, removeMember.stderr);
    const last = await cli(['shared', 'member', 'remove', 'sales@example.com', 'alice@example.com']);
    assert.notEqual(last.code, 0, 'the last member cannot be removed');
    assert.match(last.stderr, /MS_/);

    const addMember = await cli(['shared', 'member', 'add', 'sales@example.com', 'nobody@example.com']);
    assert.equal(addMember.code, 67);
    assert.match(addMember.stderr, /MS_USER_REC_NOT_FOUND/);

    const noMember = await cli(['shared', 'add', 'empty@example.com']);
    assert.equal(noMember.code, 64, 'the --member option is required');

    const clash = await cli(['shared', 'add', 'alice@example.com', '--member', 'dave@example.com']);
    assert.equal(clash.code, 73);

    const list = await cli(['shared', 'list', '--json']);
    assert.deepEqual((JSON.parse(list.stdout) as { address: string }[]).map((s) => s.address), ['sales@example.com']);

    const remove = await cli(['shared', 'remove', 'sales@example.com']);
    assert.equal(remove.code, 0, remove.stderr);
    const gone = await cli(['shared', 'show', 'sales@example.com']);
    assert.equal(gone.code, 67);
    assert.match(gone.stderr, /MS_SHARED_REC_NOT_FOUND/);
  });

  test('a bad configuration stops the command with the key named', async () => {
    const result = await runCli(['user', 'list', '--data', dataDir], { env: { MSGSTORE_LISTENERS__IMAP__PORT: 'nope' } });
    assert.equal(result.code, 78);
    assert.match(result.stderr, /listeners\.imap\.port/);
  });
});

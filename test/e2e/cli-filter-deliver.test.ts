import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';

const GOOD_FILTER = `# rules for alice
rule "Lists"
  if subject contains "[rust]"
  move to "Lists/rust"
end

rule "Spam"
  if from is "offers@spam.example"
  reject "No thanks."
end
`;

const MESSAGE = (subject: string, from = 'bob@example.org') => `From: ${from}\r\nTo: alice@example.com\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.org>\r\n\r\nHello.\r\n`;

describe('msgstore filter and deliver', () => {
  let dataDir = '';
  const cli = (args: string[], input?: string) => runCli([...args, '--data', dataDir], { input });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'msgstore-filter-'));
    const add = await cli(['user', 'add', 'alice@example.com', '--password-stdin'], 'pw\n');
    assert.equal(add.code, 0, add.stderr);
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('filter check prints line:column errors and exits 65; a good file passes', async () => {
    const ok = await runCli(['filter', 'check'], { input: GOOD_FILTER });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /filter file OK/);
    const bad = await runCli(['filter', 'check'], { input: 'rule "x"\n  if subjekt contains "a"\n  stop\nend\n' });
    assert.equal(bad.code, 65);
    assert.match(bad.stdout, /line 2, column \d+: /);
    const example = await runCli(['filter', 'check'], { input: readFileSync('examples/filter.txt', 'utf8') });
    assert.equal(example.code, 0, example.stdout + example.stderr);
  });

  test('filter set refuses a broken file, stores a good one, and show prints it back', async () => {
    const none = await cli(['filter', 'show', 'alice@example.com']);
    assert.equal(none.code, 67);
    assert.match(none.stderr, /MS_NO_FILTERFILE/);
    const refused = await cli(['filter', 'set', 'alice@example.com'], 'rule "x"\nend\n');
    assert.equal(refused.code, 65);
    assert.match(refused.stderr, /line 2, column/);
    const set = await cli(['filter', 'set', 'alice@example.com'], GOOD_FILTER);
    assert.equal(set.code, 0, set.stderr);
    const show = await cli(['filter', 'show', 'alice@example.com']);
    assert.equal(show.stdout, GOOD_FILTER);
    const unknown = await cli(['filter', 'set', 'nobody@example.com'], GOOD_FILTER);
    assert.equal(unknown.code, 67);
  });

  test('deliver files by the rules, rejects with 77, refuses unknown users with 67', async () => {
    const listed = await cli(['deliver', '--to', 'alice@example.com', '--from', 'bob@example.org'], MESSAGE('[rust] release'));
    assert.equal(listed.code, 0, listed.stderr);
    const plain = await cli(['deliver', '--to', 'Alice@Example.com'], MESSAGE('hello'));
    assert.equal(plain.code, 0, plain.stderr);
    const spam = await cli(['deliver', '--to', 'alice@example.com', '--from', 'offers@spam.example'], MESSAGE('offer', 'offers@spam.example'));
    assert.equal(spam.code, 77);
    assert.match(spam.stderr, /No thanks\./);
    const unknown = await cli(['deliver', '--to', 'nobody@example.com'], MESSAGE('lost'));
    assert.equal(unknown.code, 67);
    const badTo = await cli(['deliver', '--to', 'not an address'], MESSAGE('x'));
    assert.equal(badTo.code, 65);

    const store = await openStore({ dataDir });
    try {
      const owner = { kind: 'user' as const, address: 'alice@example.com' };
      const rust = await store.getMailbox(owner, 'Lists/rust');
      const inbox = await store.getMailbox(owner, 'INBOX');
      const inRust = await store.listMessages(rust.id);
      const inInbox = await store.listMessages(inbox.id);
      assert.equal(inRust.length, 1);
      assert.equal(inInbox.length, 1);
      const raw = (await store.readMessage(inbox.id, inInbox[0]!.uid)).toString('latin1');
      assert.match(raw, /^Return-Path: <>\r\n/);
      assert.match(raw, /Delivered-To: alice@example\.com\r\n/i);
      assert.match(raw, /Subject: hello\r\n/);
    } finally {
      await store.close();
    }
  });
});

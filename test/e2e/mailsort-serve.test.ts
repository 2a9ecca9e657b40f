/**
 * MailSort as an administrator runs it: users, a shared mailbox and filter files made with the
 * msgstore command, `msgstore serve --relay HOST:PORT` as a real process, mail in over LMTP
 * (smtplib.LMTP), folders read over IMAP, forwards and vacation replies at a local SMTP sink.
 * Runs the compiled code: `node scripts/run-tests.mjs --build test/e2e/mailsort-serve`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { startSink, type Sink } from '../outbound/sink.js';
import { PASSWORD, counts, lmtpSend, message, readMailboxes, waitUntil } from './mailsort-harness.js';

const FILTER = `# rules for rita
rule "Quotes to the team"
  if subject contains "[quote]"
  copy to "shared/team@example.com/Quotes"
end

rule "Boss to the phone"
  if from is "boss@remote.test"
  forward to "rita@phone.test"
end

rule "Spam"
  if from ends with "@spam.test"
  reject "Go away."
end

rule "Away"
  always
  vacation
end

vacation
  subject "Rita is away"
  body """
    I am away this week.
    """
end
`;

describe('MailSort in msgstore serve, set up with the CLI', () => {
  let dataDir = '';
  let sink: Sink;
  let server: ServerProcess;
  const cli = (args: string[], input?: string) => runCli([...args, '--data', dataDir], { input });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'msgstore-mailsort-serve-'));
    for (const address of ['rita@example.com', 'sam@example.com']) {
      const added = await cli(['user', 'add', address, '--password-stdin'], `${PASSWORD}\n`);
      assert.equal(added.code, 0, added.stderr);
    }
    const shared = await cli(['shared', 'add', 'team@example.com', '--member', 'rita@example.com']);
    assert.equal(shared.code, 0, shared.stderr);
    const set = await cli(['filter', 'set', 'rita@example.com'], FILTER);
    assert.equal(set.code, 0, set.stderr);
    // A broken file is refused by the CLI and the old one stays.
    const refused = await cli(['filter', 'set', 'rita@example.com'], 'rule "x"\n  if from is\nend\n');
    assert.equal(refused.code, 65);
    sink = await startSink();
    server = await startServerProcess(dataDir, ['--relay', `127.0.0.1:${sink.port}`], {}, 6);
  });

  after(async () => {
    await server?.stop();
    await sink?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('filing, a shared copy, a forward, a vacation reply and a reject through the running server', async () => {
    const lmtpPort = server.ports.get('lmtp') ?? 0;
    const imapPort = server.ports.get('imap') ?? 0;
    const quote = message(['From: Carl <carl@remote.test>', 'To: rita@example.com', 'Subject: [quote] 12 chairs', 'Message-ID: <q@remote.test>']);
    const boss = message(['From: boss@remote.test', 'To: rita@example.com, sam@example.com', 'Subject: call me', 'Message-ID: <b@remote.test>']);
    const spam = message(['From: deals@spam.test', 'To: rita@example.com', 'Subject: deal']);
    const [q, b, s] = await lmtpSend(lmtpPort, [
      { from: 'carl@remote.test', rcpt: ['rita@example.com'], data: quote },
      { from: 'boss@remote.test', rcpt: ['rita@example.com', 'sam@example.com'], data: boss },
      { from: 'deals@spam.test', rcpt: ['rita@example.com'], data: spam },
    ]);
    assert.deepEqual(q?.data.map((d) => d[0]), [250]);
    assert.deepEqual(b?.data.map((d) => d[0]), [250, 250]);
    assert.deepEqual(s?.data, [[550, '5.7.1 Go away.']]);

    const rita = await readMailboxes(imapPort, 'rita@example.com');
    assert.deepEqual(counts(rita), { INBOX: 2, 'shared/team@example.com/Quotes': 1 });
    assert.deepEqual(counts(await readMailboxes(imapPort, 'sam@example.com')), { INBOX: 1 });

    // Replies to carl and boss, the forward of the boss's mail: nothing for the spammer.
    assert.ok(await waitUntil(() => sink.received.length >= 3, 10_000), `sink got ${sink.received.length}\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 200));
    const byRecipient = new Map(sink.received.map((r) => [r.to.join(','), r]));
    assert.deepEqual([...byRecipient.keys()].sort(), ['boss@remote.test', 'carl@remote.test', 'rita@phone.test']);
    assert.equal(byRecipient.get('rita@phone.test')?.from, 'boss@remote.test');
    assert.equal(byRecipient.get('rita@phone.test')?.raw.toString('utf8'), `Delivered-To: rita@example.com\r\n${boss}`);
    assert.equal(byRecipient.get('carl@remote.test')?.from, '');
    assert.match(byRecipient.get('carl@remote.test')?.raw.toString('utf8') ?? '', /^Subject: Rita is away\r$/m);

    // filter show prints the file as it was set.
    const shown = await cli(['filter', 'show', 'rita@example.com']);
    assert.equal(shown.stdout, FILTER);
  });
});

/**
 * MailSort vacation replies end to end: mail in over LMTP (smtplib.LMTP), replies received by a
 * local SMTP sink acting as the relay (RFC 5230, RFC 3834), messages read back over IMAP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSink, type Received, type Sink } from '../outbound/sink.js';
import { PASSWORD, counts, lmtpSend, message, readMailboxes, startMailsortServer, waitUntil, type MailsortServer } from './mailsort-harness.js';

const AWAY = `rule "away"\n  always\n  vacation\nend\n`;

function header(reply: Received | undefined, name: string): string | undefined {
  const head = (reply?.raw.toString('utf8') ?? '').split('\r\n\r\n')[0] ?? '';
  return new RegExp(`^${name}: (.*)$`, 'mi').exec(head)?.[1];
}

describe('MailSort vacation replies end to end', () => {
  let server: MailsortServer;
  let sink: Sink;

  const addUser = async (address: string, filter: string): Promise<void> => {
    await server.admin.addUser({ address, password: PASSWORD, firstName: 'Vera', lastName: 'Cation' });
    await server.admin.setFilter(address, filter);
  };
  const repliesTo = (address: string) => sink.received.filter((r) => r.to.some((t) => t.toLowerCase() === address.toLowerCase()));
  /** True once nothing waits in the outbound queue (every queued reply reached the sink). */
  const queueDrained = async (): Promise<boolean> => {
    for (let i = 0; i < 200; i++) {
      if ((await server.running.ctx.store.outboundStats()).depth === 0) return true;
      await new Promise((r) => setTimeout(r, 25));
    }
    return false;
  };

  before(async () => {
    sink = await startSink();
    server = await startMailsortServer(sink.port);
  });
  after(async () => {
    await server?.stop();
    await sink?.close();
  });

  test('the reply goes to the envelope sender, once per sender within "days", with the RFC 3834 headers', async () => {
    const user = 'vera@example.com';
    await addUser(user, `${AWAY}vacation\n  subject "Out of office"\n  days 3\n  body """\n    I am away.\n    Back next week.\n    """\nend\n`);
    const first = message(
      ['From: Bob <bob@remote.test>', 'To: Vera <vera@example.com>', 'Subject: Lunch?', 'Message-ID: <v1@remote.test>', 'References: <v0@remote.test>'],
    );
    const again = message(['From: Bob <bob@remote.test>', 'To: vera@example.com', 'Subject: Lunch!!', 'Message-ID: <v2@remote.test>']);
    const carol = message(['From: carol@remote.test', 'To: vera@example.com', 'Subject: hi', 'Message-ID: <v3@remote.test>', 'In-Reply-To: <c0@remote.test>']);
    const results = await lmtpSend(server.lmtpPort, [
      { from: 'bob.envelope@remote.test', rcpt: [user], data: first },
      { from: 'Bob.Envelope@remote.test', rcpt: [user], data: again },
      { from: 'carol@remote.test', rcpt: [user], data: carol },
    ]);
    for (const r of results) assert.deepEqual(r.data.map((d) => d[0]), [250]);
    assert.ok(await waitUntil(() => repliesTo('bob.envelope@remote.test').length > 0 && repliesTo('carol@remote.test').length > 0));
    assert.ok(await queueDrained());

    const bob = repliesTo('bob.envelope@remote.test');
    assert.equal(bob.length, 1, 'one reply per sender within the days');
    assert.equal(repliesTo('bob@remote.test').length, 0, 'never to the From address');
    const reply = bob[0];
    assert.equal(reply?.from, '', 'null envelope sender');
    assert.match(header(reply, 'From') ?? '', /Vera Cation.*<vera@example\.com>/);
    assert.equal(header(reply, 'To'), '<bob.envelope@remote.test>');
    assert.equal(header(reply, 'Subject'), 'Out of office');
    assert.equal(header(reply, 'Auto-Submitted'), 'auto-replied');
    assert.equal(header(reply, 'In-Reply-To'), '<v1@remote.test>');
    assert.equal(header(reply, 'References'), '<v0@remote.test> <v1@remote.test>');
    assert.match(header(reply, 'Message-ID') ?? '', /^<[^<>@\s]+@mail\.test>$/);
    assert.match(reply?.raw.toString('utf8') ?? '', /\r\n\r\nI am away\.\r\nBack next week\.\r\n$/);
    // A parent with one In-Reply-To and no References: References is that id and the parent's.
    assert.equal(header(repliesTo('carol@remote.test')[0], 'References'), '<c0@remote.test> <v3@remote.test>');

    // The messages themselves are filed as usual.
    assert.deepEqual(counts(await readMailboxes(server.imapPort, user)), { INBOX: 3 });
  });

  test('no reply to lists, bulk, automatic mail, MAILER-DAEMON, the null sender, the user, or mail not naming the user', async () => {
    const user = 'victor@example.com';
    await addUser(user, `${AWAY}vacation\n  subject "Away"\n  addresses "v.alias@example.com"\n  body "Away."\nend\n`);
    const to = `To: ${user}`;
    const cases: { from: string; headers: string[]; reply: boolean }[] = [
      { from: 'bulk@remote.test', headers: [to, 'Precedence: bulk'], reply: false },
      { from: 'listed@remote.test', headers: [to, 'Precedence: list'], reply: false },
      { from: 'listid@remote.test', headers: [to, 'List-Id: <dev.lists.remote.test>'], reply: false },
      { from: 'unsub@remote.test', headers: [to, 'List-Unsubscribe: <mailto:u@remote.test>'], reply: false },
      { from: 'robot@remote.test', headers: [to, 'Auto-Submitted: auto-generated'], reply: false },
      { from: 'replier@remote.test', headers: [to, 'Auto-Submitted: auto-replied'], reply: false },
      { from: 'MAILER-DAEMON@remote.test', headers: [to], reply: false },
      { from: 'noreply@remote.test', headers: [to], reply: false },
      { from: 'dev-request@remote.test', headers: [to], reply: false },
      { from: '', headers: [to], reply: false },
      { from: user, headers: [to], reply: false },
      { from: 'V.Alias@example.com', headers: [to], reply: false },
      { from: 'bcc@remote.test', headers: ['To: someone@remote.test'], reply: false },
      { from: 'cc@remote.test', headers: ['To: someone@remote.test', `Cc: Victor <${user.toUpperCase()}>`], reply: true },
      { from: 'alias@remote.test', headers: ['To: v.alias@example.com'], reply: true },
      { from: 'manual@remote.test', headers: [to, 'Auto-Submitted: no'], reply: true },
      { from: 'postmaster@remote.test', headers: [to], reply: true },
    ];
    const before = sink.received.length;
    const results = await lmtpSend(
      server.lmtpPort,
      cases.map((c, i) => ({ from: c.from, rcpt: [user], data: message([`From: ${c.from || 'daemon@remote.test'}`, ...c.headers, `Subject: case ${i}`, `Message-ID: <case${i}@remote.test>`]) })),
    );
    for (const r of results) assert.deepEqual(r.data.map((d) => d[0]), [250]);
    const expected = cases.filter((c) => c.reply).map((c) => c.from.toLowerCase());
    assert.ok(await waitUntil(() => expected.every((a) => repliesTo(a).length === 1)), JSON.stringify(sink.received.slice(before).map((r) => r.to)));
    assert.ok(await queueDrained());
    const got = sink.received.slice(before).flatMap((r) => r.to.map((a) => a.toLowerCase()));
    assert.deepEqual(got.sort(), [...expected].sort());
    // Every message is still filed; vacation does not change where mail goes.
    assert.deepEqual(counts(await readMailboxes(server.imapPort, user)), { INBOX: cases.length });
  });

  test('without a subject of its own the reply says "Auto:" and the original subject, decoded and encoded again', async () => {
    const user = 'auto@example.com';
    await addUser(user, `${AWAY}vacation\n  body "Away."\nend\n`);
    await lmtpSend(server.lmtpPort, [
      { from: 'g1@remote.test', rcpt: [user], data: message(['From: g1@remote.test', `To: ${user}`, 'Subject: =?ISO-8859-1?Q?Gr=FC=DFe?= aus Wien']) },
      { from: 'g2@remote.test', rcpt: [user], data: message(['From: g2@remote.test', `To: ${user}`]) },
    ]);
    assert.ok(await waitUntil(() => repliesTo('g1@remote.test').length === 1 && repliesTo('g2@remote.test').length === 1));
    const raw = repliesTo('g1@remote.test')[0]?.raw.toString('latin1') ?? '';
    const folded = /^Subject:((?:.*)(?:\r\n[ \t].*)*)\r$/m.exec(raw)?.[1] ?? '';
    // Unfold, then join the encoded words (white space between two of them does not count).
    const decoded = folded
      .replace(/\r\n[ \t]/g, ' ')
      .replace(/\?=\s+=\?/g, '?==?')
      .replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_m, b64: string) => Buffer.from(b64, 'base64').toString('utf8'))
      .trim();
    assert.equal(decoded, 'Auto: Grüße aus Wien');
    assert.equal(header(repliesTo('g2@remote.test')[0], 'Subject'), 'Automated reply');
  });

  test('outside the active dates no reply goes; a non-ASCII subject and body are encoded', async () => {
    const past = 'past@example.com';
    const today = new Date();
    const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    await addUser(past, `${AWAY}vacation\n  active from 2020-01-01 until 2020-01-05\n  body "Was away."\nend\n`);
    const urlaub = 'urlaub@example.com';
    await addUser(urlaub, `${AWAY}vacation\n  subject "Im Urlaub – zurück später"\n  active from ${day(today)} until 2099-12-31\n  body "Grüße aus dem Süden."\nend\n`);
    const before = sink.received.length;
    await lmtpSend(server.lmtpPort, [
      { from: 'p1@remote.test', rcpt: [past], data: message(['From: p1@remote.test', `To: ${past}`, 'Subject: hello']) },
      { from: 'u1@remote.test', rcpt: [urlaub], data: message(['From: u1@remote.test', `To: ${urlaub}`, 'Subject: hallo']) },
    ]);
    assert.ok(await waitUntil(() => repliesTo('u1@remote.test').length === 1));
    assert.ok(await queueDrained());
    assert.deepEqual(sink.received.slice(before).map((r) => r.to), [['u1@remote.test']]);
    const reply = repliesTo('u1@remote.test')[0];
    const text = reply?.raw.toString('latin1') ?? '';
    assert.ok(/^[\x00-\x7f]*$/.test(text), 'the reply is 7-bit');
    assert.match(header(reply, 'Subject') ?? '', /^=\?UTF-8\?[BQ]\?/i);
    assert.match(header(reply, 'Content-Transfer-Encoding') ?? '', /quoted-printable/i);
    assert.match(text, /Gr=C3=BC=C3=9Fe/);
  });
});

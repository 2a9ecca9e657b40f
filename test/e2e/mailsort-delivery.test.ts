/**
 * MailSort through the real delivery path: filter files set through the admin service, mail in
 * over LMTP (Python smtplib.LMTP), folders read back over IMAP (imapflow), forwards received by
 * a local SMTP sink acting as the relay. One server for the file; each test has its own users.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSink, type Sink } from '../outbound/sink.js';
import {
  PASSWORD,
  counts,
  deliverOne,
  lmtpSend,
  message,
  readMailboxes,
  startMailsortServer,
  waitUntil,
  type MailsortServer,
} from './mailsort-harness.js';

/** Text long enough that the padded messages sit between the "size under" and "size over" limits. */
const PADDING = 'The quick brown fox jumps over the lazy dog. '.repeat(10);

function subjectsOf(sources: string[] | undefined): string[] {
  return (sources ?? []).map((s) => /^Subject: (.*)$/m.exec(s)?.[1]?.trim() ?? '(none)');
}

describe('MailSort end to end: LMTP in, IMAP out', () => {
  let server: MailsortServer;
  let sink: Sink;

  const addUser = async (address: string, filter?: string): Promise<void> => {
    await server.admin.addUser({ address, password: PASSWORD, firstName: 'Test', lastName: 'User' });
    if (filter !== undefined) await server.admin.setFilter(address, filter);
  };
  const boxes = (user: string) => readMailboxes(server.imapPort, user);
  const queueDepth = async () => (await server.running.ctx.store.outboundStats()).depth;

  before(async () => {
    sink = await startSink();
    server = await startMailsortServer(sink.port);
  });
  after(async () => {
    await server?.stop();
    await sink?.close();
  });

  test('move to an existing folder, a missing one (created) and a nested "A/B"', async () => {
    const user = 'mover@example.com';
    await addUser(
      user,
      `rule "existing"\n  if subject contains "[existing]"\n  move to "Existing"\nend\n` +
        `rule "missing"\n  if subject contains "[missing]"\n  move to "Brand new"\nend\n` +
        `rule "nested"\n  if subject contains "[nested]"\n  move to "Projects/Alpha"\nend\n`,
    );
    await server.running.ctx.store.createMailbox({ kind: 'user', address: user }, 'Existing');
    const results = await lmtpSend(
      server.lmtpPort,
      ['[existing] one', '[missing] two', '[nested] three', 'plain four'].map((s) => ({
        from: 'sender@remote.test',
        rcpt: [user],
        data: message(['From: sender@remote.test', `To: ${user}`, `Subject: ${s}`]),
      })),
    );
    for (const r of results) assert.deepEqual(r.data.map((d) => d[0]), [250]);
    const seen = await boxes(user);
    assert.deepEqual(counts(seen), { Existing: 1, 'Brand new': 1, 'Projects/Alpha': 1, INBOX: 1 });
    assert.deepEqual(subjectsOf(seen.get('Projects/Alpha')), ['[nested] three']);
    assert.deepEqual(subjectsOf(seen.get('INBOX')), ['plain four']);
    // The parent of the nested folder exists too (and is empty).
    assert.ok(seen.has('Projects'));
    const moved = seen.get('Brand new')?.[0] ?? '';
    assert.match(moved, /^Return-Path: <sender@remote\.test>\r\nDelivered-To: mover@example\.com\r\n/);
  });

  test('concurrent connections filing into the same missing folder: every message lands there once', async () => {
    const user = 'racer@example.com';
    await addUser(user, `rule "race"\n  always\n  move to "Race/Here"\n  copy to "Race"\nend\n`);
    const senders = [0, 1, 2, 3].map((c) =>
      lmtpSend(
        server.lmtpPort,
        [0, 1, 2].map((n) => ({ from: 'x@remote.test', rcpt: [user], data: message([`Subject: race ${c}.${n}`]) })),
      ),
    );
    for (const results of await Promise.all(senders)) for (const r of results) assert.deepEqual(r.data.map((d) => d[0]), [250]);
    const seen = await boxes(user);
    assert.deepEqual(counts(seen), { 'Race/Here': 12, Race: 12 });
    assert.equal(new Set(subjectsOf(seen.get('Race/Here'))).size, 12);
  });

  test('copy to keeps INBOX; several moves and copies file into each folder once', async () => {
    const user = 'copier@example.com';
    await addUser(
      user,
      `rule "copy"\n  if subject contains "[copy]"\n  copy to "Archive/2026"\nend\n` +
        `rule "many one"\n  if subject contains "[many]"\n  move to "Lists"\n  copy to "Lists"\n  copy to "Other"\nend\n` +
        `rule "many two"\n  if subject contains "[many]"\n  move to "Other"\n  copy to "Lists"\nend\n` +
        `rule "inbox too"\n  if subject contains "[inbox]"\n  move to "Kept"\n  copy to "inbox"\n  copy to "INBOX"\nend\n`,
    );
    const results = await lmtpSend(
      server.lmtpPort,
      ['[copy] a', '[many] b', '[inbox] c'].map((s) => ({
        from: 'sender@remote.test',
        rcpt: [user],
        data: message(['From: sender@remote.test', `To: ${user}`, `Subject: ${s}`]),
      })),
    );
    for (const r of results) assert.deepEqual(r.data.map((d) => d[0]), [250]);
    const seen = await boxes(user);
    assert.deepEqual(subjectsOf(seen.get('INBOX')), ['[copy] a', '[inbox] c']);
    assert.deepEqual(subjectsOf(seen.get('Archive/2026')), ['[copy] a']);
    assert.deepEqual(subjectsOf(seen.get('Lists')), ['[many] b']);
    assert.deepEqual(subjectsOf(seen.get('Other')), ['[many] b']);
    assert.deepEqual(subjectsOf(seen.get('Kept')), ['[inbox] c']);
  });

  test('folder names: non-ASCII, below INBOX, slashes trimmed; an unusable name gives INBOX and a log line', async () => {
    const user = 'namer@example.com';
    await addUser(
      user,
      `rule "unicode"\n  if subject contains "[uni]"\n  move to "Entwürfe/Größe"\nend\n` +
        `rule "below inbox"\n  if subject contains "[sub]"\n  move to "inbox/Sub"\nend\n` +
        `rule "slashes"\n  if subject contains "[slashes]"\n  move to "/Lists/rust/"\nend\n` +
        `rule "doubled"\n  if subject contains "[double]"\n  move to "a//b"\nend\n` +
        `rule "dots"\n  if subject contains "[dots]"\n  move to "x/../y"\nend\n` +
        `rule "bare shared"\n  if subject contains "[shared]"\n  move to "shared"\nend\n`,
    );
    const logsBefore = server.logs.length;
    const tags = ['[uni]', '[sub]', '[slashes]', '[double]', '[dots]', '[shared]'];
    const results = await lmtpSend(
      server.lmtpPort,
      tags.map((tag) => ({ from: 'x@remote.test', rcpt: [user], data: message([`Subject: ${tag} mail`]) })),
    );
    for (const r of results) assert.deepEqual(r.data.map((d) => d[0]), [250]);
    const seen = await boxes(user);
    assert.deepEqual(subjectsOf(seen.get('Entwürfe/Größe')), ['[uni] mail']);
    assert.deepEqual(subjectsOf(seen.get('INBOX/Sub')), ['[sub] mail']);
    assert.deepEqual(subjectsOf(seen.get('Lists/rust')), ['[slashes] mail']);
    assert.deepEqual(subjectsOf(seen.get('INBOX')), ['[double] mail', '[dots] mail', '[shared] mail']);
    const warned = server.logs.slice(logsBefore).filter((r) => r.msg === 'MailSort target not usable; the message goes to INBOX' && r.user === user);
    assert.deepEqual(warned.map((r) => r.target), ['a//b', 'x/../y', 'shared']);
  });

  test('reject: 550 5.7.1 with the reason, nothing stored or forwarded; the other recipient still gets it', async () => {
    const user = 'rejecter@example.com';
    const other = 'colleague@example.com';
    await addUser(
      user,
      `rule "forward first"\n  always\n  forward to "should-not-go@relay.test"\n  copy to "Seen"\nend\n` +
        `rule "spammer"\n  if from is "offers@spam.example"\n  reject "No thanks, really."\nend\n` +
        `rule "no reason"\n  if subject contains "[bare]"\n  reject\nend\n` +
        `rule "after"\n  always\n  move to "Later"\nend\n`,
    );
    await addUser(other);
    const before = sink.received.length;
    const [spam, bare] = await lmtpSend(server.lmtpPort, [
      { from: 'offers@spam.example', rcpt: [user, other], data: message(['From: Offers <offers@spam.example>', `To: ${user}, ${other}`, 'Subject: Deal']) },
      { from: 'carol@remote.test', rcpt: [other, user], data: message(['From: carol@remote.test', `To: ${user}`, 'Subject: [bare] hi']) },
    ]);
    assert.deepEqual(spam?.rcpt.map((r) => r[0]), [250, 250]);
    assert.deepEqual(spam?.data, [
      [550, '5.7.1 No thanks, really.'],
      [250, `2.0.0 <${other}> delivered`],
    ]);
    assert.equal(bare?.data[0]?.[0], 250);
    assert.deepEqual(bare?.data[1], [550, '5.7.1 Message rejected by the recipient']);

    assert.deepEqual(counts(await boxes(user)), {});
    assert.deepEqual(subjectsOf((await boxes(other)).get('INBOX')), ['Deal', '[bare] hi']);
    // The forward of the first rule went nowhere: nothing was queued, nothing reached the relay.
    assert.equal(await queueDepth(), 0);
    assert.equal(sink.received.length, before);
  });

  test('one LMTP transaction, each recipient by its own rules: forward, discard, reject, +detail, shared address, unknown', async () => {
    const fwd = 'mix-fwd@example.com';
    const gone = 'mix-discard@example.com';
    const no = 'mix-reject@example.com';
    const detail = 'mix-detail@example.com';
    await addUser(fwd, `rule "fwd"\n  always\n  forward to "mix-target@relay.test"\nend\n`);
    await addUser(gone, `rule "gone"\n  always\n  discard\nend\n`);
    await addUser(no, `rule "no"\n  always\n  reject "Not here."\nend\n`);
    await addUser(detail, `rule "copy"\n  always\n  copy to "Other"\nend\n`);
    await server.running.ctx.store.createMailbox({ kind: 'user', address: detail }, 'Projects');
    await server.admin.addShared({ address: 'mix-team@example.com', members: [detail] });
    const before = sink.received.length;
    const raw = message(['From: m@remote.test', 'To: many@example.com', 'Subject: mixed', 'Message-ID: <mixed@remote.test>']);
    const [result] = await lmtpSend(server.lmtpPort, [
      { from: 'm@remote.test', rcpt: [fwd, 'nobody@example.com', gone, no, 'Mix-Detail+projects@example.com', 'mix-team@example.com'], data: raw },
    ]);
    assert.deepEqual(result?.rcpt.map((r) => r[0]), [250, 550, 250, 250, 250, 250]);
    assert.deepEqual(
      result?.data.map((d) => `${d[0]} ${d[1].slice(0, 5)}`),
      ['250 2.0.0', '250 2.0.0', '550 5.7.1', '250 2.0.0', '250 2.0.0'],
    );
    assert.equal(result?.data[2]?.[1], '5.7.1 Not here.');
    assert.ok(await waitUntil(() => sink.received.length > before));
    assert.deepEqual(sink.received.slice(before).map((r) => r.to), [['mix-target@relay.test']]);
    assert.equal(sink.received[before]?.raw.toString('utf8'), `Delivered-To: ${fwd}\r\n${raw}`);
    assert.deepEqual(counts(await boxes(fwd)), { INBOX: 1 });
    assert.deepEqual(counts(await boxes(gone)), {});
    assert.deepEqual(counts(await boxes(no)), {});
    // The +detail names an existing folder: it takes the place of INBOX; the copy still goes to Other.
    const mine = await boxes(detail);
    assert.deepEqual(counts(mine), { Projects: 1, Other: 1, 'shared/mix-team@example.com': 1 });
    assert.match(mine.get('Projects')?.[0] ?? '', /^Return-Path: <m@remote\.test>\r\nDelivered-To: Mix-Detail\+projects@example\.com\r\n/);
  });

  test('discard keeps nothing, but the forward and the vacation reply still go', async () => {
    const user = 'discarder@example.com';
    await addUser(
      user,
      `rule "gone"\n  always\n  copy to "Kept"\n  forward to "discard-fwd@relay.test"\n  vacation\n  discard\nend\n` +
        `vacation\n  subject "Gone fishing"\n  body "Back soon."\nend\n`,
    );
    const raw = message(['From: Dan <dan@remote.test>', `To: ${user}`, 'Subject: discard me', 'Message-ID: <discard-1@remote.test>']);
    const reply = await deliverOne(server.lmtpPort, 'dan@remote.test', user, raw);
    assert.equal(reply[0], 250);
    assert.match(reply[1], /^2\.0\.0 .*discarded/);
    assert.ok(await waitUntil(() => sink.received.some((r) => r.to.includes('discard-fwd@relay.test')) && sink.received.some((r) => r.to.includes('dan@remote.test'))));
    const forward = sink.received.find((r) => r.to.includes('discard-fwd@relay.test'));
    assert.equal(forward?.raw.toString('utf8'), `Delivered-To: ${user}\r\n${raw}`);
    const vacation = sink.received.find((r) => r.to.includes('dan@remote.test'));
    assert.equal(vacation?.from, '');
    assert.match(vacation?.raw.toString('utf8') ?? '', /^Subject: Gone fishing\r$/m);
    assert.deepEqual(counts(await boxes(user)), {});
    assert.ok(!(await boxes(user)).has('Kept'), 'a discarded copy does not even create its folder');
  });

  test('stop ends the run; a disabled rule never runs', async () => {
    const user = 'stopper@example.com';
    await addUser(
      user,
      `rule "off" disabled\n  always\n  move to "Off"\nend\n` +
        `rule "first"\n  if subject contains "first"\n  move to "First"\n  stop\n  copy to "AfterStop"\nend\n` +
        `rule "second"\n  always\n  copy to "Second"\nend\n`,
    );
    await lmtpSend(
      server.lmtpPort,
      ['first of all', 'something else'].map((s) => ({ from: 'x@remote.test', rcpt: [user], data: message([`Subject: ${s}`]) })),
    );
    const seen = await boxes(user);
    assert.deepEqual(counts(seen), { First: 1, INBOX: 1, Second: 1 });
    assert.deepEqual(subjectsOf(seen.get('First')), ['first of all']);
    assert.deepEqual(subjectsOf(seen.get('Second')), ['something else']);
    assert.ok(!seen.has('Off') && !seen.has('AfterStop'));
  });

  test('and / or / not, header "X-Foo", size over and under', async () => {
    const user = 'conditions@example.com';
    await addUser(
      user,
      `rule "and"\n  if from contains "alice@" and subject contains "report"\n  move to "And"\n  stop\nend\n` +
        `rule "or"\n  if subject contains "urgent" or header "X-Priority" is "1"\n  move to "Or"\n  stop\nend\n` +
        `rule "x-foo"\n  if header "X-Foo" is "bar"\n  move to "XFoo"\n  stop\nend\n` +
        `rule "big"\n  if size over 20K\n  move to "Big"\n  stop\nend\n` +
        `rule "small"\n  if size under 200\n  move to "Small"\n  stop\nend\n` +
        `rule "not"\n  if not subject contains "keep-in-inbox"\n  move to "Not"\n  stop\nend\n`,
    );
    const mails: [string, string[], string][] = [
      ['m1', ['From: alice@remote.test', 'Subject: Monthly REPORT'], PADDING],
      ['m2', ['From: alice@remote.test', 'Subject: weekly summary'], PADDING],
      ['m3', ['From: bob@remote.test', 'Subject: Urgent: call me'], PADDING],
      ['m4', ['From: bob@remote.test', 'Subject: hello', 'X-Priority: 1'], PADDING],
      ['m5', ['From: bob@remote.test', 'Subject: foo', 'x-foo: BAR'], PADDING],
      ['m6', ['From: bob@remote.test', 'Subject: foo', 'X-Foo: barbaz'], PADDING],
      ['m11', ['From: bob@remote.test', 'Subject: foo', 'X-Foo: first', 'X-Foo:   bar  '], PADDING],
      ['m7', ['From: bob@remote.test', 'Subject: big'], 'x'.repeat(25 * 1024)],
      ['m8', ['Subject: s'], 'x'],
      ['m9', ['From: bob@remote.test', 'Subject: please keep-in-inbox'], PADDING],
      ['m10', ['From: bob@remote.test'], PADDING],
    ];
    const results = await lmtpSend(
      server.lmtpPort,
      mails.map(([id, headers, body]) => ({ from: 'bob@remote.test', rcpt: [user], data: message([...headers, `Message-ID: <${id}@remote.test>`], body) })),
    );
    for (const r of results) assert.deepEqual(r.data.map((d) => d[0]), [250]);
    const seen = await boxes(user);
    const ids = (name: string) => (seen.get(name) ?? []).map((s) => /^Message-ID: <(m\d+)@/m.exec(s)?.[1]);
    assert.deepEqual(ids('And'), ['m1']);
    assert.deepEqual(ids('Or'), ['m3', 'm4']);
    // Any occurrence of a repeated field may match.
    assert.deepEqual(ids('XFoo'), ['m5', 'm11']);
    assert.deepEqual(ids('Big'), ['m7']);
    assert.deepEqual(ids('Small'), ['m8']);
    // m10 has no Subject: a missing header matches nothing, so "not ... contains" holds.
    assert.deepEqual(ids('Not'), ['m2', 'm6', 'm10']);
    assert.deepEqual(ids('INBOX'), ['m9']);
  });

  test('matches wildcards, RFC 2047 subjects and names, addresses and display names of from/to', async () => {
    const user = 'matcher@example.com';
    await addUser(
      user,
      `rule "wild"\n  if subject matches "inv-????-*"\n  move to "Wild"\n  stop\nend\n` +
        `rule "encoded subject"\n  if subject contains "größe"\n  move to "Encoded"\n  stop\nend\n` +
        `rule "encoded name"\n  if from is "Jürgen Müller"\n  move to "EncodedName"\n  stop\nend\n` +
        `rule "from address"\n  if from is "john.doe@example.org"\n  move to "FromAddress"\n  stop\nend\n` +
        `rule "from name"\n  if from is "Jane Roe"\n  move to "FromName"\n  stop\nend\n` +
        `rule "to name"\n  if to is "sales team"\n  move to "ToName"\n  stop\nend\n` +
        `rule "to wild"\n  if to matches "*@lists.example.net"\n  move to "ToWild"\n  stop\nend\n`,
    );
    const mails: [string, string[]][] = [
      ['w1', ['Subject: INV-2026-march']],
      ['w2', ['Subject: inv-26-march']],
      ['e1', ['Subject: =?UTF-8?B?RGllIEdyw7bDn2UgesOkaGx0?=']],
      ['e2', ['Subject: =?ISO-8859-1?Q?Gr=F6=DFe?= =?ISO-8859-1?Q?_z=E4hlt?=']],
      ['e3', ['Subject: Grosse']],
      ['e4', ['Subject: Die GRÖSSE und die Größe (8-bit)']],
      ['n1', ['From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@remote.test>', 'Subject: hallo']],
      ['a1', ['From: "Doe, John" <John.Doe@Example.org>', 'Subject: hi']],
      ['a2', ['From: john.doe@example.org.evil.test', 'Subject: hi']],
      ['d1', ['From: Jane Roe <jr@remote.test>', 'Subject: hi']],
      ['t1', ['From: x@remote.test', 'To: "Sales Team" <team@example.com>, other@example.com', 'Subject: hi']],
      ['t2', ['From: x@remote.test', 'To: a@remote.test, Rust <rust@lists.example.net>', 'Subject: hi']],
      ['t3', ['From: x@remote.test', 'To: rust@lists.example.net.evil.test', 'Subject: hi']],
    ];
    await lmtpSend(
      server.lmtpPort,
      mails.map(([id, headers]) => ({ from: 'x@remote.test', rcpt: [user], data: message([...headers, `Message-ID: <${id}@remote.test>`]) })),
    );
    const seen = await boxes(user);
    const ids = (name: string) => (seen.get(name) ?? []).map((s) => /^Message-ID: <(\w+)@/m.exec(s)?.[1]);
    assert.deepEqual(ids('Wild'), ['w1']);
    assert.deepEqual(ids('Encoded'), ['e1', 'e2', 'e4']);
    assert.deepEqual(ids('EncodedName'), ['n1']);
    assert.deepEqual(ids('FromAddress'), ['a1']);
    assert.deepEqual(ids('FromName'), ['d1']);
    assert.deepEqual(ids('ToName'), ['t1']);
    assert.deepEqual(ids('ToWild'), ['t2']);
    assert.deepEqual(ids('INBOX'), ['w2', 'e3', 'a2', 't3']);
  });

  test('shared targets: a member files into the shared mailbox; a non-member gets INBOX and a log line', async () => {
    const member = 'member@example.com';
    const outsider = 'outsider@example.com';
    await addUser(member);
    await addUser(outsider);
    await server.admin.addShared({ address: 'sales@example.com', displayName: 'Sales', members: [member] });
    await server.admin.setFilter(
      member,
      `rule "quotes"\n  if subject contains "[quote]"\n  copy to "shared/sales@example.com/Quotes"\nend\n` +
        `rule "team"\n  if subject contains "[team]"\n  move to "shared/Sales@Example.com"\nend\n` +
        `rule "unknown shared"\n  if subject contains "[nowhere]"\n  move to "shared/nosuch@example.com/X"\nend\n`,
    );
    await server.admin.setFilter(outsider, `rule "sneak in"\n  always\n  move to "shared/sales@example.com/Quotes"\nend\n`);
    const logsBefore = server.logs.length;
    await lmtpSend(server.lmtpPort, [
      ...['[quote] chairs', '[team] meeting', '[nowhere] lost'].map((s) => ({ from: 'x@remote.test', rcpt: [member], data: message([`Subject: ${s}`]) })),
      { from: 'x@remote.test', rcpt: [outsider], data: message(['Subject: [quote] from outside']) },
    ]);
    const mine = await boxes(member);
    assert.deepEqual(subjectsOf(mine.get('shared/sales@example.com/Quotes')), ['[quote] chairs']);
    assert.deepEqual(subjectsOf(mine.get('shared/sales@example.com')), ['[team] meeting']);
    assert.deepEqual(subjectsOf(mine.get('INBOX')), ['[quote] chairs', '[nowhere] lost']);
    const theirs = await boxes(outsider);
    assert.deepEqual(counts(theirs), { INBOX: 1 });
    assert.ok(![...theirs.keys()].some((name) => name.startsWith('shared/')), 'the outsider sees no shared mailbox');

    const warnings = server.logs.slice(logsBefore).filter((r) => r.msg === 'MailSort target not usable; the message goes to INBOX');
    assert.ok(
      warnings.some((r) => r.user === outsider && typeof r.reason === 'string' && r.reason.includes('sales@example.com')),
      JSON.stringify(warnings),
    );
    assert.ok(warnings.some((r) => r.user === member && typeof r.reason === 'string' && r.reason.includes('nosuch@example.com')));
  });

  test('a broken filter file stored directly: INBOX, and the syntax error is logged with its line', async () => {
    const user = 'broken@example.com';
    await addUser(user);
    const broken = `rule "fine"\n  always\n  move to "Elsewhere"\nend\n\nrule "broken"\n  if subjekt contains "x"\n  move to "Never"\nend\n`;
    await assert.rejects(server.admin.setFilter(user, broken), /line 7, column \d+/);
    await server.running.ctx.store.setFilterFile(user, broken);
    const logsBefore = server.logs.length;
    const reply = await deliverOne(server.lmtpPort, 'x@remote.test', user, message(['Subject: x marks the spot']));
    assert.equal(reply[0], 250);
    assert.deepEqual(counts(await boxes(user)), { INBOX: 1 });
    const logged = server.logs.slice(logsBefore).find((r) => r.msg === 'Syntax error in the filter file; the message goes to INBOX');
    assert.equal(logged?.user, user);
    assert.equal(logged?.line, 7);

    // Once a good file replaces it, the rules apply again (the parsed file is not kept stale).
    await server.admin.setFilter(user, `rule "fine"\n  always\n  move to "Elsewhere"\nend\n`);
    await deliverOne(server.lmtpPort, 'x@remote.test', user, message(['Subject: second']));
    assert.deepEqual(counts(await boxes(user)), { INBOX: 1, Elsewhere: 1 });
  });

  test('filter files as editors save them: BOM, CRLF or CR line ends, comments, no final line end', async () => {
    const users = { 'crlf@example.com': '\r\n', 'cr@example.com': '\r' };
    for (const [user, eol] of Object.entries(users)) {
      await addUser(user);
      const text = ['\ufeff# saved on another system', 'RULE "x" # the only rule', '  If Subject Contains "tagged"', '  Move To "Filed"   # here', 'End'].join(eol);
      await server.admin.setFilter(user, text);
      const reply = await deliverOne(server.lmtpPort, 'x@remote.test', user, message(['Subject: TAGGED mail']));
      assert.equal(reply[0], 250);
      assert.deepEqual(counts(await boxes(user)), { Filed: 1 }, user);
    }
  });

  test('forward reaches the relay unchanged apart from Delivered-To, and the message is kept', async () => {
    const user = 'forwarder@example.com';
    await addUser(user, `rule "fwd"\n  if subject contains "[fwd]"\n  forward to "one@relay.test", "Two@Relay.test", "one@RELAY.test"\nend\n`);
    const raw =
      'From: Erin <erin@remote.test>\r\nTo: forwarder@example.com\r\nSubject: [fwd] the\r\n plan\r\nMessage-ID: <fwd-1@remote.test>\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n.a line starting with a dot\r\nCafé\r\n\r\n.\r\nlast\r\n';
    const before = sink.received.length;
    const reply = await deliverOne(server.lmtpPort, 'bounces+erin@remote.test', user, raw);
    assert.equal(reply[0], 250);
    assert.ok(await waitUntil(() => sink.received.length > before), 'the forward reached the relay');
    const sent = sink.received.slice(before);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.from, 'bounces+erin@remote.test');
    // Each address once, compared case-insensitively (the sink lower-cases domains).
    assert.deepEqual(sent[0]?.to.map((a) => a.toLowerCase()), ['one@relay.test', 'two@relay.test']);
    assert.equal(sent[0]?.raw.toString('utf8'), `Delivered-To: ${user}\r\n${raw}`);
    const kept = (await boxes(user)).get('INBOX') ?? [];
    assert.equal(kept.length, 1);
    assert.equal(kept[0], `Return-Path: <bounces+erin@remote.test>\r\nDelivered-To: ${user}\r\n${raw}`);
  });

  test('forward loop: a message that already carries the user\'s Delivered-To is filed, not forwarded again', async () => {
    const user = 'looper@example.com';
    await addUser(user, `rule "fwd"\n  always\n  forward to "loop-target@relay.test"\n  move to "Forwarded"\nend\n`);
    const logsBefore = server.logs.length;
    const before = sink.received.length;
    const raw = message([`Delivered-To: LOOPER@example.com`, 'From: f@remote.test', `To: ${user}`, 'Subject: came back']);
    const reply = await deliverOne(server.lmtpPort, 'f@remote.test', user, raw);
    assert.equal(reply[0], 250);
    assert.deepEqual(counts(await boxes(user)), { Forwarded: 1 });
    assert.equal(await queueDepth(), 0);
    assert.equal(sink.received.length, before);
    assert.ok(server.logs.slice(logsBefore).some((r) => r.msg.startsWith('MailSort forward skipped') && r.user === user));

    // Without the loop marker the same rule forwards.
    await deliverOne(server.lmtpPort, 'f@remote.test', user, message(['From: f@remote.test', `To: ${user}`, 'Subject: first time']));
    assert.ok(await waitUntil(() => sink.received.some((r) => r.to.includes('loop-target@relay.test'))));
  });
});

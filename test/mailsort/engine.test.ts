import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { openStore, type Store, type UserRecord } from '../../src/store/index.js';
import { indexMessage, normalizeLineEndings, parseHeaders, headerMap, decodeHeaderValue } from '../../src/mime/index.js';
import { MailSortEngine } from '../../src/mailsort/engine.js';
import type { DeliveryPlan } from '../../src/delivery/plan.js';

function captureLog(): { logger: Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), records };
}

const ALICE = 'alice@example.com';
const HASH = 'scrypt$test$not-a-real-hash';

function message(headers: string, body = 'Hello.\n'): Buffer {
  return normalizeLineEndings(Buffer.from(`${headers}\n\n${body}`));
}

const PLAIN = message('From: Bob <bob@example.org>\nTo: Alice <alice@example.com>\nSubject: Lunch?\nMessage-ID: <m1@example.org>');

describe('MailSortEngine over the SQLite store', () => {
  let dir: string;
  let store: Store;
  let alice: UserRecord;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'msgstore-mailsort-'));
    store = await openStore({ dataDir: dir });
    alice = await store.addUser({ address: ALICE, firstName: 'Alice', lastName: 'Smith', passwordHash: HASH });
    await store.addUser({ address: 'bob@example.com', passwordHash: HASH });
    await store.addShared({ address: 'sales@example.com', members: [ALICE] });
    await store.addShared({ address: 'board@example.com', members: ['bob@example.com'] });
    alice = await store.getUser(ALICE);
  });

  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function plan(
    filter: string | null,
    raw = PLAIN,
    opts: { envelopeFrom?: string; now?: Date; engine?: MailSortEngine; recipient?: string } = {},
  ): Promise<{ plan: DeliveryPlan; records: Record<string, unknown>[] }> {
    if (filter === null) {
      if (await store.getFilterFile(ALICE)) await store.deleteFilterFile(ALICE);
    } else {
      const current = await store.getFilterFile(ALICE);
      if (current?.text !== filter) await store.setFilterFile(ALICE, filter);
    }
    const log = captureLog();
    const engine = opts.engine ?? new MailSortEngine({ store, logger: log.logger, hostname: 'mail.example.com' });
    const result = await engine.plan({
      user: alice,
      recipient: opts.recipient ?? ALICE,
      envelopeFrom: opts.envelopeFrom ?? 'bob@example.org',
      raw,
      index: indexMessage(raw),
      now: opts.now,
    });
    return { plan: result, records: log.records };
  }

  test('no filter file: INBOX', async () => {
    const { plan: p } = await plan(null);
    assert.deepEqual(p, { reject: null, folders: ['INBOX'], forwards: [], vacation: null, notes: [] });
  });

  test('move, copy and implicit keep become folders', async () => {
    const { plan: p } = await plan('rule "a"\n  if from contains "bob"\n  copy to "People/Bob"\n  copy to "inbox/x"\nend\n');
    assert.deepEqual(p.folders, ['INBOX', 'People/Bob', 'INBOX/x']);
    const { plan: m } = await plan('rule "a"\n  always\n  move to "/Lists/rust/"\nend\n');
    assert.deepEqual(m.folders, ['Lists/rust']);
  });

  test('a shared mailbox the user is a member of is a target; others fall back to INBOX with a logged reason', async () => {
    const { plan: p, records } = await plan(
      'rule "s"\n  always\n  move to "shared/SALES@example.com/Quotes"\n  copy to "shared/board@example.com"\n  copy to "shared/nobody@example.com"\n  copy to "shared"\nend\n',
    );
    assert.deepEqual(p.folders, ['shared/sales@example.com/Quotes', 'INBOX']);
    assert.equal(p.notes.length, 3);
    assert.match(p.notes[0] ?? '', /board@example\.com.*INBOX/);
    const warnings = records.filter((r) => r.level === 40);
    assert.equal(warnings.length, 3);
    assert.equal(warnings[0]?.user, ALICE);
    assert.equal(warnings[0]?.target, 'shared/board@example.com');
  });

  test('an invalid folder name falls back to INBOX', async () => {
    const { plan: p } = await plan('rule "s"\n  always\n  move to "a//b"\nend\n');
    assert.deepEqual(p.folders, ['INBOX']);
    assert.match(p.notes[0] ?? '', /empty level/);
  });

  test('a file that does not parse: INBOX, and the error is logged with the user and the line', async () => {
    const { plan: p, records } = await plan('rule "a"\n  always\n  move to "x"\nend\n\nrule "b"\n  sometimes\n  stop\nend\n');
    assert.deepEqual(p.folders, ['INBOX']);
    assert.equal(p.reject, null);
    const err = records.find((r) => r.level === 50);
    assert.ok(err);
    assert.equal(err.user, ALICE);
    assert.equal(err.line, 7);
    assert.equal(err.column, 3);
    assert.match(String(err.msg), /Syntax error in the filter file/);
    assert.match(String(err.detail), /expected 'always' or 'if', found 'sometimes'/);
  });

  test('a filter file that cannot be read: INBOX and a logged error', async () => {
    const log = captureLog();
    const broken = {
      getFilterFile: async () => {
        throw new Error('disk on fire');
      },
      recordVacationReply: async () => true,
    };
    const engine = new MailSortEngine({ store: broken, logger: log.logger, hostname: 'h' });
    const p = await engine.plan({ user: alice, recipient: ALICE, envelopeFrom: 'bob@example.org', raw: PLAIN, index: indexMessage(PLAIN) });
    assert.deepEqual(p.folders, ['INBOX']);
    assert.match(String(log.records.find((r) => r.level === 50)?.msg), /Error in reading filter file/);
  });

  test('parsed once per file version; a new version is parsed again', async () => {
    const log = captureLog();
    const engine = new MailSortEngine({ store, logger: log.logger, hostname: 'h' });
    const v1 = 'rule "a"\n  always\n  move to "One"\nend\n';
    for (let i = 0; i < 5; i++) assert.deepEqual((await plan(v1, PLAIN, { engine })).plan.folders, ['One']);
    assert.deepEqual(engine.stats, { parses: 1, cacheHits: 4 });
    assert.deepEqual((await plan(v1.replace('One', 'Two'), PLAIN, { engine })).plan.folders, ['Two']);
    assert.equal(engine.stats.parses, 2);
  });

  test('reject: the reason for the 550 reply (one clean line), nothing else', async () => {
    const { plan: p } = await plan('rule "r"\n  always\n  copy to "x"\n  reject "Go\naway"\nend\n');
    assert.deepEqual(p, { reject: 'Go away', folders: [], forwards: [], vacation: null, notes: [] });
  });

  test('discard keeps no copy', async () => {
    const { plan: p } = await plan('rule "d"\n  always\n  discard\n  forward to "x@elsewhere.example"\nend\n');
    assert.deepEqual([p.folders, p.forwards], [[], ['x@elsewhere.example']]);
  });

  test('forwards, unless the message already passed through this user', async () => {
    const filter = 'rule "f"\n  always\n  forward to "alice@elsewhere.example"\nend\n';
    assert.deepEqual((await plan(filter)).plan.forwards, ['alice@elsewhere.example']);
    const looped = message(`Delivered-To: ${ALICE}\nFrom: bob@example.org\nTo: alice@example.com\nSubject: x`);
    const r1 = await plan(filter, looped);
    assert.deepEqual(r1.plan.forwards, []);
    assert.match(r1.plan.notes[0] ?? '', /loop/);
    assert.deepEqual(r1.plan.folders, ['INBOX'], 'the message itself is still kept');
    const looped2 = message('X-Msgstore-Loop: Alice@Example.com\nFrom: bob@example.org\nSubject: x');
    assert.deepEqual((await plan(filter, looped2)).plan.forwards, []);
    const other = message('Delivered-To: carol@example.com\nFrom: bob@example.org\nSubject: x');
    assert.deepEqual((await plan(filter, other)).plan.forwards, ['alice@elsewhere.example']);
  });

  describe('vacation', () => {
    const FILE =
      'rule "away"\n  always\n  vacation\nend\n\nvacation\n  subject "Away"\n  active from 2026-12-20 until 2027-01-05\n  days 7\n  body "Back in January."\nend\n';
    const day = (y: number, m: number, d: number): Date => new Date(y, m - 1, d, 12, 0, 0);

    test('a reply to the envelope sender, then none for 7 days (remembered across a restart), then again', async () => {
      const first = await plan(FILE, PLAIN, { envelopeFrom: 'Bob@Example.org', now: day(2026, 12, 21) });
      assert.ok(first.plan.vacation);
      assert.equal(first.plan.vacation.to, 'Bob@Example.org');
      assert.deepEqual(first.plan.folders, ['INBOX'], 'vacation does not stop the implicit keep');
      const head = headerMap(parseHeaders(first.plan.vacation.raw));
      const get = (n: string): string => decodeHeaderValue(head.get(n)?.[0] ?? Buffer.alloc(0));
      assert.equal(get('subject'), 'Away');
      assert.equal(get('from'), 'Alice Smith <alice@example.com>');
      assert.equal(get('auto-submitted'), 'auto-replied');
      assert.equal(get('in-reply-to'), '<m1@example.org>');
      assert.match(get('message-id'), /@mail\.example\.com>$/);

      const again = await plan(FILE, PLAIN, { envelopeFrom: 'bob@example.org', now: day(2026, 12, 27) });
      assert.equal(again.plan.vacation, null);
      assert.match(again.plan.notes.join(), /answered within 7 days/);

      await store.close();
      store = await openStore({ dataDir: dir });
      const afterRestart = await plan(FILE, PLAIN, { now: day(2026, 12, 27) });
      assert.equal(afterRestart.plan.vacation, null);
      const later = await plan(FILE, PLAIN, { now: day(2026, 12, 29) });
      assert.ok(later.plan.vacation);
    });

    test('no reply outside the active dates, to lists, to automatic mail, or when not addressed to the user', async () => {
      const carol = { envelopeFrom: 'carol@example.org', now: day(2026, 12, 22) };
      assert.match((await plan(FILE, PLAIN, { ...carol, now: day(2027, 1, 6) })).plan.notes.join(), /active dates/);
      assert.match((await plan(FILE, PLAIN, { ...carol, now: day(2026, 12, 19) })).plan.notes.join(), /active dates/);
      const list = message('From: carol@example.org\nTo: alice@example.com\nList-Id: <x.example.org>\nSubject: s');
      assert.match((await plan(FILE, list, carol)).plan.notes.join(), /mailing list/);
      const auto = message('From: carol@example.org\nTo: alice@example.com\nAuto-Submitted: auto-generated\nSubject: s');
      assert.match((await plan(FILE, auto, carol)).plan.notes.join(), /Auto-Submitted/);
      const bcc = message('From: carol@example.org\nTo: team@example.com\nSubject: s');
      assert.match((await plan(FILE, bcc, carol)).plan.notes.join(), /none of the user's addresses/);
      assert.match((await plan(FILE, PLAIN, { ...carol, envelopeFrom: '' })).plan.notes.join(), /empty return path/);
      assert.match((await plan(FILE, PLAIN, { ...carol, envelopeFrom: 'MAILER-DAEMON@example.org' })).plan.notes.join(), /automated/);
      // None of those used up carol's reply.
      assert.ok((await plan(FILE, PLAIN, carol)).plan.vacation);
    });

    test('the envelope recipient and the file\'s addresses count as the user\'s', async () => {
      const toAlias = message('From: dave@example.org\nTo: a.smith@example.com\nSubject: s');
      const now = day(2026, 12, 22);
      assert.equal((await plan(FILE, toAlias, { envelopeFrom: 'dave@example.org', now })).plan.vacation, null);
      assert.ok((await plan(FILE, toAlias, { envelopeFrom: 'dave@example.org', now, recipient: 'a.smith@example.com' })).plan.vacation);
      const withAddresses = FILE.replace('  days 7\n', '  days 7\n  addresses "alice.s@example.net"\n');
      const toOther = message('From: erin@example.org\nTo: alice.s@example.net\nSubject: s');
      assert.ok((await plan(withAddresses, toOther, { envelopeFrom: 'erin@example.org', now })).plan.vacation);
    });

    test('a vacation action without a vacation block sends nothing', async () => {
      const { plan: p } = await plan('rule "v"\n  always\n  vacation\nend\n', PLAIN, { envelopeFrom: 'frank@example.org' });
      assert.equal(p.vacation, null);
      assert.match(p.notes.join(), /no vacation message/);
    });
  });
});

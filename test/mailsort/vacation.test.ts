import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createMessageView, type MessageView } from '../../src/mailsort/message-view.js';
import {
  buildVacationReply,
  isAutomatedSender,
  isVacationActive,
  vacationRefusal,
} from '../../src/mailsort/vacation.js';
import type { VacationSettings } from '../../src/mailsort/ast.js';
import { headerLine } from '../../src/mailsort/mail-format.js';
import { decodeHeaderValue, headerMap, parseHeaders } from '../../src/mime/index.js';

function view(headers: string): MessageView {
  const text = `${headers.replace(/\n/g, '\r\n')}\r\n\r\nbody\r\n`;
  return createMessageView(Buffer.from(text), text.length);
}

const BASE = 'From: Bob <bob@example.org>\nTo: Alice <alice@example.com>\nSubject: Lunch?\nMessage-ID: <m1@example.org>';
const OWN = ['alice@example.com'];

function refusal(headers: string, envelopeFrom = 'bob@example.org', own = OWN): string | null {
  return vacationRefusal({ view: view(headers), envelopeFrom, ownAddresses: own });
}

const SETTINGS: VacationSettings = {
  subject: null,
  body: 'I am away.\nBack on Monday.',
  days: null,
  activeFrom: { year: 2026, month: 12, day: 20 },
  activeUntil: { year: 2027, month: 1, day: 5 },
  addresses: [],
};

describe('when a vacation reply may go (RFC 5230 4.5, 4.6)', () => {
  test('a personal message from a person gets a reply', () => {
    assert.equal(refusal(BASE), null);
    assert.equal(refusal(BASE, '<Bob@Example.org>'), null);
    assert.equal(refusal(`${BASE}\nAuto-Submitted: no`), null);
    assert.equal(refusal(`${BASE}\nPrecedence: first-class`), null);
  });

  test('no reply to automatic mail', () => {
    assert.match(refusal(`${BASE}\nAuto-Submitted: auto-replied`) ?? '', /Auto-Submitted/);
    assert.match(refusal(`${BASE}\nAuto-Submitted: auto-generated; owner-email="x@y"`) ?? '', /auto-generated/);
    for (const p of ['bulk', 'list', 'junk', ' BULK ']) assert.match(refusal(`${BASE}\nPrecedence: ${p}`) ?? '', /Precedence/);
  });

  test('no reply to mailing lists (any List-* field)', () => {
    for (const h of ['List-Id: <rust.lists.example.org>', 'List-Unsubscribe: <mailto:x@y>', 'List-Post: NO', 'list-help: <x>']) {
      assert.match(refusal(`${BASE}\n${h}`) ?? '', /mailing list/, h);
    }
  });

  test('no reply to automated senders or an empty return path', () => {
    for (const s of [
      'MAILER-DAEMON@example.org',
      'listserv@lists.example.org',
      'Majordomo@example.org',
      'owner-rust@lists.example.org',
      'rust-request@lists.example.org',
      'noreply@example.org',
      'no-reply@example.org',
      'do-not-reply@example.org',
      'rust-bounces@lists.example.org',
    ]) {
      assert.ok(isAutomatedSender(s), s);
      assert.match(refusal(BASE, s) ?? '', /automated sender/, s);
    }
    assert.ok(!isAutomatedSender('postmaster@example.org'), 'postmaster is read by people');
    assert.equal(refusal(BASE, ''), 'empty return path');
    assert.equal(refusal(BASE, '<>'), 'empty return path');
  });

  test("no reply to the user's own addresses", () => {
    assert.equal(refusal(BASE, 'ALICE@example.com'), 'sender is the user');
    assert.equal(refusal(BASE, 'a.smith@example.org', [...OWN, 'a.smith@example.org']), 'sender is the user');
  });

  test("no reply unless one of the user's addresses is in To, Cc (or Bcc, Resent-*)", () => {
    const notToMe = 'From: bob@example.org\nTo: team@example.com\nSubject: hi';
    assert.match(refusal(notToMe) ?? '', /none of the user's addresses/);
    assert.equal(refusal(`${notToMe}\nCc: "Alice" <Alice@Example.com>`), null);
    assert.equal(refusal(`${notToMe}\nResent-To: alice@example.com`), null);
    assert.equal(refusal(notToMe, 'bob@example.org', [...OWN, 'team@example.com']), null, 'an address from the file');
  });

  test('active dates include both ends and are calendar days', () => {
    assert.ok(!isVacationActive(SETTINGS, new Date(2026, 11, 19, 23, 59)));
    assert.ok(isVacationActive(SETTINGS, new Date(2026, 11, 20, 0, 0)));
    assert.ok(isVacationActive(SETTINGS, new Date(2027, 0, 5, 23, 59)));
    assert.ok(!isVacationActive(SETTINGS, new Date(2027, 0, 6, 0, 0)));
    assert.ok(isVacationActive({ ...SETTINGS, activeFrom: null, activeUntil: null }, new Date(1990, 0, 1)));
  });
});

describe('the vacation reply', () => {
  const now = new Date(Date.UTC(2026, 11, 24, 10, 30, 0));

  function reply(headers: string, settings: Partial<VacationSettings> = {}): { head: Map<string, string[]>; body: string; raw: string } {
    const raw = buildVacationReply({
      settings: { ...SETTINGS, ...settings },
      view: view(headers),
      to: 'Bob@example.org',
      from: { address: 'alice@example.com', name: 'Alice Smith' },
      hostname: 'mail.example.com',
      now,
    }).toString('utf8');
    const split = raw.indexOf('\r\n\r\n');
    const head = new Map<string, string[]>();
    for (const [k, v] of headerMap(parseHeaders(Buffer.from(raw.slice(0, split + 4))))) head.set(k, v.map((b) => decodeHeaderValue(b)));
    return { head, body: raw.slice(split + 4), raw };
  }

  test('has From, To, Date, Message-ID, Auto-Submitted, In-Reply-To and References', () => {
    const r = reply(BASE);
    assert.deepEqual(r.head.get('from'), ['Alice Smith <alice@example.com>']);
    assert.deepEqual(r.head.get('to'), ['<Bob@example.org>']);
    assert.deepEqual(r.head.get('auto-submitted'), ['auto-replied']);
    assert.deepEqual(r.head.get('in-reply-to'), ['<m1@example.org>']);
    assert.deepEqual(r.head.get('references'), ['<m1@example.org>']);
    assert.match(r.head.get('message-id')?.[0] ?? '', /^<[0-9a-z]+\.[0-9a-f]{18}@mail\.example\.com>$/);
    const date = r.head.get('date')?.[0] ?? '';
    assert.match(date, /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/);
    assert.equal(new Date(date).getTime(), now.getTime());
    assert.ok(!/[^\r]\n/.test(r.raw), 'CRLF line ends only');
  });

  test('two replies have different Message-IDs', () => {
    assert.notEqual(reply(BASE).head.get('message-id')?.[0], reply(BASE).head.get('message-id')?.[0]);
  });

  test("References carry the parent's References and its Message-ID", () => {
    const r = reply(`${BASE}\nReferences: <a@x> <b@x>\nIn-Reply-To: <b@x>`);
    assert.deepEqual(r.head.get('references'), ['<a@x> <b@x> <m1@example.org>']);
    const r2 = reply(`${BASE}\nIn-Reply-To: <b@x>`);
    assert.deepEqual(r2.head.get('references'), ['<b@x> <m1@example.org>']);
    const r3 = reply('From: bob@example.org\nTo: alice@example.com\nSubject: no id');
    assert.equal(r3.head.get('in-reply-to'), undefined);
    assert.equal(r3.head.get('references'), undefined);
  });

  test('subject: the given one, else "Auto: " and the original, else "Automated reply"', () => {
    assert.deepEqual(reply(BASE, { subject: 'Away' }).head.get('subject'), ['Away']);
    assert.deepEqual(reply(BASE).head.get('subject'), ['Auto: Lunch?']);
    assert.deepEqual(reply('From: bob@example.org\nTo: alice@example.com').head.get('subject'), ['Automated reply']);
  });

  test('non-ASCII subject, name and body are encoded and read back', () => {
    const raw = buildVacationReply({
      settings: { ...SETTINGS, subject: 'Abwesend bis Mittwoch — Grüße aus Köln, ein sehr langer Betreff der gefaltet werden muss', body: 'Grüße,\nJürgen ☃' },
      view: view(BASE),
      to: 'bob@example.org',
      from: { address: 'juergen@example.com', name: 'Jürgen Müller' },
      hostname: 'mail.example.com',
      now,
    }).toString('latin1');
    assert.ok(/^[\x00-\x7f]*$/.test(raw), 'the reply is 7-bit');
    const head = headerMap(parseHeaders(Buffer.from(raw)));
    assert.equal(decodeHeaderValue(head.get('subject')?.[0] ?? Buffer.alloc(0)), 'Abwesend bis Mittwoch — Grüße aus Köln, ein sehr langer Betreff der gefaltet werden muss');
    assert.equal(decodeHeaderValue(head.get('from')?.[0] ?? Buffer.alloc(0)), 'Jürgen Müller <juergen@example.com>');
    assert.match(raw, /Content-Transfer-Encoding: quoted-printable/);
    assert.match(raw, /Gr=C3=BC=C3=9Fe,\r\nJ=C3=BCrgen =E2=98=83/);
    for (const line of raw.split('\r\n')) assert.ok(line.length <= 78, line);
  });

  test('an ASCII body is sent as 7bit with CRLF line ends', () => {
    const r = reply(BASE);
    assert.equal(r.body, 'I am away.\r\nBack on Monday.\r\n');
    assert.match(r.raw, /Content-Type: text\/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit/);
  });
});

describe('header lines', () => {
  test('a very long word is encoded so that every line stays short', () => {
    const line = headerLine('Subject', `x${'y'.repeat(2000)}`);
    for (const l of line.split('\r\n')) assert.ok(l.length <= 78, l);
    const value = Buffer.from(line.slice('Subject:'.length).replace(/\r\n$/, ''));
    assert.equal(decodeHeaderValue(value).replace(/\r\n/g, '').trim(), `x${'y'.repeat(2000)}`);
  });
});

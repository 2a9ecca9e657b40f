import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapAtom, ImapValue } from '../../../src/imap/protocol/types.js';
import type { MessageIndex } from '../../../src/mime/types.js';
import { indexMessage } from '../../../src/mime/index.js';
import { asModSeq, asUid, type MessageDetail, type MessageMeta } from '../../../src/store/types.js';
import {
  parseFetchItems,
  buildFetchResponse,
  formatImapDateTime,
  replaceNul,
  type FetchSource,
} from '../../../src/imap/fetch/index.js';

const RAW = Buffer.from(
  [
    'From: Alice <alice@example.com>',
    'To: bob@example.com',
    'Subject: test',
    'Content-Type: multipart/mixed; boundary="XX"',
    '',
    'preamble',
    '--XX',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello\u0000wörld',
    '--XX',
    'Content-Type: message/rfc822',
    '',
    'Subject: inner',
    'X-Foo: bar',
    '  folded',
    '',
    'Inner body',
    '--XX--',
    '',
  ].join('\r\n'),
  'utf8',
);

const INTERNAL = new Date(Date.UTC(1996, 6, 17, 9, 44, 25));
const META: MessageMeta = { uid: asUid(42), modseq: asModSeq(3), flags: ['\\Seen', 'Work'], internalDate: INTERNAL, size: RAW.length };
const INDEX: MessageIndex = indexMessage(RAW);
const DETAIL: MessageDetail = { ...META, index: INDEX };

/** A source over RAW that records what it returned. */
function source(): FetchSource & { returned: Buffer[]; ranges: Array<{ start: number; end: number } | undefined> } {
  const returned: Buffer[] = [];
  const ranges: Array<{ start: number; end: number } | undefined> = [];
  return {
    returned,
    ranges,
    async read(range) {
      ranges.push(range);
      const b = range ? RAW.subarray(range.start, range.end) : RAW;
      returned.push(b);
      return b;
    },
  };
}
const noRead: FetchSource = {
  async read() {
    throw new Error('source must not be read');
  },
};

const atom = (value: string): ImapValue => ({ type: 'atom', value });
const list = (...items: ImapValue[]): ImapValue => ({ type: 'list', items });
function body(name: string, section: ImapValue[], partial?: { offset: number; length: number }): ImapAtom {
  const a: ImapAtom = { type: 'atom', value: name, section };
  if (partial) a.partial = partial;
  return a;
}

async function fetch(
  args: ImapValue[],
  opts: { uid?: boolean; msg?: MessageMeta | MessageDetail; src?: FetchSource; recent?: boolean; includeFlags?: boolean } = {},
): Promise<string> {
  const chunks = await buildFetchResponse(7, parseFetchItems(args), opts.msg ?? DETAIL, opts.src ?? source(), {
    uidCommand: opts.uid ?? false,
    recent: opts.recent ?? false,
    includeFlags: opts.includeFlags ?? false,
    zoneOffsetMinutes: -420,
  });
  return Buffer.concat(chunks).toString('utf8');
}

/** The literal for `text` (sizes counted in UTF-8 bytes, NUL sent as a space). */
const lit = (text: string) => `{${Buffer.byteLength(text)}}\r\n${text.replace(/\u0000/g, ' ')}`;
const part = (start: string, end: string) => {
  const all = RAW.toString('utf8');
  const s = all.indexOf(start);
  return all.slice(s, all.indexOf(end, s) + end.length);
};

describe('buildFetchResponse: attributes', () => {
  test('FLAGS, INTERNALDATE, RFC822.SIZE, UID', async () => {
    assert.equal(
      await fetch([list(atom('FLAGS'), atom('INTERNALDATE'), atom('RFC822.SIZE'), atom('UID'))]),
      `* 7 FETCH (UID 42 FLAGS (\\Seen Work) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE ${RAW.length})\r\n`,
    );
  });

  test('UID FETCH always includes UID; \\Recent and added FLAGS when asked', async () => {
    assert.equal(await fetch([atom('RFC822.SIZE')], { uid: true }), `* 7 FETCH (UID 42 RFC822.SIZE ${RAW.length})\r\n`);
    assert.equal(await fetch([atom('FLAGS')], { recent: true }), '* 7 FETCH (FLAGS (\\Seen Work \\Recent))\r\n');
    assert.equal(
      await fetch([atom('RFC822.SIZE')], { uid: true, includeFlags: true }),
      `* 7 FETCH (UID 42 FLAGS (\\Seen Work) RFC822.SIZE ${RAW.length})\r\n`,
    );
    assert.equal(await fetch([list(atom('FLAGS'))], { includeFlags: true }), '* 7 FETCH (FLAGS (\\Seen Work))\r\n');
    assert.equal(
      await fetch([atom('FLAGS')], { msg: { ...META, flags: [] } }),
      '* 7 FETCH (FLAGS ())\r\n',
    );
  });

  test('ENVELOPE, BODY, BODYSTRUCTURE are the stored strings, without reading the message', async () => {
    assert.equal(
      await fetch([list(atom('ENVELOPE'), atom('BODY'), atom('BODYSTRUCTURE'))], { src: noRead }),
      `* 7 FETCH (ENVELOPE ${INDEX.envelope} BODY ${INDEX.body} BODYSTRUCTURE ${INDEX.bodyStructure})\r\n`,
    );
    assert.equal(
      await fetch([atom('FULL')], { src: noRead }),
      `* 7 FETCH (FLAGS (\\Seen Work) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE ${RAW.length} ENVELOPE ${INDEX.envelope} BODY ${INDEX.body})\r\n`,
    );
  });

  test('items needing the index refuse a bare MessageMeta', async () => {
    await assert.rejects(fetch([atom('ENVELOPE')], { msg: META }), /needs the message index/);
    await assert.rejects(fetch([body('BODY', [atom('TEXT')])], { msg: META }), /needs the message index/);
    // The whole message needs no index.
    assert.match(await fetch([body('BODY.PEEK', [])], { msg: META }), /^\* 7 FETCH \(BODY\[\] \{/);
  });
});

describe('buildFetchResponse: message data', () => {
  const HEADER = part('From:', 'boundary="XX"\r\n\r\n');
  const TEXT = RAW.toString('utf8').slice(HEADER.length);

  test('RFC822, RFC822.HEADER, RFC822.TEXT', async () => {
    assert.equal(await fetch([atom('RFC822')]), `* 7 FETCH (RFC822 ${lit(RAW.toString('utf8'))})\r\n`);
    assert.equal(await fetch([atom('RFC822.HEADER')]), `* 7 FETCH (RFC822.HEADER ${lit(HEADER)})\r\n`);
    assert.equal(await fetch([atom('RFC822.TEXT')]), `* 7 FETCH (RFC822.TEXT ${lit(TEXT)})\r\n`);
  });

  test('BODY[], BODY[HEADER], BODY[TEXT]; PEEK answers as BODY', async () => {
    assert.equal(await fetch([body('BODY', [])]), `* 7 FETCH (BODY[] ${lit(RAW.toString('utf8'))})\r\n`);
    assert.equal(await fetch([body('BODY.PEEK', [atom('HEADER')])]), `* 7 FETCH (BODY[HEADER] ${lit(HEADER)})\r\n`);
    assert.equal(await fetch([body('BODY', [atom('text')])]), `* 7 FETCH (BODY[TEXT] ${lit(TEXT)})\r\n`);
  });

  test('HEADER.FIELDS and HEADER.FIELDS.NOT subset the header and keep the blank line', async () => {
    assert.equal(
      await fetch([body('BODY.PEEK', [atom('HEADER.FIELDS'), list(atom('subject'), atom('From'))])]),
      `* 7 FETCH (BODY[HEADER.FIELDS (SUBJECT FROM)] ${lit('From: Alice <alice@example.com>\r\nSubject: test\r\n\r\n')})\r\n`,
    );
    assert.equal(
      await fetch([body('BODY.PEEK', [atom('HEADER.FIELDS.NOT'), list(atom('Content-Type'), atom('To'))])]),
      `* 7 FETCH (BODY[HEADER.FIELDS.NOT (CONTENT-TYPE TO)] ${lit('From: Alice <alice@example.com>\r\nSubject: test\r\n\r\n')})\r\n`,
    );
    assert.equal(
      await fetch([body('BODY.PEEK', [atom('HEADER.FIELDS'), list(atom('X-None'))])]),
      `* 7 FETCH (BODY[HEADER.FIELDS (X-NONE)] ${lit('\r\n')})\r\n`,
    );
  });

  test('part numbers, MIME, and HEADER/TEXT of an encapsulated message', async () => {
    const inner = part('Subject: inner', 'Inner body');
    assert.equal(await fetch([body('BODY', [atom('1')])]), `* 7 FETCH (BODY[1] ${lit('Hello\u0000wörld')})\r\n`);
    assert.equal(
      await fetch([body('BODY', [atom('1.MIME')])]),
      `* 7 FETCH (BODY[1.MIME] ${lit('Content-Type: text/plain; charset=utf-8\r\n\r\n')})\r\n`,
    );
    assert.equal(await fetch([body('BODY', [atom('2')])]), `* 7 FETCH (BODY[2] ${lit(inner)})\r\n`);
    assert.equal(
      await fetch([body('BODY', [atom('2.HEADER')])]),
      `* 7 FETCH (BODY[2.HEADER] ${lit('Subject: inner\r\nX-Foo: bar\r\n  folded\r\n\r\n')})\r\n`,
    );
    assert.equal(await fetch([body('BODY', [atom('2.TEXT')])]), `* 7 FETCH (BODY[2.TEXT] ${lit('Inner body')})\r\n`);
    assert.equal(await fetch([body('BODY', [atom('2.1')])]), `* 7 FETCH (BODY[2.1] ${lit('Inner body')})\r\n`);
    assert.equal(
      await fetch([body('BODY', [atom('2.HEADER.FIELDS'), list(atom('x-foo'))])]),
      `* 7 FETCH (BODY[2.HEADER.FIELDS (X-FOO)] ${lit('X-Foo: bar\r\n  folded\r\n\r\n')})\r\n`,
    );
  });

  test('sections that do not exist are empty strings', async () => {
    assert.equal(await fetch([body('BODY', [atom('3')])]), '* 7 FETCH (BODY[3] "")\r\n');
    assert.equal(await fetch([body('BODY', [atom('1.HEADER')])]), '* 7 FETCH (BODY[1.HEADER] "")\r\n');
    assert.equal(await fetch([body('BODY', [atom('1.2.3')])]), '* 7 FETCH (BODY[1.2.3] "")\r\n');
  });

  test('partials: origin echoed, truncated at the end, empty past it, after header subsetting', async () => {
    const all = RAW.toString('latin1');
    const latin1Lit = (t: string) => `{${t.length}}\r\n${t}`;
    const bytes = async (args: ImapValue[]) => {
      const chunks = await buildFetchResponse(7, parseFetchItems(args), DETAIL, source(), { uidCommand: false });
      return Buffer.concat(chunks).toString('latin1');
    };
    assert.equal(await bytes([body('BODY', [], { offset: 0, length: 10 })]), `* 7 FETCH (BODY[]<0> ${latin1Lit(all.slice(0, 10))})\r\n`);
    assert.equal(
      await bytes([body('BODY', [], { offset: 0, length: 100000 })]),
      `* 7 FETCH (BODY[]<0> ${latin1Lit(all.replace(/\u0000/g, ' '))})\r\n`,
      'a partial starting at 0 stays a partial even when truncated',
    );
    assert.equal(await bytes([body('BODY', [], { offset: RAW.length, length: 5 })]), `* 7 FETCH (BODY[]<${RAW.length}> "")\r\n`);
    assert.equal(await bytes([body('BODY', [atom('TEXT')], { offset: 2, length: 4 })]), `* 7 FETCH (BODY[TEXT]<2> ${latin1Lit('eamb')})\r\n`);
    assert.equal(
      await bytes([body('BODY.PEEK', [atom('HEADER.FIELDS'), list(atom('Subject'))], { offset: 9, length: 100 })]),
      `* 7 FETCH (BODY[HEADER.FIELDS (SUBJECT)]<9> ${latin1Lit('test\r\n\r\n')})\r\n`,
    );
    assert.equal(
      await bytes([body('BODY.PEEK', [atom('HEADER.FIELDS'), list(atom('Subject'))], { offset: 500, length: 1 })]),
      `* 7 FETCH (BODY[HEADER.FIELDS (SUBJECT)]<500> "")\r\n`,
    );
  });

  test('only the needed bytes are read, and data is passed through without a copy', async () => {
    const src = source();
    const chunks = await buildFetchResponse(7, parseFetchItems([body('BODY', [atom('2.TEXT')], { offset: 1, length: 3 })]), DETAIL, src, {
      uidCommand: false,
    });
    assert.equal(src.ranges.length, 1);
    const r = src.ranges[0];
    assert.ok(r);
    assert.equal(r.end - r.start, 3);
    assert.equal(RAW.subarray(r.start, r.end).toString(), 'nne');
    assert.ok(chunks.includes(src.returned[0] as Buffer), 'the buffer read is itself a chunk');
  });

  test('NUL bytes become spaces and sizes stay exact; 8-bit data is kept', async () => {
    const src = source();
    const chunks = await buildFetchResponse(7, parseFetchItems([body('BODY', [atom('1')])]), DETAIL, src, { uidCommand: false });
    const data = Buffer.concat(chunks);
    assert.equal(data.indexOf(0), -1);
    const expected = Buffer.from('Hello wörld', 'utf8');
    assert.ok(data.includes(Buffer.concat([Buffer.from(`{${expected.length}}\r\n`), expected])));
    assert.equal(RAW.indexOf(0) !== -1, true, 'the stored bytes are not changed');
    const plain = Buffer.from('abc');
    assert.equal(replaceNul(plain), plain);
    assert.deepEqual(replaceNul(Buffer.from([0, 65, 0])), Buffer.from([32, 65, 32]));
  });

  test('several body items in one response, in the order asked', async () => {
    const out = await fetch([list(atom('UID'), body('BODY.PEEK', [atom('1')]), atom('RFC822.SIZE'), body('BODY.PEEK', [atom('2.TEXT')]))]);
    assert.equal(out, `* 7 FETCH (UID 42 BODY[1] ${lit('Hello\u0000wörld')} RFC822.SIZE ${RAW.length} BODY[2.TEXT] ${lit('Inner body')})\r\n`);
  });
});

describe('formatImapDateTime', () => {
  test('RFC 3501 date-time with a space-padded day and the zone', () => {
    assert.equal(formatImapDateTime(INTERNAL, 0), '17-Jul-1996 09:44:25 +0000');
    assert.equal(formatImapDateTime(INTERNAL, -420), '17-Jul-1996 02:44:25 -0700');
    assert.equal(formatImapDateTime(new Date(Date.UTC(2024, 1, 1, 23, 5, 9)), 330), ' 2-Feb-2024 04:35:09 +0530');
    assert.match(formatImapDateTime(new Date()), /^[ 0-9]{2}-[A-Z][a-z]{2}-[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}$/);
  });
});

describe('speed', () => {
  test('FETCH 1:500 (ENVELOPE BODYSTRUCTURE) only joins stored strings', async () => {
    const request = parseFetchItems([list(atom('UID'), atom('ENVELOPE'), atom('BODYSTRUCTURE'))]);
    const started = performance.now();
    let bytes = 0;
    for (let seq = 1; seq <= 500; seq++) {
      const chunks = await buildFetchResponse(seq, request, { ...DETAIL, uid: asUid(seq) }, noRead, { uidCommand: true });
      bytes += chunks.reduce((n, c) => n + c.length, 0);
    }
    assert.ok(bytes > 500 * INDEX.envelope.length);
    assert.ok(performance.now() - started < 1000, 'well under a second');
  });
});

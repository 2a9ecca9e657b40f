import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapValue } from '../../../src/imap/protocol/types.js';
import { indexMessage } from '../../../src/mime/index.js';
import {
  asMailboxId,
  asModSeq,
  asUid,
  type MailboxId,
  type MessageDetail,
  type MessageMeta,
  type TextSearchTarget,
  type Uid,
} from '../../../src/store/types.js';
import {
  parseSearchCommand,
  evaluateSearch,
  evaluateSearchSequence,
  type SearchContext,
  type SearchStore,
} from '../../../src/imap/search/index.js';

interface FakeMessage {
  uid: number;
  flags?: string[];
  internalDate: Date;
  headers: Array<[string, string]>;
  body: string;
}

/** Builds MessageDetail records (indexed as the store would) and raw bytes for a fake store. */
function build(spec: FakeMessage): { detail: MessageDetail; raw: Buffer } {
  const headerText = spec.headers.map(([n, v]) => `${n}: ${v}\r\n`).join('') + '\r\n';
  const raw = Buffer.from(headerText + spec.body, 'utf8');
  return {
    raw,
    detail: {
      uid: asUid(spec.uid),
      modseq: asModSeq(1),
      flags: spec.flags ?? [],
      internalDate: spec.internalDate,
      size: raw.length,
      index: indexMessage(raw),
    },
  };
}

class FakeStore implements SearchStore {
  readonly calls: Array<{ method: string; uids?: readonly number[] }> = [];
  private readonly messages = new Map<number, { detail: MessageDetail; raw: Buffer }>();

  constructor(
    readonly mailboxId: MailboxId,
    specs: FakeMessage[],
  ) {
    for (const spec of specs) this.messages.set(spec.uid, build(spec));
  }

  metas(): MessageMeta[] {
    return [...this.messages.values()].map(({ detail }) => {
      const { index: _index, ...meta } = detail;
      return meta;
    });
  }

  async searchText(mailbox: MailboxId, target: TextSearchTarget, needle: string, uids?: readonly Uid[]): Promise<Uid[]> {
    assert.equal(mailbox, this.mailboxId);
    this.calls.push(uids === undefined ? { method: 'searchText' } : { method: 'searchText', uids });
    const lower = needle.toLowerCase();
    const out: Uid[] = [];
    for (const { detail, raw } of this.messages.values()) {
      if (uids !== undefined && !uids.includes(detail.uid)) continue;
      const h = detail.index.headers;
      const body = raw.subarray(detail.index.root.body.start).toString('utf8');
      const hay =
        target === 'body' ? body : target === 'text' ? raw.toString('utf8') : h[target as 'subject' | 'from' | 'to' | 'cc' | 'bcc'];
      if (hay.toLowerCase().includes(lower)) out.push(detail.uid);
    }
    return out;
  }

  async getMessageDetails(mailbox: MailboxId, uids: readonly Uid[]): Promise<MessageDetail[]> {
    assert.equal(mailbox, this.mailboxId);
    this.calls.push({ method: 'getMessageDetails', uids });
    return uids.flatMap((u) => {
      const m = this.messages.get(u);
      return m ? [m.detail] : [];
    });
  }

  async readMessage(mailbox: MailboxId, uid: Uid, range?: { start: number; end: number }): Promise<Buffer> {
    assert.equal(mailbox, this.mailboxId);
    this.calls.push({ method: 'readMessage', uids: [uid] });
    const m = this.messages.get(uid);
    assert.ok(m, `no message ${uid}`);
    return range ? m.raw.subarray(range.start, range.end) : m.raw;
  }
}

const atom = (value: string): ImapValue => ({ type: 'atom', value });
const str = (value: string): ImapValue => ({ type: 'string', value: Buffer.from(value, 'utf8'), literal: false });
const list = (...items: ImapValue[]): ImapValue => ({ type: 'list', items });
/** Criteria from a line: words are atoms, "quoted text" becomes a string, ( ) nest. */
function criteria(text: string): ImapValue[] {
  const tokens = text.match(/"[^"]*"|\(|\)|[^\s()]+/g) ?? [];
  const stack: ImapValue[][] = [[]];
  for (const t of tokens) {
    const top = stack[stack.length - 1] as ImapValue[];
    if (t === '(') stack.push([]);
    else if (t === ')') {
      const items = stack.pop() as ImapValue[];
      (stack[stack.length - 1] as ImapValue[]).push(list(...items));
    } else top.push(t.startsWith('"') ? str(t.slice(1, -1)) : atom(t));
  }
  return stack[0] as ImapValue[];
}

// Internal dates at local noon, so the day is the same in any server time zone.
const localNoon = (y: number, m: number, d: number) => new Date(y, m - 1, d, 12, 0, 0);

const MAILBOX = asMailboxId(7);
const SPECS: FakeMessage[] = [
  {
    uid: 3,
    flags: ['\\Seen', '\\Answered'],
    internalDate: localNoon(2024, 1, 10),
    headers: [
      ['From', 'Alice Smith <alice@example.com>'],
      ['To', 'bob@example.com'],
      ['Subject', 'Quarterly report'],
      ['Date', 'Wed, 10 Jan 2024 09:00:00 +0000'],
      ['X-Mailer', 'Mutt 2.0'],
    ],
    body: 'Numbers attached.\r\n',
  },
  {
    uid: 5,
    flags: ['\\Flagged', '$Important'],
    internalDate: localNoon(2024, 2, 1),
    headers: [
      ['From', 'Bob <bob@example.com>'],
      ['To', 'alice@example.com'],
      ['Cc', 'carol@example.com'],
      ['Subject', '=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from Bob'],
      // Late evening west of UTC: already 2 Feb in UTC, still 1 Feb as written.
      ['Date', 'Thu, 1 Feb 2024 22:30:00 -0500'],
    ],
    body: 'Lunch on Friday? The café is open.\r\n',
  },
  {
    uid: 9,
    flags: ['\\Deleted', '\\Draft', '\\Seen'],
    internalDate: localNoon(2024, 3, 15),
    headers: [
      ['From', 'carol@example.com'],
      ['To', 'alice@example.com'],
      ['Bcc', 'secret@example.com'],
      ['Subject', 'Draft: plans'],
      ['X-Priority', '1'],
    ],
    body: 'x'.repeat(2000) + '\r\n',
  },
  {
    uid: 12,
    internalDate: localNoon(2024, 3, 16),
    headers: [
      ['From', 'dave@example.org'],
      ['To', 'alice@example.com'],
      ['Subject', 'Report follow-up'],
      ['Date', 'Sat, 16 Mar 2024 01:00:00 +1300'],
      ['X-Mailer', 'Thunderbird'],
    ],
    body: 'See the quarterly numbers.\r\n',
  },
];

function context(recent: number[] = [12]): { ctx: SearchContext; store: FakeStore } {
  const store = new FakeStore(MAILBOX, SPECS);
  return { store, ctx: { store, mailboxId: MAILBOX, messages: store.metas(), recentUids: new Set(recent) } };
}

async function search(text: string, recent?: number[]): Promise<number[]> {
  const { ctx } = context(recent);
  return evaluateSearch(parseSearchCommand(criteria(text)).key, ctx);
}

describe('evaluateSearch: in-memory keys', () => {
  test('flags and keywords', async () => {
    assert.deepEqual(await search('ALL'), [3, 5, 9, 12]);
    assert.deepEqual(await search('SEEN'), [3, 9]);
    assert.deepEqual(await search('UNSEEN'), [5, 12]);
    assert.deepEqual(await search('ANSWERED'), [3]);
    assert.deepEqual(await search('UNANSWERED'), [5, 9, 12]);
    assert.deepEqual(await search('FLAGGED'), [5]);
    assert.deepEqual(await search('UNFLAGGED'), [3, 9, 12]);
    assert.deepEqual(await search('DELETED'), [9]);
    assert.deepEqual(await search('UNDELETED'), [3, 5, 12]);
    assert.deepEqual(await search('DRAFT'), [9]);
    assert.deepEqual(await search('UNDRAFT'), [3, 5, 12]);
    assert.deepEqual(await search('KEYWORD $important'), [5], 'keywords compare case-insensitively');
    assert.deepEqual(await search('UNKEYWORD $Important'), [3, 9, 12]);
  });

  test('RECENT, NEW, OLD use the session recent set', async () => {
    assert.deepEqual(await search('RECENT', [5, 12]), [5, 12]);
    assert.deepEqual(await search('NEW', [3, 5]), [5]);
    assert.deepEqual(await search('OLD', [5, 12]), [3, 9]);
  });

  test('sizes', async () => {
    const sizes = context().ctx.messages.map((m) => m.size);
    const big = sizes[2] as number;
    assert.deepEqual(await search(`LARGER ${big - 1}`), [9]);
    assert.deepEqual(await search(`LARGER ${big}`), []);
    assert.deepEqual(await search(`SMALLER ${big}`), [3, 5, 12]);
  });

  test('internal dates: BEFORE, ON, SINCE by day', async () => {
    assert.deepEqual(await search('BEFORE 1-Feb-2024'), [3]);
    assert.deepEqual(await search('ON 1-Feb-2024'), [5]);
    assert.deepEqual(await search('SINCE 1-Feb-2024'), [5, 9, 12]);
    assert.deepEqual(await search('SINCE 16-Mar-2024'), [12]);
    assert.deepEqual(await search('ON 2-Feb-2024'), []);
  });

  test('sequence sets and UID sets', async () => {
    assert.deepEqual(await search('2:3'), [5, 9]);
    assert.deepEqual(await search('*'), [12]);
    assert.deepEqual(await search('3:*,1'), [3, 9, 12]);
    assert.deepEqual(await search('7:100'), [], 'numbers beyond the view match nothing');
    assert.deepEqual(await search('UID 4:10'), [5, 9]);
    assert.deepEqual(await search('UID 100:*'), [12], 'n:* names the largest UID');
    assert.deepEqual(await search('UID 1,12'), [12]);
  });

  test('NOT, OR, lists and AND combine', async () => {
    assert.deepEqual(await search('NOT SEEN'), [5, 12]);
    assert.deepEqual(await search('OR FLAGGED DELETED'), [5, 9]);
    assert.deepEqual(await search('SEEN NOT DELETED'), [3]);
    assert.deepEqual(await search('OR (SEEN ANSWERED) (UNSEEN UID 12)'), [3, 12]);
    assert.deepEqual(await search('NOT (OR SEEN FLAGGED)'), [12]);
    assert.deepEqual(await search('NOT NOT SEEN'), [3, 9]);
  });

  test('sequence numbers come back from evaluateSearchSequence', async () => {
    const { ctx } = context();
    assert.deepEqual(await evaluateSearchSequence(parseSearchCommand(criteria('UNSEEN')).key, ctx), [2, 4]);
  });

  test('an empty view matches nothing', async () => {
    const store = new FakeStore(MAILBOX, []);
    const ctx: SearchContext = { store, mailboxId: MAILBOX, messages: [], recentUids: new Set() };
    assert.deepEqual(await evaluateSearch(parseSearchCommand(criteria('OR * UID 1:*')).key, ctx), []);
    assert.deepEqual(await evaluateSearch(parseSearchCommand(criteria('SUBJECT report')).key, ctx), []);
  });
});

describe('evaluateSearch: store-backed keys', () => {
  test('text keys go through store.searchText', async () => {
    assert.deepEqual(await search('SUBJECT report'), [3, 12]);
    assert.deepEqual(await search('FROM ALICE'), [3]);
    assert.deepEqual(await search('TO alice@example.com'), [5, 9, 12]);
    assert.deepEqual(await search('CC carol'), [5]);
    assert.deepEqual(await search('BCC secret'), [9]);
    assert.deepEqual(await search('BODY quarterly'), [12]);
    assert.deepEqual(await search('TEXT quarterly'), [3, 12]);
    assert.deepEqual(await search('BODY "the café"'), [5]);
    assert.deepEqual(await search('SUBJECT ""'), [3, 5, 9, 12], 'the empty string matches every message');
  });

  test('cheap keys narrow the candidates before the store is asked', async () => {
    const { ctx, store } = context();
    const key = parseSearchCommand(criteria('BODY numbers FLAGGED')).key;
    assert.deepEqual(await evaluateSearch(key, ctx), []);
    assert.deepEqual(store.calls, [{ method: 'searchText', uids: [5] }]);

    const second = context();
    assert.deepEqual(await evaluateSearch(parseSearchCommand(criteria('UNSEEN BODY numbers')).key, second.ctx), [12]);
    assert.deepEqual(second.store.calls, [{ method: 'searchText', uids: [5, 12] }]);

    const third = context();
    assert.deepEqual(await evaluateSearch(parseSearchCommand(criteria('DELETED SEEN HEADER X-Priority 1')).key, third.ctx), [9]);
    assert.deepEqual(
      third.store.calls.map((c) => c.uids),
      [[9], [9]],
      'HEADER reads only the one candidate left',
    );
  });

  test('OR evaluates its right side only on what the left side missed', async () => {
    const { ctx, store } = context();
    assert.deepEqual(await evaluateSearch(parseSearchCommand(criteria('OR SEEN SUBJECT report')).key, ctx), [3, 9, 12]);
    assert.deepEqual(store.calls, [{ method: 'searchText', uids: [5, 12] }]);
  });

  test('results from the store outside the view are ignored', async () => {
    const { ctx } = context();
    const view: SearchContext = { ...ctx, messages: ctx.messages.slice(0, 2) };
    assert.deepEqual(await evaluateSearch(parseSearchCommand(criteria('TO alice')).key, view), [5]);
  });

  test('HEADER matches decoded field values; empty string means the field exists', async () => {
    assert.deepEqual(await search('HEADER X-Mailer ""'), [3, 12]);
    assert.deepEqual(await search('HEADER x-mailer mutt'), [3]);
    assert.deepEqual(await search('HEADER Subject grüße'), [5], 'RFC 2047 words are decoded');
    assert.deepEqual(await search('HEADER X-None ""'), []);
    assert.deepEqual(await search('NOT HEADER X-Mailer ""'), [5, 9]);
  });

  test('SENTBEFORE, SENTON, SENTSINCE use the Date: header day in its own zone', async () => {
    assert.deepEqual(await search('SENTON 1-Feb-2024'), [5]);
    assert.deepEqual(await search('SENTON 2-Feb-2024'), []);
    assert.deepEqual(await search('SENTON 16-Mar-2024'), [12], '+1300: the UTC day is 15 Mar');
    assert.deepEqual(await search('SENTBEFORE 1-Feb-2024'), [3]);
    assert.deepEqual(await search('SENTSINCE 1-Feb-2024'), [5, 12]);
    assert.deepEqual(await search('NOT SENTSINCE 1-Jan-1990'), [9], 'no Date: header matches no SENT* key');
  });

  test('only messages whose day depends on the zone are read', async () => {
    const { ctx, store } = context();
    assert.deepEqual(await evaluateSearch(parseSearchCommand(criteria('SENTON 10-Jan-2024')).key, ctx), [3]);
    assert.deepEqual(
      store.calls.filter((c) => c.method === 'readMessage').map((c) => c.uids),
      [[3]],
      'messages sent weeks away from the date are decided without reading them',
    );
    const second = context();
    assert.deepEqual(await evaluateSearch(parseSearchCommand(criteria('SENTBEFORE 1-Jan-2025')).key, second.ctx), [3, 5, 12]);
    assert.equal(second.store.calls.filter((c) => c.method === 'readMessage').length, 0);
  });
});

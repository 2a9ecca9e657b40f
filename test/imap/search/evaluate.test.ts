import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImapValue } from '../../../src/imap/protocol/types.js';
import { openStore } from '../../../src/store/index.js';
import type { MailboxId, MessageMeta, Owner, Store, TextSearchTarget, Uid } from '../../../src/store/types.js';
import {
  parseSearchCommand,
  evaluateSearch,
  evaluateSearchSequence,
  type SearchContext,
  type SearchStore,
} from '../../../src/imap/search/index.js';

interface MessageSpec {
  uid: number;
  flags?: string[];
  internalDate: Date;
  headers: Array<[string, string]>;
  body: string;
}

const rawOf = (spec: MessageSpec): Buffer =>
  Buffer.from(spec.headers.map(([n, v]) => `${n}: ${v}\r\n`).join('') + '\r\n' + spec.body, 'utf8');

/** The real store's search methods, with every call recorded (to check candidate narrowing). */
function recording(store: Store, mailboxId: MailboxId): { wrapped: SearchStore; calls: Array<{ method: string; uids?: readonly number[] }> } {
  const calls: Array<{ method: string; uids?: readonly number[] }> = [];
  const wrapped: SearchStore = {
    searchText(mailbox: MailboxId, target: TextSearchTarget, needle: string, uids?: readonly Uid[]) {
      assert.equal(mailbox, mailboxId);
      calls.push(uids === undefined ? { method: 'searchText' } : { method: 'searchText', uids: [...uids] });
      return store.searchText(mailbox, target, needle, uids);
    },
    getMessageDetails(mailbox: MailboxId, uids: readonly Uid[]) {
      calls.push({ method: 'getMessageDetails', uids: [...uids] });
      return store.getMessageDetails(mailbox, uids);
    },
    readMessage(mailbox: MailboxId, uid: Uid, range?: { start: number; end: number }) {
      calls.push({ method: 'readMessage', uids: [uid] });
      return store.readMessage(mailbox, uid, range);
    },
  };
  return { wrapped, calls };
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

const SPECS: MessageSpec[] = [
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

let work = '';
let store: Store;
let mailboxId: MailboxId;
let messages: MessageMeta[] = [];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'msgstore-search-'));
  store = await openStore({ dataDir: join(work, 'data') });
  const owner: Owner = { kind: 'user', address: 'alice@example.com' };
  await store.addUser({ address: owner.address, passwordHash: 'unused' });
  mailboxId = ((await store.findMailbox(owner, 'INBOX')) ?? (await store.createMailbox(owner, 'INBOX'))).id;
  // UIDs with gaps: fillers take the missing UIDs and are removed again.
  const last = Math.max(...SPECS.map((m) => m.uid));
  const fillers: Uid[] = [];
  for (let uid = 1; uid <= last; uid++) {
    const spec = SPECS.find((m) => m.uid === uid);
    const raw = spec ? rawOf(spec) : Buffer.from(`Subject: filler ${uid}\r\n\r\nfiller\r\n`);
    const result = await store.appendMessage(mailboxId, raw, spec ? { flags: spec.flags ?? [], internalDate: spec.internalDate } : {});
    assert.equal(result.uid, uid);
    if (!spec) fillers.push(result.uid);
  }
  await store.removeMessages(mailboxId, fillers);
  messages = await store.listMessages(mailboxId);
  assert.deepEqual(messages.map((m) => m.uid), SPECS.map((m) => m.uid));
});

after(async () => {
  await store.close();
  rmSync(work, { recursive: true, force: true });
});

function context(recent: number[] = [12]): { ctx: SearchContext; store: { calls: Array<{ method: string; uids?: readonly number[] }> } } {
  const { wrapped, calls } = recording(store, mailboxId);
  return { store: { calls }, ctx: { store: wrapped, mailboxId, messages, recentUids: new Set(recent) } };
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
    const ctx: SearchContext = { ...context().ctx, messages: [] };
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

import { test, describe } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store/index.js';
import assert from 'node:assert/strict';
import type { ImapValue } from '../../../src/imap/protocol/types.js';
import { indexMessage } from '../../../src/mime/index.js';
import { MailError } from '../../../src/store/errors.js';
import { asMailboxId, asModSeq, asUid, type MailboxId, type MessageDetail, type MessageMeta, type Uid } from '../../../src/store/types.js';
import { parseFetchItems, fetchMessages, type FetchStore, type FetchTarget, type FetchRunResult } from '../../../src/imap/fetch/index.js';

const MAILBOX = asMailboxId(3);
const raw = (n: number) => Buffer.from(`Subject: message ${n}\r\nFrom: a@example.com\r\n\r\nBody ${n}\r\n`);

class FakeStore implements FetchStore {
  readonly detailCalls: number[][] = [];
  readonly reads: number[] = [];
  constructor(
    private readonly present: Set<number>,
    private readonly fileMissing = new Set<number>(),
  ) {}

  async getMessageDetails(mailbox: MailboxId, uids: readonly Uid[]): Promise<MessageDetail[]> {
    assert.equal(mailbox, MAILBOX);
    this.detailCalls.push([...uids]);
    return uids
      .filter((u) => this.present.has(u))
      .map((u) => ({ uid: u, modseq: asModSeq(9), flags: ['stale-store-flag'], internalDate: new Date(0), size: raw(u).length, index: indexMessage(raw(u)) }));
  }

  async readMessage(mailbox: MailboxId, uid: Uid, range?: { start: number; end: number }): Promise<Buffer> {
    assert.equal(mailbox, MAILBOX);
    this.reads.push(uid);
    if (!this.present.has(uid)) throw new MailError('MS_MSGSTAT_REC_NOT_FOUND');
    if (this.fileMissing.has(uid)) throw new MailError('MS_MSGFILE_NOT_FOUND');
    const b = raw(uid);
    return range ? b.subarray(range.start, range.end) : b;
  }
}

function targets(uids: number[]): FetchTarget[] {
  return uids.map((u, i) => {
    const meta: MessageMeta = { uid: asUid(u), modseq: asModSeq(1), flags: u === 2 ? ['\\Seen'] : [], internalDate: new Date(0), size: raw(u).length };
    return { seq: i + 1, meta };
  });
}

async function collect(gen: AsyncGenerator<Buffer[], FetchRunResult>): Promise<{ lines: string[]; result: FetchRunResult }> {
  const lines: string[] = [];
  for (;;) {
    const step = await gen.next();
    if (step.done === true) return { lines, result: step.value };
    lines.push(Buffer.concat(step.value).toString());
  }
}

const atom = (value: string): ImapValue => ({ type: 'atom', value });
const list = (...items: ImapValue[]): ImapValue => ({ type: 'list', items });

describe('fetchMessages', () => {
  test('FLAGS only: no detail loads, no reads; flags come from the session targets', async () => {
    const store = new FakeStore(new Set([1, 2, 3]));
    const { lines, result } = await collect(fetchMessages(store, MAILBOX, parseFetchItems([atom('FLAGS')]), targets([1, 2, 3]), { uidCommand: true, recentUids: new Set([3]) }));
    assert.deepEqual(lines, ['* 1 FETCH (UID 1 FLAGS ())\r\n', '* 2 FETCH (UID 2 FLAGS (\\Seen))\r\n', '* 3 FETCH (UID 3 FLAGS (\\Recent))\r\n']);
    assert.deepEqual(result.missing, []);
    assert.deepEqual(store.detailCalls, []);
    assert.deepEqual(store.reads, []);
  });

  test('details load in batches; bodies are read per message; FLAGS added where \\Seen changed', async () => {
    const store = new FakeStore(new Set([1, 2, 3, 4, 5]));
    const request = parseFetchItems([list(atom('ENVELOPE'), { type: 'atom', value: 'BODY', section: [atom('TEXT')] })]);
    const { lines } = await collect(
      fetchMessages(store, MAILBOX, request, targets([1, 2, 3, 4, 5]), { uidCommand: false, batchSize: 2, flagsChanged: new Set([4]) }),
    );
    assert.deepEqual(store.detailCalls, [[1, 2], [3, 4], [5]]);
    assert.deepEqual(store.reads, [1, 2, 3, 4, 5]);
    assert.equal(lines.length, 5);
    assert.match(lines[0] as string, /^\* 1 FETCH \(ENVELOPE \(NIL "message 1" .*\) BODY\[TEXT\] \{8\}\r\nBody 1\r\n\)\r\n$/);
    assert.match(lines[3] as string, /^\* 4 FETCH \(FLAGS \(\) ENVELOPE /);
  });

  test('messages gone from the store are skipped and reported', async () => {
    const store = new FakeStore(new Set([1, 3, 4]), new Set([4]));
    const whole = parseFetchItems([{ type: 'atom', value: 'BODY.PEEK', section: [] }]);
    const { lines, result } = await collect(fetchMessages(store, MAILBOX, whole, targets([1, 2, 3, 4]), { uidCommand: true }));
    assert.deepEqual(lines.map((l) => l.slice(0, l.indexOf(' ('))), ['* 1 FETCH', '* 3 FETCH']);
    assert.deepEqual(result.missing, [2, 4]);

    const withIndex = parseFetchItems([atom('BODYSTRUCTURE')]);
    const second = await collect(fetchMessages(new FakeStore(new Set([1, 3])), MAILBOX, withIndex, targets([1, 2, 3]), { uidCommand: false }));
    assert.equal(second.lines.length, 2);
    assert.deepEqual(second.result.missing, [2]);
  });
});

describe('fetchMessages over the SQLite store', () => {
  test('BODY[], BODY[1], ENVELOPE and RFC822.SIZE from stored messages; expunged ones reported', async () => {
    const work = mkdtempSync(join(tmpdir(), 'msgstore-fetch-'));
    const store = await openStore({ dataDir: join(work, 'data') });
    try {
      const owner = { kind: 'user', address: 'bob@example.com' } as const;
      await store.addUser({ address: owner.address, passwordHash: 'unused' });
      const box = (await store.findMailbox(owner, 'INBOX')) ?? (await store.createMailbox(owner, 'INBOX'));
      const raws = [1, 2, 3].map(raw);
      for (const r of raws) await store.appendMessage(box.id, r, { flags: ['\\Flagged'] });
      const metas = await store.listMessages(box.id);
      await store.removeMessages(box.id, [metas[1]!.uid]);
      const request = parseFetchItems([
        list(atom('RFC822.SIZE'), atom('ENVELOPE'), { type: 'atom', value: 'BODY.PEEK', section: [] }, { type: 'atom', value: 'BODY.PEEK', section: [atom('1')] }),
      ]);
      const { lines, result } = await collect(
        fetchMessages(store, box.id, request, metas.map((meta, i) => ({ seq: i + 1, meta })), { uidCommand: true }),
      );
      assert.deepEqual(result.missing, [metas[1]!.uid]);
      assert.equal(lines.length, 2);
      const first = raws[0]!.toString();
      assert.equal(
        lines[0],
        `* 1 FETCH (UID ${metas[0]!.uid} RFC822.SIZE ${raws[0]!.length} ENVELOPE (NIL "message 1" (("" NIL "a" "example.com")) (("" NIL "a" "example.com")) (("" NIL "a" "example.com")) NIL NIL NIL NIL NIL) BODY[] {${first.length}}\r\n${first} BODY[1] {8}\r\nBody 1\r\n)\r\n`.replace(/\(\(""/g, '((NIL'),
      );
      assert.match(lines[1] as string, /^\* 3 FETCH \(UID 3 RFC822\.SIZE /);
    } finally {
      await store.close();
      rmSync(work, { recursive: true, force: true });
    }
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { checkStore, type CheckReport, type ProblemKind } from '../../src/ops/check.js';
import { asUid } from '../../src/store/types.js';
import { appendMany, makeStore, message, removeDir, tempDir, type StoreFixture } from './fixtures.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeDir));

async function fixture(count = 6): Promise<StoreFixture & { messages: Awaited<ReturnType<typeof appendMany>> }> {
  const dir = tempDir();
  dirs.push(dir);
  const f = await makeStore(join(dir, 'data'));
  const messages = await appendMany(f, 'alice@example.com', count);
  return Object.assign(f, { messages });
}

function hexOf(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex');
}

function fileOf(f: StoreFixture, raw: Buffer): string {
  const hex = hexOf(raw);
  return join(f.mailRoot, hex.slice(0, 2), hex);
}

/** Another connection to the same database, as a corrupting hand (or a buggy tool) would use. */
function sql(f: StoreFixture, text: string, ...params: unknown[]): void {
  const db = new Database(join(f.dataDir, 'msgstore.db'));
  try {
    db.prepare(text).run(...params);
  } finally {
    db.close();
  }
}

const kinds = (report: CheckReport): ProblemKind[] => report.problems.map((p) => p.kind).sort();
const old = (file: string) => utimesSync(file, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));

async function check(f: StoreFixture, repair = false): Promise<CheckReport> {
  return checkStore({ dataDir: f.dataDir, mailRoot: f.mailRoot, repair });
}

/** Checks, expects exactly `expected`, repairs, and expects a clean store afterwards. */
async function findAndRepair(f: StoreFixture, expected: ProblemKind[]): Promise<CheckReport> {
  const found = await check(f);
  assert.deepEqual(kinds(found), [...expected].sort());
  assert.ok(found.problems.every((p) => !p.fixed && p.action === undefined));
  const again = await check(f);
  assert.deepEqual(kinds(again), [...expected].sort(), 'a check without --repair changes nothing');
  const repaired = await check(f, true);
  assert.deepEqual(kinds(repaired), [...expected].sort());
  assert.ok(repaired.problems.every((p) => p.fixed), JSON.stringify(repaired.problems));
  const after = await check(f);
  assert.deepEqual(after.problems, [], 'clean after --repair');
  return repaired;
}

describe('msgstore check', () => {
  test('a clean store has no problems', async () => {
    const f = await fixture();
    const report = await check(f);
    assert.deepEqual(report.problems, []);
    assert.equal(report.scanned.messages, 6);
    assert.equal(report.scanned.files, 6);
    await f.close();
  });

  test('a missing message file: its message is removed, the mailbox stays consistent', async () => {
    const f = await fixture();
    const lost = f.messages[2]!;
    rmSync(fileOf(f, lost.raw));
    const report = await findAndRepair(f, ['missing-file']);
    assert.match(report.problems[0]!.detail, /alice@example.com INBOX UID 3/);
    assert.match(report.problems[0]!.action ?? '', /removed 1 message/);
    const left = await f.store.listMessages(lost.mailbox);
    assert.deepEqual(left.map((m) => m.uid), [1, 2, 4, 5, 6]);
    const status = await f.store.mailboxStatus(lost.mailbox);
    assert.equal(status.messages, 5);
    await f.close();
  });

  test('orphan files and stale temporary files go; new ones and live writers stay', async () => {
    const f = await fixture();
    const raw = message(999);
    const hex = hexOf(raw);
    const orphan = join(f.mailRoot, hex.slice(0, 2), hex);
    mkdirSync(join(f.mailRoot, hex.slice(0, 2)), { recursive: true });
    writeFileSync(orphan, raw);
    old(orphan);
    const youngRaw = message(998);
    const youngHex = hexOf(youngRaw);
    const young = join(f.mailRoot, youngHex.slice(0, 2), youngHex);
    mkdirSync(join(f.mailRoot, youngHex.slice(0, 2)), { recursive: true });
    writeFileSync(young, youngRaw);
    const staleTemp = join(f.mailRoot, hex.slice(0, 2), `.tmp-${hex}-999999999-abcdef`);
    writeFileSync(staleTemp, raw);
    old(staleTemp);
    const liveTemp = join(f.mailRoot, hex.slice(0, 2), `.tmp-${youngHex}-${process.ppid}-abcdef`);
    writeFileSync(liveTemp, raw);
    old(liveTemp);

    const report = await findAndRepair(f, ['orphan-file', 'stale-temp-file']);
    assert.equal(report.skipped.youngFiles, 1);
    assert.equal(report.skipped.liveTempFiles, 1);
    assert.equal(existsSync(orphan), false);
    assert.equal(existsSync(staleTemp), false);
    assert.equal(existsSync(young), true);
    assert.equal(existsSync(liveTemp), true);
    // Every stored message is still readable.
    for (const m of f.messages) assert.ok((await f.store.readMessage(m.mailbox, m.uid)).equals(m.raw));
    await f.close();
  });

  test('wrong reference counts are set right', async () => {
    const f = await fixture();
    sql(f, 'UPDATE blobs SET refs = refs + 2 WHERE hash = ?', Buffer.from(hexOf(f.messages[0]!.raw), 'hex'));
    sql(f, 'UPDATE blobs SET refs = 0 WHERE hash = ?', Buffer.from(hexOf(f.messages[1]!.raw), 'hex'));
    const report = await findAndRepair(f, ['wrong-refs', 'wrong-refs']);
    assert.deepEqual(report.problems.map((p) => p.action).sort(), ['reference count set to 1', 'reference count set to 1']);
    // Expunging the message now frees its file (the count is right again).
    await f.store.removeMessages(f.messages[0]!.mailbox, [f.messages[0]!.uid]);
    await f.close();
    assert.equal(existsSync(fileOf(f, f.messages[0]!.raw)), false);
    assert.equal(existsSync(fileOf(f, f.messages[1]!.raw)), true);
  });

  test('a file row no message uses goes with its file; the counters follow', async () => {
    const f = await fixture();
    const gone = f.messages[4]!;
    sql(f, 'DELETE FROM messages WHERE mailbox_id = ? AND uid = ?', gone.mailbox, gone.uid);
    const report = await findAndRepair(f, ['wrong-refs', 'counters']);
    assert.ok(report.problems.some((p) => p.action === 'unused file row and its file removed'));
    assert.equal(existsSync(fileOf(f, gone.raw)), false);
    assert.equal((await f.store.mailboxStatus(gone.mailbox)).messages, 5);
    await f.close();
  });

  test('a message pointing at a file row that does not exist is removed', async () => {
    const f = await fixture();
    const bad = f.messages[0]!;
    sql(f, 'UPDATE messages SET blob_id = 999999 WHERE mailbox_id = ? AND uid = ?', bad.mailbox, bad.uid);
    // Its old file row lost its only user, so its count is wrong too.
    const report = await findAndRepair(f, ['dangling-message', 'wrong-refs']);
    assert.match(report.problems.find((p) => p.kind === 'dangling-message')!.detail, /UID 1/);
    assert.deepEqual((await f.store.listMessages(bad.mailbox)).map((m) => m.uid), [2, 3, 4, 5, 6]);
    await f.close();
  });

  test('UID order, HIGHESTMODSEQ and counters', async () => {
    const f = await fixture();
    const inbox = f.messages[0]!.mailbox;
    sql(f, 'UPDATE mailboxes SET uid_next = 3, highest_modseq = 1, message_count = 99, total_size = 1 WHERE id = ?', inbox);
    const report = await findAndRepair(f, ['uid-next', 'modseq', 'counters']);
    assert.ok(report.problems.some((p) => p.action === 'next UID set to 7'));
    assert.ok(report.problems.every((p) => p.mailbox === 'alice@example.com INBOX'));
    // A new message gets a UID above every old one.
    const { uid } = await f.store.appendMessage(inbox, message(50));
    assert.equal(uid, asUid(7));
    await f.close();
  });

  test('a repair while messages are appended and expunged breaks nothing', async () => {
    const f = await fixture(20);
    rmSync(fileOf(f, f.messages[5]!.raw));
    sql(f, 'UPDATE mailboxes SET message_count = 0 WHERE id = ?', f.messages[0]!.mailbox);
    const bob = await f.inbox('bob@example.com');
    let stop = false;
    let appended = 0;
    const busy = (async () => {
      const deadline = Date.now() + 10_000;
      for (let n = 0; !stop && n < 300 && Date.now() < deadline; n++) {
        const { uid } = await f.store.appendMessage(bob, message(2000 + n));
        appended++;
        if (n % 3 === 0) await f.store.removeMessages(bob, [uid]);
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const report = await checkStore({ dataDir: f.dataDir, mailRoot: f.mailRoot, repair: true });
    stop = true;
    await busy;
    assert.ok(appended > 0);
    assert.ok(report.problems.some((p) => p.kind === 'missing-file' && p.fixed));
    // The store unlinks a file whose last reference went on the next turn of the event loop.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    const after = await checkStore({ dataDir: f.dataDir, mailRoot: f.mailRoot, graceMs: 0 });
    assert.deepEqual(after.problems, []);
    for (const m of await f.store.listMessages(bob)) assert.ok((await f.store.readMessage(bob, m.uid)).length > 0);
    await f.close();
  });

  test('a data directory without a store is refused', async () => {
    const dir = tempDir();
    dirs.push(dir);
    await assert.rejects(checkStore({ dataDir: dir, mailRoot: join(dir, 'mail') }), /not found/);
    assert.equal(existsSync(join(dir, 'msgstore.db')), false);
  });
});

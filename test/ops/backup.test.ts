import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { backupStore } from '../../src/ops/backup.js';
import { backupFilePath, manifestSchema } from '../../src/ops/backup-format.js';
import { checkStore } from '../../src/ops/check.js';
import { restoreStore } from '../../src/ops/restore.js';
import { isMailError, openStore } from '../../src/store/index.js';
import { appendMany, makeStore, message, removeDir, tempDir, type Delivered } from './fixtures.js';

const dirs: string[] = [];
const fresh = (): string => {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach(removeDir));

async function assertPresent(dataDir: string, expected: readonly Delivered[]): Promise<void> {
  const store = await openStore({ dataDir, mailRoot: join(dataDir, 'mail') });
  try {
    for (const m of expected) {
      const raw = await store.readMessage(m.mailbox, m.uid);
      assert.ok(raw.equals(m.raw), `message ${m.mailbox}/${m.uid} is intact`);
    }
  } finally {
    await store.close();
  }
}

describe('backup and restore', () => {
  test('a backup taken during deliveries restores every message acknowledged before it started', async () => {
    const source = await makeStore(join(fresh(), 'data'));
    const seeded = [...(await appendMany(source, 'alice@example.com', 40)), ...(await appendMany(source, 'bob@example.com', 20, 100))];
    const acknowledged: Delivered[] = [...seeded];
    let stop = false;
    const writer = async (address: string, base: number): Promise<number> => {
      const mailbox = await source.inbox(address);
      let n = 0;
      // Bounded in count and in time: stops when the backup is done, at 400 messages, or after 20 s.
      const deadline = Date.now() + 20_000;
      while (!stop && n < 400 && Date.now() < deadline) {
        const raw = message(base + n);
        const { uid } = await source.store.appendMessage(mailbox, raw);
        acknowledged.push({ mailbox, uid, raw });
        n++;
      }
      return n;
    };
    const writers = [writer('alice@example.com', 1000), writer('bob@example.com', 5000)];
    // Let the writers get going, then take the backup while they run.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = [...acknowledged];
    const dest = join(fresh(), 'backup');
    const phases = new Set<string>();
    const report = await backupStore({ dataDir: source.dataDir, mailRoot: source.mailRoot, dest, onProgress: (p) => phases.add(p.phase) });
    stop = true;
    const written = (await Promise.all(writers)).reduce((a, b) => a + b, 0);
    assert.ok(written > 0, 'deliveries ran during the backup');
    assert.deepEqual([...phases].sort(), ['database', 'files']);
    assert.ok(report.manifest.counts.messages >= before.length, 'the copy holds at least what was acknowledged before it');
    assert.equal(report.manifest.dropped.messages, 0);
    assert.equal(report.manifest.tls, false);
    manifestSchema.parse(JSON.parse(readFileSync(join(dest, 'manifest.json'), 'utf8')));
    // Mail is private: the backup is the owner's alone.
    assert.equal(statSync(dest).mode & 0o777, 0o700);
    assert.equal(statSync(firstFile(join(dest, 'files'))).mode & 0o077 & ~0o040, 0);

    const target = join(fresh(), 'restored');
    const restored = await restoreStore({ source: dest, dataDir: target, mailRoot: join(target, 'mail') });
    assert.equal(restored.filesCopied, report.manifest.counts.files);
    assert.deepEqual(restored.roots, [{ from: source.mailRoot, to: join(target, 'mail') }]);
    await assertPresent(target, before);

    const check = await checkStore({ dataDir: target, mailRoot: join(target, 'mail'), graceMs: 0 });
    assert.deepEqual(check.problems, []);
    assert.equal(check.scanned.messages, report.manifest.counts.messages);
    await source.close();
  });

  test('a file removed between the snapshot and its copy is left out with its rows', async () => {
    const source = await makeStore(join(fresh(), 'data'));
    const messages = await appendMany(source, 'alice@example.com', 10);
    const victim = messages[3]!;
    const victimFile = fileOf(source.mailRoot, victim.raw);
    assert.ok(existsSync(victimFile));
    const dest = join(fresh(), 'backup');
    const report = await backupStore({
      dataDir: source.dataDir,
      mailRoot: source.mailRoot,
      dest,
      // As the reaper does after an expunge that commits once the snapshot was taken.
      onProgress: (p) => {
        if (p.phase === 'files' && p.done === 0 && existsSync(victimFile)) rmSync(victimFile);
      },
    });
    assert.deepEqual(report.manifest.dropped, { messages: 1, files: 1, damaged: 0 });
    assert.equal(report.manifest.counts.messages, messages.length - 1);
    await source.close();

    const target = join(fresh(), 'restored');
    await restoreStore({ source: dest, dataDir: target, mailRoot: join(target, 'mail') });
    await assertPresent(target, messages.filter((m) => m !== victim));
    const store = await openStore({ dataDir: target });
    const status = await store.mailboxStatus(victim.mailbox);
    await store.close();
    assert.equal(status.messages, messages.length - 1);
    const check = await checkStore({ dataDir: target, mailRoot: join(target, 'mail'), graceMs: 0 });
    assert.deepEqual(check.problems, []);
  });

  test('a message file damaged on disk is left out of the copy, which still restores', async () => {
    const source = await makeStore(join(fresh(), 'data'));
    const messages = await appendMany(source, 'alice@example.com', 4);
    const damaged = messages[1]!;
    const file = fileOf(source.mailRoot, damaged.raw);
    const bytes = readFileSync(file);
    bytes[bytes.length - 4] = bytes[bytes.length - 4]! ^ 0x01;
    writeFileSync(file, bytes);
    const dest = join(fresh(), 'backup');
    const report = await backupStore({ dataDir: source.dataDir, mailRoot: source.mailRoot, dest });
    await source.close();
    assert.deepEqual(report.manifest.dropped, { messages: 1, files: 1, damaged: 1 });
    const target = join(fresh(), 'restored');
    await restoreStore({ source: dest, dataDir: target, mailRoot: join(target, 'mail') });
    await assertPresent(target, messages.filter((m) => m !== damaged));
  });

  test('backup refuses a missing store and a destination that is not empty', async () => {
    const empty = fresh();
    await assert.rejects(backupStore({ dataDir: empty, mailRoot: join(empty, 'mail'), dest: join(fresh(), 'b') }), (err) => isMailError(err, 'MS_SOURCE_DB_NOT_FOUND'));

    const notDb = fresh();
    writeFileSync(join(notDb, 'msgstore.db'), 'this is not a database at all, just text that is long enough to look like a header');
    await assert.rejects(backupStore({ dataDir: notDb, mailRoot: join(notDb, 'mail'), dest: join(fresh(), 'b') }), (err) => isMailError(err, 'MS_CANNOT_OPEN_SOURCE_DB'));

    const source = await makeStore(join(fresh(), 'data'));
    await appendMany(source, 'alice@example.com', 2);
    const busy = fresh();
    writeFileSync(join(busy, 'keep.txt'), 'mine');
    await assert.rejects(backupStore({ dataDir: source.dataDir, mailRoot: source.mailRoot, dest: busy }), (err) => isMailError(err, 'MS_CANNOT_CREATE_TARGET_DB'));
    assert.deepEqual(readdirSync(busy), ['keep.txt']);
    await source.close();
  });

  describe('restore checks the copy first', () => {
    const made: { dest: string; files: number } = { dest: '', files: 0 };
    const backupOnce = async (): Promise<string> => {
      if (!made.dest) {
        const source = await makeStore(join(fresh(), 'data'));
        await appendMany(source, 'alice@example.com', 5);
        const dest = join(fresh(), 'backup');
        const report = await backupStore({ dataDir: source.dataDir, mailRoot: source.mailRoot, dest });
        await source.close();
        made.dest = dest;
        made.files = report.manifest.counts.files;
      }
      // Each case damages its own copy of the backup.
      const copy = join(fresh(), 'copy');
      copyTree(made.dest, copy);
      return copy;
    };

    const refuses = async (backup: string, code: 'MS_SOURCE_DB_NOT_FOUND' | 'MS_CANNOT_READ_SOURCE_DB' | 'MS_CANNOT_OPEN_SOURCE_DB', pattern?: RegExp) => {
      const target = join(fresh(), 'target');
      await assert.rejects(restoreStore({ source: backup, dataDir: target, mailRoot: join(target, 'mail') }), (err) => {
        assert.ok(isMailError(err, code), `expected ${code}, got ${String(err)}`);
        if (pattern) assert.match((err as Error).message, pattern);
        return true;
      });
      assert.equal(existsSync(join(target, 'msgstore.db')), false, 'nothing was restored');
    };

    test('no manifest', async () => {
      const backup = await backupOnce();
      rmSync(join(backup, 'manifest.json'));
      await refuses(backup, 'MS_SOURCE_DB_NOT_FOUND');
    });

    test('a manifest that is not one', async () => {
      const backup = await backupOnce();
      writeFileSync(join(backup, 'manifest.json'), '{"format":"something-else"}');
      await refuses(backup, 'MS_CANNOT_READ_SOURCE_DB', /not a msgstore backup manifest/);
    });

    test('a backup made by a newer msgstore', async () => {
      const backup = await backupOnce();
      const manifest = JSON.parse(readFileSync(join(backup, 'manifest.json'), 'utf8')) as { schemaVersion: number };
      writeFileSync(join(backup, 'manifest.json'), JSON.stringify({ ...manifest, schemaVersion: 999 }));
      await refuses(backup, 'MS_CANNOT_READ_SOURCE_DB', /newer msgstore/);
    });

    test('a message file missing', async () => {
      const backup = await backupOnce();
      rmSync(firstFile(join(backup, 'files')));
      await refuses(backup, 'MS_CANNOT_READ_SOURCE_DB', /is missing/);
    });

    test('a message file changed in place', async () => {
      const backup = await backupOnce();
      const file = firstFile(join(backup, 'files'));
      const bytes = readFileSync(file);
      bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x20;
      writeFileSync(file, bytes);
      await refuses(backup, 'MS_CANNOT_READ_SOURCE_DB', /does not match its hash/);
    });

    test('a database that is not the one of the manifest', async () => {
      const backup = await backupOnce();
      const db = readFileSync(join(backup, 'msgstore.db'));
      db[db.length - 100] = db[db.length - 100]! ^ 0xff;
      writeFileSync(join(backup, 'msgstore.db'), db);
      await refuses(backup, 'MS_CANNOT_READ_SOURCE_DB', /not the one the manifest describes/);
    });

    test('an existing store is kept unless --force', async () => {
      const backup = await backupOnce();
      const target = await makeStore(join(fresh(), 'data'), ['carol@example.com']);
      await target.close();
      await assert.rejects(restoreStore({ source: backup, dataDir: target.dataDir, mailRoot: target.mailRoot }), (err) => isMailError(err, 'MS_CANNOT_CREATE_TARGET_DB'));
      const report = await restoreStore({ source: backup, dataDir: target.dataDir, mailRoot: target.mailRoot, force: true });
      assert.equal(report.replaced, true);
      const store = await openStore({ dataDir: target.dataDir });
      assert.equal(await store.findUser('carol@example.com'), null);
      assert.ok(await store.findUser('alice@example.com'));
      assert.equal((await store.listMessages(await store.getMailbox({ kind: 'user', address: 'alice@example.com' }, 'INBOX').then((m) => m.id))).length, 5);
      await store.close();
      assert.equal(backupFilePath('x', 1, 'ab'.repeat(32)), join('x', 'files', '1', 'ab', 'ab'.repeat(32)));
    });
  });
});

function fileOf(mailRoot: string, raw: Buffer): string {
  const hex = createHash('sha256').update(raw).digest('hex');
  return join(mailRoot, hex.slice(0, 2), hex);
}

function firstFile(dir: string): string {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) return join(entry.parentPath, entry.name);
  }
  throw new Error(`no file under ${dir}`);
}

function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const a = join(from, entry.name);
    const b = join(to, entry.name);
    if (entry.isDirectory()) copyTree(a, b);
    else writeFileSync(b, readFileSync(a));
  }
}

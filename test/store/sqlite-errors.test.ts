/** SQLite store: failures of the database itself map to their MailError codes. */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import { asUid } from '../../src/store/types.js';
import { migrate, type Migration } from '../../src/store/sqlite/schema.js';
import { mapDbError } from '../../src/store/sqlite/db.js';
import { message, rejectsWith, user } from './contract-helpers.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-errors-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('opening', () => {
  test('a database file that is not a database gives MS_CANNOT_OPEN_USER_DB', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'msgstore.db'), 'this is not a database, just some text that is long enough '.repeat(20));
    await rejectsWith(createSqliteStore({ dataDir: dir }), 'MS_CANNOT_OPEN_USER_DB');
  });

  test('a directory where the database file belongs gives MS_CANNOT_OPEN_USER_DB', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'msgstore.db'));
    await rejectsWith(createSqliteStore({ dataDir: dir }), 'MS_CANNOT_OPEN_USER_DB');
  });

  test('a data directory that cannot be created gives MS_CANNOT_CREATE_DIR', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    await rejectsWith(createSqliteStore({ dataDir: path.join(dir, 'file', 'data') }), 'MS_CANNOT_CREATE_DIR');
  });

  test('a schema newer than the program is refused', async () => {
    const dir = tempDir();
    const db = new Database(path.join(dir, 'msgstore.db'));
    db.pragma('user_version = 999');
    db.close();
    await rejectsWith(createSqliteStore({ dataDir: dir }), 'MS_CANNOT_OPEN_USER_DB');
  });
});

describe('migrations', () => {
  test('a fresh database is at the newest version and reopening keeps the data', async () => {
    const dir = tempDir();
    const store = await createSqliteStore({ dataDir: dir });
    await store.addUser({ address: 'keep@x.org', passwordHash: 'h' });
    await store.close();
    const db = new Database(path.join(dir, 'msgstore.db'), { readonly: true });
    assert.equal(db.pragma('user_version', { simple: true }), 1);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
    const again = await createSqliteStore({ dataDir: dir });
    assert.equal((await again.getUser('keep@x.org')).address, 'keep@x.org');
    await again.close();
  });

  test('steps run in order, each in its own transaction; a failing step leaves the previous version', () => {
    const db = new Database(':memory:');
    const steps: Migration[] = [
      { version: 2, description: 'second', up: (d) => d.exec('CREATE TABLE b (x)') },
      { version: 1, description: 'first', up: (d) => d.exec('CREATE TABLE a (x)') },
      {
        version: 3,
        description: 'broken',
        up: (d) => {
          d.exec('CREATE TABLE c (x)');
          throw new Error('step 3 fails');
        },
      },
    ];
    assert.throws(() => migrate(db, steps), /step 3 fails/);
    assert.equal(db.pragma('user_version', { simple: true }), 2);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    assert.deepEqual(tables, ['a', 'b']);
    assert.deepEqual(migrate(db, steps.slice(0, 2)), { from: 2, to: 2 });
    db.close();
  });
});

describe('a locked database', () => {
  async function lockedSetup(): Promise<{ store: SqliteStore; dir: string; other: Database.Database }> {
    const dir = tempDir();
    const store = await createSqliteStore({ dataDir: dir, busyTimeoutMs: 30 });
    const other = new Database(path.join(dir, 'msgstore.db'));
    other.pragma('busy_timeout = 0');
    return { store, dir, other };
  }

  test('writes fail with the MS_LOCKED_* code of their area while another connection holds the write lock', async () => {
    const { store, dir, other } = await lockedSetup();
    try {
      await store.addUser({ address: 'u@x.org', passwordHash: 'h' });
      await store.addUser({ address: 'm@x.org', passwordHash: 'h' });
      const inbox = await store.getMailbox(user('u@x.org'), 'INBOX');
      await store.appendMessage(inbox.id, message({ subject: 'before' }));
      other.exec('BEGIN IMMEDIATE');
      await rejectsWith(store.addUser({ address: 'v@x.org', passwordHash: 'h' }), 'MS_LOCKED_USER_DB');
      await rejectsWith(store.addShared({ address: 's@x.org', members: ['m@x.org'] }), 'MS_LOCKED_SHARED_DB');
      await rejectsWith(store.createMailbox(user('u@x.org'), 'New'), 'MS_LOCKED_MBX_DB');
      await rejectsWith(store.storeFlags(inbox.id, [asUid(1)], 'add', ['\\Seen']), 'MS_LOCKED_MSGSTAT_DB');
      await rejectsWith(store.appendMessage(inbox.id, message({ subject: 'during' })), 'MS_LOCKED_MSGSTAT_DB');
      // Readers are not blocked by a writer (WAL).
      assert.equal((await store.getUser('u@x.org')).address, 'u@x.org');
      assert.equal((await store.listMessages(inbox.id)).length, 1);
      other.exec('ROLLBACK');
      // Nothing of the failed append is left in the database; its file goes at the latest at the next start.
      assert.deepEqual(
        (await store.listMessages(inbox.id)).map((m) => m.uid),
        [1],
      );
      assert.equal((await store.mailboxStatus(inbox.id)).uidNext, 2);
      await store.close();
      const reopened = await createSqliteStore({ dataDir: dir });
      const files = fs.readdirSync(path.join(dir, 'mail'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      assert.equal(files.length, 1, 'only the committed message has a file');
      await reopened.close();
    } finally {
      other.close();
      await store.close();
    }
  });

  test('opening while another connection holds an exclusive lock gives MS_LOCKED_USER_DB', async () => {
    const dir = tempDir();
    const first = await createSqliteStore({ dataDir: dir });
    await first.close();
    const other = new Database(path.join(dir, 'msgstore.db'));
    try {
      other.pragma('locking_mode = EXCLUSIVE');
      other.exec('BEGIN EXCLUSIVE; CREATE TABLE lock_holder (x); COMMIT');
      await rejectsWith(createSqliteStore({ dataDir: dir, busyTimeoutMs: 30 }), 'MS_LOCKED_USER_DB');
    } finally {
      other.close();
    }
    const store = await createSqliteStore({ dataDir: dir, busyTimeoutMs: 30 });
    await store.close();
  });

  test('a busy error maps to the lock code of each area; other SQLite errors to the operation code', () => {
    const dir = tempDir();
    const file = path.join(dir, 'busy.db');
    const holder = new Database(file);
    holder.pragma('journal_mode = WAL');
    holder.exec('CREATE TABLE t (x)');
    const waiter = new Database(file);
    waiter.pragma('busy_timeout = 0');
    holder.exec('BEGIN IMMEDIATE');
    let busy: unknown;
    try {
      waiter.exec('INSERT INTO t VALUES (1)');
    } catch (err) {
      busy = err;
    }
    holder.exec('ROLLBACK');
    let constraint: unknown;
    try {
      waiter.exec('CREATE TABLE u (x UNIQUE); INSERT INTO u VALUES (1); INSERT INTO u VALUES (1)');
    } catch (err) {
      constraint = err;
    }
    holder.close();
    waiter.close();
    assert.ok(busy instanceof Database.SqliteError);
    for (const area of ['USER', 'SHARED', 'MBX', 'MSGSTAT', 'MSGENV', 'MSGBODY'] as const) {
      assert.equal(mapDbError(busy, area, 'read').code, `MS_LOCKED_${area}_DB`);
    }
    assert.equal(mapDbError(constraint, 'MSGENV', 'read').code, 'MS_CANNOT_OPEN_MSGENV_DB');
    assert.equal(mapDbError(constraint, 'MSGBODY', 'add').code, 'MS_CANNOT_ADD_MSGBODY_REC');
    assert.equal(mapDbError(constraint, 'MBX', 'update').code, 'MS_CANNOT_UPDATE_MBX_REC');
    assert.equal(mapDbError(constraint, 'USER', 'delete').code, 'MS_CANNOT_DELETE_USER_REC');
    const mapped = mapDbError(constraint, 'MSGSTAT', 'add');
    assert.equal(mapped.code, 'MS_CANNOT_ADD_MSGSTAT_REC');
    assert.match(mapped.detail ?? '', /SQLITE_CONSTRAINT/);
    assert.ok(!mapped.message.includes('SQLITE'), 'internal detail stays out of the message');
  });
});

/** SQLite store: message files (content addressing, sharing, removal, start-up check, write failures). */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSqliteStore, type BlobIo, type SqliteStore } from '../../src/store/sqlite/index.js';
import { defaultBlobIo } from '../../src/store/sqlite/blobs.js';
import { asUid } from '../../src/store/types.js';
import { eventually, message, rejectsWith, sharedOwner, user } from './contract-helpers.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-files-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Every regular file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

const CONTENT_PATH = /^[0-9a-f]{2}\/[0-9a-f]{64}$/;

interface Captured {
  warns: { obj: object; msg?: string }[];
  infos: { obj: object; msg?: string }[];
}
function capturingLogger(): Captured & { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void } {
  const warns: Captured['warns'] = [];
  const infos: Captured['infos'] = [];
  return {
    warns,
    infos,
    warn: (obj, msg) => warns.push({ obj, msg }),
    info: (obj, msg) => infos.push({ obj, msg }),
  };
}

async function storeWithUser(options: { blobIo?: BlobIo; home?: string } = {}): Promise<{ store: SqliteStore; dir: string }> {
  const dir = tempDir();
  const store = await createSqliteStore({ dataDir: dir, blobIo: options.blobIo });
  await store.addUser({ address: 'u@x.org', passwordHash: 'h', home: options.home ?? null });
  return { store, dir };
}

describe('message files', () => {
  test('one file per distinct content, named by its hash, shared by copies and removed with the last reference', async () => {
    const { store, dir } = await storeWithUser();
    try {
      const mailRoot = path.join(dir, 'mail');
      const inbox = await store.getMailbox(user('u@x.org'), 'INBOX');
      const other = await store.createMailbox(user('u@x.org'), 'Other');
      const raw = message({ subject: 'shared bytes' });
      await store.appendMessage(inbox.id, raw);
      await store.appendMessage(other.id, raw);
      await store.copyMessages(inbox.id, [asUid(1)], other.id);
      const files = filesUnder(mailRoot);
      assert.equal(files.length, 1);
      assert.match(files[0] ?? '', CONTENT_PATH);
      await store.removeMessages(inbox.id, [asUid(1)]);
      await store.removeMessages(other.id, [asUid(1)]);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(filesUnder(mailRoot).length, 1, 'still referenced by the copy');
      await store.removeMessages(other.id, [asUid(2)]);
      await eventually(() => filesUnder(mailRoot).length === 0);
    } finally {
      await store.close();
    }
  });

  test("files live under the owner's home when it is set; the path comes only from the hash", async () => {
    const home = path.join(tempDir(), 'home-of-u');
    const { store, dir } = await storeWithUser({ home });
    try {
      await store.addShared({ address: 'team@x.org', members: ['u@x.org'], home: path.join(home, '..', 'team-home') });
      const inbox = await store.getMailbox(user('u@x.org'), 'INBOX');
      await store.appendMessage(inbox.id, message({ subject: 'for u' }));
      const teamInbox = await store.getMailbox(sharedOwner('team@x.org'), 'INBOX');
      await store.appendMessage(teamInbox.id, message({ subject: 'for team' }));
      const homeFiles = filesUnder(home);
      assert.equal(homeFiles.length, 1);
      assert.match(homeFiles[0] ?? '', CONTENT_PATH);
      assert.equal(filesUnder(path.join(home, '..', 'team-home')).length, 1);
      assert.equal(filesUnder(path.join(dir, 'mail')).length, 0);
      assert.match((await store.readMessage(inbox.id, asUid(1))).toString(), /for u/);
    } finally {
      await store.close();
    }
  });

  test('a missing file is written again when the same content arrives', async () => {
    const { store, dir } = await storeWithUser();
    try {
      const inbox = await store.getMailbox(user('u@x.org'), 'INBOX');
      const raw = message({ subject: 'repair me' });
      await store.appendMessage(inbox.id, raw);
      const [file] = filesUnder(path.join(dir, 'mail'));
      assert.ok(file);
      fs.rmSync(path.join(dir, 'mail', file));
      await rejectsWith(store.readMessage(inbox.id, asUid(1)), 'MS_MSGFILE_NOT_FOUND');
      await store.appendMessage(inbox.id, raw);
      assert.deepEqual(await store.readMessage(inbox.id, asUid(1)), raw);
    } finally {
      await store.close();
    }
  });

  test('an append racing with the removal of the same content still stores a readable, indexed message', async () => {
    const { store, dir } = await storeWithUser();
    try {
      const inbox = await store.getMailbox(user('u@x.org'), 'INBOX');
      const raw = message({ subject: 'racing', body: 'unmistakable words\r\n' });
      await store.appendMessage(inbox.id, raw);
      // The second append finds the content stored, then its only other reference goes.
      const second = store.appendMessage(inbox.id, raw);
      await store.removeMessages(inbox.id, [asUid(1)]);
      const r = await second;
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(await store.readMessage(inbox.id, r.uid), raw);
      assert.deepEqual(await store.searchText(inbox.id, 'body', 'unmistakable'), [r.uid]);
      assert.equal((await store.getMessageDetails(inbox.id, [r.uid]))[0]?.index.headers.subject, 'racing');
      assert.equal(filesUnder(path.join(dir, 'mail')).length, 1);
    } finally {
      await store.close();
    }
  });

  test('concurrent appends share commits (group commit)', async () => {
    const { store } = await storeWithUser();
    try {
      const inbox = await store.getMailbox(user('u@x.org'), 'INBOX');
      const before = store.appendCommits;
      const n = 60;
      await Promise.all(Array.from({ length: n }, (_, i) => store.appendMessage(inbox.id, message({ subject: `g${i}` }))));
      const commits = store.appendCommits - before;
      assert.ok(commits >= 1 && commits < n, `expected fewer commits than appends, got ${commits} for ${n}`);
      assert.equal((await store.mailboxStatus(inbox.id)).messages, n);
    } finally {
      await store.close();
    }
  });

  test('one failing append in a batch does not fail the others', async () => {
    const dir = tempDir();
    const store = await createSqliteStore({ dataDir: dir });
    try {
      const raw = message({ body: 'q'.repeat(300) });
      await store.addUser({ address: 'small@x.org', passwordHash: 'h', quotaBytes: raw.length + 5 });
      await store.addUser({ address: 'big@x.org', passwordHash: 'h' });
      const small = await store.getMailbox(user('small@x.org'), 'INBOX');
      const big = await store.getMailbox(user('big@x.org'), 'INBOX');
      const results = await Promise.allSettled([
        store.appendMessage(small.id, raw),
        store.appendMessage(small.id, message({ subject: 'second', body: 'q'.repeat(300) })),
        store.appendMessage(big.id, message({ subject: 'third' })),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 2);
      const rejected = results.find((r) => r.status === 'rejected');
      assert.equal((rejected as PromiseRejectedResult).reason.code, 'MS_OVER_QUOTA');
      assert.equal((await store.mailboxStatus(small.id)).messages, 1);
      assert.equal((await store.mailboxStatus(big.id)).messages, 1);
      await eventually(() => filesUnder(path.join(dir, 'mail')).length === 2);
    } finally {
      await store.close();
    }
  });
});

describe('write failures', () => {
  test('a full disk gives MS_CANNOT_CREATE_MSGFILE and leaves no row and no temporary file', async () => {
    const written: string[] = [];
    const fullDisk: BlobIo = {
      async writeFileSynced(file, data) {
        written.push(file);
        // Half the bytes reach the disk, then it is full.
        await fs.promises.writeFile(file, data.subarray(0, data.length >> 1), { flag: 'wx' });
        const err: NodeJS.ErrnoException = new Error('ENOSPC: no space left on device, write');
        err.code = 'ENOSPC';
        throw err;
      },
    };
    const { store, dir } = await storeWithUser({ blobIo: fullDisk });
    try {
      const inbox = await store.getMailbox(user('u@x.org'), 'INBOX');
      await rejectsWith(store.appendMessage(inbox.id, message()), 'MS_CANNOT_CREATE_MSGFILE');
      assert.equal(written.length, 1, 'the writer was used');
      assert.equal(fs.existsSync(written[0] ?? ''), false, 'the partial temporary file was removed');
      assert.deepEqual(filesUnder(path.join(dir, 'mail')), []);
      assert.deepEqual(await store.listMessages(inbox.id), []);
      assert.equal((await store.mailboxStatus(inbox.id)).uidNext, 1);
    } finally {
      await store.close();
    }
  });

  test('EDQUOT behaves the same, and the store keeps working once space is back', async () => {
    let full = true;
    const quotaDisk: BlobIo = {
      async writeFileSynced(file, data) {
        if (!full) return defaultBlobIo.writeFileSynced(file, data);
        const err: NodeJS.ErrnoException = new Error('EDQUOT: disk quota exceeded');
        err.code = 'EDQUOT';
        throw err;
      },
    };
    const { store } = await storeWithUser({ blobIo: quotaDisk });
    try {
      const inbox = await store.getMailbox(user('u@x.org'), 'INBOX');
      await rejectsWith(store.appendMessage(inbox.id, message()), 'MS_CANNOT_CREATE_MSGFILE');
      full = false;
      const r = await store.appendMessage(inbox.id, message());
      assert.equal(r.uid, 1);
    } finally {
      await store.close();
    }
  });

  test('an unusable home directory gives MS_CANNOT_CREATE_MSGFILE with nothing written', async () => {
    const base = tempDir();
    fs.writeFileSync(path.join(base, 'not-a-dir'), 'x');
    const { store } = await storeWithUser({ home: path.join(base, 'not-a-dir', 'home') });
    try {
      const inbox = await store.getMailbox(user('u@x.org'), 'INBOX');
      await rejectsWith(store.appendMessage(inbox.id, message()), 'MS_CANNOT_CREATE_MSGFILE');
      assert.deepEqual(await store.listMessages(inbox.id), []);
      assert.deepEqual(filesUnder(base), ['not-a-dir']);
    } finally {
      await store.close();
    }
  });
});

describe('start-up check', () => {
  test('removes unreferenced and temporary files, keeps foreign ones, and reports missing files', async () => {
    const dir = tempDir();
    const first = await createSqliteStore({ dataDir: dir });
    await first.addUser({ address: 'u@x.org', passwordHash: 'h' });
    const inbox = await first.getMailbox(user('u@x.org'), 'INBOX');
    await first.appendMessage(inbox.id, message({ subject: 'kept' }));
    await first.appendMessage(inbox.id, message({ subject: 'will go missing' }));
    const mailRoot = path.join(dir, 'mail');
    const detail = await first.getMessageDetails(inbox.id, [asUid(2)]);
    assert.equal(detail.length, 1);
    await first.close();

    const [keptFile, missingFile] = await (async () => {
      const all = filesUnder(mailRoot);
      const contents = all.map((f) => fs.readFileSync(path.join(mailRoot, f), 'utf8'));
      return [all[contents.findIndex((c) => c.includes('kept'))], all[contents.findIndex((c) => c.includes('missing'))]];
    })();
    assert.ok(keptFile && missingFile);
    fs.rmSync(path.join(mailRoot, missingFile));
    const orphan = path.join(mailRoot, 'ee', 'e'.repeat(64));
    fs.mkdirSync(path.dirname(orphan), { recursive: true });
    fs.writeFileSync(orphan, 'nobody points at me');
    const temp = path.join(mailRoot, 'ee', `.tmp-${'e'.repeat(64)}-abcdef`);
    fs.writeFileSync(temp, 'half writ');
    // A temporary file of a writer that still runs (pid 1 always does) is not a leftover.
    const liveTemp = path.join(mailRoot, 'ee', `.tmp-${'e'.repeat(64)}-1-abcdef`);
    fs.writeFileSync(liveTemp, 'being written');
    const foreign = [
      liveTemp,
      path.join(mailRoot, 'README'),
      path.join(mailRoot, 'ee', 'notes.txt'),
      path.join(mailRoot, 'zz', 'f'.repeat(64)),
    ];
    for (const f of foreign) {
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, 'not ours');
    }

    const logger = capturingLogger();
    const second = await createSqliteStore({ dataDir: dir, logger });
    try {
      assert.deepEqual(second.startupReport, { orphansRemoved: 1, tempFilesRemoved: 1, missingFiles: 1 });
      assert.equal(fs.existsSync(orphan), false);
      assert.equal(fs.existsSync(temp), false);
      for (const f of foreign) assert.equal(fs.existsSync(f), true, `${f} is not the store's and stays`);
      assert.ok(fs.existsSync(path.join(mailRoot, keptFile)));
      const warning = logger.warns.find((w) => w.msg === 'message file is missing');
      assert.ok(warning, 'the missing file is reported');
      assert.match(JSON.stringify(warning.obj), new RegExp(path.basename(missingFile)));
      assert.match((await second.readMessage(inbox.id, asUid(1))).toString(), /kept/);
      await rejectsWith(second.readMessage(inbox.id, asUid(2)), 'MS_MSGFILE_NOT_FOUND');
      // Metadata of the message with the missing file is still there.
      assert.equal((await second.listMessages(inbox.id)).length, 2);
    } finally {
      await second.close();
    }
  });

  test('the check can be skipped by short-lived processes', async () => {
    const dir = tempDir();
    const orphan = path.join(dir, 'mail', 'ab', 'a'.repeat(64));
    fs.mkdirSync(path.dirname(orphan), { recursive: true });
    fs.writeFileSync(orphan, 'x');
    const store = await createSqliteStore({ dataDir: dir, startupCheck: false });
    await store.close();
    assert.equal(fs.existsSync(orphan), true);
  });
});

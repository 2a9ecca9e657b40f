/**
 * Import and export never let a name become a path outside where the admin pointed them:
 * - export: mailbox names with dots, "&", backslashes, look-alikes and non-ASCII become file
 *   names inside the destination only;
 * - import: maildir folder names that decode to "..", "/" or controls, or to the reserved
 *   "shared" tree, create no such mailbox; and a maildir a user controls (a home directory being
 *   migrated) cannot smuggle in files from elsewhere on the server through symbolic links.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { openStore, type Owner, type Store } from '../../src/store/index.js';
import { exportMaildir, exportMbox, type ExportReport } from '../../src/transfer/export.js';
import { importMaildir } from '../../src/transfer/import.js';

const ALICE = 'alice@example.com';
const alice: Owner = { kind: 'user', address: ALICE };
const MSG = (s: string) => Buffer.from(`From: a@example.org\r\nSubject: ${s}\r\n\r\nbody ${s}\r\n`);
const SECRET = 'SERVER-SECRET-CONTENT';

function allPaths(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      out.push(p);
      if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

describe('import/export path handling', () => {
  let dir: string;
  let store: Store;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'msgstore-sec-transfer-'));
    store = await openStore({ dataDir: join(dir, 'data') });
    await store.addUser({ address: ALICE, passwordHash: 'scrypt$test$x' });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('export writes every mailbox inside the destination, whatever its name', async () => {
    const names = ['...', '..x', 'x..', '.hidden', 'a.b/c..d', '&&', 'back\\slash', '..\\..\\win', '%2e%2e', 'caf\u00e9/\u202e', 'INBOX/..x', 'x/ ..', 'tmp', 'cur', 'new'];
    for (const name of names) {
      const box = await store.createMailbox(alice, name);
      await store.appendMessage(box.id, MSG(name));
    }
    for (const format of ['maildir', 'mbox'] as const) {
      const dest = join(dir, `out-${format}`, 'dest');
      mkdirSync(dest, { recursive: true });
      const report: ExportReport = format === 'maildir' ? await exportMaildir(store, alice, dest, { hostname: 'h' }) : await exportMbox(store, alice, dest, { hostname: 'h' });
      assert.equal(report.messages, names.length, format);
      // Nothing was written next to the destination, and everything inside stays inside.
      assert.deepEqual(readdirSync(join(dir, `out-${format}`)), ['dest'], format);
      const root = realpathSync(dest);
      for (const p of allPaths(dest)) {
        const rel = relative(root, realpathSync(p));
        assert.ok(rel !== '' && !rel.startsWith('..') && !rel.includes(`${sep}..${sep}`), `${format}: ${p}`);
        for (const level of rel.split(sep)) assert.ok(level !== '..' && level !== '.' && !level.includes('\0'), `${format}: ${rel}`);
      }
    }
  });

  test('maildir folder names that decode to "..", "/", controls or "shared" make no such mailbox', async () => {
    const src = join(dir, 'hostile-maildir');
    const folders = ['.&AC4ALg-', '.&AC4ALgAv-etc', '.&AC8-etc', '.&AAA-nul', '.shared.bob@example.com', '.Shared', '&AC4ALg-', 'ok'];
    for (const f of ['', ...folders]) {
      for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(src, f, sub), { recursive: true });
      writeFileSync(join(src, f, 'cur', `1700000000.M1.h:2,S`), MSG(`in ${f}`));
    }
    const before = (await store.listMailboxes(alice)).map((m) => m.name);
    await importMaildir(store, alice, src).catch(() => null);
    const after = (await store.listMailboxes(alice)).map((m) => m.name);
    for (const name of after.filter((n) => !before.includes(n))) {
      for (const level of name.split('/')) {
        assert.ok(level !== '' && level !== '.' && level !== '..', `created ${JSON.stringify(name)}`);
        assert.ok(!/[\x00-\x1f]/.test(level), `created ${JSON.stringify(name)}`);
      }
      assert.notEqual(name.split('/')[0]?.toLowerCase(), 'shared', `created ${JSON.stringify(name)}`);
    }
    assert.equal(await store.findShared('bob@example.com'), null);
  });

  test('a maildir cannot pull in server files through symbolic links', async () => {
    const outside = join(dir, 'outside');
    mkdirSync(join(outside, 'cur'), { recursive: true });
    writeFileSync(join(outside, 'secret.txt'), `Subject: ${SECRET}\r\n\r\n${SECRET}\r\n`);
    writeFileSync(join(outside, 'cur', '1700000001.M9.h:2,S'), `Subject: ${SECRET}-dir\r\n\r\n${SECRET}\r\n`);
    writeFileSync(join(outside, 'keywords'), `0 ${SECRET}\n`);
    const src = join(dir, 'user-maildir');
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(src, sub), { recursive: true });
    writeFileSync(join(src, 'cur', '1700000000.M1.h:2,S'), MSG('real'));
    // The user planted: a message file, a folder's cur/ and a keywords file that point elsewhere.
    symlinkSync(join(outside, 'secret.txt'), join(src, 'cur', '1700000002.M2.h:2,Sa'));
    symlinkSync(join(outside, 'keywords'), join(src, 'dovecot-keywords'));
    mkdirSync(join(src, '.Linked', 'new'), { recursive: true });
    symlinkSync(join(outside, 'cur'), join(src, '.Linked', 'cur'));
    symlinkSync(outside, join(src, '.Whole'));
    const report = await importMaildir(store, alice, src, { mailbox: 'Migrated' });
    assert.equal(report.messages, 1, `imported ${report.messages}: ${report.folders.join(',')}`);
    for (const box of await store.listMailboxes(alice)) {
      assert.ok(!box.name.startsWith('Migrated/Whole'), box.name);
      for (const m of await store.listMessages(box.id)) {
        const raw = (await store.readMessage(box.id, m.uid)).toString('latin1');
        assert.ok(!raw.includes(SECRET), `${box.name} holds a server file`);
        for (const flag of m.flags) assert.ok(!flag.includes(SECRET), `${box.name} has flag ${flag}`);
      }
    }
  });
});

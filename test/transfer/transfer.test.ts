import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AdminService } from '../../src/admin/service.js';
import { openStore } from '../../src/store/index.js';
import type { Owner, Store } from '../../src/store/types.js';
import { exportMaildir, exportMbox } from '../../src/transfer/export.js';
import { importMaildir, importMbox } from '../../src/transfer/import.js';
import { readMbox } from '../../src/transfer/mbox.js';
import { runCli } from '../helpers/cli.js';

const message = (n: number, extra = '') =>
  Buffer.from(`From: Sender ${n} <s${n}@example.org>\nTo: alice@example.com\nSubject: message ${n}\nMessage-ID: <m${n}@example.org>\n\nBody of message ${n}.\nFrom the start of a line.\n>From quoted already.\n${extra}`);

/** A maildir as Dovecot writes it: Maildir++ folders, flags in names, keywords file, mtimes as dates. */
function makeDovecotMaildir(root: string): Map<string, { raw: Buffer; flags: string[]; date: Date }[]> {
  const expected = new Map<string, { raw: Buffer; flags: string[]; date: Date }[]>();
  const folders: [string, string][] = [['', 'INBOX'], ['.Lists', 'Lists'], ['.Lists.rust', 'Lists/rust'], ['.Caf&AOk-', 'Café']];
  let n = 0;
  for (const [dirName, mailbox] of folders) {
    const dir = join(root, dirName);
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'dovecot-keywords'), '0 $Forwarded\n1 Important\n');
    const list: { raw: Buffer; flags: string[]; date: Date }[] = [];
    const specs: [string, string[]][] = [
      [':2,S', ['\\Seen']],
      [':2,FRS', ['\\Flagged', '\\Answered', '\\Seen']],
      [':2,Sab', ['\\Seen', '$Forwarded', 'Important']],
      ['', []],
    ];
    for (const [suffix, flags] of specs) {
      n++;
      const raw = message(n);
      const date = new Date(Date.UTC(2024, 0, n, 12, 0, 0));
      const file = join(dir, suffix ? 'cur' : 'new', `${1700000000 + n}.M${n}P1.host,S=${raw.length}${suffix}`);
      writeFileSync(file, raw);
      utimesSync(file, date, date);
      list.push({ raw, flags, date });
    }
    expected.set(mailbox, list);
  }
  return expected;
}

function filesIn(dir: string): Buffer[] {
  return ['cur', 'new'].flatMap((sub) => {
    try {
      return readdirSync(join(dir, sub)).map((f) => readFileSync(join(dir, sub, f)));
    } catch {
      return [];
    }
  });
}

describe('import and export', () => {
  let work = '';
  let store: Store;
  const owner: Owner = { kind: 'user', address: 'alice@example.com' };

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'msgstore-transfer-'));
    store = await openStore({ dataDir: join(work, 'data') });
    await new AdminService(store).addUser({ address: 'alice@example.com', password: 'pw' });
  });
  after(async () => {
    await store.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('a Dovecot-style maildir comes in with folders, flags, keywords and dates, and goes out byte for byte', async () => {
    const source = join(work, 'Maildir');
    const expected = makeDovecotMaildir(source);
    let total = 0;
    let ticks = 0;
    const report = await importMaildir(store, owner, source, { onTotal: (t) => (total = t), onMessage: () => ticks++ });
    assert.equal(report.messages, 16);
    assert.equal(total, 16);
    assert.equal(ticks, 16);
    for (const [name, list] of expected) {
      const mailbox = await store.getMailbox(owner, name);
      const metas = await store.listMessages(mailbox.id);
      assert.equal(metas.length, list.length, name);
      for (const want of list) {
        const meta = metas.find((m) => m.internalDate.getTime() === want.date.getTime());
        assert.ok(meta, `message dated ${want.date.toISOString()} in ${name}`);
        assert.deepEqual([...meta.flags].sort(), [...want.flags].sort());
      }
    }

    const out = join(work, 'exported');
    const exported = await exportMaildir(store, owner, out, { hostname: 'mail.test' });
    assert.equal(exported.messages, 16);
    const pairs: [string, string][] = [['', 'INBOX'], ['.Lists', 'Lists'], ['.Lists.rust', 'Lists/rust'], ['.Caf&AOk-', 'Café']];
    for (const [dirName, name] of pairs) {
      const got = filesIn(join(out, dirName)).map((b) => b.toString('latin1')).sort();
      const want = expected.get(name)!.map((m) => m.raw.toString('latin1')).sort();
      assert.deepEqual(got, want, `folder ${name} byte for byte`);
    }
    // Flags and dates travel too: re-importing the export gives the same flags.
    const seenFile = readdirSync(join(out, 'cur')).find((f) => f.endsWith(':2,FRS'));
    assert.ok(seenFile, 'flags in the exported file names');
    assert.equal(statSync(join(out, 'cur', seenFile)).mtime.getTime(), Date.UTC(2024, 0, 2, 12, 0, 0));
    assert.match(readFileSync(join(out, 'dovecot-keywords'), 'utf8'), /0 \$Forwarded\n1 Important\n/);
  });

  test('mbox round trip keeps every message, From-quoting and flags', async () => {
    const file = join(work, 'in.mbox');
    const m1 = message(101, 'From here on the line starts with From.\n');
    const m2 = Buffer.from('From: x@example.org\nStatus: RO\nX-Status: AF\nSubject: flagged\n\nshort\n');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('From s101@example.org Mon Jan  1 10:00:00 2024\n'),
        Buffer.from(m1.toString('latin1').replace(/^From here/m, '>From here').replace(/^>From quoted/m, '>>From quoted')),
        Buffer.from('\nFrom x@example.org Tue Jan  2 11:30:00 2024\n'),
        m2,
        Buffer.from('\n'),
      ]),
    );
    const report = await importMbox(store, owner, file, { mailbox: 'Imported' });
    assert.equal(report.messages, 2);
    const mailbox = await store.getMailbox(owner, 'Imported');
    const metas = await store.listMessages(mailbox.id);
    assert.equal(metas.length, 2);
    const flagged = metas.find((m) => m.flags.includes('\\Flagged'));
    assert.ok(flagged);
    assert.deepEqual([...flagged.flags].sort(), ['\\Answered', '\\Flagged', '\\Seen']);
    const stored = (await Promise.all(metas.map((m) => store.readMessage(mailbox.id, m.uid)))).map((b) => b.toString('latin1').replace(/\r\n/g, '\n'));
    assert.ok(stored.includes(m1.toString('latin1')), 'From-quoting undone on import');
    assert.ok(metas.some((m) => m.internalDate.getTime() === Date.UTC(2024, 0, 1, 10, 0, 0)));

    const outDir = join(work, 'mbox-out');
    await exportMbox(store, owner, outDir, { mailbox: 'Imported', hostname: 'mail.test' });
    const back: string[] = [];
    for await (const m of readMbox(join(outDir, 'Imported'))) back.push(m.raw.toString('latin1'));
    assert.equal(back.length, 2);
    assert.ok(back.includes(m1.toString('latin1').replace('Message-ID: <m101@example.org>\n', 'Message-ID: <m101@example.org>\nStatus: O\n')) || back.some((b) => b.includes('>From quoted already.') && b.includes('From here on')));
    assert.ok(back.some((b) => b === m2.toString('latin1')), 'a message with its own Status headers is exported unchanged');
  });

  test('errors: a path that is not a maildir, a missing mbox', async () => {
    const empty = join(work, 'empty');
    mkdirSync(empty);
    await assert.rejects(importMaildir(store, owner, empty), /not a maildir/);
    await assert.rejects(importMbox(store, owner, join(work, 'missing.mbox')), /does not exist/);
  });
});

describe('msgstore import/export commands', () => {
  test('import a maildir and export it as mbox from the command line', async () => {
    const work = mkdtempSync(join(tmpdir(), 'msgstore-transfer-cli-'));
    try {
      const data = join(work, 'data');
      const add = await runCli(['user', 'add', 'alice@example.com', '--password-stdin', '--data', data], { input: 'pw\n' });
      assert.equal(add.code, 0, add.stderr);
      makeDovecotMaildir(join(work, 'Maildir'));
      const imported = await runCli(['import', 'maildir', join(work, 'Maildir'), '--user', 'alice@example.com', '--data', data, '--json']);
      assert.equal(imported.code, 0, imported.stderr);
      assert.equal((JSON.parse(imported.stdout) as { messages: number }).messages, 16);
      const exported = await runCli(['export', 'mbox', join(work, 'out'), '--user', 'alice@example.com', '--data', data]);
      assert.equal(exported.code, 0, exported.stderr);
      assert.match(exported.stdout, /exported 16 messages/);
      const unknown = await runCli(['import', 'maildir', join(work, 'Maildir'), '--user', 'nobody@example.com', '--data', data]);
      assert.equal(unknown.code, 67);
      const badFormat = await runCli(['import', 'pst', join(work, 'Maildir'), '--user', 'alice@example.com', '--data', data]);
      assert.equal(badFormat.code, 64);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

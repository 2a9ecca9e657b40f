/**
 * Debian's mbsync (isync) syncs a whole account with a local Maildir both ways and back over
 * STARTTLS: nothing is lost or duplicated, flags travel in both directions, new folders are
 * created on either side, and a sync with no changes changes nothing.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startImap, type ImapHarness } from './imap-harness.js';
import type { Owner } from '../../src/store/types.js';

const USER = 'sync@example.com';
const PASSWORD = 'sync-pass-1';
const OWNER: Owner = { kind: 'user', address: USER };
const hasMbsync = spawnSync('mbsync', ['--version']).status === 0;

function raw(id: string): Buffer {
  return Buffer.from(`From: peer@example.org\r\nTo: ${USER}\r\nSubject: ${id}\r\nMessage-ID: <${id}@example.org>\r\n\r\nbody of ${id}\r\n`);
}

/** Message-IDs of a local Maildir folder (cur and new). */
function localIds(root: string, folder: string): string[] {
  const ids: string[] = [];
  for (const sub of ['cur', 'new']) {
    const dir = join(root, folder, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      const m = /Message-ID: <([^>]+)>/i.exec(readFileSync(join(dir, f), 'utf8'));
      ids.push(m?.[1] ?? `no-id:${f}`);
    }
  }
  return ids.sort();
}

function localFlags(root: string, folder: string, id: string): string {
  for (const sub of ['cur', 'new']) {
    const dir = join(root, folder, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (readFileSync(join(dir, f), 'utf8').includes(`<${id}@`)) return f.split(':2,')[1] ?? '';
  }
  throw new Error(`${id} not found locally`);
}

describe('IMAP with mbsync', () => {
  let h: ImapHarness;
  let dir: string;
  let config: string;
  let maildir: string;

  async function serverIds(name: string): Promise<string[]> {
    const box = await h.test.ctx.store.getMailbox(OWNER, name);
    const metas = await h.test.ctx.store.listMessages(box.id);
    const details = await h.test.ctx.store.getMessageDetails(box.id, metas.map((m) => m.uid));
    return details.map((d) => d.index.headers.messageId.replace(/[<>]/g, '').replace(/@example\.org$/, '')).sort();
  }

  async function serverFlags(name: string, id: string): Promise<string[]> {
    const box = await h.test.ctx.store.getMailbox(OWNER, name);
    const metas = await h.test.ctx.store.listMessages(box.id);
    const details = await h.test.ctx.store.getMessageDetails(box.id, metas.map((m) => m.uid));
    const d = details.find((x) => x.index.headers.messageId.includes(id));
    if (!d) throw new Error(`${id} not on the server`);
    return d.flags;
  }

  /** Runs mbsync without blocking (the server under test lives in this process). */
  async function sync(): Promise<string> {
    const child = spawn('mbsync', ['-c', config, '-a'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    assert.equal(code, 0, `mbsync failed:\n${out}`);
    return out;
  }

  const stripDomain = (ids: string[]) => ids.map((i) => i.replace(/@example\.org$/, ''));

  before(async () => {
    assert.ok(hasMbsync, 'mbsync is needed for this test: apt-get install isync');
    h = await startImap({ [USER]: PASSWORD });
    const store = h.test.ctx.store;
    dir = mkdtempSync(join(tmpdir(), 'msgstore-mbsync-'));
    maildir = join(dir, 'mail');
    mkdirSync(maildir);
    const certFile = join(dir, 'cert.pem');
    writeFileSync(certFile, h.certPem);
    const inbox = await store.getMailbox(OWNER, 'INBOX');
    for (const id of ['in1', 'in2', 'in3']) await store.appendMessage(inbox.id, raw(id));
    const archive = await store.getMailbox(OWNER, 'Archive');
    for (const id of ['ar1', 'ar2']) await store.appendMessage(archive.id, raw(id), { flags: ['\\Seen'] });
    const alpha = await store.createMailbox(OWNER, 'Projects/Alpha');
    await store.appendMessage(alpha.id, raw('al1'), { flags: ['\\Flagged'] });
    config = join(dir, 'mbsyncrc');
    writeFileSync(
      config,
      [
        'IMAPAccount test',
        'Host localhost',
        `Port ${h.imapPort}`,
        `User ${USER}`,
        `Pass ${PASSWORD}`,
        'SSLType STARTTLS',
        `CertificateFile ${certFile}`,
        '',
        'IMAPStore remote',
        'Account test',
        '',
        'MaildirStore local',
        `Path ${maildir}/`,
        `Inbox ${maildir}/INBOX`,
        'SubFolders Verbatim',
        '',
        'Channel all',
        'Far :remote:',
        'Near :local:',
        'Patterns *',
        'Create Both',
        'Expunge Both',
        'SyncState *',
        'Sync All',
        '',
      ].join('\n'),
    );
  });

  after(async () => {
    await h?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('first sync copies the whole account down', async () => {
    await sync();
    assert.deepEqual(stripDomain(localIds(maildir, 'INBOX')), ['in1', 'in2', 'in3']);
    assert.deepEqual(stripDomain(localIds(maildir, 'Archive')), ['ar1', 'ar2']);
    assert.deepEqual(stripDomain(localIds(maildir, 'Projects/Alpha')), ['al1']);
    for (const special of ['Sent', 'Drafts', 'Trash', 'Junk']) assert.ok(existsSync(join(maildir, special, 'cur')), special);
    assert.match(localFlags(maildir, 'Archive', 'ar1'), /S/);
    assert.match(localFlags(maildir, 'Projects/Alpha', 'al1'), /F/);
  });

  test('changes on both sides meet: new messages, new folders and flags, nothing duplicated', async () => {
    const store = h.test.ctx.store;
    // Local: a new message in Archive, a new folder with a message, INBOX in1 flagged.
    writeFileSync(join(maildir, 'Archive', 'new', '1700000000.local1.host'), raw('loc1'));
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, 'Local', 'Notes', sub), { recursive: true });
    writeFileSync(join(maildir, 'Local', 'Notes', 'new', '1700000001.local2.host'), raw('loc2'));
    const curDir = join(maildir, 'INBOX', 'cur');
    const newDir = join(maildir, 'INBOX', 'new');
    let moved = false;
    for (const d of [curDir, newDir]) {
      for (const f of existsSync(d) ? readdirSync(d) : []) {
        if (!readFileSync(join(d, f), 'utf8').includes('<in1@')) continue;
        const base = f.split(':2,')[0];
        renameSync(join(d, f), join(curDir, `${base}:2,F`));
        moved = true;
      }
    }
    assert.ok(moved);
    // Server: a new INBOX message, and in2 marked \Seen.
    const inbox = await store.getMailbox(OWNER, 'INBOX');
    await store.appendMessage(inbox.id, raw('in4'));
    const in2 = (await store.listMessages(inbox.id))[1];
    assert.ok(in2);
    await store.storeFlags(inbox.id, [in2.uid], 'add', ['\\Seen']);

    await sync();
    assert.deepEqual(await serverIds('Archive'), ['ar1', 'ar2', 'loc1']);
    assert.deepEqual(await serverIds('Local/Notes'), ['loc2']);
    assert.deepEqual(stripDomain(localIds(maildir, 'INBOX')), ['in1', 'in2', 'in3', 'in4']);
    assert.deepEqual(await serverIds('INBOX'), ['in1', 'in2', 'in3', 'in4']);
    assert.ok((await serverFlags('INBOX', 'in1')).includes('\\Flagged'));
    assert.match(localFlags(maildir, 'INBOX', 'in2'), /S/);
  });

  test('deletions travel both ways, and a sync without changes changes nothing', async () => {
    const store = h.test.ctx.store;
    // Server: in3 expunged. Local: ar2 marked deleted (trashed).
    const inbox = await store.getMailbox(OWNER, 'INBOX');
    const in3 = (await store.listMessages(inbox.id))[2];
    assert.ok(in3);
    await store.storeFlags(inbox.id, [in3.uid], 'add', ['\\Deleted']);
    await store.expunge(inbox.id);
    const cur = join(maildir, 'Archive', 'cur');
    for (const f of readdirSync(cur)) {
      if (readFileSync(join(cur, f), 'utf8').includes('<ar2@')) renameSync(join(cur, f), join(cur, `${f.split(':2,')[0]}:2,ST`));
    }
    await sync();
    assert.deepEqual(stripDomain(localIds(maildir, 'INBOX')), ['in1', 'in2', 'in4']);
    assert.deepEqual(await serverIds('Archive'), ['ar1', 'loc1']);
    assert.deepEqual(stripDomain(localIds(maildir, 'Archive')), ['ar1', 'loc1']);

    const before = JSON.stringify([await serverIds('INBOX'), await serverIds('Archive'), await serverIds('Local/Notes'), await serverIds('Projects/Alpha')]);
    await sync();
    await sync();
    const afterIds = JSON.stringify([await serverIds('INBOX'), await serverIds('Archive'), await serverIds('Local/Notes'), await serverIds('Projects/Alpha')]);
    assert.equal(afterIds, before);
    assert.deepEqual(stripDomain(localIds(maildir, 'INBOX')), ['in1', 'in2', 'in4']);
    assert.deepEqual(stripDomain(localIds(maildir, 'Local/Notes')), ['loc2']);
    assert.deepEqual(stripDomain(localIds(maildir, 'Projects/Alpha')), ['al1']);
  });
});

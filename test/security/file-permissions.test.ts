/**
 * Files that hold secrets are readable by their owner only, whatever the umask: the database
 * (password hashes, the text index of every message) with its WAL and shared-memory files, the
 * TLS private key, and protocol transcripts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AdminService } from '../../src/admin/service.js';
import { TranscriptDirectory } from '../../src/log/transcript.js';
import { backupStore } from '../../src/ops/backup.js';
import { dataPaths } from '../../src/server/context.js';
import { makeTestContext } from '../helpers/context.js';

const mode = (path: string) => statSync(path).mode & 0o777;

test('the database, its WAL files, the TLS key and transcripts are owner-only', async () => {
  const previous = process.umask(0o022);
  const t = await makeTestContext();
  try {
    await new AdminService(t.ctx.store).addUser({ address: 'alice@example.com', password: 'perm-pass-1' });
    const dbFiles = readdirSync(t.dataDir).filter((f) => /\.db(-wal|-shm)?$/.test(f));
    assert.ok(dbFiles.some((f) => f.endsWith('.db')) && dbFiles.some((f) => f.endsWith('-wal')), dbFiles.join(','));
    for (const f of dbFiles) assert.equal(mode(join(t.dataDir, f)).toString(8), '600', f);
    const keys = readdirSync(join(t.dataDir, 'tls')).filter((f) => /key/.test(f));
    assert.ok(keys.length > 0);
    for (const f of keys) assert.equal(mode(join(t.dataDir, 'tls', f)).toString(8), '600', f);
    const logDir = join(t.dataDir, 'log-perm');
    const transcript = new TranscriptDirectory(logDir, 'always', 1_000_000).session('imap');
    transcript?.loggedIn('alice@example.com');
    transcript?.close();
    await new Promise((r) => setTimeout(r, 100));
    const files = readdirSync(logDir);
    assert.ok(files.length === 1 && existsSync(join(logDir, files[0] ?? '')));
    assert.equal(mode(join(logDir, files[0] ?? '')).toString(8), '600');
    // A backup into an (empty) directory the admin made beforehand, open to others.
    const dest = join(t.dataDir, 'backup-dest');
    mkdirSync(dest, { mode: 0o755 });
    await backupStore({ dataDir: t.dataDir, mailRoot: dataPaths(t.ctx.config).mailRoot, dest });
    for (const f of readdirSync(dest).filter((n) => n.endsWith('.db'))) assert.equal(mode(join(dest, f)).toString(8), '600', `backup ${f}`);
  } finally {
    process.umask(previous);
    await t.cleanup();
  }
});

/**
 * Crash safety: a child appends in a loop and is killed with SIGKILL at random moments.
 * Every append it reported as done must be there after a restart, intact and exactly once,
 * and the start-up check must leave no unreferenced file behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { asUid } from '../../src/store/types.js';
import { crashMessage } from './fixtures/crash-message.js';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'append-loop.ts');
const ROUNDS = 5;

/** Runs one child until it has reported a few appends, then kills it after a random delay. */
function runAndKill(dataDir: string, mailboxId: number, round: number): Promise<Map<number, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir, String(mailboxId), String(round)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const reported = new Map<number, string>();
    let pending = '';
    let stderr = '';
    let killTimer: NodeJS.Timeout | undefined;
    const hardStop = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [uid, id] = line.split(' ');
        if (uid && id) reported.set(Number(uid), id);
      }
      // Kill at a random moment once the child is really appending (at most ~2 s later).
      if (!killTimer && reported.size > 0) {
        killTimer = setTimeout(() => child.kill('SIGKILL'), 50 + Math.floor(Math.random() * 1000));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(hardStop);
      if (killTimer) clearTimeout(killTimer);
      if (signal !== 'SIGKILL') reject(new Error(`child ended by itself (code ${code}): ${stderr}`));
      else resolve(reported);
    });
  });
}

test('appends reported done survive SIGKILL, intact and exactly once; no orphan files remain', { timeout: 90_000 }, async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-crash-'));
  try {
    const setup = await createSqliteStore({ dataDir });
    await setup.addUser({ address: 'crash@x.org', passwordHash: 'h' });
    const inbox = await setup.getMailbox({ kind: 'user', address: 'crash@x.org' }, 'INBOX');
    await setup.close();

    const reported = new Map<number, string>();
    for (let round = 0; round < ROUNDS; round++) {
      const started = Date.now();
      const got = await runAndKill(dataDir, inbox.id, round);
      t.diagnostic(`round ${round}: ${got.size} appends in ${Date.now() - started} ms`);
      assert.ok(got.size > 0, `round ${round} reported no append`);
      for (const [uid, id] of got) {
        assert.ok(!reported.has(uid), `UID ${uid} was reported twice`);
        reported.set(uid, id);
      }
    }

    const store = await createSqliteStore({ dataDir });
    try {
      t.diagnostic(`${reported.size} appends reported, start-up check: ${JSON.stringify(store.startupReport)}`);
      const all = await store.listMessages(inbox.id);
      const uids = all.map((m) => m.uid);
      assert.equal(new Set(uids).size, uids.length);
      const byId = new Map<string, number>();
      for (const meta of all) {
        const text = (await store.readMessage(inbox.id, meta.uid)).toString();
        const id = /Subject: crash (\S+)/.exec(text)?.[1];
        assert.ok(id, `UID ${meta.uid} has an unexpected content`);
        assert.deepEqual(Buffer.from(text), crashMessage(id), `UID ${meta.uid} is intact`);
        assert.equal(meta.size, crashMessage(id).length);
        byId.set(id, (byId.get(id) ?? 0) + 1);
      }
      for (const [uid, id] of reported) {
        assert.equal(byId.get(id), 1, `${id} (UID ${uid}) is stored exactly once`);
        assert.deepEqual(await store.readMessage(inbox.id, asUid(uid)), crashMessage(id));
      }
      // After the start-up check every file is referenced, and none is a leftover temporary file.
      const hashes = new Set<string>();
      for (const meta of all) {
        hashes.add(createHash('sha256').update(await store.readMessage(inbox.id, meta.uid)).digest('hex'));
      }
      const files = fs
        .readdirSync(path.join(dataDir, 'mail'), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name);
      assert.deepEqual(files.filter((f) => !hashes.has(f)), [], 'no unreferenced or temporary file remains');
      assert.equal(files.length, hashes.size);
      assert.equal(store.startupReport.missingFiles, 0);
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

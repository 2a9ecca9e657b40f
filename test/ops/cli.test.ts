/**
 * The operations commands end to end on the real program: `msgstore serve` takes LMTP
 * deliveries while `msgstore backup` copies the store; `msgstore restore` brings the copy into
 * a fresh data directory, where `msgstore check` finds it clean, then finds a missing file and
 * repairs it. /metrics and /healthz are read from the running server.
 * Needs the compiled program (node scripts/run-tests.mjs --build test/ops/).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { LmtpClient } from '../../src/lmtp/client.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { startServerProcess } from '../helpers/server-process.js';
import { message, removeDir, tempDir } from './fixtures.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeDir));

/** MSGSTORE_* variables configure the program; the test runner's own switch must not reach it. */
const env = {};
const cli = (args: string[], options: { input?: string } = {}) => runCli(args, { ...options, env });

interface Acked {
  messageId: string;
  raw: Buffer;
}

function messageIdOf(raw: Buffer): string {
  return /^Message-ID: (\S+)/im.exec(raw.toString('latin1'))?.[1] ?? '';
}

describe('backup, restore and check commands', () => {
  test('a backup taken during LMTP deliveries restores, checks clean, and check repairs', async () => {
    const root = tempDir();
    dirs.push(root);
    const data = join(root, 'data');
    const server = await startServerProcess(data, [], env);
    const acked: Acked[] = [];
    let before: Acked[] = [];
    try {
      const added = await cli(['user', 'add', 'alice@example.com', '--password-stdin', '--data', data], { input: 'alice-pass-1\n' });
      assert.equal(added.code, 0, added.stderr);

      let stop = false;
      const deliveries = (async () => {
        const { client } = await LmtpClient.connect({ host: '127.0.0.1', port: server.ports.get('lmtp')!, timeoutMs: 10_000 });
        await client.command('LHLO test.example');
        const deadline = Date.now() + 30_000;
        for (let n = 0; !stop && n < 300 && Date.now() < deadline; n++) {
          const raw = message(n);
          const result = await client.send('sender@example.org', ['alice@example.com'], raw);
          if (result.delivery[0]?.code === 250) acked.push({ messageId: messageIdOf(raw), raw });
        }
        await client.quit();
      })();
      // Some mail first, then the backup while the deliveries go on.
      const started = Date.now();
      while (acked.length < 10 && Date.now() - started < 15_000) await new Promise((resolve) => setTimeout(resolve, 20));
      before = [...acked];
      const backup = await cli(['backup', join(root, 'backup'), '--data', data, '--json']);
      const atBackupEnd = acked.length;
      stop = true;
      await deliveries;
      assert.equal(backup.code, 0, backup.stderr);
      const manifest = JSON.parse(backup.stdout) as { counts: { messages: number; users: number } };
      assert.equal(manifest.counts.users, 1);
      assert.ok(manifest.counts.messages >= before.length);
      assert.ok(atBackupEnd > before.length, 'deliveries went on during the backup');

      // The running server's metrics and health.
      const http = `http://127.0.0.1:${server.ports.get('http')}`;
      const health = await fetch(`${http}/healthz`);
      assert.equal(health.status, 200);
      const metrics = await (await fetch(`${http}/metrics`)).text();
      assert.match(metrics, new RegExp(`^msgstore_deliveries_total\\{outcome="delivered",via="lmtp"\\} ${acked.length}$`, 'm'));
      assert.match(metrics, new RegExp(`^msgstore_store_messages ${acked.length}$`, 'm'));
    } finally {
      assert.equal(await server.stop(), 0);
    }

    // Restore into a fresh data directory; every message acknowledged before the backup is there.
    const fresh = join(root, 'restored');
    const restored = await cli(['restore', join(root, 'backup'), '--data', fresh, '--json']);
    assert.equal(restored.code, 0, restored.stderr);
    const store = await openStore({ dataDir: fresh });
    const inbox = await store.getMailbox({ kind: 'user', address: 'alice@example.com' }, 'INBOX');
    const byId = new Map<string, Buffer>();
    for (const m of await store.listMessages(inbox.id)) {
      const raw = await store.readMessage(inbox.id, m.uid);
      byId.set(messageIdOf(raw), raw);
    }
    await store.close();
    for (const m of before) {
      const raw = byId.get(m.messageId);
      assert.ok(raw, `${m.messageId} was restored`);
      // Delivery put trace headers in front; the message itself follows unchanged.
      assert.ok(raw.subarray(raw.length - m.raw.length).equals(m.raw), `${m.messageId} is intact`);
    }

    // A second restore over it is refused without --force.
    const again = await cli(['restore', join(root, 'backup'), '--data', fresh]);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /MS_CANNOT_CREATE_TARGET_DB/);

    const clean = await cli(['check', '--data', fresh, '--json']);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.deepEqual((JSON.parse(clean.stdout) as { problems: unknown[] }).problems, []);

    // Lose a message file: check reports it and exits non-zero; --repair fixes it.
    const hex = createHash('sha256').update(byId.get(before[0]!.messageId)!).digest('hex');
    rmSync(join(fresh, 'mail', hex.slice(0, 2), hex));
    const found = await cli(['check', '--data', fresh]);
    assert.equal(found.code, 1);
    assert.match(found.stdout, /found 1 problem\(s\): 1 missing-file/);
    assert.match(found.stdout, /alice@example.com INBOX UID/);
    const repaired = await cli(['check', '--repair', '--data', fresh]);
    assert.equal(repaired.code, 0, repaired.stdout + repaired.stderr);
    assert.match(repaired.stdout, /repaired 1 of 1/);
    const after = await cli(['check', '--data', fresh]);
    assert.equal(after.code, 0);
    assert.match(after.stdout, /no problems found/);
    assert.ok(readdirSync(join(fresh, 'mail')).length > 0);
  });

  test('backup of a directory without a store fails with MS_SOURCE_DB_NOT_FOUND', async () => {
    const root = tempDir();
    dirs.push(root);
    const result = await cli(['backup', join(root, 'b'), '--data', join(root, 'none')]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /MS_SOURCE_DB_NOT_FOUND/);
  });
});

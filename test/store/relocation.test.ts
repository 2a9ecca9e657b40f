import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createHash } from 'node:crypto';
import { openStore } from '../../src/store/index.js';

const raw = (i: number) => Buffer.from(`From: a@example.org\r\nSubject: moved ${i}\r\n\r\nbody ${i}\r\n`);
const countFiles = (root: string) => readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).reduce((n, d) => n + readdirSync(join(root, d.name)).length, 0);

describe('moving the data directory', () => {
  test('a data directory moved or copied elsewhere keeps every message and file', async () => {
    const work = mkdtempSync(join(tmpdir(), 'msgstore-move-'));
    try {
      const first = await openStore({ dataDir: join(work, 'one') });
      await first.addUser({ address: 'alice@example.com', passwordHash: 'x' });
      const inbox = await first.getMailbox({ kind: 'user', address: 'alice@example.com' }, 'INBOX');
      for (let i = 0; i < 5; i++) await first.appendMessage(inbox.id, raw(i));
      await first.close();

      cpSync(join(work, 'one'), join(work, 'two'), { recursive: true });
      rmSync(join(work, 'one'), { recursive: true, force: true });
      const moved = await openStore({ dataDir: join(work, 'two') });
      try {
        assert.equal(moved.startupReport?.orphansRemoved, 0);
        assert.equal(moved.startupReport?.missingFiles, 0);
        assert.equal(countFiles(join(work, 'two', 'mail')), 5);
        const again = await moved.getMailbox({ kind: 'user', address: 'alice@example.com' }, 'INBOX');
        const metas = await moved.listMessages(again.id);
        assert.equal(metas.length, 5);
        for (const [i, m] of metas.entries()) assert.deepEqual(await moved.readMessage(again.id, m.uid), raw(i));
        await moved.appendMessage(again.id, raw(9));
      } finally {
        await moved.close();
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('files in a mail root the store never used are left alone at start-up', async () => {
    const work = mkdtempSync(join(tmpdir(), 'msgstore-move-'));
    try {
      const foreign = join(work, 'shared-root');
      const hash = createHash('sha256').update('someone else').digest('hex');
      mkdirSync(join(foreign, hash.slice(0, 2)), { recursive: true });
      writeFileSync(join(foreign, hash.slice(0, 2), hash), 'someone else');
      const store = await openStore({ dataDir: join(work, 'data'), mailRoot: foreign });
      try {
        assert.equal(store.startupReport?.orphansRemoved, 0);
        assert.equal(countFiles(foreign), 1);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

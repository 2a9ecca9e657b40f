/** Full disks and unwritable message directories give temporary failures over LMTP, never lost or half-stored mail. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../../src/config/schema.js';
import { createLmtpService } from '../../src/lmtp/index.js';
import { LmtpClient } from '../../src/lmtp/client.js';
import { silentLogger } from '../../src/log/logger.js';
import type { ServerContext, Service } from '../../src/server/context.js';
import { openStore, type BlobIo } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';
import { messagesIn, user } from '../delivery/helpers.js';

describe('LMTP under storage faults', () => {
  let t: TestContext;
  let dir: string;
  let store: Store;
  let service: Service;
  let port = 0;
  let diskFull = false;

  before(async () => {
    t = await makeTestContext();
    dir = mkdtempSync(join(tmpdir(), 'msgstore-faults-'));
    const blobIo: BlobIo = {
      async writeFileSynced(file, data) {
        if (diskFull) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        writeFileSync(file, data, { flag: 'wx' });
      },
    };
    store = await openStore({ dataDir: dir, mailRoot: join(dir, 'mail'), logger: silentLogger(), blobIo });
    await store.addUser({ address: 'alice@example.com', passwordHash: 'unused' });
    // A second user whose message files would go below a regular file: an unwritable directory.
    writeFileSync(join(dir, 'blocker'), 'not a directory');
    await store.addUser({ address: 'blocked@example.com', passwordHash: 'unused', home: join(dir, 'blocker', 'home') });
    const config = configSchema.parse({ ...t.ctx.config, listeners: { ...t.ctx.config.listeners, lmtp: { host: '127.0.0.1', port: 0, socket: '' } } });
    const ctx: ServerContext = { ...t.ctx, config, store };
    service = createLmtpService(ctx);
    port = (await service.start())[0]?.port ?? 0;
  });
  after(async () => {
    await service.stop();
    await store.close();
    await t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const message = Buffer.from('Subject: fault test\r\n\r\nbody\r\n');

  async function send(to: string[]): Promise<number[]> {
    const { client } = await LmtpClient.connect({ host: '127.0.0.1', port, timeoutMs: 5000 });
    try {
      await client.command('LHLO faults.test');
      const result = await client.send('x@remote.example', to, message);
      return result.delivery.map((r) => r.code);
    } finally {
      await client.quit();
    }
  }

  test('a full disk is 451 4.3.0 and nothing is stored; the retry succeeds once there is room', async () => {
    diskFull = true;
    assert.deepEqual(await send(['alice@example.com']), [451]);
    const inbox = await store.findMailbox(user('alice@example.com'), 'INBOX');
    if (inbox) assert.equal((await store.listMessages(inbox.id)).length, 0);
    diskFull = false;
    assert.deepEqual(await send(['alice@example.com']), [250]);
    assert.equal((await messagesIn(store, user('alice@example.com'), 'INBOX')).raws.length, 1);
  });

  test('an unwritable message directory fails only that recipient, temporarily', async () => {
    assert.deepEqual(await send(['blocked@example.com', 'alice@example.com']), [451, 250]);
    const blocked = await store.findMailbox(user('blocked@example.com'), 'INBOX');
    if (blocked) assert.equal((await store.listMessages(blocked.id)).length, 0);
  });
});

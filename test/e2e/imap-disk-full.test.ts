/**
 * A full disk under IMAP: APPEND and COPY answer NO [UNAVAILABLE], store nothing, the session
 * goes on, and the same commands work again once there is room.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AdminService } from '../../src/admin/service.js';
import { Authenticator } from '../../src/auth/authenticator.js';
import { createImapService } from '../../src/imap/index.js';
import { silentLogger } from '../../src/log/logger.js';
import type { ServerContext, Service } from '../../src/server/context.js';
import { openStore, type BlobIo } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';
import { RawImap } from './imap-raw-client.js';

describe('IMAP on a full disk', () => {
  let t: TestContext;
  let dir = '';
  let store: Store;
  let service: Service;
  let port = 0;
  let diskFull = false;

  before(async () => {
    t = await makeTestContext();
    dir = mkdtempSync(join(tmpdir(), 'msgstore-imap-full-'));
    const blobIo: BlobIo = {
      async writeFileSynced(file, data) {
        if (diskFull) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        writeFileSync(file, data, { flag: 'wx' });
      },
    };
    store = await openStore({ dataDir: dir, logger: silentLogger(), blobIo });
    await new AdminService(store).addUser({ address: 'alice@example.com', password: 'pw' });
    const ctx: ServerContext = { ...t.ctx, store, auth: new Authenticator(store, t.ctx.throttle, silentLogger()) };
    service = createImapService(ctx);
    port = (await service.start()).find((b) => b.service === 'imap')?.port ?? 0;
  });
  after(async () => {
    await service.stop();
    await store.close();
    await t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('APPEND and COPY answer NO [UNAVAILABLE] and store nothing; they work again once there is room', async () => {
    const message = 'From: a@example.org\r\nSubject: full\r\n\r\nbody\r\n';
    const imap = await RawImap.login(port, 'alice@example.com', 'pw');
    const first = await imap.command(`APPEND INBOX {${message.length}+}\r\n${message}`);
    assert.match(first.tagged, /OK/);

    diskFull = true;
    const refused = await imap.command(`APPEND INBOX {${message.length}+}\r\n${message.replace('full', 'second')}`);
    assert.match(refused.tagged, /^T\d+ NO \[UNAVAILABLE\]/);
    const select = await imap.command('SELECT INBOX');
    assert.ok(select.untagged.includes('* 1 EXISTS'), select.untagged.join('\n'));
    // A copy into another mailbox shares the file, so it needs no new one: only a new file fails.
    const copied = await imap.command('COPY 1 Archive');
    assert.match(copied.tagged, /OK/);

    diskFull = false;
    const again = await imap.command(`APPEND INBOX {${message.length}+}\r\n${message.replace('full', 'third')}`);
    assert.match(again.tagged, /OK \[APPENDUID \d+ 2\]/);
    const status = await imap.command('STATUS INBOX (MESSAGES)');
    assert.ok(status.untagged.some((l) => /MESSAGES 2/.test(l)), status.untagged.join('\n'));
    await imap.command('LOGOUT');
  });
});

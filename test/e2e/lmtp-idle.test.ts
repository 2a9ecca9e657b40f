/** IMAP IDLE sessions see each LMTP delivery within one second (the store notifier at work). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createImapService } from '../../src/imap/index.js';
import { createLmtpService } from '../../src/lmtp/index.js';
import { LmtpClient } from '../../src/lmtp/client.js';
import type { Service } from '../../src/server/context.js';
import { addTestUser, makeTestContext, type TestContext } from '../helpers/context.js';

/** A minimal IMAP client: send tagged commands, wait for lines matching a pattern. */
class IdleClient {
  private buffer = '';
  private lines: string[] = [];
  private wake: (() => void) | null = null;

  constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buffer += d;
      for (let i = this.buffer.indexOf('\r\n'); i >= 0; i = this.buffer.indexOf('\r\n')) {
        this.lines.push(this.buffer.slice(0, i));
        this.buffer = this.buffer.slice(i + 2);
      }
      this.wake?.();
    });
  }

  static async open(port: number): Promise<IdleClient> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new IdleClient(socket);
    await client.waitFor(/^\* OK/);
    return client;
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  async waitFor(pattern: RegExp, timeoutMs = 5000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const at = this.lines.findIndex((l) => pattern.test(l));
      if (at >= 0) {
        const [line] = this.lines.splice(0, at + 1).slice(-1);
        return line ?? '';
      }
      const left = end - Date.now();
      if (left <= 0) throw new Error(`no line matching ${pattern} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

describe('LMTP delivery and IMAP IDLE', () => {
  let t: TestContext;
  let imap: Service;
  let lmtp: Service;
  let imapPort = 0;
  let lmtpPort = 0;

  before(async () => {
    t = await makeTestContext();
    await addTestUser(t.ctx, 'alice@example.com', 'alice-password-1');
    await t.ctx.store.addShared({ address: 'team@example.com', members: ['alice@example.com'] });
    imap = createImapService(t.ctx);
    lmtp = createLmtpService(t.ctx);
    imapPort = (await imap.start()).find((b) => b.service === 'imap')?.port ?? 0;
    lmtpPort = (await lmtp.start()).find((b) => b.service === 'lmtp')?.port ?? 0;
  });
  after(async () => {
    await lmtp.stop();
    await imap.stop();
    await t.cleanup();
  });

  async function idleOn(mailbox: string): Promise<IdleClient> {
    const c = await IdleClient.open(imapPort);
    c.send('a1 LOGIN alice@example.com alice-password-1');
    await c.waitFor(/^a1 OK/);
    c.send(`a2 SELECT "${mailbox}"`);
    await c.waitFor(/^a2 OK/);
    c.send('a3 IDLE');
    await c.waitFor(/^\+ /);
    return c;
  }

  test('each delivery reaches an idling session within one second, personal and shared', async () => {
    const inbox = await idleOn('INBOX');
    const shared = await idleOn('shared/team@example.com');
    const { client: sender } = await LmtpClient.connect({ host: '127.0.0.1', port: lmtpPort, timeoutMs: 5000 });
    await sender.command('LHLO idle.test');
    try {
      for (let i = 1; i <= 3; i++) {
        const result = await sender.send('x@remote.example', ['alice@example.com'], Buffer.from(`Subject: idle ${i}\r\n\r\nhello\r\n`));
        assert.equal(result.delivery[0]?.code, 250);
        // The wait starts once LMTP answered 250 (the message is committed): within one second.
        await inbox.waitFor(new RegExp(`^\\* ${i} EXISTS`), 1000);
      }
      const result = await sender.send('x@remote.example', ['team@example.com'], Buffer.from('Subject: to the team\r\n\r\nhi\r\n'));
      assert.equal(result.delivery[0]?.code, 250);
      await shared.waitFor(/^\* 1 EXISTS/, 1000);
    } finally {
      await sender.quit();
      inbox.close();
      shared.close();
    }
  });
});

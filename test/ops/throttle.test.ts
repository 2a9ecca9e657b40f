/**
 * Failed-login throttling end to end over IMAP on real sockets: wrong passwords from one
 * address slow that address down more and more and finally block it for a while; another
 * address (127.0.0.2, as a second client) is neither slowed nor blocked; a user that exists
 * and one that does not get the same answer. Small delays keep the test quick.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createImapService } from '../../src/imap/index.js';
import type { Service } from '../../src/server/context.js';
import { addTestUser, makeTestContext, type TestContext } from '../helpers/context.js';

const AUTH = { failuresBeforeDelay: 1, maxDelayMs: 1000, blockAfterFailures: 20, blockWindowSeconds: 60, blockSeconds: 3 };

interface LoginAttempt {
  /** The tagged answer without its tag. */
  answer: string;
  ms: number;
}

/** One connection from `localAddress`: greeting, LOGIN, the tagged answer, LOGOUT. */
function login(port: number, localAddress: string, user: string, password: string): Promise<LoginAttempt> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host: '127.0.0.1', port, localAddress });
    let buffer = '';
    let sentAt = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to LOGIN from ${localAddress} in time: ${buffer}`));
    }, 10_000);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      if (sentAt === 0 && buffer.includes('\r\n')) {
        assert.match(buffer, /^\* OK/);
        buffer = '';
        sentAt = performance.now();
        socket.write(`a1 LOGIN "${user}" "${password}"\r\n`);
        return;
      }
      const tagged = /^a1 (.*)\r\n/m.exec(buffer);
      if (sentAt !== 0 && tagged) {
        clearTimeout(timer);
        const ms = performance.now() - sentAt;
        socket.end('a2 LOGOUT\r\n');
        resolve({ answer: tagged[1]!, ms });
      }
    });
  });
}

describe('login throttling over IMAP', () => {
  let t: TestContext;
  let imap: Service;
  let port: number;

  before(async () => {
    t = await makeTestContext({ auth: AUTH });
    await addTestUser(t.ctx, 'alice@example.com', 'alice-pass-1');
    await addTestUser(t.ctx, 'bob@example.com', 'bob-pass-1');
    imap = createImapService(t.ctx);
    const bound = await imap.start();
    port = bound.find((b) => b.service === 'imap')!.port;
  });

  after(async () => {
    await imap.stop();
    await t.cleanup();
  });

  test('growing delays and a temporary block for one address, none for another', async () => {
    // Each failure from 127.0.0.1 runs beside a first failure from a fresh address (127.0.0.3 ...):
    // both pay the same password-hashing time, so the difference is the throttling delay alone.
    const first: LoginAttempt[] = [];
    const excess: number[] = [];
    for (let i = 0; i < 4; i++) {
      const user = i % 2 === 0 ? 'alice@example.com' : `ghost${i}@example.com`;
      const [attempt, control] = await Promise.all([
        login(port, '127.0.0.1', user, 'wrong-password'),
        login(port, `127.0.0.${3 + i}`, `control${i}@example.com`, 'wrong-password'),
      ]);
      first.push(attempt);
      excess.push(attempt.ms - control.ms);
    }
    const [e1, e2, e3, e4] = excess as [number, number, number, number];
    // Expected delays 250, 500, 1000, 1000 ms against 250 ms for each fresh address.
    assert.ok(e1 < 300, `the first failure is not slowed more than anyone's (${Math.round(e1)} ms)`);
    assert.ok(e3 > e1 + 400 && e4 > e1 + 400, `later failures wait longer: ${excess.map(Math.round).join(', ')} ms`);
    assert.ok(e2 < e4, `the delay grows: ${excess.map(Math.round).join(', ')} ms`);
    // The same answer whether the user exists or not.
    assert.equal(new Set(first.map((a) => a.answer)).size, 1);
    assert.match(first[0]!.answer, /^NO\b/);

    // Another address is not slowed down by the first one's failures, and logs in.
    const [slowed, other] = await Promise.all([
      login(port, '127.0.0.1', 'alice@example.com', 'wrong-password'),
      login(port, '127.0.0.2', 'carol@example.com', 'wrong-password'),
    ]);
    assert.equal(other.answer, first[0]!.answer);
    assert.ok(slowed.ms - other.ms > 500, `127.0.0.2 waits less than 127.0.0.1 (${Math.round(other.ms)} vs ${Math.round(slowed.ms)} ms)`);
    assert.match((await login(port, '127.0.0.2', 'bob@example.com', 'bob-pass-1')).answer, /^OK\b/);

    // Fifteen more from 127.0.0.1 at once: twenty in all block the address.
    const rest = await Promise.all(
      Array.from({ length: 15 }, (_, i) => login(port, '127.0.0.1', i % 2 === 0 ? 'alice@example.com' : `ghost-${i}@example.com`, 'wrong-password')),
    );
    assert.ok(rest.every((a) => a.answer === first[0]!.answer));

    // Blocked: even the right password is refused from 127.0.0.1, with the same answer and the
    // full delay, while 127.0.0.2 logs in at the same moment without one.
    const [blocked, fine] = await Promise.all([
      login(port, '127.0.0.1', 'bob@example.com', 'bob-pass-1'),
      login(port, '127.0.0.2', 'bob@example.com', 'bob-pass-1'),
    ]);
    assert.equal(blocked.answer, first[0]!.answer);
    assert.ok(blocked.ms >= AUTH.maxDelayMs - 50, `blocked answers wait the full delay (${Math.round(blocked.ms)} ms)`);
    assert.match(fine.answer, /^OK\b/);

    // The block is temporary (blockSeconds = 3; it began before the blocked answer).
    await new Promise((resolve) => setTimeout(resolve, AUTH.blockSeconds * 1000));
    assert.match((await login(port, '127.0.0.1', 'bob@example.com', 'bob-pass-1')).answer, /^OK\b/);
    assert.equal(t.ctx.metrics.logins.get({ protocol: 'imap', outcome: 'failed' }), 26);
    // Every LOGIN's latency was recorded (26 refused, 3 accepted).
    assert.match(t.ctx.metrics.registry.render(), /^msgstore_command_seconds_count\{command="LOGIN",protocol="imap"\} 29$/m);
  });
});

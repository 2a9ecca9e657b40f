/**
 * Failed logins are slowed down the same way on every door: IMAP LOGIN and AUTHENTICATE, POP3
 * PASS, AUTH and APOP, and the web sign-in (user and admin) share one throttle, so an attacker
 * cannot switch protocols to guess faster. Another client address guessing another user is
 * not slowed by them, and the answers for known and unknown users are the same.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { AdminService } from '../../src/admin/service.js';
import { createImapService } from '../../src/imap/index.js';
import { createPop3Service } from '../../src/pop3/index.js';
import type { Service } from '../../src/server/context.js';
import { createHttpService, ensureAdminCredential } from '../../src/web/index.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

/** One request-response exchange over a fresh connection from `source`: the greeting, then each line. */
async function exchange(port: number, source: string, lines: string[]): Promise<{ replies: string[]; ms: number }> {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress: source });
  socket.setEncoding('latin1');
  let buf = '';
  let wake: (() => void) | null = null;
  socket.on('data', (d: string) => {
    buf += d;
    wake?.();
  });
  socket.on('error', () => undefined);
  const line = async (): Promise<string> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const nl = buf.indexOf('\r\n');
      if (nl >= 0) {
        const l = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        return l;
      }
      if (Date.now() > deadline) throw new Error(`no reply; have ${JSON.stringify(buf)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  };
  try {
    await line();
    const replies: string[] = [];
    let ms = 0;
    for (const l of lines) {
      const t0 = Date.now();
      socket.write(`${l}\r\n`);
      let reply = await line();
      // IMAP: skip untagged lines up to the tagged reply.
      while (reply.startsWith('* ')) reply = await line();
      ms = Date.now() - t0;
      replies.push(reply);
    }
    return { replies, ms };
  } finally {
    socket.destroy();
  }
}

function webLogin(port: number, source: string, user: string, password: string): Promise<{ status: number; body: string; ms: number }> {
  const t0 = Date.now();
  const body = JSON.stringify({ user, password });
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, localAddress: source, method: 'POST', path: '/api/session', headers: { 'content-type': 'application/json', accept: 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, ms: Date.now() - t0 }));
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

describe('failed logins are slowed across protocols', () => {
  let t: TestContext;
  const services: Service[] = [];
  const ports = { imap: 0, pop3: 0, http: 0 };

  before(async () => {
    // 250 ms for the first failure, then doubling up to 2 s; no blocking in this test.
    t = await makeTestContext({ auth: { failuresBeforeDelay: 1, maxDelayMs: 2000, blockAfterFailures: 1000 } });
    const admin = new AdminService(t.ctx.store);
    await admin.addUser({ address: ALICE, password: 'alice-right' });
    await admin.addUser({ address: BOB, password: 'bob-right' });
    await ensureAdminCredential(t.ctx);
    for (const service of [createImapService(t.ctx), createPop3Service(t.ctx), createHttpService(t.ctx)]) {
      services.push(service);
      for (const b of await service.start()) if (b.service in ports) ports[b.service as keyof typeof ports] = b.port;
    }
  });
  after(async () => {
    for (const s of services.reverse()) await s.stop();
    await t.cleanup();
  });

  test('each failure from one client waits longer, whichever protocol it uses', async () => {
    const src = '127.0.0.1';
    const plain = Buffer.from(`\0${ALICE}\0wrong-2`).toString('base64');
    const steps: (() => Promise<{ ok: boolean; ms: number; text: string }>)[] = [
      async () => {
        const r = await exchange(ports.imap, src, [`a LOGIN ${ALICE} wrong-1`]);
        return { ok: /^a NO \[AUTHENTICATIONFAILED\]/.test(r.replies[0] ?? ''), ms: r.ms, text: r.replies.join('|') };
      },
      async () => {
        const r = await exchange(ports.pop3, src, [`AUTH PLAIN ${plain}`]);
        return { ok: /^-ERR/.test(r.replies[0] ?? ''), ms: r.ms, text: r.replies.join('|') };
      },
      async () => {
        const r = await webLogin(ports.http, src, ALICE, 'wrong-3');
        return { ok: r.status === 401, ms: r.ms, text: `${r.status} ${r.body}` };
      },
      async () => {
        const r = await exchange(ports.pop3, src, [`USER ${ALICE}`, 'PASS wrong-4']);
        return { ok: /^-ERR/.test(r.replies[1] ?? ''), ms: r.ms, text: r.replies.join('|') };
      },
    ];
    const times: number[] = [];
    for (const step of steps) {
      const r = await step();
      assert.ok(r.ok, r.text);
      times.push(r.ms);
    }
    // 250, 500, 1000, 2000 ms as configured (allowing for scheduling slack).
    assert.ok(times[0]! >= 200, `first ${times.join(',')}`);
    assert.ok(times[1]! >= 450, `second ${times.join(',')}`);
    assert.ok(times[2]! >= 950, `third ${times.join(',')}`);
    assert.ok(times[3]! >= 1900, `fourth ${times.join(',')}`);
  });

  test('another client address guessing another user is not slowed by the first one', async () => {
    const r = await exchange(ports.imap, '127.0.0.2', [`a LOGIN ${BOB} wrong`]);
    assert.match(r.replies[0] ?? '', /^a NO/);
    // The first address would now wait 4,000 ms; this one gets the first-failure delay (250 ms)
    // plus password hashing, which a loaded machine can stretch: a wide margin keeps it honest.
    assert.ok(r.ms < 3500, `${r.ms} ms`);
    // A good password from there still works (and answers without a penalty).
    const ok = await exchange(ports.imap, '127.0.0.2', [`a LOGIN ${BOB} bob-right`]);
    assert.match(ok.replies[0] ?? '', /^a OK/);
  });

  test('the answer for an unknown user is the same as for a known one', async () => {
    const known = await exchange(ports.pop3, '127.0.0.2', [`USER ${BOB}`, 'PASS wrong']);
    const unknown = await exchange(ports.pop3, '127.0.0.2', ['USER ghost@example.com', 'PASS wrong']);
    assert.deepEqual(unknown.replies, known.replies);
    const k = await exchange(ports.imap, '127.0.0.2', [`a LOGIN ${BOB} wrong`]);
    const u = await exchange(ports.imap, '127.0.0.2', ['a LOGIN ghost@example.com wrong']);
    assert.deepEqual(u.replies, k.replies);
  });
});

/** Connection limits and the inactivity auto-logout on real sockets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startImap } from './imap-harness.js';
import { RawImap } from './imap-raw-client.js';

test('connections beyond the limit are answered with BYE and a reason', async () => {
  const h = await startImap({ 'lim@example.com': 'lim-pass-1' }, { limits: { imap: { maxConnections: 2 } } });
  const open: RawImap[] = [];
  try {
    open.push(await RawImap.connect(h.imapPort), await RawImap.connect(h.imapPort));
    const raw = await new Promise<string>((resolve) => {
      const s = net.connect(h.imapPort, '127.0.0.1');
      let data = '';
      s.on('data', (d: Buffer) => (data += d.toString()));
      s.on('close', () => resolve(data));
      s.on('error', () => resolve(data));
    });
    assert.match(raw, /^\* BYE .*Maximum number of client connections has been reached/);
    // A slot frees up when a client leaves.
    open.shift()?.close();
    await new Promise((r) => setTimeout(r, 100));
    const again = await RawImap.connect(h.imapPort);
    open.push(again);
    assert.match((await again.command('NOOP')).tagged, /OK/);
  } finally {
    for (const c of open) c.close();
    await h.stop();
  }
});

test('connections from one address beyond its limit are refused with a reason', async () => {
  const h = await startImap({}, { limits: { imap: { maxConnectionsPerIp: 1 } } });
  try {
    const first = await RawImap.connect(h.imapPort);
    const raw = await new Promise<string>((resolve) => {
      const s = net.connect(h.imapPort, '127.0.0.1');
      let data = '';
      s.on('data', (d: Buffer) => (data += d.toString()));
      s.on('close', () => resolve(data));
      s.on('error', () => resolve(data));
    });
    assert.match(raw, /^\* BYE .*Too many connections from your address/);
    assert.match((await first.command('NOOP')).tagged, /OK/);
    first.close();
  } finally {
    await h.stop();
  }
});

test('an inactive session is logged out with BYE', async () => {
  const h = await startImap({ 'idle@example.com': 'idle-pass-1' }, {}, { idleTimeoutMs: 300 });
  try {
    const c = await RawImap.login(h.imapPort, 'idle@example.com', 'idle-pass-1');
    const t0 = Date.now();
    const bye = await c.waitFor(/^\* BYE/, 3000);
    assert.match(bye.line, /Autologout/);
    assert.ok(await c.waitClosed(3000));
    assert.ok(Date.now() - t0 >= 250);
  } finally {
    await h.stop();
  }
});

test('the configured auto-logout can never be below 30 minutes', async () => {
  const { configSchema } = await import('../../src/config/schema.js');
  assert.throws(() => configSchema.parse({ timers: { imapIdleSeconds: 60 } }));
  assert.equal(configSchema.parse({}).timers.imapIdleSeconds, 1800);
});

test('stopping the service says BYE to every session', async () => {
  const h = await startImap({ 'stop@example.com': 'stop-pass-1' });
  const a = await RawImap.login(h.imapPort, 'stop@example.com', 'stop-pass-1');
  const b = await RawImap.connect(h.imapPort);
  await a.command('SELECT INBOX');
  a.send('I IDLE\r\n');
  await a.next();
  const stopping = h.stop();
  const byeA = await a.waitFor(/^\* BYE/, 3000);
  const byeB = await b.waitFor(/^\* BYE/, 3000);
  assert.match(byeA.line, /shutting down/);
  assert.match(byeB.line, /shutting down/);
  await stopping;
  assert.ok(await a.waitClosed(1000));
});

test('APPEND and COPY beyond the quota are NO [OVERQUOTA]', async () => {
  const h = await startImap({ 'quota@example.com': 'quota-pass-1' });
  try {
    await h.test.ctx.store.updateUser('quota@example.com', { quotaBytes: 300 });
    const c = await RawImap.login(h.imapPort, 'quota@example.com', 'quota-pass-1');
    const small = 'Subject: small\r\n\r\nhello\r\n';
    assert.match((await c.command(`APPEND INBOX {${small.length}+}\r\n${small}`)).tagged, /OK \[APPENDUID/);
    const big = `Subject: big\r\n\r\n${'x'.repeat(400)}\r\n`;
    assert.match((await c.command(`APPEND INBOX {${big.length}+}\r\n${big}`)).tagged, /NO \[OVERQUOTA\]/);
    await c.command('SELECT INBOX');
    for (let i = 0; i < 20; i++) {
      const r = await c.command('COPY 1 Archive');
      if (/NO/.test(r.tagged)) {
        assert.match(r.tagged, /NO \[OVERQUOTA\]/);
        c.close();
        return;
      }
    }
    assert.fail('COPY never hit the quota');
  } finally {
    await h.stop();
  }
});

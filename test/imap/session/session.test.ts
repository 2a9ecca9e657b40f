/**
 * The session state machine over an in-memory transport (no sockets): plaintext-auth rules by
 * client address, transcripts, per-user limits and parser limits switching at login.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ImapSession } from '../../../src/imap/session/session.js';
import { MemoryTransport } from './memory-transport.js';
import { addTestUser, makeTestContext, type TestContext } from '../../helpers/context.js';

/** Feeds a command and waits (bounded) until its tagged reply is out. */
async function run(session: ImapSession, t: MemoryTransport, tag: string, line: string): Promise<string> {
  const start = t.text().length;
  session.onData(Buffer.from(`${tag} ${line}\r\n`));
  for (let i = 0; i < 500; i++) {
    const text = t.text().slice(start);
    if (new RegExp(`^${tag} `, 'm').test(text) || t.closed) return text;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no reply to ${tag}`);
}

describe('IMAP session', () => {
  let tc: TestContext;
  let tcPlain: TestContext;
  before(async () => {
    tc = await makeTestContext({ limits: { imap: { maxConnectionsPerUser: 1 } } });
    await addTestUser(tc.ctx, 'sess@example.com', 'sess-pass-1');
    tcPlain = await makeTestContext({ tls: { allowPlaintextAuth: true } });
    await addTestUser(tcPlain.ctx, 'sess@example.com', 'sess-pass-1');
  });
  after(async () => {
    await tc.cleanup();
    await tcPlain.cleanup();
  });

  test('a remote client without TLS sees LOGINDISABLED and cannot log in', async () => {
    const t = new MemoryTransport('192.0.2.10');
    const s = new ImapSession({ ctx: tc.ctx, transport: t, startTlsAvailable: true });
    s.start();
    assert.match(t.text(), /LOGINDISABLED/);
    assert.doesNotMatch(t.text(), /AUTH=PLAIN/);
    assert.match(t.text(), /STARTTLS/);
    assert.match(await run(s, t, 'a', 'LOGIN sess@example.com sess-pass-1'), /^a NO \[PRIVACYREQUIRED\]/m);
    assert.match(await run(s, t, 'b', 'AUTHENTICATE PLAIN AHNlc3NAZXhhbXBsZS5jb20Ac2Vzcy1wYXNzLTE='), /^b NO \[PRIVACYREQUIRED\]/m);
    s.onClose();
  });

  test('over TLS, or when the configuration allows it, plaintext login works', async () => {
    const t = new MemoryTransport('192.0.2.10', true);
    const s = new ImapSession({ ctx: tc.ctx, transport: t, startTlsAvailable: false });
    s.start();
    assert.match(t.text(), /AUTH=PLAIN/);
    assert.doesNotMatch(t.text(), /STARTTLS|LOGINDISABLED/);
    assert.match(await run(s, t, 'a', 'LOGIN sess@example.com sess-pass-1'), /^a OK \[CAPABILITY /m);
    s.onClose();

    const t2 = new MemoryTransport('192.0.2.11');
    const s2 = new ImapSession({ ctx: tcPlain.ctx, transport: t2, startTlsAvailable: true });
    s2.start();
    assert.match(t2.text(), /AUTH=PLAIN/);
    assert.match(await run(s2, t2, 'a', 'LOGIN sess@example.com sess-pass-1'), /^a OK/m);
    s2.onClose();
  });

  test('the per-user connection limit ends the extra session with BYE', async () => {
    const t1 = new MemoryTransport('127.0.0.1');
    const s1 = new ImapSession({ ctx: tc.ctx, transport: t1, startTlsAvailable: false });
    s1.start();
    assert.match(await run(s1, t1, 'a', 'LOGIN sess@example.com sess-pass-1'), /^a OK/m);
    const t2 = new MemoryTransport('127.0.0.1');
    const s2 = new ImapSession({ ctx: tc.ctx, transport: t2, startTlsAvailable: false });
    s2.start();
    const reply = await run(s2, t2, 'a', 'LOGIN sess@example.com sess-pass-1');
    assert.match(reply, /^\* BYE Too many connections for this user/m);
    assert.ok(t2.closed);
    // Once the first session ends, its slot is free again.
    s1.onClose();
    const t3 = new MemoryTransport('127.0.0.1');
    const s3 = new ImapSession({ ctx: tc.ctx, transport: t3, startTlsAvailable: false });
    s3.start();
    assert.match(await run(s3, t3, 'a', 'LOGIN sess@example.com sess-pass-1'), /^a OK/m);
    s3.onClose();
  });

  test('every line in and out reaches the transcript hook', async () => {
    const lines: { direction: string; text: string }[] = [];
    const t = new MemoryTransport('127.0.0.1');
    const s = new ImapSession({
      ctx: tc.ctx,
      transport: t,
      startTlsAvailable: false,
      transcript: { onLine: (direction, bytes) => lines.push({ direction, text: bytes.toString() }) },
    });
    s.start();
    await run(s, t, 'x1', 'NOOP');
    assert.equal(lines[0]?.direction, 'out');
    assert.ok(lines.some((l) => l.direction === 'in' && l.text === 'x1 NOOP\r\n'));
    assert.ok(lines.some((l) => l.direction === 'out' && l.text.startsWith('x1 OK')));
    s.onClose();
  });

  test('line limits grow after login', async () => {
    const t = new MemoryTransport('127.0.0.1');
    const s = new ImapSession({ ctx: tc.ctx, transport: t, startTlsAvailable: false });
    s.start();
    const long = `NOOP ${'z'.repeat(10_000)}`;
    assert.match(await run(s, t, 'a', long), /^a BAD Command line too long/m);
    await run(s, t, 'b', 'LOGIN sess@example.com sess-pass-1');
    // After login the same length is a syntax matter, not a size one.
    assert.match(await run(s, t, 'c', long), /^c BAD Syntax/m);
    s.onClose();
  });
});

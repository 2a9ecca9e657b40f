/**
 * STARTTLS (IMAP) and STLS (POP3) command injection: plaintext a man in the middle appends
 * after the client's STARTTLS/STLS, in the same packet or in packets of its own that reach the
 * server before its OK, is never run as a command once TLS is up.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { startImap, type ImapHarness } from '../e2e/imap-harness.js';
import { startPop3, type Pop3Fixture } from '../pop3/fixture.js';

const USER = 'alice@example.com';
const PASS = 'inject-pass-1';

/** A line reader over a socket, with a time limit on every read. */
class Lines {
  private buf = '';
  private wake: (() => void) | null = null;
  closed = false;
  constructor(private readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buf += d;
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => undefined);
  }
  detach(): void {
    this.socket.removeAllListeners('data');
  }
  async line(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const nl = this.buf.indexOf('\r\n');
      if (nl >= 0) {
        const l = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 2);
        return l;
      }
      if (this.closed) throw new Error('closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; have ${JSON.stringify(this.buf)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }
  /** What is buffered and not read yet. */
  rest(): string {
    return this.buf;
  }
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Sends each piece as its own write, a moment apart, so they travel as separate packets. */
async function sendApart(socket: net.Socket, pieces: string[]): Promise<void> {
  for (const p of pieces) {
    socket.write(p);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function upgrade(socket: net.Socket): Promise<{ secure: tls.TLSSocket; lines: Lines }> {
  const secure = tls.connect({ socket, rejectUnauthorized: false, servername: 'localhost' });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('TLS handshake timed out')), 3000);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      resolve();
    });
    secure.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    secure.once('close', () => {
      clearTimeout(timer);
      reject(new Error('closed during the TLS handshake'));
    });
  });
  return { secure, lines: new Lines(secure) };
}

describe('STARTTLS / STLS injection', () => {
  let imap: ImapHarness;
  let pop: Pop3Fixture;

  before(async () => {
    imap = await startImap({ [USER]: PASS });
    pop = await startPop3();
    await pop.addUser(USER, PASS);
  });
  after(async () => {
    await imap.stop();
    await pop.cleanup();
  });

  for (const apart of [false, true]) {
    test(`IMAP: commands after STARTTLS (${apart ? 'separate packets' : 'same packet'}) are never run`, async () => {
      const socket = await connect(imap.imapPort);
      const plain = new Lines(socket);
      assert.match(await plain.line(), /^\* OK/);
      const injected = ['a STARTTLS\r\n', `b LOGIN ${USER} ${PASS}\r\n`, 'c CREATE Injected\r\n'];
      if (apart) await sendApart(socket, injected);
      else socket.write(injected.join(''));
      assert.equal(await plain.line(), 'a OK Begin TLS negotiation now');
      plain.detach();
      assert.equal(plain.rest(), '', 'nothing but the OK came before the handshake');
      // Bytes that reach the server after its OK are fed to the TLS layer and spoil the
      // handshake: the injection fails either way, and nothing was answered in plaintext.
      const upgraded = await upgrade(socket).catch(() => null);
      if (!upgraded) {
        socket.destroy();
        assert.ok(apart, 'the handshake works when nothing followed STARTTLS late');
        assert.equal(plain.rest(), '');
        assert.equal(await imap.test.ctx.store.findMailbox({ kind: 'user', address: USER }, 'Injected'), null);
        return;
      }
      const { secure, lines } = upgraded;
      try {
        secure.write('d SELECT INBOX\r\n');
        const reply = await lines.line();
        // Still not authenticated: the injected LOGIN never ran (and neither did the CREATE).
        assert.match(reply, /^d (BAD|NO)/, reply);
        assert.equal(await imap.test.ctx.store.findMailbox({ kind: 'user', address: USER }, 'Injected'), null);
      } finally {
        secure.destroy();
      }
    });

    test(`POP3: commands after STLS (${apart ? 'separate packets' : 'same packet'}) are never run`, async () => {
      const socket = await connect(pop.port);
      const plain = new Lines(socket);
      assert.match(await plain.line(), /^\+OK/);
      const injected = ['STLS\r\n', `USER ${USER}\r\n`, `PASS ${PASS}\r\n`];
      if (apart) await sendApart(socket, injected);
      else socket.write(injected.join(''));
      assert.match(await plain.line(), /^\+OK/);
      plain.detach();
      assert.equal(plain.rest(), '');
      const upgraded = await upgrade(socket).catch(() => null);
      if (!upgraded) {
        socket.destroy();
        assert.ok(apart, 'the handshake works when nothing followed STLS late');
        assert.equal(plain.rest(), '');
        return;
      }
      const { secure, lines } = upgraded;
      try {
        secure.write('STAT\r\n');
        const reply = await lines.line();
        assert.match(reply, /^-ERR/, reply);
        secure.write(`PASS ${PASS}\r\n`);
        assert.match(await lines.line(), /^-ERR/, 'the injected USER was discarded');
      } finally {
        secure.destroy();
      }
    });
  }
});

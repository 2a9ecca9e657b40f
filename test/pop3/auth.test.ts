import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { Pop3Connection } from '../../src/pop3/connection.js';
import { MaildropLocks } from '../../src/pop3/locks.js';
import { Pop3Session } from '../../src/pop3/session.js';
import { silentLogger } from '../../src/log/logger.js';
import { RawPop3Client } from './client.js';
import { sampleMessage, startPop3, type Pop3Fixture } from './fixture.js';

const plain = (authzid: string, user: string, pass: string) => Buffer.from(`${authzid}\0${user}\0${pass}`).toString('base64');
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('POP3 authorization state', () => {
  let f: Pop3Fixture;

  before(async () => {
    f = await startPop3();
    await f.addUser('alice@example.com', 'alice pw');
    await f.addUser('apop@example.com', 'unused-pass');
    await f.ctx.store.updateUser('apop@example.com', { apopSecret: 'tanstaaf' });
    await f.deliver('alice@example.com', sampleMessage(1));
  });
  after(async () => f.cleanup());

  test('greeting carries the host name and an APOP timestamp', async () => {
    const c = await RawPop3Client.connect(f.port);
    assert.match(c.greeting, /^\+OK mail\.test .*<[^<>@]+@mail\.test>$/);
    const other = await RawPop3Client.connect(f.port);
    assert.notEqual(other.greeting, c.greeting, 'each banner is unique');
    c.close();
    other.close();
  });

  test('CAPA before login lists USER, SASL, STLS and the extensions', async () => {
    const c = await RawPop3Client.connect(f.port);
    const capa = await c.multi('CAPA');
    assert.equal(capa.status.slice(0, 3), '+OK');
    const lines = capa.body.toString().trim().split('\r\n');
    for (const cap of ['TOP', 'UIDL', 'USER', 'SASL PLAIN LOGIN', 'STLS', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'IMPLEMENTATION msgstore']) {
      assert.ok(lines.includes(cap), `missing ${cap} in ${lines.join('|')}`);
    }
    c.close();
  });

  test('USER/PASS logs in; password may contain spaces; CAPA afterwards drops login capabilities', async () => {
    const c = await RawPop3Client.connect(f.port);
    assert.match(await c.command('USER alice@example.com'), /^\+OK/);
    assert.equal(await c.command('PASS alice pw'), '+OK alice@example.com has 1 messages (' + Buffer.byteLength(sampleMessage(1)) + ' octets)');
    const lines = (await c.multi('CAPA')).body.toString().trim().split('\r\n');
    assert.ok(lines.includes('TOP') && lines.includes('UIDL'));
    assert.ok(!lines.includes('USER') && !lines.includes('STLS') && !lines.some((l) => l.startsWith('SASL')));
    assert.match(await c.command('QUIT'), /^\+OK/);
    await c.waitClosed();
  });

  test('a wrong password and an unknown user get the same -ERR [AUTH]', async () => {
    const c = await RawPop3Client.connect(f.port);
    assert.match(await c.command('USER alice@example.com'), /^\+OK/);
    const wrong = await c.command('PASS nope');
    assert.match(await c.command('USER nobody@example.com'), /^\+OK/);
    const unknown = await c.command('PASS nope');
    assert.equal(wrong, '-ERR [AUTH] Authentication failed');
    assert.equal(unknown, wrong);
    // Still in AUTHORIZATION: a correct login works afterwards.
    await c.command('USER alice@example.com');
    assert.match(await c.command('PASS alice pw'), /^\+OK/);
    await c.command('QUIT');
    c.close();
  });

  test('PASS without USER, USER without a name, bad arguments', async () => {
    const c = await RawPop3Client.connect(f.port);
    assert.equal(await c.command('PASS secret'), '-ERR Send USER first');
    assert.match(await c.command('USER'), /^-ERR USER needs a user name/);
    assert.match(await c.command('APOP onlyname'), /^-ERR APOP needs a user name and a digest/);
    assert.match(await c.command('APOP someone notahexdigest'), /^-ERR APOP digest must be 32 hexadecimal digits/);
    c.close();
  });

  test('APOP logs in with MD5(banner + secret); the APOP user cannot use PASS', async () => {
    const c = await RawPop3Client.connect(f.port);
    const banner = /<[^>]+>/.exec(c.greeting)?.[0] ?? '';
    const digest = createHash('md5').update(banner + 'tanstaaf').digest('hex');
    assert.match(await c.command(`APOP apop@example.com ${createHash('md5').update('x').digest('hex')}`), /^-ERR \[AUTH\]/);
    assert.match(await c.command(`APOP apop@example.com ${digest}`), /^\+OK apop@example.com has 0 messages/);
    await c.command('QUIT');
    c.close();

    const p = await RawPop3Client.connect(f.port);
    await p.command('USER apop@example.com');
    assert.equal(await p.command('PASS unused-pass'), '-ERR [AUTH] Authentication failed');
    p.close();
  });

  test('a PASS user cannot use APOP', async () => {
    const c = await RawPop3Client.connect(f.port);
    const banner = /<[^>]+>/.exec(c.greeting)?.[0] ?? '';
    const digest = createHash('md5').update(banner + 'alice pw').digest('hex');
    assert.equal(await c.command(`APOP alice@example.com ${digest}`), '-ERR [AUTH] Authentication failed');
    c.close();
  });

  test('AUTH PLAIN with an initial response, and with an empty challenge', async () => {
    const c = await RawPop3Client.connect(f.port);
    assert.match(await c.command(`AUTH PLAIN ${plain('', 'alice@example.com', 'alice pw')}`), /^\+OK alice@example.com has/);
    assert.match(await c.command(`AUTH PLAIN ${plain('', 'alice@example.com', 'alice pw')}`), /^-ERR AUTH is not valid in the TRANSACTION state/);
    await c.command('QUIT');
    c.close();

    const d = await RawPop3Client.connect(f.port);
    assert.equal(await d.command('AUTH PLAIN'), '+ ');
    assert.match(await d.command(plain('alice@example.com', 'alice@example.com', 'alice pw')), /^\+OK/);
    await d.command('QUIT');
    d.close();
  });

  test('AUTH failures: cancel, bad base64, wrong password, foreign authzid, unknown mechanism', async () => {
    const c = await RawPop3Client.connect(f.port);
    assert.equal(await c.command('AUTH PLAIN'), '+ ');
    assert.equal(await c.command('*'), '-ERR Authentication cancelled');
    assert.match(await c.command('AUTH PLAIN AG!!'), /^-ERR Invalid base64/);
    assert.match(await c.command('AUTH PLAIN ='), /^-ERR Invalid SASL PLAIN/);
    assert.equal(await c.command(`AUTH PLAIN ${plain('', 'alice@example.com', 'wrong')}`), '-ERR [AUTH] Authentication failed');
    assert.match(await c.command(`AUTH PLAIN ${plain('apop@example.com', 'alice@example.com', 'alice pw')}`), /^-ERR \[AUTH\] Authorization identity/);
    assert.match(await c.command('AUTH CRAM-MD5'), /^-ERR Unsupported authentication mechanism/);
    const list = await c.multi('AUTH');
    assert.deepEqual(list.body.toString().trim().split('\r\n'), ['PLAIN', 'LOGIN']);
    assert.match(await c.command(`AUTH PLAIN ${plain('', 'alice@example.com', 'alice pw')}`), /^\+OK/);
    c.close();
  });

  test('AUTH LOGIN with its two challenges', async () => {
    const c = await RawPop3Client.connect(f.port);
    assert.equal(await c.command('AUTH LOGIN'), `+ ${b64('Username:')}`);
    assert.equal(await c.command(b64('alice@example.com')), `+ ${b64('Password:')}`);
    assert.match(await c.command(b64('alice pw')), /^\+OK alice@example.com has/);
    c.close();
  });

  test('STLS upgrades, refuses a second STLS, and bytes sent with STLS are discarded', async () => {
    const c = await RawPop3Client.connect(f.port);
    // A command injected after STLS in the same packet must never run.
    c.write('STLS\r\nCAPA\r\nUSER alice@example.com\r\n');
    assert.equal(await c.readLine(), '+OK Begin TLS negotiation now');
    await c.startTls();
    assert.ok(c.encrypted);
    // Had the injected USER run, this PASS would log in.
    assert.equal(await c.command('PASS alice pw'), '-ERR Send USER first');
    const capa = (await c.multi('CAPA')).body.toString();
    assert.ok(!capa.includes('STLS'), 'STLS is not offered again');
    assert.equal(await c.command('STLS'), '-ERR Command not permitted when TLS active');
    await c.command('USER alice@example.com');
    assert.match(await c.command('PASS alice pw'), /^\+OK/);
    assert.match(await c.command('STAT'), /^\+OK 1 /);
    await c.command('QUIT');
    c.close();
  });

  test('POP3S speaks TLS from the first byte and does not offer STLS', async () => {
    const c = await RawPop3Client.connect(f.tlsPort, { tls: true });
    assert.match(c.greeting, /^\+OK /);
    const capa = (await c.multi('CAPA')).body.toString();
    assert.ok(!capa.includes('STLS'));
    assert.equal(await c.command('STLS'), '-ERR Command not permitted when TLS active');
    assert.match(await c.command(`AUTH PLAIN ${plain('', 'alice@example.com', 'alice pw')}`), /^\+OK/);
    c.close();
  });

  test('transaction commands are refused before login, each with a clear error', async () => {
    const c = await RawPop3Client.connect(f.port);
    for (const cmd of ['STAT', 'LIST', 'UIDL', 'RETR 1', 'TOP 1 0', 'DELE 1', 'NOOP', 'RSET']) {
      const keyword = cmd.split(' ')[0];
      assert.equal(await c.command(cmd), `-ERR ${keyword} is not valid in the AUTHORIZATION state`);
    }
    assert.equal(await c.command('XYZZY'), '-ERR Unknown command: XYZZY');
    assert.equal(await c.command(''), '-ERR Empty command');
    assert.match(await c.command('QUIT'), /^\+OK/);
    await c.waitClosed();
  });
});

describe('POP3 plaintext refusal for remote clients', () => {
  let f: Pop3Fixture;
  let server: net.Server;
  let port = 0;

  before(async () => {
    f = await startPop3();
    await f.addUser('remote@example.com', 'pw');
    // A session as if the client were on another host: same code path, remote address replaced.
    server = net.createServer((socket) => {
      Object.defineProperty(socket, 'remoteAddress', { value: '203.0.113.9' });
      const connection = new Pop3Connection(socket, { secure: false, maxLineBytes: 1024, idleTimeoutMs: 60_000 });
      void new Pop3Session(f.ctx, connection, { locks: new MaildropLocks(), logger: silentLogger(), tlsAvailable: true }).run();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await f.cleanup();
  });

  test('USER, PASS and AUTH are refused before TLS; CAPA does not offer them; STLS then allows them', async () => {
    const c = await RawPop3Client.connect(port);
    const capa = (await c.multi('CAPA')).body.toString().split('\r\n');
    assert.ok(!capa.includes('USER') && !capa.some((l) => l.startsWith('SASL')));
    assert.ok(capa.includes('STLS'));
    assert.match(await c.command('USER remote@example.com'), /^-ERR \[AUTH\] Plaintext authentication is not allowed/);
    assert.match(await c.command('PASS pw'), /^-ERR \[AUTH\] Plaintext authentication is not allowed/);
    assert.match(await c.command(`AUTH PLAIN ${plain('', 'remote@example.com', 'pw')}`), /^-ERR \[AUTH\] Plaintext/);
    assert.equal(await c.command('STLS'), '+OK Begin TLS negotiation now');
    await c.startTls();
    const after = (await c.multi('CAPA')).body.toString().split('\r\n');
    assert.ok(after.includes('USER') && after.includes('SASL PLAIN LOGIN'));
    assert.match(await c.command('USER remote@example.com'), /^\+OK/);
    assert.match(await c.command('PASS pw'), /^\+OK remote@example.com has 0 messages/);
    c.close();
  });

  test('allowPlaintextAuth lets remote clients log in without TLS', async () => {
    const g = await startPop3({ tls: { allowPlaintextAuth: true } });
    try {
      await g.addUser('open@example.com', 'pw');
      const s = net.createServer((socket) => {
        Object.defineProperty(socket, 'remoteAddress', { value: '203.0.113.10' });
        const connection = new Pop3Connection(socket, { secure: false, maxLineBytes: 1024, idleTimeoutMs: 60_000 });
        void new Pop3Session(g.ctx, connection, { locks: new MaildropLocks(), logger: silentLogger(), tlsAvailable: true }).run();
      });
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      const c = await RawPop3Client.connect((s.address() as net.AddressInfo).port);
      await c.command('USER open@example.com');
      assert.match(await c.command('PASS pw'), /^\+OK/);
      c.close();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    } finally {
      await g.cleanup();
    }
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { isLoopbackAddress, plaintextAuthAllowed } from '../../src/net/address.js';
import { ConnectionLimits, TOO_MANY_CONNECTIONS, TOO_MANY_FOR_USER, TOO_MANY_FROM_IP } from '../../src/net/limits.js';
import { TlsProvider, validatePair } from '../../src/net/tls.js';

describe('addresses', () => {
  test('loopback detection', () => {
    for (const ip of ['127.0.0.1', '127.3.4.5', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopbackAddress(ip), true, ip);
    for (const ip of ['10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', 'fe80::1', '', undefined]) assert.equal(isLoopbackAddress(ip), false, String(ip));
  });
  test('plaintext auth only over TLS, from loopback, or when configured', () => {
    assert.equal(plaintextAuthAllowed({ allowPlaintextAuth: false }, '192.0.2.1', false), false);
    assert.equal(plaintextAuthAllowed({ allowPlaintextAuth: false }, '192.0.2.1', true), true);
    assert.equal(plaintextAuthAllowed({ allowPlaintextAuth: false }, '127.0.0.1', false), true);
    assert.equal(plaintextAuthAllowed({ allowPlaintextAuth: true }, '192.0.2.1', false), true);
  });
});

describe('connection limits', () => {
  const limits = configSchema.parse({ limits: { imap: { maxConnections: 3, maxConnectionsPerIp: 2, maxConnectionsPerUser: 1 } } }).limits;
  test('total, per IP and per user, with release', () => {
    const l = new ConnectionLimits(limits);
    const a = l.open('imap', '192.0.2.1');
    const b = l.open('imap', '192.0.2.1');
    assert.ok(a.ok && b.ok);
    assert.deepEqual(l.open('imap', '192.0.2.1'), { ok: false, reason: TOO_MANY_FROM_IP });
    const c = l.open('imap', '192.0.2.2');
    assert.ok(c.ok);
    assert.deepEqual(l.open('imap', '192.0.2.3'), { ok: false, reason: TOO_MANY_CONNECTIONS });
    assert.ok(l.open('pop3', '192.0.2.3').ok, 'protocols are counted apart');
    if (a.ok) {
      a.release();
      a.release(); // twice is harmless
    }
    assert.equal(l.count('imap'), 2);
    assert.ok(l.open('imap', '192.0.2.3').ok);
    const u = l.bindUser('imap', 'Alice@example.com');
    assert.ok(u.ok);
    assert.deepEqual(l.bindUser('imap', 'alice@example.com'), { ok: false, reason: TOO_MANY_FOR_USER });
    if (u.ok) u.release();
    assert.ok(l.bindUser('imap', 'alice@example.com').ok);
  });
});

describe('TLS material', () => {
  test('a server made by the provider serves the new certificate after a reload, with and without SNI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msgstore-tls-'));
    try {
      const provider = await TlsProvider.load({ dataDir: join(dir, 'a'), hostname: 'one.test' });
      const other = await TlsProvider.load({ dataDir: join(dir, 'b'), hostname: 'two.test' });
      const server = provider.createServer({}, (socket) => socket.end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as { port: number }).port;
      const peer = (servername?: string) =>
        new Promise<string>((resolve, reject) => {
          const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...(servername ? { servername } : {}) }, () => {
            resolve(s.getPeerCertificate().subject.CN as string);
            s.destroy();
          });
          s.once('error', reject);
        });
      assert.equal(await peer(), 'one.test');
      writeFileSync(join(dir, 'a', 'tls', 'cert.pem'), other.certificatePem());
      writeFileSync(join(dir, 'a', 'tls', 'key.pem'), readFileSync(join(dir, 'b', 'tls', 'key.pem')));
      await provider.reload();
      assert.equal(await peer(), 'two.test', 'without SNI');
      assert.equal(await peer('mail.example'), 'two.test', 'with SNI');
      await new Promise<void>((resolve) => server.close(() => resolve()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a self-signed pair is made once and reused; a mismatched pair is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msgstore-tls-'));
    try {
      const first = await TlsProvider.load({ dataDir: dir, hostname: 'mail.test' });
      const info = first.certificateInfo();
      assert.match(info.subject, /CN=mail\.test/);
      assert.equal(info.selfSigned, true);
      assert.ok(info.validTo.getTime() > Date.now() + 300 * 24 * 3600 * 1000);
      const second = await TlsProvider.load({ dataDir: dir, hostname: 'mail.test' });
      assert.equal(second.certificateInfo().fingerprint256, info.fingerprint256);
      const other = await TlsProvider.load({ dataDir: join(dir, 'other'), hostname: 'x.test' });
      assert.throws(() => validatePair(first.certificatePem(), 'not a key'), /not a valid PEM private key/);
      await assert.rejects(first.install(other.certificatePem(), 'garbage'), /private key/);
      assert.equal(first.certificateInfo().fingerprint256, info.fingerprint256, 'a refused install changes nothing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

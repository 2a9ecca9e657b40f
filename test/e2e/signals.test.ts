import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import selfsigned from 'selfsigned';
import { startServerProcess } from '../helpers/server-process.js';

/** A line-oriented raw client: send a line, wait for a line matching a pattern. */
function lineClient(socket: Socket) {
  let buffer = '';
  const waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  socket.on('data', (d: Buffer) => {
    buffer += d.toString('latin1');
    for (const w of [...waiters]) {
      const line = buffer.split('\r\n').find((l) => w.re.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  return {
    send: (line: string) => socket.write(line + '\r\n'),
    wait: (re: RegExp, ms = 10_000) =>
      new Promise<string>((resolve, reject) => {
        const found = buffer.split('\r\n').find((l) => re.test(l));
        if (found !== undefined) return resolve(found);
        waiters.push({ re, resolve });
        setTimeout(() => reject(new Error(`timed out waiting for ${re}; got ${JSON.stringify(buffer)}`)), ms);
      }),
    closed: () => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve()))),
  };
}

async function certPair(cn: string) {
  const p = await selfsigned.generate([{ name: 'commonName', value: cn }], { keySize: 2048 });
  return { cert: p.cert, key: p.private };
}

function fingerprintOf(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(s.getPeerCertificate().fingerprint256);
      s.destroy();
    });
    s.once('error', reject);
  });
}

describe('signals', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'msgstore-signals-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('SIGHUP reloads the certificate and configuration without dropping sessions', async () => {
    const first = await certPair('one.test');
    const second = await certPair('two.test');
    const certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    writeFileSync(certFile, first.cert);
    writeFileSync(keyFile, first.key);
    const configFile = join(dir, 'msgstore.json');
    writeFileSync(configFile, JSON.stringify({ tls: { certFile, keyFile }, log: { level: 'warn' } }));
    const server = await startServerProcess(join(dir, 'data'), ['--config', configFile], {}, 6);
    try {
      const imapsPort = server.ports.get('imaps')!;
      const before = await fingerprintOf(imapsPort);
      const socket = netConnect({ host: '127.0.0.1', port: server.ports.get('imap')! });
      const client = lineClient(socket);
      await client.wait(/^\* OK/);

      writeFileSync(certFile, second.cert);
      writeFileSync(keyFile, second.key);
      writeFileSync(configFile, JSON.stringify({ tls: { certFile, keyFile }, log: { level: 'info' }, limits: { maxBadCommands: 5 } }));
      server.child.kill('SIGHUP');
      for (let i = 0; i < 50 && !/configuration and certificates reloaded/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(server.output(), /configuration and certificates reloaded/);

      assert.notEqual(await fingerprintOf(imapsPort), before, 'new connections get the new certificate');
      client.send('a1 NOOP');
      assert.match(await client.wait(/^a1 /), /^a1 OK/, 'the session opened before the reload goes on');
      socket.destroy();

      // A broken configuration on SIGHUP keeps the running one.
      writeFileSync(configFile, '{ "limits": { "maxBadCommands": "many" } }');
      server.child.kill('SIGHUP');
      for (let i = 0; i < 50 && !/reload failed/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(server.output(), /reload failed, keeping the running configuration: .*maxBadCommands/s);
      assert.equal(await fingerprintOf(imapsPort), await fingerprintOf(imapsPort));
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  test('SIGTERM says BYE to IMAP sessions and closes POP3 sessions, then exits 0', async () => {
    const server = await startServerProcess(join(dir, 'data2'), [], {}, 6);
    const imap = lineClient(netConnect({ host: '127.0.0.1', port: server.ports.get('imap')! }));
    await imap.wait(/^\* OK/);
    const pop = lineClient(netConnect({ host: '127.0.0.1', port: server.ports.get('pop3')! }));
    await pop.wait(/^\+OK/);
    const exit = server.stop('SIGTERM');
    assert.match(await imap.wait(/^\* BYE/), /^\* BYE/);
    await pop.closed();
    assert.equal(await exit, 0);
  });
});

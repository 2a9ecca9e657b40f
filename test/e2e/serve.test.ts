import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { startServerProcess } from '../helpers/server-process.js';

function greeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => undefined);
    socket.once('data', (d: Buffer) => {
      resolve(d.toString('latin1'));
      socket.destroy();
    });
    socket.once('error', reject);
    setTimeout(() => reject(new Error('no greeting')), 5000);
  });
}

describe('msgstore serve', () => {
  let dataDir = '';
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'msgstore-serve-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('starts every listener, prints one line each and the admin password once, and stops on SIGTERM', async () => {
    const server = await startServerProcess(dataDir, [], {}, 6);
    try {
      for (const name of ['imap', 'imaps', 'pop3', 'pop3s', 'lmtp', 'http']) assert.ok(server.ports.get(name)! > 0, `${name} port`);
      assert.match(server.output(), /msgstore: lmtp-unix listening on \S+lmtp\.sock/);
      assert.match(server.output(), /web admin user "admin" created with password: \S{12,}/);
      assert.match(await greeting(server.ports.get('imap')!), /^\* OK \[CAPABILITY [^\]]*IMAP4rev1/);
      assert.match(await greeting(server.ports.get('pop3')!), /^\+OK/);
      assert.match(await greeting(server.ports.get('lmtp')!), /^220 /);
      const health = await fetch(`http://127.0.0.1:${server.ports.get('http')}/api/openapi.json`);
      assert.equal(health.status, 200);
    } finally {
      assert.equal(await server.stop('SIGTERM'), 0);
    }
    assert.match(server.output(), /msgstore: stopped/);

    const again = await startServerProcess(dataDir, [], {}, 6);
    try {
      assert.doesNotMatch(again.output(), /created with password/, 'the admin password is printed on the first start only');
    } finally {
      await again.stop();
    }
  });

  test('listeners can be switched off', async () => {
    const server = await startServerProcess(dataDir, [], { MSGSTORE_LISTENERS__POP3__ENABLED: 'false', MSGSTORE_LISTENERS__POP3S__ENABLED: 'false', MSGSTORE_LISTENERS__HTTP__ENABLED: 'false' }, 3);
    try {
      assert.equal(server.ports.has('pop3'), false);
      assert.equal(server.ports.has('http'), false);
      assert.ok(server.ports.has('imap'));
    } finally {
      await server.stop();
    }
  });

  test('a bad configuration or a port in use stops the start with a clear message', async () => {
    const bad = await runCli(['serve', '--data', dataDir, '--imap-port', 'x']);
    assert.equal(bad.code, 64);
    assert.match(bad.stderr, /--imap-port takes a port number/);
    const badEnv = await runCli(['serve', '--data', dataDir], { env: { MSGSTORE_LIMITS__MAX_BAD_COMMANDS: '0' } });
    assert.equal(badEnv.code, 78);
    assert.match(badEnv.stderr, /limits\.maxBadCommands/);

    const first = await startServerProcess(dataDir, [], {}, 6);
    try {
      const port = String(first.ports.get('imap'));
      const other = mkdtempSync(join(tmpdir(), 'msgstore-serve-'));
      try {
        const clash = await runCli(['serve', '--data', other, '--host', '127.0.0.1', '--imap-port', port, '--imaps-port', '0', '--pop3-port', '0', '--pop3s-port', '0', '--lmtp-port', '0', '--http-port', '0']);
        assert.notEqual(clash.code, 0);
        assert.match(clash.stderr, /EADDRINUSE|in use/);
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    } finally {
      await first.stop();
    }
  });
});

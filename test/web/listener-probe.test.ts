import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { isListening, probeListeners } from '../../src/web/listener-probe.js';

describe('listener status probe', () => {
  test('a listening port is running, a closed one stopped; off and port 0 are left as they are', async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const open = (server.address() as AddressInfo).port;
    const closedServer = createServer();
    await new Promise<void>((resolve) => closedServer.listen(0, '127.0.0.1', () => resolve()));
    const closed = (closedServer.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closedServer.close(() => resolve()));
    try {
      assert.equal(await isListening('0.0.0.0', open), true);
      assert.equal(await isListening('127.0.0.1', closed), false);
      const states = await probeListeners([
        { name: 'imap', enabled: true, host: '127.0.0.1', port: open, state: 'configured' },
        { name: 'pop3', enabled: true, host: '127.0.0.1', port: closed, state: 'configured' },
        { name: 'pop3s', enabled: false, host: '127.0.0.1', port: 995, state: 'off' },
        { name: 'lmtp', enabled: true, host: '127.0.0.1', port: 0, state: 'configured' },
      ]);
      assert.deepEqual(states.map((s) => s.state), ['running', 'stopped', 'off', 'configured']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

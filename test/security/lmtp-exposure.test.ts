/**
 * LMTP delivers without authentication, so it listens on loopback unless the configuration
 * file says otherwise: `serve --host` opens the client listeners to the network but moves LMTP
 * only to another loopback address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveFlagsToConfig } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/config/load.js';

function configFor(host: string) {
  const { flags, sources } = serveFlagsToConfig({ host, lmtpPort: '2424' });
  return loadConfig({ env: {}, flags, flagSources: sources });
}

test('serve --host with a network address leaves LMTP on loopback', () => {
  for (const host of ['0.0.0.0', '::', '192.0.2.10']) {
    const config = configFor(host);
    assert.equal(config.host, host);
    assert.equal(config.listeners.lmtp.host, '127.0.0.1', host);
    assert.equal(config.listeners.lmtp.port, 2424);
  }
});

test('serve --host with a loopback address moves LMTP along', () => {
  for (const host of ['127.0.0.1', '127.0.0.2', '::1']) assert.equal(configFor(host).listeners.lmtp.host, host);
});

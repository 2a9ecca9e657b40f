import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, configFromEnv, loadConfig, stripJsonComments } from '../../src/config/load.js';
import { serveFlagsToConfig } from '../../src/cli/serve.js';

describe('configuration', () => {
  test('defaults are complete and valid', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.dataDir, './data');
    assert.equal(config.listeners.imap.port, 143);
    assert.equal(config.listeners.lmtp.host, '127.0.0.1');
    assert.equal(config.timers.imapIdleSeconds, 1800);
    assert.equal(config.tls.allowPlaintextAuth, false);
  });

  test('the annotated example file loads and equals the defaults it documents', () => {
    const fromExample = loadConfig({ file: 'msgstore.example.jsonc', env: {} });
    assert.deepEqual(fromExample, loadConfig({ env: {} }));
  });

  test('comments are stripped outside strings only', () => {
    const text = '{ "a": "x // not a comment", /* block */ "b": "/* kept */" } // tail';
    assert.deepEqual(JSON.parse(stripJsonComments(text)), { a: 'x // not a comment', b: '/* kept */' });
  });

  test('environment overrides the file and flags override the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msgstore-config-'));
    try {
      const file = join(dir, 'c.jsonc');
      writeFileSync(file, '{ "listeners": { "imap": { "port": 1 }, "pop3": { "port": 2 } }, "dataDir": "/from/file" }');
      const config = loadConfig({
        file,
        env: { MSGSTORE_LISTENERS__POP3__PORT: '20', MSGSTORE_DATA: '/from/env', MSGSTORE_LIMITS__MAX_MESSAGE_BYTES: '4096' },
        flags: { dataDir: '/from/flag' },
      });
      assert.equal(config.listeners.imap.port, 1);
      assert.equal(config.listeners.pop3.port, 20);
      assert.equal(config.dataDir, '/from/flag');
      assert.equal(config.limits.maxMessageBytes, 4096);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('MSGSTORE_ variables map to nested camelCase keys', () => {
    const { values } = configFromEnv({ MSGSTORE_TIMERS__IMAP_IDLE_SECONDS: '3600', MSGSTORE_TLS__ALLOW_PLAINTEXT_AUTH: 'true', OTHER: 'x' });
    assert.deepEqual(values, { timers: { imapIdleSeconds: 3600 }, tls: { allowPlaintextAuth: true } });
  });

  test('a bad value names the key, its source and what is allowed', () => {
    assert.throws(
      () => loadConfig({ env: { MSGSTORE_LISTENERS__IMAP__PORT: 'abc' } }),
      (err: unknown) => err instanceof ConfigError && /listeners\.imap\.port/.test(err.message) && /MSGSTORE_LISTENERS__IMAP__PORT/.test(err.message) && /number/.test(err.message),
    );
    assert.throws(() => loadConfig({ env: {}, flags: { listeners: { http: { port: 70000 } } } }), /listeners\.http\.port/);
  });

  test('an unknown key is refused by name', () => {
    assert.throws(() => loadConfig({ env: { MSGSTORE_IMAP_PORTT: '1' } }), (err: unknown) => err instanceof ConfigError && /unknown key imapPortt/.test(err.message) && /MSGSTORE_IMAP_PORTT/.test(err.message));
  });

  test('auto-logout timers may not go below the RFC minimums', () => {
    assert.throws(() => loadConfig({ env: { MSGSTORE_TIMERS__IMAP_IDLE_SECONDS: '60' } }), /timers\.imapIdleSeconds/);
    assert.throws(() => loadConfig({ env: { MSGSTORE_TIMERS__POP3_IDLE_SECONDS: '599' } }), /timers\.pop3IdleSeconds/);
  });

  test('a file that is not JSON gets a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msgstore-config-'));
    try {
      const file = join(dir, 'bad.json');
      writeFileSync(file, '{ "dataDir": ');
      assert.throws(() => loadConfig({ file, env: {} }), /is not valid JSON/);
      assert.throws(() => loadConfig({ file: join(dir, 'missing.json'), env: {} }), /cannot read configuration file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('serve flags become configuration with their sources', () => {
    const { flags, sources } = serveFlagsToConfig({ imapPort: '1143', data: '/d', relay: 'smtp.example.com:587', host: '127.0.0.1' });
    const config = loadConfig({ env: {}, flags, flagSources: sources });
    assert.equal(config.listeners.imap.port, 1143);
    assert.equal(config.listeners.lmtp.host, '127.0.0.1');
    assert.equal(config.relay.host, 'smtp.example.com');
    assert.equal(config.relay.port, 587);
    assert.throws(() => serveFlagsToConfig({ imapPort: 'x' }), /--imap-port takes a port number/);
    assert.throws(() => serveFlagsToConfig({ relay: 'nohost' }), /--relay takes HOST:PORT/);
  });
});

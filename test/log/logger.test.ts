import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createLogger, readableLine } from '../../src/log/logger.js';

describe('logger', () => {
  test('readable lines: fields as key=value, control characters quoted so nothing fakes a line', () => {
    const line = readableLine(JSON.stringify({ time: Date.UTC(2026, 0, 1, 12, 4, 31), level: 40, msg: 'login failed', user: 'eve\n12:00:00 INFO login ok', ip: '192.0.2.1', pid: 1 }));
    assert.equal(line, '12:04:31 WARN login failed user="eve\\n12:00:00 INFO login ok" ip=192.0.2.1');
    assert.equal(readableLine('not json'), 'not json');
  });

  test('the log file is owner-only and secrets are redacted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msgstore-log-'));
    try {
      const logger = createLogger({ level: 'info', dir, console: false });
      logger.info({ user: 'alice@example.com', password: 'hunter2' }, 'login ok');
      const file = join(dir, 'msgstore.log');
      const written = () => existsSync(file) && readFileSync(file, 'utf8').includes('login ok');
      // The file is opened and written asynchronously; flush once it is open.
      for (let i = 0; i < 100 && !written(); i++) {
        await new Promise((r) => setTimeout(r, 20));
        if (existsSync(file)) logger.flush();
      }
      const text = readFileSync(file, 'utf8');
      assert.match(text, /"user":"alice@example\.com"/);
      assert.ok(!text.includes('hunter2'));
      assert.equal(statSync(file).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleMessage, startPop3, type Pop3Fixture } from '../pop3/fixture.js';

const SCRIPT = join(import.meta.dirname, 'python', 'pop3_protocol.py');

function runPython(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('python3', args, { timeout: 90_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('POP3 with Python poplib', () => {
  let f: Pop3Fixture;
  let dir = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'msgstore-poplib-'));
    f = await startPop3();
  });
  after(async () => {
    await f.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every command, state errors, pipelining, dot-stuffing, TOP, UIDL stability, APOP, STLS', async () => {
    const user = 'pat@example.com';
    await f.addUser(user, 'correct horse');
    await f.addUser('apop@example.com', 'not-usable');
    await f.ctx.store.updateUser('apop@example.com', { apopSecret: 'tanstaaf' });
    const messages = [
      sampleMessage(1),
      sampleMessage(2, '.starts with a dot\r\n..two dots\r\n.\r\nafter a lone dot\r\n'),
      sampleMessage(3, 'line 1\r\nline 2\r\nline 3\r\n'),
      `Subject: long header\r\nX-Long: ${'z'.repeat(3000)}\r\n\r\n${'body line\r\n'.repeat(500)}`,
      'Subject: no final line end\r\n\r\nthe last line has no CRLF',
    ];
    for (const m of messages) await f.deliver(user, m);
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        host: '127.0.0.1',
        port: f.port,
        tlsPort: f.tlsPort,
        user,
        password: 'correct horse',
        apop: { user: 'apop@example.com', secret: 'tanstaaf', password: 'not-usable' },
        messages: messages.map((m) => Buffer.from(m).toString('base64')),
      }),
    );
    const result = await runPython([SCRIPT, config]);
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /all POP3 protocol checks passed/);
    // The deletions the script made really happened in the store.
    assert.equal((await f.ctx.store.listMessages(await f.inboxId(user))).length, messages.length - 1);
  });
});

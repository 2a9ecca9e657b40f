import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

/** Sends lines one at a time, each after the previous reply arrived; returns the replies. */
async function converse(port: number, lines: string[], replyEnds: RegExp): Promise<string> {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  const until = async (count: number) => {
    for (let i = 0; i < 200 && (text.match(replyEnds) ?? []).length < count; i++) await new Promise((r) => setTimeout(r, 20));
  };
  await until(1);
  let expected = 1;
  for (const line of lines) {
    socket.write(line + '\r\n');
    await until(++expected);
  }
  socket.destroy();
  await new Promise((r) => setTimeout(r, 200));
  return text;
}

describe('per-session transcripts through msgstore serve', () => {
  let dir = '';
  let server: ServerProcess;
  const logDir = () => join(dir, 'data', 'log');
  const transcripts = (prefix: string) => readdirSync(logDir()).filter((f) => f.startsWith(prefix) && f.endsWith('.log'));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'msgstore-transcripts-'));
    const add = await runCli(['user', 'add', 'alice@example.com', '--password-stdin', '--data', join(dir, 'data')], { input: 'Secret-Pass-1\n' });
    assert.equal(add.code, 0, add.stderr);
    server = await startServerProcess(join(dir, 'data'), [], {}, 6);
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('POP3: a clean session leaves no file; one with an error keeps P<n>.log with the password masked', async () => {
    const port = server.ports.get('pop3')!;
    await converse(port, ['USER alice@example.com', 'PASS Secret-Pass-1', 'STAT', 'QUIT'], /\r\n/g);
    assert.deepEqual(transcripts('P'), []);
    await converse(port, ['USER alice@example.com', 'PASS Secret-Pass-1', 'RETR 99', 'QUIT'], /\r\n/g);
    const files = transcripts('P');
    assert.equal(files.length, 1);
    const text = readFileSync(join(logDir(), files[0]!), 'utf8');
    assert.match(text, /^alice@example\.com\n/);
    assert.match(text, /RETR 99/);
    assert.match(text, /^\*-ERR/m);
    assert.ok(!text.includes('Secret-Pass-1'), text);
  });

  test('IMAP: a clean session leaves no file; one with an error keeps I<n>.log with the password masked', async () => {
    const port = server.ports.get('imap')!;
    await converse(port, ['a1 LOGIN alice@example.com Secret-Pass-1', 'a2 SELECT INBOX', 'a3 LOGOUT'], /^(\* OK|a\d) /gm);
    assert.deepEqual(transcripts('I'), []);
    await converse(port, ['a1 LOGIN alice@example.com Secret-Pass-1', 'a2 SELECT Nowhere', 'a3 LOGOUT'], /^(\* OK|a\d) /gm);
    const files = transcripts('I');
    assert.equal(files.length, 1);
    const text = readFileSync(join(logDir(), files[0]!), 'utf8');
    assert.match(text, /^alice@example\.com\n/);
    assert.match(text, /a2 SELECT Nowhere/);
    assert.match(text, /^\*a2 NO/m);
    assert.ok(!text.includes('Secret-Pass-1'), text);
  });
});

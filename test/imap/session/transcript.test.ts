import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TranscriptDirectory } from '../../../src/log/transcript.js';
import { imapTranscriptHook } from '../../../src/imap/session/transcript.js';

test('transcripts: lines and literals split correctly, credentials never written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'imap-transcript-'));
  try {
    const directory = new TranscriptDirectory(dir, 'always', 1_000_000);
    const session = directory.session('imap');
    assert.ok(session);
    const hook = imapTranscriptHook(session);
    hook.onLine('out', Buffer.from('* OK ready\r\n'));
    // A LOGIN with the password as a literal, arriving in awkward pieces.
    for (const piece of ['a1 LOGIN {4}\r', '\n', 'us', 'er {11}\r\nsecr', 'et-pass\r\n']) hook.onLine('in', Buffer.from(piece));
    hook.onLogin?.('user@example.com');
    hook.onLine('out', Buffer.from('a1 OK Logged in\r\n'));
    hook.onLine('in', Buffer.from('a2 LOGIN user "quoted-secret"\r\na3 FETCH 1 BODY[]\r\n'));
    const message = Buffer.concat([Buffer.from('a4 APPEND INBOX {2000}\r\n'), Buffer.alloc(2000, 0x42), Buffer.from('\r\n')]);
    hook.onLine('in', message);
    const body = Buffer.alloc(5000, 0x41);
    hook.onLine('out', Buffer.concat([Buffer.from('* 1 FETCH (BODY[] {5000}\r\n'), body.subarray(0, 100)]));
    hook.onLine('out', Buffer.concat([body.subarray(100), Buffer.from(')\r\na3 NO [SERVERBUG] oops\r\n')]));
    hook.onClose?.();
    // The file is written out asynchronously: wait (bounded) for its last line.
    for (let i = 0; i < 100 && !(readdirSync(dir).length && readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8').includes('a3 NO')); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const files = readdirSync(dir);
    assert.deepEqual(files, ['I1.log']);
    const text = readFileSync(join(dir, 'I1.log'), 'utf8');
    assert.ok(!text.includes('secret-pass'), text);
    assert.ok(!text.includes('quoted-secret'), text);
    assert.match(text, /^user@example\.com\n/);
    assert.match(text, /literal of 11 bytes not logged/);
    // Server data (the FETCH and its literal) is not kept; replies are.
    assert.doesNotMatch(text, /FETCH \(BODY/);
    assert.match(text, /^\*a1 OK Logged in$/m);
    assert.match(text, /^\*a3 NO \[SERVERBUG\] oops$/m);
    assert.ok(!text.includes('A'.repeat(300)));
    assert.match(text, /\(literal of 2000 bytes, starting: BBBB/);
    assert.ok(!text.includes('B'.repeat(300)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

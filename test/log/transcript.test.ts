import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TranscriptDirectory, type SessionTranscript } from '../../src/log/transcript.js';

const settle = (t: SessionTranscript) => t.close();

describe('session transcripts', () => {
  test('on-error: a clean session leaves no file; an error keeps one with the password masked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msgstore-transcript-'));
    try {
      const transcripts = new TranscriptDirectory(dir, 'on-error', 1 << 20);
      const clean = transcripts.session('imap')!;
      clean.client('a1 LOGIN alice@example.com secret1');
      clean.loggedIn('alice@example.com');
      clean.server('a1 OK LOGIN completed');
      clean.client('a2 LOGOUT');
      clean.server('* BYE Logging out');
      clean.server('a2 OK LOGOUT completed');
      await settle(clean);
      assert.deepEqual(readdirSync(dir), []);

      const failing = transcripts.session('imap')!;
      failing.client('a1 LOGIN "alice@example.com" "secret2"');
      failing.server('a1 OK LOGIN completed');
      failing.loggedIn('alice@example.com');
      failing.client('a2 SELECT nowhere');
      failing.server('a2 NO [NONEXISTENT] Mailbox does not exist');
      failing.client('a3 LOGOUT');
      await settle(failing);
      const files = readdirSync(dir);
      assert.deepEqual(files, ['I1.log']);
      const text = readFileSync(join(dir, 'I1.log'), 'utf8');
      const lines = text.trimEnd().split('\n');
      assert.equal(lines[0], 'alice@example.com');
      assert.equal(lines[1], 'a1 LOGIN "alice@example.com" ***');
      assert.equal(lines[2], '*a1 OK LOGIN completed');
      assert.ok(lines.includes('*a2 NO [NONEXISTENT] Mailbox does not exist'));
      assert.ok(!text.includes('secret2'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('POP3: PASS, APOP and AUTH payloads are masked; long literals are cut; numbering continues', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msgstore-transcript-'));
    try {
      writeFileSync(join(dir, 'P7.log'), 'old\n');
      const transcripts = new TranscriptDirectory(dir, 'always', 1 << 20);
      const t = transcripts.session('pop3')!;
      t.client('USER bob@example.com');
      t.client('PASS hunter2');
      t.server('+OK logged in');
      t.loggedIn('bob@example.com');
      t.client('AUTH PLAIN');
      t.server('+ ');
      t.client('AGJvYgBodW50ZXIy');
      t.server('-ERR [AUTH] Authentication failed');
      t.client('APOP bob@example.com c4c9334bac560ecc979e58001b3e22fb');
      t.literal(Buffer.alloc(5000, 'x'));
      await settle(t);
      const text = readFileSync(join(dir, 'P8.log'), 'utf8');
      assert.ok(!text.includes('hunter2') && !text.includes('AGJvYgBodW50ZXIy') && !text.includes('c4c9334b'));
      assert.match(text, /^bob@example\.com\nUSER bob@example\.com\nPASS \*\*\*\n/);
      assert.match(text, /AUTH PLAIN\n\*\+ \n\*\*\* \(SASL response\)\n/);
      assert.match(text, /literal of 5000 bytes cut/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('never writes nothing; the size cap removes the oldest files first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msgstore-transcript-'));
    try {
      assert.equal(new TranscriptDirectory(join(dir, 'none'), 'never', 0).session('imap'), null);
      assert.equal(existsSync(join(dir, 'none')), false);
      const transcripts = new TranscriptDirectory(dir, 'always', 600);
      for (let i = 0; i < 4; i++) {
        const t = transcripts.session('imap')!;
        t.loggedIn(`user${i}@example.com`);
        t.client('a'.repeat(250));
        await settle(t);
        await new Promise((r) => setTimeout(r, 20));
      }
      const left = readdirSync(dir).sort();
      assert.ok(left.length < 4 && left.includes('I4.log'), left.join(','));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

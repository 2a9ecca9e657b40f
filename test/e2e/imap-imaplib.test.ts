import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPython, startImap } from './imap-harness.js';

const USER = 'lib@example.com';
const PASSWORD = 'imaplib-pass-1';

test('Python imaplib: STARTTLS and IMAPS, folders, append, fetch, search, store, copy, expunge', async () => {
  const h = await startImap({ [USER]: PASSWORD });
  const dir = mkdtempSync(join(tmpdir(), 'imaplib-'));
  try {
    const cert = join(dir, 'cert.pem');
    writeFileSync(cert, h.certPem);
    const r = await runPython('imap_imaplib.py', [String(h.imapPort), String(h.imapsPort), USER, PASSWORD, cert]);
    assert.deepEqual(r.stdout.split('\n').filter((l) => l.startsWith('FAIL')), [], r.stdout + r.stderr);
    assert.match(r.stdout, /SUMMARY (\d+) passed 0 failed/, r.stdout + r.stderr);
    assert.equal(r.code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await h.stop();
  }
});

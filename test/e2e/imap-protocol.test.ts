import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPython, startImap } from './imap-harness.js';

const USER = 'proto@example.com';
const PASSWORD = 'Pr0to-pass';

test('IMAP protocol-level behaviour and error replies (Python imaplib-level raw client)', async () => {
  const h = await startImap({ [USER]: PASSWORD }, { limits: { maxMessageBytes: 4096 } });
  try {
    const r = await runPython('imap_protocol.py', [String(h.imapPort), String(h.imapsPort), USER, PASSWORD]);
    const failures = r.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
    assert.deepEqual(failures, [], r.stdout + r.stderr);
    assert.match(r.stdout, /SUMMARY (\d+) passed 0 failed/);
    assert.equal(r.code, 0, r.stderr);
    const passed = Number(/SUMMARY (\d+) passed/.exec(r.stdout)?.[1]);
    assert.ok(passed >= 90, `only ${passed} checks ran:\n${r.stdout}${r.stderr}`);
  } finally {
    await h.stop();
  }
});

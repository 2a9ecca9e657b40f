import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPop3Bench } from '../../bench/pop3.js';

test('the POP3 benchmark runs end to end on a small mailbox and reports positive rates', async () => {
  const results = await runPop3Bench({ messages: 40, messageBytes: 4096, logins: 3 });
  assert.equal(results.length, 3);
  for (const r of results) {
    assert.ok(Number.isFinite(r.value) && r.value > 0, `${r.name}: ${r.value}`);
    assert.ok(r.unit.length > 0);
  }
  assert.deepEqual(results.map((r) => r.unit), ['MB/s', 'messages/s', 'logins/s']);
});

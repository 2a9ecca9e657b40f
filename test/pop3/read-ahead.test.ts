import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReadAhead } from '../../src/pop3/read-ahead.js';
import { isMailError } from '../../src/store/errors.js';
import { asUid } from '../../src/store/types.js';
import { sampleMessage, startPop3 } from './fixture.js';

test('read-ahead hands out the bytes of the message it read, and reads others afresh', async () => {
  const f = await startPop3();
  try {
    await f.addUser('ra@example.com', 'pw');
    const one = await f.deliver('ra@example.com', sampleMessage(1));
    const two = await f.deliver('ra@example.com', sampleMessage(2));
    const ahead = new ReadAhead(f.ctx.store, await f.inboxId('ra@example.com'));
    ahead.start(two);
    assert.equal((await ahead.read(two)).toString(), sampleMessage(2));
    // A read-ahead for another message is dropped, not mixed up.
    ahead.start(two);
    assert.equal((await ahead.read(one)).toString(), sampleMessage(1));
    // A failed read-ahead is not an unhandled rejection; the real read reports the store error.
    const missing = asUid(9999);
    ahead.start(missing);
    await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(ahead.read(missing), (err: unknown) => isMailError(err));
  } finally {
    await f.cleanup();
  }
});

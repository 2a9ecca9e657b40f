import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patternMatcher } from '../../../src/imap/commands/list.js';

test('LIST patterns: * crosses levels, % does not, INBOX and shared are canonical', () => {
  const names = ['INBOX', 'INBOX/a', 'Lists', 'Lists/rust', 'Lists/rust/async', 'shared/s@x.org', 'shared/s@x.org/Q', 'a.b', 'a+b'];
  const match = (p: string) => names.filter(patternMatcher(p));
  assert.deepEqual(match('*'), names);
  assert.deepEqual(match('%'), ['INBOX', 'Lists', 'a.b', 'a+b']);
  assert.deepEqual(match('Lists/%'), ['Lists/rust']);
  assert.deepEqual(match('Lists/*'), ['Lists/rust', 'Lists/rust/async']);
  assert.deepEqual(match('inbox'), ['INBOX']);
  assert.deepEqual(match('Inbox/%'), ['INBOX/a']);
  assert.deepEqual(match('Shared/%'), ['shared/s@x.org']);
  assert.deepEqual(match('*rust*'), ['Lists/rust', 'Lists/rust/async']);
  assert.deepEqual(match('%/%/%'), ['Lists/rust/async', 'shared/s@x.org/Q']);
  assert.deepEqual(match('a.b'), ['a.b']);
  assert.deepEqual(match('a+b'), ['a+b']);
  assert.deepEqual(match(''), []);
});

test('LIST patterns full of wildcards stay fast', () => {
  const pattern = `${'*a'.repeat(200)}b`;
  const name = 'a'.repeat(1000);
  const t0 = Date.now();
  assert.equal(patternMatcher(pattern)(name), false);
  assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SessionStore, csrfMatches } from '../../src/web/sessions.js';

describe('browser sessions', () => {
  test('end after the idle time and after the absolute time', () => {
    let now = 1_000_000;
    const store = new SessionStore({ idleMs: 1000, absoluteMs: 5000, maxSessions: 10 }, () => now);
    const s = store.create({ role: 'admin' });
    now += 900;
    assert.equal(store.get(s.id)?.id, s.id, 'a request within the idle time keeps it alive');
    now += 900;
    assert.ok(store.get(s.id));
    now += 1001;
    assert.equal(store.get(s.id), null, 'idle too long');

    const t = store.create({ role: 'user', address: 'a@example.com' });
    for (let i = 0; i < 6; i++) {
      now += 900;
      store.get(t.id);
    }
    assert.equal(store.get(t.id), null, 'older than the absolute limit');
  });

  test('ids and CSRF tokens are long and random; the token compares exactly', () => {
    const store = new SessionStore();
    const a = store.create({ role: 'admin' });
    const b = store.create({ role: 'admin' });
    assert.notEqual(a.id, b.id);
    assert.ok(a.id.length >= 43 && a.csrfToken.length >= 43);
    assert.equal(csrfMatches(a, a.csrfToken), true);
    assert.equal(csrfMatches(a, b.csrfToken), false);
    assert.equal(csrfMatches(a, undefined), false);
    assert.equal(csrfMatches(a, a.csrfToken.slice(1)), false);
  });

  test('a user\'s sessions can be ended all at once, keeping one; the table is bounded', () => {
    const store = new SessionStore({ idleMs: 60_000, absoluteMs: 60_000, maxSessions: 3 });
    const one = store.create({ role: 'user', address: 'a@example.com' });
    const two = store.create({ role: 'user', address: 'a@example.com' });
    const other = store.create({ role: 'user', address: 'b@example.com' });
    store.destroyForUser('a@example.com', two.id);
    assert.equal(store.get(one.id), null);
    assert.ok(store.get(two.id));
    assert.ok(store.get(other.id));
    store.create({ role: 'admin' });
    store.create({ role: 'admin' });
    // Only three may live: the oldest went first.
    assert.equal(store.get(two.id), null);
  });
});

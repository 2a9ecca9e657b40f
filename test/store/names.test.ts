import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDescendantName, normalizeMailboxName, parentNames, validateMailboxName } from '../../src/store/names.js';
import { isMailError } from '../../src/store/errors.js';

function refusal(name: string): string {
  try {
    validateMailboxName(name);
  } catch (err) {
    assert.ok(isMailError(err, 'MS_INVALID_NAME'));
    return err.message;
  }
  assert.fail(`"${name}" was accepted`);
}

describe('mailbox names', () => {
  test('normalizeMailboxName makes only a leading INBOX level case-insensitive', () => {
    assert.equal(normalizeMailboxName('inbox'), 'INBOX');
    assert.equal(normalizeMailboxName('InBoX/Sub/inbox'), 'INBOX/Sub/inbox');
    assert.equal(normalizeMailboxName('INBOX'), 'INBOX');
    assert.equal(normalizeMailboxName('inboxes'), 'inboxes');
    assert.equal(normalizeMailboxName('Work/inbox'), 'Work/inbox');
  });

  test('validateMailboxName accepts ordinary names', () => {
    for (const name of ['INBOX', 'a', 'a/b/c', 'Entwürfe', '日本語/メール', 'with space', '&-mixed', 'a.b', '...', 'x'.repeat(512)]) {
      validateMailboxName(name);
    }
    validateMailboxName(Array(32).fill('l').join('/'));
  });

  test('validateMailboxName refuses bad names with a reason', () => {
    assert.match(refusal(''), /empty/);
    assert.match(refusal('a//b'), /empty level/);
    assert.match(refusal('/a'), /empty level/);
    assert.match(refusal('a/'), /empty level/);
    assert.match(refusal('.'), /"\."/);
    assert.match(refusal('a/../b'), /"\.\."/);
    assert.match(refusal('tab\there'), /control/);
    assert.match(refusal('nl\n'), /control/);
    assert.match(refusal('del\u007f'), /control/);
    assert.match(refusal('x'.repeat(513)), /512 bytes/);
    assert.match(refusal('é'.repeat(257)), /512 bytes/);
    assert.match(refusal(Array(33).fill('l').join('/')), /32 levels/);
    assert.match(refusal('bad\ud800'), /Unicode/);
  });

  test('parentNames and isDescendantName', () => {
    assert.deepEqual(parentNames('a/b/c'), ['a', 'a/b']);
    assert.deepEqual(parentNames('a'), []);
    assert.equal(isDescendantName('a/b', 'a'), true);
    assert.equal(isDescendantName('ab', 'a'), false);
    assert.equal(isDescendantName('a', 'a'), false);
  });
});

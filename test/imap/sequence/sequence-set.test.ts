import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseSequenceSet,
  formatSequenceSet,
  resolveSequenceSet,
  iterateSequenceSet,
  sequenceSetExceeds,
  resolveUidSet,
  resolveUidSetIndexes,
  formatUidSet,
  usesStar,
  normalizeSequenceSet,
} from '../../../src/imap/sequence/index.js';

function parse(text: string) {
  const set = parseSequenceSet(text);
  assert.ok(set, `expected ${text} to parse`);
  return set;
}

describe('parseSequenceSet', () => {
  test('single numbers, star, ranges and lists', () => {
    assert.deepEqual(parse('1'), [{ from: 1, to: 1 }]);
    assert.deepEqual(parse('*'), [{ from: '*', to: '*' }]);
    assert.deepEqual(parse('2:4'), [{ from: 2, to: 4 }]);
    assert.deepEqual(parse('4:2'), [{ from: 4, to: 2 }]);
    assert.deepEqual(parse('*:4,5:7'), [
      { from: '*', to: 4 },
      { from: 5, to: 7 },
    ]);
    assert.equal(formatSequenceSet(parse('2,4:7,9,12:*')), '2,4:7,9,12:*');
  });

  test('largest 32-bit number is accepted, one more is not', () => {
    assert.deepEqual(parse('4294967295'), [{ from: 4294967295, to: 4294967295 }]);
    assert.equal(parseSequenceSet('4294967296'), null);
    assert.equal(parseSequenceSet('99999999999'), null);
  });

  test('bad syntax gives null', () => {
    for (const bad of ['', '0', '01', '1:0', ',', '1,', ',1', '1::2', '1:2:3', 'a', '1-3', ' 1', '1 ', '1e3', '0x10', '**', '1:', ':1', '+1', '1.5', '*1']) {
      assert.equal(parseSequenceSet(bad), null, `expected ${JSON.stringify(bad)} to be rejected`);
    }
  });

  test('usesStar', () => {
    assert.equal(usesStar(parse('1:3,5')), false);
    assert.equal(usesStar(parse('1,5:*')), true);
  });
});

describe('resolveSequenceSet', () => {
  test('RFC 3501 examples', () => {
    assert.deepEqual(resolveSequenceSet(parse('2,4:7,9,12:*'), 15), [2, 4, 5, 6, 7, 9, 12, 13, 14, 15]);
    assert.deepEqual(resolveSequenceSet(parse('*:4,5:7'), 10), [4, 5, 6, 7, 8, 9, 10]);
  });

  test('reversed ranges, duplicates and overlaps are coalesced in order', () => {
    assert.deepEqual(resolveSequenceSet(parse('5:3,1,3,4:4,2'), 10), [1, 2, 3, 4, 5]);
  });

  test('numbers beyond the mailbox are skipped; empty mailbox gives nothing', () => {
    assert.deepEqual(resolveSequenceSet(parse('3:100'), 5), [3, 4, 5]);
    assert.deepEqual(resolveSequenceSet(parse('1:*'), 0), []);
    assert.deepEqual(resolveSequenceSet(parse('1:4294967295'), 3), [1, 2, 3]);
  });

  test('iterator is lazy over huge ranges', () => {
    const it = iterateSequenceSet(parse('1:*'), 4294967295);
    assert.equal(it.next().value, 1);
    assert.equal(it.next().value, 2);
  });

  test('sequenceSetExceeds', () => {
    assert.equal(sequenceSetExceeds(parse('1:5'), 5), false);
    assert.equal(sequenceSetExceeds(parse('1:6'), 5), true);
    assert.equal(sequenceSetExceeds(parse('6'), 5), true);
    assert.equal(sequenceSetExceeds(parse('*'), 5), false);
    assert.equal(sequenceSetExceeds(parse('*'), 0), true);
    assert.equal(sequenceSetExceeds(parse('1'), 0), true);
  });

  test('normalizeSequenceSet merges adjacent intervals', () => {
    assert.deepEqual(normalizeSequenceSet(parse('7:9,1:3,4,10:*'), 20), [[1, 4], [7, 20]]);
  });
});

describe('resolveUidSet', () => {
  const uids = Uint32Array.from([3, 7, 8, 20, 21, 50]);

  test('names only existing UIDs, ascending and unique', () => {
    assert.deepEqual(resolveUidSet(parse('1:10'), uids), [3, 7, 8]);
    assert.deepEqual(resolveUidSet(parse('8,3,7:3,21'), uids), [3, 7, 8, 21]);
    assert.deepEqual(resolveUidSet(parse('9:19'), uids), []);
    assert.deepEqual(resolveUidSetIndexes(parse('20:*'), uids), [3, 4, 5]);
  });

  test('star is the largest UID, and n:* with n beyond it names the largest', () => {
    assert.deepEqual(resolveUidSet(parse('*'), uids), [50]);
    assert.deepEqual(resolveUidSet(parse('3291:*'), uids), [50]);
    assert.deepEqual(resolveUidSet(parse('3291'), uids), []);
  });

  test('works on plain arrays and an empty mailbox', () => {
    assert.deepEqual(resolveUidSet(parse('1:*'), [1, 2, 4]), [1, 2, 4]);
    assert.deepEqual(resolveUidSet(parse('1:*'), []), []);
    assert.deepEqual(resolveUidSet(parse('*'), new Uint32Array(0)), []);
  });
});

describe('formatUidSet', () => {
  test('compresses ascending runs and keeps the given order', () => {
    assert.equal(formatUidSet([1, 2, 3, 5, 7, 8]), '1:3,5,7:8');
    assert.equal(formatUidSet([4]), '4');
    assert.equal(formatUidSet([]), '');
    assert.equal(formatUidSet([9, 10, 2, 3]), '9:10,2:3');
  });

  test('round-trips through parse and resolve', () => {
    const uids = [1, 2, 3, 10, 11, 40];
    assert.deepEqual(resolveUidSet(parse(formatUidSet(uids)), [1, 2, 3, 4, 10, 11, 12, 40]), uids);
  });
});

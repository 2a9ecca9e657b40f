import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseSearchDate, dayNumber, dateHeaderZone } from '../../../src/imap/search/index.js';
import { compareDay, compareSentDayWithoutZone, zonedDayNumber } from '../../../src/imap/search/dates.js';

describe('search dates', () => {
  test('parseSearchDate accepts RFC 3501 date-text, case-insensitive month, 1 or 2 digit day', () => {
    assert.equal(parseSearchDate('1-Feb-1994'), dayNumber(1994, 2, 1));
    assert.equal(parseSearchDate('01-FEB-1994'), dayNumber(1994, 2, 1));
    assert.equal(parseSearchDate('29-Feb-2024'), dayNumber(2024, 2, 29));
    assert.equal(parseSearchDate('29-Feb-2023'), null);
    assert.equal(parseSearchDate('1-Feb-1994 '), null);
    assert.equal(dayNumber(1970, 1, 2), 1);
  });

  test('dateHeaderZone reads numeric and obsolete zones, ignoring comments', () => {
    assert.equal(dateHeaderZone('Thu, 1 Feb 2024 22:30:00 -0500'), -300);
    assert.equal(dateHeaderZone('Thu, 1 Feb 2024 22:30:00 +0530 (IST)'), 330);
    assert.equal(dateHeaderZone('1 Feb 2024 22:30 PDT'), -420);
    assert.equal(dateHeaderZone('1 Feb 2024 22:30 GMT'), 0);
    assert.equal(dateHeaderZone('garbage'), 0);
    assert.equal(dateHeaderZone('1 Feb 2024 22:30 constructor'), 0);
  });

  test('compareDay', () => {
    assert.equal(compareDay(10, 'before', 11), true);
    assert.equal(compareDay(11, 'before', 11), false);
    assert.equal(compareDay(11, 'on', 11), true);
    assert.equal(compareDay(11, 'since', 11), true);
    assert.equal(compareDay(10, 'since', 11), false);
  });

  test('compareSentDayWithoutZone decides only when every zone gives the same answer', () => {
    const ms = Date.UTC(2024, 1, 1, 12, 0, 0);
    const day = dayNumber(2024, 2, 1);
    assert.equal(compareSentDayWithoutZone(ms, 'on', day + 5), false);
    assert.equal(compareSentDayWithoutZone(ms, 'before', day + 5), true);
    assert.equal(compareSentDayWithoutZone(ms, 'since', day - 5), true);
    assert.equal(compareSentDayWithoutZone(ms, 'on', day), null);
    assert.equal(compareSentDayWithoutZone(ms, 'before', day + 1), null);
    // Every real zone, checked exhaustively, agrees with a decided answer.
    for (let h = 0; h < 24; h++) {
      const t = Date.UTC(2024, 1, 1, h, 30);
      for (const target of [day - 2, day - 1, day, day + 1, day + 2]) {
        for (const op of ['before', 'on', 'since'] as const) {
          const decided = compareSentDayWithoutZone(t, op, target);
          if (decided === null) continue;
          for (let zone = -12 * 60; zone <= 14 * 60; zone += 30) {
            assert.equal(compareDay(zonedDayNumber(t, zone), op, target), decided, `${h}h ${op} ${target} zone ${zone}`);
          }
        }
      }
    }
  });
});

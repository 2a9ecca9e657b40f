import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeHeaderValue, decodeParams, htmlToText, indexMessage, parseAddressList, parseContentValue, parseMailDate,
} from '../../src/mime/index.js';
import { assertValidIndex } from './structure-check.js';

/**
 * Inputs built to trigger quadratic behaviour (unclosed comments, quotes, tags, long runs
 * that a backtracking regular expression would rescan). Each must finish in linear time: the
 * bound asserted is generous (seconds) while a quadratic algorithm would take hours.
 */
const N = 300_000;

function timed(name: string, fn: () => unknown): void {
  const start = performance.now();
  fn();
  const ms = performance.now() - start;
  assert.ok(ms < 3000, `${name} took ${ms.toFixed(0)} ms`);
}

describe('linear time on pathological input', () => {
  test('html', () => {
    timed('lone <', () => assert.equal(htmlToText('<'.repeat(N)), '<'.repeat(N)));
    timed('unclosed comments', () => assert.equal(htmlToText('x<!--'.repeat(N / 5)), 'x'));
    timed('unclosed scripts', () => htmlToText('<script>'.repeat(N / 8)));
    timed('tags without >', () => htmlToText('<a '.repeat(N / 3)));
    timed('whitespace runs', () => assert.equal(htmlToText('a' + '\r'.repeat(N) + 'b'), 'a b'));
  });

  test('header values', () => {
    const parens = '('.repeat(N);
    timed('date comments', () => assert.equal(parseMailDate(parens), null));
    timed('date text', () => parseMailDate('1 '.repeat(N)));
    timed('address comments', () => parseAddressList(parens));
    timed('address quotes', () => parseAddressList('"\\a'.repeat(N / 3)));
    timed('address specials', () => parseAddressList('<@'.repeat(N / 2)));
    timed('content-type comments', () => parseContentValue('text/plain;' + parens));
    timed('params', () => decodeParams(parseContentValue('a/b' + '; x*=a'.repeat(N / 6)).params));
    timed('encoded words', () => decodeHeaderValue('=?a?q?'.repeat(N / 6)));
    timed('encoded word starts', () => decodeHeaderValue('=?'.repeat(N / 2)));
  });

  test('whole messages with pathological headers', () => {
    const headers = [
      'Date: ' + '('.repeat(N),
      'Content-Language: ' + '('.repeat(N),
      'Content-Transfer-Encoding: ' + '('.repeat(N),
      'From: ' + '"\\'.repeat(N / 2),
      'To: ' + '<'.repeat(N),
      'Content-Disposition: attachment' + '; a'.repeat(N / 3),
    ];
    for (const header of headers) {
      const raw = Buffer.from(header + '\r\n\r\nbody\r\n', 'latin1');
      timed(header.slice(0, 30), () => assertValidIndex(indexMessage(raw), raw));
    }
  });
});

describe('linear time on pathological structure', () => {
  test('header lines without colons, long "--" lines', () => {
    const noColons = Buffer.from('x\r\n'.repeat(N) + 'Subject: late\r\n\r\nbody', 'latin1');
    timed('no colons', () => assertValidIndex(indexMessage(noColons), noColons));
    const longDashLines = Buffer.from(
      'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n' + ('--' + 'x'.repeat(N) + '\r\n').repeat(20) + '--b--\r\n',
      'latin1',
    );
    timed('long dash lines', () => {
      const index = indexMessage(longDashLines);
      assertValidIndex(index, longDashLines);
      assert.equal(index.root.parts?.length, 1);
    });
  });
});

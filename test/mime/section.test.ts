import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  filterHeaderFields, indexMessage, locateSection, normalizeLineEndings, parseHeaders, type SectionSpecifier,
} from '../../src/mime/index.js';
import * as corpus from './corpus.js';

function section(raw: Buffer, path: number[], spec: SectionSpecifier): string | null {
  const range = locateSection(indexMessage(raw).root, path, spec);
  return range === null ? null : raw.toString('utf8', range.start, range.end);
}

describe('locateSection (RFC 3501 6.4.5)', () => {
  const mixed = corpus.mixedWithAttachment.raw;
  const fwd = corpus.forwarded.raw;
  const simple = corpus.simpleText.raw;

  test('the whole message: HEADER, TEXT and BODY[]', () => {
    const header = section(simple, [], 'HEADER') as string;
    assert.ok(header.startsWith('From: Alice') && header.endsWith('\r\n\r\n'));
    assert.equal(section(simple, [], 'TEXT'), 'Hi Bob,\r\nbye\r\n');
    assert.equal(section(simple, [], 'BODY'), simple.toString('utf8'));
    assert.equal(section(simple, [], 'MIME'), null);
  });

  test('a non-multipart message: part 1 is its body', () => {
    assert.equal(section(simple, [1], 'BODY'), 'Hi Bob,\r\nbye\r\n');
    assert.equal(section(simple, [1], 'MIME'), section(simple, [], 'HEADER'));
    assert.equal(section(simple, [2], 'BODY'), null);
    assert.equal(section(simple, [1, 1], 'BODY'), null);
    assert.equal(section(simple, [1], 'HEADER'), null);
  });

  test('nested multiparts: BODY[1.1], BODY[1.2.MIME], BODY[2]', () => {
    assert.equal(section(mixed, [1, 1], 'BODY'), 'Caf=C3=A9 report');
    assert.equal(section(mixed, [1, 2, ], 'MIME'), 'Content-Type: text/html; charset=UTF-8\r\nContent-Language: en, de\r\n\r\n');
    assert.equal(section(mixed, [2], 'BODY'), 'JVBERi0xLjQK');
    assert.equal(section(mixed, [1], 'MIME'), 'Content-Type: multipart/alternative; boundary=inner\r\n\r\n');
    const alt = section(mixed, [1], 'BODY') as string;
    assert.ok(alt.startsWith('--inner\r\n') && alt.endsWith('--inner--\r\n'), JSON.stringify(alt));
    assert.equal(section(mixed, [3], 'BODY'), null);
    assert.equal(section(mixed, [2], 'TEXT'), null);
    assert.equal(section(mixed, [0], 'BODY'), null);
  });

  test('message/rfc822: BODY[2] is the whole message, HEADER/TEXT are its own, 2.n its parts', () => {
    const whole = section(fwd, [2], 'BODY') as string;
    assert.ok(whole.startsWith('From: Original') && whole.endsWith('--b2--'));
    const header = section(fwd, [2], 'HEADER') as string;
    assert.ok(header.startsWith('From: Original') && header.endsWith('boundary=b2\r\n\r\n'));
    assert.equal(header + section(fwd, [2], 'TEXT'), whole);
    assert.equal(section(fwd, [2], 'MIME'), 'Content-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n');
    assert.equal(section(fwd, [2, 1], 'BODY'), 'plain part');
    assert.equal(section(fwd, [2, 1], 'MIME'), '\r\n');
    assert.equal(section(fwd, [2, 2], 'MIME'), 'Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n');
    assert.equal(section(fwd, [2, 3], 'BODY'), null);
  });

  test('a top-level message/rfc822: 1 is the encapsulated message, 1.1 its body', () => {
    const raw = normalizeLineEndings(Buffer.from('Content-Type: message/rfc822\n\nSubject: in\n\ninner text\n'));
    assert.equal(section(raw, [1], 'BODY'), 'Subject: in\r\n\r\ninner text\r\n');
    assert.equal(section(raw, [1], 'HEADER'), 'Subject: in\r\n\r\n');
    assert.equal(section(raw, [1], 'TEXT'), 'inner text\r\n');
    assert.equal(section(raw, [1, 1], 'BODY'), 'inner text\r\n');
  });
});

describe('filterHeaderFields', () => {
  const header = Buffer.from(
    'Subject: hello\r\n  folded on\r\n\tmore lines\r\nFrom: a@b.c\r\nX-Junk no colon\r\nsubject: second\r\nTo: x@y.z\r\n\r\n',
    'latin1',
  );

  test('HEADER.FIELDS keeps folded lines and ends with a blank line', () => {
    assert.equal(
      filterHeaderFields(header, ['SUBJECT', 'to'], false).toString('latin1'),
      'Subject: hello\r\n  folded on\r\n\tmore lines\r\nsubject: second\r\nTo: x@y.z\r\n\r\n',
    );
  });

  test('HEADER.FIELDS.NOT', () => {
    assert.equal(filterHeaderFields(header, ['Subject', 'To'], true).toString('latin1'), 'From: a@b.c\r\nX-Junk no colon\r\n\r\n');
    assert.equal(filterHeaderFields(header, ['x-junk no colon'], false).toString('latin1'), '\r\n');
  });

  test('no match gives just CRLF; a header without final CRLF still gets one', () => {
    assert.equal(filterHeaderFields(header, ['Cc'], false).toString(), '\r\n');
    assert.equal(filterHeaderFields(Buffer.from('A: 1\r\nB: 2'), ['b'], false).toString(), 'B: 2\r\n\r\n');
    assert.equal(filterHeaderFields(Buffer.from('__proto__: 1\r\n\r\n'), ['__PROTO__'], false).toString(), '__proto__: 1\r\n\r\n');
  });
});

describe('parseHeaders', () => {
  test('names, unfolded raw values, junk lines, special names', () => {
    const fields = parseHeaders(Buffer.from(
      'Subject:  a\r\n b\r\n\tc \r\nno colon here\r\n__proto__: p\r\nX-Empty:\r\nBad Name: v\r\nKey : spaced\r\n\r\nBody: not a header\r\n',
      'latin1',
    ));
    assert.deepEqual(fields.map((f) => [f.name, f.value.toString('latin1')]), [
      ['Subject', 'a b\tc'],
      ['__proto__', 'p'],
      ['X-Empty', ''],
      ['Bad Name', 'v'],
      ['Key', 'spaced'],
    ]);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { extractSearchText, htmlToText, indexMessage, normalizeLineEndings, SEARCH_TEXT_LIMIT } from '../../src/mime/index.js';
import * as corpus from './corpus.js';

function textOf(raw: Buffer): string {
  return extractSearchText(raw, indexMessage(raw));
}

describe('extractSearchText', () => {
  test('decodes quoted-printable, strips html, skips attachments', () => {
    const text = textOf(corpus.mixedWithAttachment.raw);
    assert.equal(text, 'Café report\nCafé report');
    assert.ok(!text.includes('JVBER'));
  });

  test('includes the header and text of an encapsulated message', () => {
    const text = textOf(corpus.forwarded.raw);
    assert.equal(text, 'see below\nFrom: Original <orig@example.org>\nDate: 1 Jan 2020 00:00 GMT\nSubject: Grüße\n' +
      'Content-Type: multipart/mixed; boundary=b2\nplain part');
  });

  test('base64 bodies in legacy charsets', () => {
    const body = iconv.encode('Привет, мир', 'koi8-r').toString('base64');
    const raw = normalizeLineEndings(Buffer.from(
      `Content-Type: text/plain; charset=koi8-r\nContent-Transfer-Encoding: base64\n\n${body}\n`,
    ));
    assert.equal(textOf(raw), 'Привет, мир');
  });

  test('is capped at SEARCH_TEXT_LIMIT characters', () => {
    const big = 'word '.repeat(SEARCH_TEXT_LIMIT / 2);
    const raw = normalizeLineEndings(Buffer.from(`Content-Type: text/plain\n\n${big}`));
    assert.equal(textOf(raw).length, SEARCH_TEXT_LIMIT);
  });

  test('htmlToText drops scripts, styles and comments and decodes entities', () => {
    assert.equal(
      htmlToText('<html><head><style>p{}</style></head><body><!-- c --><script>x()</script><p>A&amp;B &#233;&#x20AC;</p><br>C&nbsp;D &bogus;</body></html>'),
      'A&B é€\nC D &bogus;',
    );
  });
});

describe('html charset', () => {
  test('an html part without a charset parameter uses its <meta> charset', () => {
    const html = Buffer.concat([
      Buffer.from('Content-Type: text/html\r\n\r\n<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"></head><body>'),
      iconv.encode('Привет', 'koi8-r'),
      Buffer.from('</body></html>'),
    ]);
    assert.equal(textOf(html), 'Привет');
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import {
  decodeCharset, decodeHeaderValue, decodeParams, decodeTransfer, parseContentValue, parseMailDate,
} from '../../src/mime/index.js';

function b64(bytes: Buffer): string {
  return bytes.toString('base64');
}

describe('RFC 2047 encoded words', () => {
  test('Q and B encodings in many charsets', () => {
    const cases: [string, string][] = [
      ['=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=', 'Keld Jørn Simonsen'],
      ['=?utf-8?B?' + b64(Buffer.from('日本語のテキスト')) + '?=', '日本語のテキスト'],
      ['=?koi8-r?B?' + b64(iconv.encode('Привет', 'koi8-r')) + '?=', 'Привет'],
      ['=?windows-1251?Q?' + [...iconv.encode('Мир', 'windows-1251')].map((b) => '=' + b.toString(16).toUpperCase()).join('') + '?=', 'Мир'],
      ['=?gb2312?B?' + b64(iconv.encode('中文邮件', 'gb2312')) + '?=', '中文邮件'],
      ['=?Shift_JIS?B?' + b64(iconv.encode('こんにちは', 'shift_jis')) + '?=', 'こんにちは'],
      ['=?euc-kr?B?' + b64(iconv.encode('안녕하세요', 'euc-kr')) + '?=', '안녕하세요'],
      ['=?big5?B?' + b64(iconv.encode('繁體', 'big5')) + '?=', '繁體'],
      ['=?iso-8859-7?Q?' + [...iconv.encode('Ελλάδα', 'iso-8859-7')].map((b) => '=' + b.toString(16).toUpperCase()).join('') + '?=', 'Ελλάδα'],
      ['=?windows-1252?Q?=80_price?=', '€ price'],
      // ISO-2022-JP (RFC 1468): ESC $ B <JIS X 0208> ESC ( B, here "日本" = 0x46 0x7C 0x4B 0x5C.
      ['=?ISO-2022-JP?B?' + b64(Buffer.from([0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x1b, 0x28, 0x42])) + '?=', '日本'],
      ['=?utf-8*en?Q?hello?=', 'hello'],
    ];
    for (const [encoded, expected] of cases) assert.equal(decodeHeaderValue(encoded), expected, encoded);
  });

  test('whitespace between adjacent encoded words is dropped, other text kept', () => {
    assert.equal(decodeHeaderValue('=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?='), 'ab');
    assert.equal(decodeHeaderValue('=?ISO-8859-1?Q?a?=\r\n =?ISO-8859-1?Q?b?='), 'ab');
    assert.equal(decodeHeaderValue('Re: =?utf-8?q?caf=C3=A9?= ok'), 'Re: café ok');
    assert.equal(decodeHeaderValue('plain (no words) here'), 'plain (no words) here');
  });

  test('a multi-byte character split over two words survives', () => {
    const bytes = Buffer.from('é', 'utf8');
    const split = `=?utf-8?B?${b64(bytes.subarray(0, 1))}?= =?utf-8?B?${b64(bytes.subarray(1))}?=`;
    assert.equal(decodeHeaderValue(split), 'é');
  });

  test('unknown charsets and broken words never throw', () => {
    assert.equal(decodeHeaderValue('=?x-unknown?Q?caf=C3=A9?='), 'café'); // valid UTF-8 bytes
    assert.equal(decodeHeaderValue('=?no-such?Q?caf=E9?='), 'café'); // windows-1252 fallback
    assert.equal(decodeHeaderValue('=?utf-8?X?abc?='), '=?utf-8?X?abc?=');
    assert.equal(decodeHeaderValue('=?utf-8?B?###?='), '');
    assert.equal(decodeHeaderValue('=?utf-8?Q?unterminated'), '=?utf-8?Q?unterminated');
  });

  test('raw 8-bit bytes: UTF-8 when valid, else windows-1252', () => {
    assert.equal(decodeHeaderValue(Buffer.from('Grüße', 'utf8')), 'Grüße');
    assert.equal(decodeHeaderValue(Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65])), 'Grüße');
  });
});

describe('transfer encodings', () => {
  test('quoted-printable: hex escapes, soft breaks, trailing whitespace, stray "="', () => {
    const qp = Buffer.from('caf=C3=A9 =\r\nsoft line  \r\na=3Db=\nc = x =ZZ=4', 'latin1');
    assert.equal(decodeTransfer(qp, 'Quoted-Printable').toString('utf8'), 'café soft line\r\na=bc = x =ZZ=4');
    assert.equal(decodeTransfer(Buffer.from('end='), 'quoted-printable').toString(), 'end');
    assert.equal(decodeTransfer(Buffer.from('lower=c3=a9'), 'quoted-printable').toString(), 'loweré');
  });

  test('base64 with line breaks and junk', () => {
    const text = 'The quick brown fox jumps over the lazy dog';
    const wrapped = Buffer.from(text).toString('base64').replace(/(.{20})/g, '$1\r\n');
    assert.equal(decodeTransfer(Buffer.from(wrapped), 'BASE64').toString(), text);
    assert.equal(decodeTransfer(Buffer.from('aGVs!bG8=\r\n'), 'base64').toString(), 'hello');
  });

  test('identity encodings pass through unchanged', () => {
    const body = Buffer.from([0, 1, 2, 0xff]);
    for (const enc of ['7bit', '8bit', 'binary', 'x-unknown', '']) assert.equal(decodeTransfer(body, enc), body);
  });
});

describe('charsets', () => {
  test('known, aliased and unknown charsets', () => {
    assert.equal(decodeCharset(iconv.encode('Grüße', 'iso-8859-15'), 'ISO-8859-15'), 'Grüße');
    assert.equal(decodeCharset(Buffer.from([0x93, 0x41, 0x94]), 'iso-8859-1'), '\u201cA\u201d'); // as windows-1252
    assert.equal(decodeCharset(Buffer.from('é', 'utf8'), '"UTF-8"'), 'é');
    assert.equal(decodeCharset(Buffer.from('é', 'utf8'), 'us-ascii'), 'é');
    assert.equal(decodeCharset(Buffer.from([0xe9]), 'bogus-charset'), 'é');
    assert.equal(decodeCharset(Buffer.from('plain'), ''), 'plain');
  });
});

describe('Content-Type parameters', () => {
  test('raw parameters: quoting, comments, odd spacing', () => {
    const parsed = parseContentValue('Text/Plain (comment) ; charset = "utf-8" ;format=flowed; name="a \\"b\\" c";broken');
    assert.equal(parsed.value, 'text/plain');
    assert.deepEqual(parsed.params, [
      { name: 'charset', value: 'utf-8' },
      { name: 'format', value: 'flowed' },
      { name: 'name', value: 'a "b" c' },
    ]);
  });

  test('RFC 2231 continuations, charsets and languages; RFC 2047 in a value', () => {
    const raw = parseContentValue(
      "attachment; filename*0*=utf-8'en'r%C3%A9; filename*1=sum; filename*2*=%C3%A9.pdf;" +
      " title*=iso-8859-1''caf%E9; name=\"=?utf-8?B?" + b64(Buffer.from('Übersicht.pdf')) + '?="; x*1=b; x*0=a',
    );
    const params = decodeParams(raw.params);
    assert.equal(params.get('filename'), 'résumé.pdf');
    assert.equal(params.get('title'), 'café');
    assert.equal(params.get('name'), 'Übersicht.pdf');
    assert.equal(params.get('x'), 'ab');
    assert.equal(params.get('__proto__'), undefined);
  });
});

describe('dates', () => {
  test('RFC 5322 and obsolete forms', () => {
    assert.equal(parseMailDate('Tue, 1 Jul 2003 10:52:37 +0200'), Date.UTC(2003, 6, 1, 8, 52, 37));
    assert.equal(parseMailDate('1 Jul 03 10:52 GMT'), Date.UTC(2003, 6, 1, 10, 52, 0));
    assert.equal(parseMailDate('Fri, 21 Nov 1997 09:55:06 -0600 (CST)'), Date.UTC(1997, 10, 21, 15, 55, 6));
    assert.equal(parseMailDate('Thu, 13 Feb 1969 23:32 PST'), Date.UTC(1969, 1, 14, 7, 32, 0));
    assert.equal(parseMailDate('not a date'), null);
    assert.equal(parseMailDate(''), null);
  });
});

describe('lenient encoded words', () => {
  test('raw UTF-8 inside a Q word keeps its characters', () => {
    assert.equal(decodeHeaderValue(Buffer.from('=?utf-8?Q?Gr=C3=BC=C3=9Fe_aus_Köln?=', 'utf8')), 'Grüße aus Köln');
  });
});

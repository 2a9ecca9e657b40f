/**
 * Real-world-shaped messages with their exact expected ENVELOPE / BODYSTRUCTURE / BODY.
 * Messages are written with "\n" and stored through normalizeLineEndings (as the store does),
 * so sizes below are CRLF sizes. Expected strings were worked out by hand from RFC 3501.
 */
import { normalizeLineEndings } from '../../src/mime/index.js';

export interface CorpusMessage {
  name: string;
  raw: Buffer;
  envelope?: string;
  bodyStructure?: string;
  body?: string;
}

function msg(text: string): Buffer {
  return normalizeLineEndings(Buffer.from(text, 'utf8'));
}

export const simpleText: CorpusMessage = {
  name: 'simple text/plain without Content-Type',
  raw: msg(`From: Alice <alice@example.com>
To: bob@example.org
Subject: Hello
Date: Mon, 7 Feb 1994 21:52:25 -0800
Message-ID: <m1@example.com>

Hi Bob,
bye
`),
  envelope: '("Mon, 7 Feb 1994 21:52:25 -0800" "Hello" (("Alice" NIL "alice" "example.com")) (("Alice" NIL "alice" "example.com")) (("Alice" NIL "alice" "example.com")) ((NIL NIL "bob" "example.org")) NIL NIL NIL "<m1@example.com>")',
  // "Hi Bob,\r\nbye\r\n" = 9 + 5 = 14 bytes, 2 lines.
  bodyStructure: '("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 14 2 NIL NIL NIL NIL)',
  body: '("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 14 2)',
};

export const mixedWithAttachment: CorpusMessage = {
  name: 'multipart/mixed with alternative and an attachment',
  raw: msg(`From: "Smith, John" <john@example.com>
Sender: secretary@example.com
Reply-To: 
To: Team: a@x.org, "B \\"the\\" one" <b@x.org>;, c@x.org
Cc: undisclosed-recipients:;
Subject: Report
In-Reply-To: <prev@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"
Content-Language: en

This is a multi-part message in MIME format.
--outer
Content-Type: multipart/alternative; boundary=inner

--inner
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

Caf=C3=A9 report
--inner
Content-Type: text/html; charset=UTF-8
Content-Language: en, de

<p>Caf&eacute; <b>report</b></p>
--inner--

--outer
Content-Type: application/pdf; name="report.pdf"
Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf
Content-Transfer-Encoding: base64
Content-ID: <pdf1@x>
Content-Description: The report
Content-Location: http://example.com/
 report.pdf

JVBERi0xLjQK
--outer--
`),
  // Reply-To is present but empty, so it takes From's value (RFC 3501 7.4.2).
  envelope: '(NIL "Report" (("Smith, John" NIL "john" "example.com")) ((NIL NIL "secretary" "example.com")) (("Smith, John" NIL "john" "example.com")) ((NIL NIL "Team" NIL)(NIL NIL "a" "x.org")("B \\"the\\" one" NIL "b" "x.org")(NIL NIL NIL NIL)(NIL NIL "c" "x.org")) ((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) NIL "<prev@example.com>" NIL)',
  // "Caf=C3=A9 report" is 16 bytes; the html line is 32 bytes; the base64 line 12 bytes.
  bodyStructure:
    '((("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "QUOTED-PRINTABLE" 16 1 NIL NIL NIL NIL)' +
    '("TEXT" "HTML" ("CHARSET" "UTF-8") NIL NIL "7BIT" 32 1 NIL NIL ("en" "de") NIL)' +
    ' "ALTERNATIVE" ("BOUNDARY" "inner") NIL NIL NIL)' +
    '("APPLICATION" "PDF" ("NAME" "report.pdf") "<pdf1@x>" "The report" "BASE64" 12 NIL' +
    ` ("ATTACHMENT" ("FILENAME*" "utf-8''r%C3%A9sum%C3%A9.pdf")) NIL "http://example.com/report.pdf")` +
    ' "MIXED" ("BOUNDARY" "outer") NIL "en" NIL)',
  body:
    '((("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "QUOTED-PRINTABLE" 16 1)' +
    '("TEXT" "HTML" ("CHARSET" "UTF-8") NIL NIL "7BIT" 32 1) "ALTERNATIVE")' +
    '("APPLICATION" "PDF" ("NAME" "report.pdf") "<pdf1@x>" "The report" "BASE64" 12) "MIXED")',
};

export const forwarded: CorpusMessage = {
  name: 'forwarded message/rfc822 containing a multipart',
  raw: msg(`From: fwd@example.net
Subject: Fwd: =?ISO-8859-1?Q?Gr=FC=DFe?=
Content-Type: multipart/mixed; boundary=b1

--b1
Content-Type: text/plain

see below
--b1
Content-Type: message/rfc822
Content-Disposition: inline

From: Original <orig@example.org>
Date: 1 Jan 2020 00:00 GMT
Subject: =?ISO-8859-1?Q?Gr=FC=DFe?=
Content-Type: multipart/mixed; boundary=b2

--b2

plain part
--b2
Content-Type: image/png
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--b2--
--b1--
`),
  envelope: '(NIL "Fwd: =?ISO-8859-1?Q?Gr=FC=DFe?=" ((NIL NIL "fwd" "example.net")) ((NIL NIL "fwd" "example.net")) ((NIL NIL "fwd" "example.net")) NIL NIL NIL NIL NIL)',
  // The encapsulated message, line by line with CRLF: From 35, Date 28, Subject 37,
  // Content-Type 44, blank 2 (header 146), "--b2" 6, blank 2, "plain part" 12, "--b2" 6,
  // Content-Type 25, Content-Transfer-Encoding 35, blank 2, base64 14, "--b2--" 6 (no CRLF:
  // that CRLF belongs to the "--b1--" delimiter) = 254 bytes, 13 LFs + 1 = 14 lines.
  bodyStructure:
    '(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 9 1 NIL NIL NIL NIL)' +
    '("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 254' +
    ' ("1 Jan 2020 00:00 GMT" "=?ISO-8859-1?Q?Gr=FC=DFe?=" (("Original" NIL "orig" "example.org")) (("Original" NIL "orig" "example.org")) (("Original" NIL "orig" "example.org")) NIL NIL NIL NIL NIL)' +
    ' (("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 10 1 NIL NIL NIL NIL)' +
    '("IMAGE" "PNG" NIL NIL NIL "BASE64" 12 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "b2") NIL NIL NIL)' +
    ' 14 NIL ("INLINE" NIL) NIL NIL)' +
    ' "MIXED" ("BOUNDARY" "b1") NIL NIL NIL)',
};

const joerg = '(({13}\r\nJörg Müller NIL "joerg" "example.de"))';

export const eightBitHeaders: CorpusMessage = {
  name: 'raw UTF-8 (RFC 6532) header values become literals',
  raw: msg(`From: Jörg Müller <joerg@example.de>
To: "Zoë" <zoe@example.fr>
Subject: Grüße aus Köln
Content-Type: text/plain; charset=utf-8; name="Übersicht.txt"
Content-Transfer-Encoding: 8bit

Schöne Grüße
`),
  // Literal lengths count UTF-8 bytes: "Grüße aus Köln" is 14 characters, 17 bytes;
  // "Jörg Müller" 11 characters, 13 bytes.
  envelope: `(NIL {17}\r\nGrüße aus Köln ${joerg} ${joerg} ${joerg} (({4}\r\nZoë NIL "zoe" "example.fr")) NIL NIL NIL NIL)`,
  // "Schöne Grüße\r\n": 12 characters, 15 bytes + 2 = 17 bytes.
  bodyStructure: '("TEXT" "PLAIN" ("CHARSET" "utf-8" "NAME" {14}\r\nÜbersicht.txt) NIL NIL "8BIT" 17 1 NIL NIL NIL NIL)',
};

export const signed: CorpusMessage = {
  name: 'multipart/signed (PGP) with "-----" lines that are not delimiters',
  raw: msg(`Received: from mx.example.com (mx.example.com [192.0.2.1])
	by store.example.com with ESMTPS id 123
	for <a@example.com>; Wed, 20 Mar 2024 12:00:01 +0000
From: Signer <signer@example.com>
To: a@example.com
Subject: signed
Date: Wed, 20 Mar 2024 12:00:00 +0000
Message-ID: <sig@example.com>
References: <r1@example.com>
 <r2@example.com>
MIME-Version: 1.0
Content-Type: multipart/signed; micalg=pgp-sha256;
 protocol="application/pgp-signature"; boundary="sig"

--sig
Content-Type: text/plain; charset=us-ascii; format=flowed
Content-Transfer-Encoding: 7bit

Signed text.
--sig
Content-Type: application/pgp-signature; name="signature.asc"
Content-Description: OpenPGP digital signature
Content-Disposition: attachment; filename="signature.asc"

-----BEGIN PGP SIGNATURE-----
abc
-----END PGP SIGNATURE-----

--sig--
`),
  envelope: '("Wed, 20 Mar 2024 12:00:00 +0000" "signed" (("Signer" NIL "signer" "example.com")) (("Signer" NIL "signer" "example.com"))' +
    ' (("Signer" NIL "signer" "example.com")) ((NIL NIL "a" "example.com")) NIL NIL NIL "<sig@example.com>")',
  // Signature body: 31 + 5 + 29 = 65 bytes (the blank line's CRLF starts the delimiter).
  bodyStructure: '(("TEXT" "PLAIN" ("CHARSET" "us-ascii" "FORMAT" "flowed") NIL NIL "7BIT" 12 1 NIL NIL NIL NIL)' +
    '("APPLICATION" "PGP-SIGNATURE" ("NAME" "signature.asc") NIL "OpenPGP digital signature" "7BIT" 65 NIL' +
    ' ("ATTACHMENT" ("FILENAME" "signature.asc")) NIL NIL)' +
    ' "SIGNED" ("MICALG" "pgp-sha256" "PROTOCOL" "application/pgp-signature" "BOUNDARY" "sig") NIL NIL NIL)',
};

export const relatedAndCalendar: CorpusMessage = {
  name: 'alternative with multipart/related (inline image) and a text/calendar invitation',
  raw: msg(`From: =?UTF-8?B?w4lsb2RpZQ==?= <elodie@example.fr>
To: "Team" <team@example.fr>
Subject: =?UTF-8?Q?R=C3=A9union?=
Date: Thu, 21 Mar 2024 09:30:00 +0100
Message-ID: <rel@example.fr>
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=UTF-8

Hi
--alt
Content-Type: multipart/related; type="text/html"; boundary="rel"

--rel
Content-Type: text/html; charset=UTF-8

<img src="cid:logo">
--rel
Content-Type: image/gif
Content-Transfer-Encoding: base64
Content-ID: <logo>
Content-Disposition: inline; filename=logo.gif

R0lGODlhAQABAAAAACw=
--rel--
--alt
Content-Type: text/calendar; charset=UTF-8; method=REQUEST
Content-Transfer-Encoding: 7bit

BEGIN:VCALENDAR
END:VCALENDAR
--alt--
`),
  envelope: '("Thu, 21 Mar 2024 09:30:00 +0100" "=?UTF-8?Q?R=C3=A9union?=" (("=?UTF-8?B?w4lsb2RpZQ==?=" NIL "elodie" "example.fr"))' +
    ' (("=?UTF-8?B?w4lsb2RpZQ==?=" NIL "elodie" "example.fr")) (("=?UTF-8?B?w4lsb2RpZQ==?=" NIL "elodie" "example.fr"))' +
    ' (("Team" NIL "team" "example.fr")) NIL NIL NIL "<rel@example.fr>")',
  bodyStructure: '(("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "7BIT" 2 1 NIL NIL NIL NIL)' +
    '(("TEXT" "HTML" ("CHARSET" "UTF-8") NIL NIL "7BIT" 20 1 NIL NIL NIL NIL)' +
    '("IMAGE" "GIF" NIL "<logo>" NIL "BASE64" 20 NIL ("INLINE" ("FILENAME" "logo.gif")) NIL NIL)' +
    ' "RELATED" ("TYPE" "text/html" "BOUNDARY" "rel") NIL NIL NIL)' +
    '("TEXT" "CALENDAR" ("CHARSET" "UTF-8" "METHOD" "REQUEST") NIL NIL "7BIT" 30 2 NIL NIL NIL NIL)' +
    ' "ALTERNATIVE" ("BOUNDARY" "alt") NIL NIL NIL)',
};

const plainAscii = '"TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT"';

/** Broken and unusual messages: each must still give a structure that follows the grammar. */
export const broken: CorpusMessage[] = [
  {
    name: 'boundary parameter that never occurs: a text/plain leaf',
    raw: msg(`Content-Type: multipart/mixed; boundary="right"

--wrong
Content-Type: text/plain

text
--wrong--
`),
    // 9 + 26 + 2 + 6 + 11 = 54 bytes, 5 lines.
    bodyStructure: `(${plainAscii} 54 5 NIL NIL NIL NIL)`,
  },
  {
    name: 'multipart without a boundary parameter: a text/plain leaf',
    raw: msg('Content-Type: multipart/mixed\n\nhello\n'),
    bodyStructure: `(${plainAscii} 7 1 NIL NIL NIL NIL)`,
  },
  {
    name: 'missing close delimiter: the last part runs to the end',
    raw: msg(`Content-Type: multipart/mixed; boundary=x

--x
Content-Type: text/plain

one
--x

two
`),
    bodyStructure: '(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 3 1 NIL NIL NIL NIL)' +
      `(${plainAscii} 5 1 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "x") NIL NIL NIL)`,
  },
  {
    name: 'an outer delimiter ends an inner multipart that was never closed',
    raw: msg(`Content-Type: multipart/mixed; boundary=outer

--outer
Content-Type: multipart/alternative; boundary=inner

--inner

a
--outer

b
--outer--
`),
    bodyStructure: `(((${plainAscii} 1 1 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "inner") NIL NIL NIL)` +
      `(${plainAscii} 1 1 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "outer") NIL NIL NIL)`,
  },
  {
    name: 'NUL bytes, __proto__ and constructor headers, unknown charset',
    raw: msg('Subject: a\0b\n__proto__: x\nconstructor: y\nContent-Type: text/plain; charset=x-no-such-charset\n\nbody\n'),
    envelope: '(NIL "ab" NIL NIL NIL NIL NIL NIL NIL NIL)',
    bodyStructure: '("TEXT" "PLAIN" ("CHARSET" "x-no-such-charset") NIL NIL "7BIT" 6 1 NIL NIL NIL NIL)',
  },
  {
    name: 'latin1 bytes in a header (not UTF-8) are sent as windows-1252 text in UTF-8',
    raw: normalizeLineEndings(Buffer.concat([Buffer.from('Subject: caf'), Buffer.from([0xe9]), Buffer.from('\n\nx')])),
    envelope: '(NIL {5}\r\ncafé NIL NIL NIL NIL NIL NIL NIL NIL)',
    bodyStructure: `(${plainAscii} 1 1 NIL NIL NIL NIL)`,
  },
  {
    name: 'LF-only line ends are measured in their stored CRLF form',
    raw: msg('Subject: x\nContent-Type: text/plain\n\nline1\nline2\n'),
    bodyStructure: '("TEXT" "PLAIN" NIL NIL NIL "7BIT" 14 2 NIL NIL NIL NIL)',
  },
  {
    name: 'a header without a body',
    raw: msg('Subject: only header\n'),
    envelope: '(NIL "only header" NIL NIL NIL NIL NIL NIL NIL NIL)',
    bodyStructure: `(${plainAscii} 0 0 NIL NIL NIL NIL)`,
  },
  {
    name: 'an empty message',
    raw: Buffer.alloc(0),
    envelope: '(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)',
    bodyStructure: `(${plainAscii} 0 0 NIL NIL NIL NIL)`,
  },
  {
    name: 'multipart/digest parts default to message/rfc822',
    raw: msg(`Content-Type: multipart/digest; boundary=d

--d

Subject: one

first
--d--
`),
    // "Subject: one\r\n\r\nfirst" = 14 + 2 + 5 = 21 bytes, 3 lines.
    bodyStructure: '(("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 21 (NIL "one" NIL NIL NIL NIL NIL NIL NIL NIL)' +
      ` (${plainAscii} 5 1 NIL NIL NIL NIL) 3 NIL NIL NIL NIL) "DIGEST" ("BOUNDARY" "d") NIL NIL NIL)`,
  },
  {
    name: 'message/rfc822 in base64 cannot be parsed: an application/octet-stream leaf',
    raw: msg('Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogeA==\n'),
    bodyStructure: '("APPLICATION" "OCTET-STREAM" NIL NIL NIL "BASE64" 18 NIL NIL NIL NIL)',
  },
  {
    name: 'an invalid Content-Type means text/plain; charset=us-ascii',
    raw: msg('Content-Type: text\n\nx\n'),
    bodyStructure: `(${plainAscii} 3 1 NIL NIL NIL NIL)`,
  },
  {
    name: 'quoted boundary with a space, transport padding, mixed-case names',
    raw: msg('Content-Type: Multipart/Mixed; Boundary="a b"\n\n--a b  \nContent-Type: TEXT/Plain\n\nhi\n--a b--\t\n'),
    bodyStructure: '(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 2 1 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "a b") NIL NIL NIL)',
  },
  {
    name: 'a delimiter inside a part header ends the part',
    raw: msg('Content-Type: multipart/mixed; boundary=q\n\n--q\nContent-Type: text/plain\n--q--\n'),
    bodyStructure: '(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "q") NIL NIL NIL)',
  },
  {
    name: 'RFC 2231 continuations and a quoted value with escapes are passed through',
    raw: msg(`Content-Type: application/octet-stream; name*0="long"; name*1="name.bin"
Content-Disposition: attachment; filename="a \\"q\\" b.bin"

x`),
    bodyStructure: '("APPLICATION" "OCTET-STREAM" ("NAME*0" "long" "NAME*1" "name.bin") NIL NIL "7BIT" 1 NIL' +
      ' ("ATTACHMENT" ("FILENAME" "a \\"q\\" b.bin")) NIL NIL)',
  },
];

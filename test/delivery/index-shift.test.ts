import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { indexMessage, normalizeLineEndings } from '../../src/mime/index.js';
import { shiftIndex } from '../../src/delivery/index-shift.js';
import { withTraceHeaders } from '../../src/delivery/trace-headers.js';

const samples: Record<string, string> = {
  plain: 'From: a@b.example\r\nTo: c@d.example\r\nSubject: hi\r\n\r\nHello\r\n',
  multipart:
    'From: a@b.example\r\nSubject: parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="XX"\r\n\r\n' +
    'preamble\r\n--XX\r\nContent-Type: text/plain\r\n\r\none\r\n--XX\r\nContent-Type: message/rfc822\r\n\r\n' +
    'Subject: inner\r\n\r\ninner body\r\n--XX--\r\n',
  'empty header': '\r\nbody only\r\n',
  'no body': 'Subject: x\r\n',
  'bare LF': 'Subject: y\n\nline\n',
  'no headers': 'just some text\r\nand more\r\n',
  'binary junk': '\x00\x01\xff\xfe junk \x00\r\n\r\n\x7f',
  'continuation first': ' folded start\r\nSubject: z\r\n\r\nb\r\n',
};

describe('index shift for prepended trace headers', () => {
  for (const [name, text] of Object.entries(samples)) {
    test(`${name}: shifted index equals the index of the stored bytes`, () => {
      const message = normalizeLineEndings(Buffer.from(text, 'latin1'));
      const { bytes, prefixLength } = withTraceHeaders(message, 'sender@x.example', 'rcpt+box@y.example');
      assert.deepEqual(shiftIndex(indexMessage(message), prefixLength), indexMessage(bytes));
    });
  }

  test('trace headers: Return-Path then Delivered-To, null sender as <>', () => {
    const { bytes } = withTraceHeaders(Buffer.from('X: y\r\n\r\n'), '', 'u@x.example');
    assert.equal(bytes.toString(), 'Return-Path: <>\r\nDelivered-To: u@x.example\r\nX: y\r\n\r\n');
  });
});

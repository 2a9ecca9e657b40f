import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAstring, encodeString, encodeValue, list, atom, num, nil, str, statusLine } from '../../../src/imap/protocol/encoder.js';
import { decodeMailboxName, encodeMailboxName } from '../../../src/imap/protocol/mutf7.js';
import { formatDateTime, parseDateTime } from '../../../src/imap/protocol/datetime.js';
import { CommandParser } from '../../../src/imap/protocol/command-parser.js';

/** Parses `x X <encoded>` back through the command parser and returns the argument's bytes. */
function roundTrip(encoded: Buffer): Buffer | string | null {
  const parser = new CommandParser({ maxLineBytes: 100000 });
  parser.push(Buffer.concat([Buffer.from('x X '), encoded, Buffer.from('\r\n')]));
  for (let i = 0; i < 10; i++) {
    const r = parser.next();
    if (r.kind === 'need-literal') parser.acceptLiteral();
    else if (r.kind === 'command') {
      const v = r.command.args[0];
      if (v?.type === 'string') return v.value;
      if (v?.type === 'atom') return v.value;
      if (v?.type === 'nil') return null;
      return 'unexpected';
    } else throw new Error(`unexpected ${r.kind}`);
  }
  throw new Error('no command');
}

describe('response encoder', () => {
  test('chooses atom, quoted or literal', () => {
    assert.equal(encodeAstring('INBOX').toString(), 'INBOX');
    assert.equal(encodeAstring('NIL').toString(), '"NIL"');
    assert.equal(encodeAstring('').toString(), '""');
    assert.equal(encodeAstring('a b').toString(), '"a b"');
    assert.equal(encodeAstring('a"b\\c').toString(), '"a\\"b\\\\c"');
    assert.equal(encodeAstring('50%').toString(), '"50%"');
    assert.equal(encodeString('line\r\nbreak').toString(), '{11}\r\nline\r\nbreak');
    assert.equal(encodeString('Grüße').toString(), '{7}\r\nGrüße');
    assert.equal(encodeString('x'.repeat(2000)).subarray(0, 7).toString(), '{2000}\r');
  });

  test('any value survives encoding and parsing back', () => {
    let seed = 99;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 500; i++) {
      const len = rand(40);
      const bytes = Buffer.alloc(len);
      for (let j = 0; j < len; j++) bytes[j] = rand(3) === 0 ? rand(256) : 0x20 + rand(95);
      const back = roundTrip(encodeAstring(bytes));
      assert.deepEqual(Buffer.from(back as Buffer | string), bytes);
    }
  });

  test('lists, numbers and NIL', () => {
    assert.equal(encodeValue(list([atom('\\Seen'), num(5), nil, str('a b'), list([])])).toString(), '(\\Seen 5 NIL "a b" ())');
    assert.equal(statusLine('a1', 'NO', 'nope\r\nINJECTED', 'NONEXISTENT').toString(), 'a1 NO [NONEXISTENT] nope INJECTED\r\n');
  });
});

describe('modified UTF-7', () => {
  test('encodes and decodes RFC 3501 examples', () => {
    assert.equal(encodeMailboxName('~peter/mail/台北/日本語'), '~peter/mail/&U,BTFw-/&ZeVnLIqe-');
    assert.equal(decodeMailboxName('~peter/mail/&U,BTFw-/&ZeVnLIqe-'), '~peter/mail/台北/日本語');
    assert.equal(encodeMailboxName('Tom & Jerry'), 'Tom &- Jerry');
    assert.equal(decodeMailboxName('Tom &- Jerry'), 'Tom & Jerry');
    assert.equal(decodeMailboxName(encodeMailboxName('Entwürfe 😀')), 'Entwürfe 😀');
  });
  test('refuses invalid forms', () => {
    assert.equal(decodeMailboxName('&Jjo!'), null);
    assert.equal(decodeMailboxName('&U,BTFw-&ZeVnLIqe-'), null); // split runs must be merged
    assert.equal(decodeMailboxName('&AGE-'), null); // encoded printable ASCII
    assert.equal(decodeMailboxName('a\tb'), null);
    assert.equal(decodeMailboxName('Grüße'), null);
  });
});

describe('date-time', () => {
  test('parses with zones and validates', () => {
    assert.equal(parseDateTime('17-Jul-1996 02:44:25 -0700')?.toISOString(), '1996-07-17T09:44:25.000Z');
    assert.equal(parseDateTime(' 1-Feb-2020 00:00:00 +0100')?.toISOString(), '2020-01-31T23:00:00.000Z');
    assert.equal(parseDateTime('31-Feb-2020 00:00:00 +0000'), null);
    assert.equal(parseDateTime('01-Foo-2020 00:00:00 +0000'), null);
    assert.equal(parseDateTime('01-Jan-2020 24:00:00 +0000'), null);
    assert.equal(formatDateTime(new Date('2020-03-04T05:06:07Z')), '04-Mar-2020 05:06:07 +0000');
  });
});

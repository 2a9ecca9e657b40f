import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LineReader, type LineEvent } from '../../src/pop3/protocol/line-reader.js';
import { parseCommandLine, parseLineCount, parseMessageNumber } from '../../src/pop3/protocol/command-line.js';
import { DotStuffer, DotStuffTransform, dotStuff } from '../../src/pop3/protocol/dot-stuff.js';
import { TopLinesCutter, topLines } from '../../src/pop3/protocol/top-lines.js';
import { continuationLine, errLine, multiLine, okLine } from '../../src/pop3/protocol/responses.js';
import { decodeBase64Strict } from '../../src/pop3/protocol/base64.js';

function lines(events: LineEvent[]): string[] {
  return events.map((e) => (e.kind === 'line' ? e.line.toString('latin1') : '<too-long>'));
}

/** Feeds input whole and again one byte at a time; both must give the same events. */
function feedBothWays(max: number, input: string): string[] {
  const whole = lines(new LineReader(max).feed(Buffer.from(input, 'latin1')));
  const reader = new LineReader(max);
  const bytewise: LineEvent[] = [];
  for (const byte of Buffer.from(input, 'latin1')) bytewise.push(...reader.feed(Buffer.from([byte])));
  assert.deepEqual(lines(bytewise), whole);
  return whole;
}

describe('LineReader', () => {
  test('splits CRLF and bare LF lines, keeps partial lines for later', () => {
    assert.deepEqual(feedBothWays(100, 'USER a\r\nPASS b c\nSTAT\r\nNO'), ['USER a', 'PASS b c', 'STAT']);
  });

  test('empty lines are reported as empty lines', () => {
    assert.deepEqual(feedBothWays(100, '\r\n\r\nNOOP\r\n'), ['', '', 'NOOP']);
  });

  test('a line over the limit is reported once and skipped to its end', () => {
    const long = 'X'.repeat(50);
    assert.deepEqual(feedBothWays(20, `NOOP\r\n${long}\r\nSTAT\r\n`), ['NOOP', '<too-long>', 'STAT']);
  });

  test('a line of exactly the limit is accepted', () => {
    const exact = 'Y'.repeat(20);
    assert.deepEqual(feedBothWays(20, `${exact}\r\n`), [exact]);
  });

  test('discard drops a partial line', () => {
    const reader = new LineReader(100);
    assert.deepEqual(reader.feed(Buffer.from('STLS\r\nNOO')).length, 1);
    reader.discard();
    assert.equal(reader.bufferedBytes, 0);
    assert.deepEqual(lines(reader.feed(Buffer.from('CAPA\r\n'))), ['CAPA']);
  });
});

describe('parseCommandLine', () => {
  test('upper-cases the keyword and splits arguments', () => {
    const r = parseCommandLine(Buffer.from('top 1  10'));
    assert.ok(r.ok);
    assert.equal(r.command.keyword, 'TOP');
    assert.deepEqual(r.command.args, ['1', '10']);
    assert.equal(r.command.rest, '1  10');
  });

  test('keeps the raw rest for PASS with spaces', () => {
    const r = parseCommandLine(Buffer.from('PASS  my secret '));
    assert.ok(r.ok);
    assert.equal(r.command.rest, ' my secret ');
  });

  test('rejects empty lines, control characters and junk keywords', () => {
    assert.equal(parseCommandLine(Buffer.from('')).ok, false);
    assert.equal(parseCommandLine(Buffer.from('   ')).ok, false);
    assert.equal(parseCommandLine(Buffer.from('NO\x00OP')).ok, false);
    assert.equal(parseCommandLine(Buffer.from('NO\rOP')).ok, false);
    assert.equal(parseCommandLine(Buffer.from(' STAT')).ok, false);
    assert.equal(parseCommandLine(Buffer.from('ST@T')).ok, false);
  });

  test('message numbers and line counts', () => {
    assert.equal(parseMessageNumber('1'), 1);
    assert.equal(parseMessageNumber('007'), 7);
    assert.equal(parseMessageNumber('0'), null);
    assert.equal(parseMessageNumber('-1'), null);
    assert.equal(parseMessageNumber('+1'), null);
    assert.equal(parseMessageNumber('1a'), null);
    assert.equal(parseMessageNumber('99999999999'), null);
    assert.equal(parseLineCount('0'), 0);
    assert.equal(parseLineCount('x'), null);
  });
});

describe('responses', () => {
  test('status lines, codes and one-line cleaning', () => {
    assert.equal(okLine().toString(), '+OK\r\n');
    assert.equal(okLine('2 320').toString(), '+OK 2 320\r\n');
    assert.equal(errLine('in use', 'IN-USE').toString(), '-ERR [IN-USE] in use\r\n');
    assert.equal(errLine('a\r\nb').toString(), '-ERR a b\r\n');
    assert.equal(continuationLine('').toString(), '+ \r\n');
  });

  test('multi-line responses stuff lines starting with a dot', () => {
    assert.equal(multiLine('list', ['1 10', '.x']).toString(), '+OK list\r\n1 10\r\n..x\r\n.\r\n');
    assert.equal(multiLine('empty', []).toString(), '+OK empty\r\n.\r\n');
  });
});

describe('dot-stuffing', () => {
  const message = '.starts\r\nmiddle\r\n.\r\n..two\r\nend .\r\n';
  const expected = '..starts\r\nmiddle\r\n..\r\n...two\r\nend .\r\n';

  test('whole buffer', () => {
    assert.equal(dotStuff(Buffer.from(message)).toString(), expected);
  });

  test('one byte at a time gives the same bytes', () => {
    const stuffer = new DotStuffer();
    const parts = [...Buffer.from(message)].map((b) => stuffer.push(Buffer.from([b])));
    assert.equal(Buffer.concat([...parts, stuffer.finish()]).toString(), expected);
  });

  test('a body without a final line end gets CRLF before the terminator', () => {
    assert.equal(dotStuff(Buffer.from('a\r\n.b')).toString(), 'a\r\n..b\r\n');
    assert.equal(dotStuff(Buffer.alloc(0)).length, 0);
  });

  test('as a stream Transform over many chunks', async () => {
    const chunks = ['.a\r', '\n.', 'b\r\n', 'c'].map((s) => Buffer.from(s));
    const out: Buffer[] = [];
    await pipeline(Readable.from(chunks), new DotStuffTransform(), async (s: AsyncIterable<Buffer>) => {
      for await (const c of s) out.push(c);
    });
    assert.equal(Buffer.concat(out).toString(), '..a\r\n..b\r\nc\r\n');
  });
});

describe('TOP', () => {
  const msg = 'Subject: x\r\nFrom: a@b\r\n\r\nline1\r\nline2\r\nline3\r\n';

  test('0 lines gives the header and the blank line', () => {
    assert.equal(topLines(Buffer.from(msg), 0).toString(), 'Subject: x\r\nFrom: a@b\r\n\r\n');
  });

  test('n lines of body, or all when the body is shorter', () => {
    assert.equal(topLines(Buffer.from(msg), 2).toString(), 'Subject: x\r\nFrom: a@b\r\n\r\nline1\r\nline2\r\n');
    assert.equal(topLines(Buffer.from(msg), 10).toString(), msg);
  });

  test('a message without a body is sent whole', () => {
    assert.equal(topLines(Buffer.from('Subject: x\r\n'), 0).toString(), 'Subject: x\r\n');
  });

  test('byte by byte gives the same result and reports done', () => {
    for (const n of [0, 1, 3, 5]) {
      const cutter = new TopLinesCutter(n);
      const out: Buffer[] = [];
      for (const b of Buffer.from(msg)) {
        const r = cutter.push(Buffer.from([b]));
        out.push(r.data);
        if (r.done) break;
      }
      assert.equal(Buffer.concat(out).toString(), topLines(Buffer.from(msg), n).toString(), `n=${n}`);
      // Done once the n-th body line has passed; with 5 the body (3 lines) runs out first.
      assert.equal(cutter.done, n <= 3);
    }
  });
});

describe('strict base64', () => {
  test('accepts valid, rejects stray characters and inner padding', () => {
    assert.equal(decodeBase64Strict('AGEAYg==')?.toString('latin1'), '\0a\0b');
    assert.equal(decodeBase64Strict('')?.length, 0);
    assert.equal(decodeBase64Strict('AGE AYg=='), null);
    assert.equal(decodeBase64Strict('=AAA'), null);
    assert.equal(decodeBase64Strict('AAA=BBBB'), null);
    assert.equal(decodeBase64Strict('AAA'), null);
  });
});

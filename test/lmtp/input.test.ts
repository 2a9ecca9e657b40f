import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LmtpInputParser, type LmtpInputEvent } from '../../src/lmtp/input.js';

type Simple = { line: string } | { tooLong: true } | { data: string } | { end: true };

/**
 * Drives the parser like a session: DATA lines switch it to data mode. Data events are merged,
 * since how the message is cut into pieces depends on how bytes arrived.
 */
function run(input: Buffer, chunkSize: number, maxLineBytes = 64): Simple[] {
  const parser = new LmtpInputParser({ maxLineBytes });
  const out: Simple[] = [];
  const handle = (e: LmtpInputEvent): void => {
    if (e.kind === 'line') {
      const line = e.line.toString('latin1');
      out.push({ line });
      if (line.toUpperCase() === 'DATA') parser.startData();
    } else if (e.kind === 'line-too-long') out.push({ tooLong: true });
    else if (e.kind === 'data') {
      const last = out[out.length - 1];
      if (last && 'data' in last) last.data += e.bytes.toString('latin1');
      else out.push({ data: e.bytes.toString('latin1') });
    } else out.push({ end: true });
  };
  for (let i = 0; i < input.length; i += chunkSize) {
    parser.push(input.subarray(i, i + chunkSize));
    for (let e = parser.next(); e; e = parser.next()) handle(e);
  }
  return out;
}

function both(input: string, expected: Simple[], maxLineBytes?: number): void {
  const bytes = Buffer.from(input, 'latin1');
  assert.deepEqual(run(bytes, bytes.length || 1, maxLineBytes), expected, 'whole');
  assert.deepEqual(run(bytes, 1, maxLineBytes), expected, 'byte by byte');
  assert.deepEqual(run(bytes, 3, maxLineBytes), expected, 'three bytes at a time');
}

describe('LMTP input parser', () => {
  test('cuts command lines at CRLF (and tolerates bare LF)', () => {
    both('LHLO a\r\nMAIL FROM:<x@y>\nNOOP\r\n', [{ line: 'LHLO a' }, { line: 'MAIL FROM:<x@y>' }, { line: 'NOOP' }]);
  });

  test('waits for the end of a line', () => {
    const parser = new LmtpInputParser({ maxLineBytes: 64 });
    parser.push(Buffer.from('NOO'));
    assert.equal(parser.next(), null);
    parser.push(Buffer.from('P\r'));
    assert.equal(parser.next(), null);
    parser.push(Buffer.from('\n'));
    assert.deepEqual(parser.next(), { kind: 'line', line: Buffer.from('NOOP') });
  });

  test('a line over the limit is reported once and dropped without being buffered', () => {
    const long = 'X'.repeat(200);
    both(`NOOP\r\n${long}\r\nQUIT\r\n`, [{ line: 'NOOP' }, { tooLong: true }, { line: 'QUIT' }], 64);
    const parser = new LmtpInputParser({ maxLineBytes: 64 });
    for (let i = 0; i < 1000; i++) {
      parser.push(Buffer.alloc(1000, 0x41));
      parser.next();
      assert.ok(parser.buffered <= 1000 + 65, 'holds no more than one chunk past the limit');
    }
    parser.push(Buffer.from('\r\nRSET\r\n'));
    assert.deepEqual(parser.next(), { kind: 'line', line: Buffer.from('RSET') });
  });

  test('a line of exactly the limit is accepted', () => {
    const exact = 'Y'.repeat(64);
    both(`${exact}\r\n`, [{ line: exact }], 64);
  });

  test('message data ends at CRLF.CRLF, is dot-unstuffed, and commands follow', () => {
    both('DATA\r\nSubject: a\r\n\r\n..leading dot\r\n.\r\nNOOP\r\n', [
      { line: 'DATA' },
      { data: 'Subject: a\r\n\r\n.leading dot\r\n' },
      { end: true },
      { line: 'NOOP' },
    ]);
  });

  test('an empty message', () => {
    both('DATA\r\n.\r\nQUIT\r\n', [{ line: 'DATA' }, { end: true }, { line: 'QUIT' }]);
  });

  test('dots that do not end the message are kept or unstuffed correctly', () => {
    both('DATA\r\na.\r\n.x\r\n..\r\n. \r\n.\rz\r\n.\r\n', [
      { line: 'DATA' },
      { data: 'a.\r\nx\r\n.\r\n \r\n\rz\r\n' },
      { end: true },
    ]);
  });

  test('a bare LF dot line does not end the message (no smuggling)', () => {
    both('DATA\r\nline\n.\nMAIL FROM:<evil@x>\r\n.\r\n', [
      { line: 'DATA' },
      { data: 'line\n.\nMAIL FROM:<evil@x>\r\n' },
      { end: true },
    ]);
  });

  test('binary data, NUL bytes and CR runs pass through untouched', () => {
    const body = '\x00\x01\xff\r\r\r\nabc\rdef\r\n';
    both(`DATA\r\n${body}.\r\n`, [{ line: 'DATA' }, { data: body }, { end: true }]);
  });

  test('a very long data line is streamed, not held', () => {
    const parser = new LmtpInputParser({ maxLineBytes: 64 });
    parser.push(Buffer.from('DATA\r\n'));
    assert.equal(parser.next()?.kind, 'line');
    parser.startData();
    let total = 0;
    for (let i = 0; i < 100; i++) {
      parser.push(Buffer.alloc(100_000, 0x61));
      for (let e = parser.next(); e; e = parser.next()) {
        assert.equal(e.kind, 'data');
        if (e.kind === 'data') total += e.bytes.length;
      }
      assert.equal(parser.buffered, 0);
    }
    parser.push(Buffer.from('\r\n.\r\n'));
    const events: LmtpInputEvent[] = [];
    for (let e = parser.next(); e; e = parser.next()) events.push(e);
    assert.equal(total, 10_000_000);
    assert.deepEqual(events, [{ kind: 'data', bytes: Buffer.from('\r\n') }, { kind: 'data-end' }]);
  });

  test('two messages pipelined back to back', () => {
    both('DATA\r\none\r\n.\r\nDATA\r\ntwo\r\n.\r\n', [
      { line: 'DATA' },
      { data: 'one\r\n' },
      { end: true },
      { line: 'DATA' },
      { data: 'two\r\n' },
      { end: true },
    ]);
  });
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CommandParser, type ParseResult } from '../../../src/imap/protocol/command-parser.js';
import type { ImapValue } from '../../../src/imap/protocol/types.js';

type Event =
  | { kind: 'command'; tag: string; name: string; uid: boolean; args: unknown }
  | { kind: 'literal'; size: number; nonSync: boolean; tag: string | null; name: string | null }
  | { kind: 'error'; tag: string | null; message: string; tooLong: boolean; fatal: boolean };

function plain(v: ImapValue): unknown {
  switch (v.type) {
    case 'atom':
      return v.section !== undefined ? { atom: v.value, section: v.section.map(plain), partial: v.partial } : v.value;
    case 'string':
      return { s: v.value.toString('utf8'), literal: v.literal };
    case 'list':
      return v.items.map(plain);
    case 'nil':
      return null;
  }
}

/** Drives a parser with the given chunks; accepts literals up to `maxLiteral`. */
function run(chunks: Buffer[], maxLine = 1000, maxLiteral = 100): Event[] {
  const parser = new CommandParser({ maxLineBytes: maxLine });
  const events: Event[] = [];
  const drain = (): void => {
    for (let guard = 0; guard < 10000; guard++) {
      const r: ParseResult = parser.next();
      if (r.kind === 'need-more') return;
      if (r.kind === 'command') {
        events.push({ kind: 'command', tag: r.command.tag, name: r.command.name, uid: r.command.uid, args: r.command.args.map(plain) });
      } else if (r.kind === 'need-literal') {
        events.push({ kind: 'literal', size: r.size, nonSync: r.nonSync, tag: r.tag, name: r.name });
        if (r.size + r.literalBytesSoFar <= maxLiteral) parser.acceptLiteral();
        else parser.rejectLiteral();
      } else {
        events.push({ kind: 'error', tag: r.tag, message: r.message, tooLong: r.tooLong, fatal: r.fatal });
      }
    }
    throw new Error('parser did not settle');
  };
  for (const chunk of chunks) {
    parser.push(chunk);
    drain();
  }
  return events;
}

/** Runs the input whole and one byte at a time; both must agree. */
function parse(input: string | Buffer, maxLine?: number, maxLiteral?: number): Event[] {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const whole = run([buf], maxLine, maxLiteral);
  const bytes = run([...buf].map((b) => Buffer.from([b])), maxLine, maxLiteral);
  assert.deepEqual(bytes, whole, 'byte-at-a-time parse differs from whole parse');
  return whole;
}

describe('command parser', () => {
  test('simple commands, case-insensitive names, UID prefix', () => {
    const ev = parse('a1 noop\r\nA2 Uid fetch 1:* (FLAGS)\r\n');
    assert.deepEqual(ev, [
      { kind: 'command', tag: 'a1', name: 'NOOP', uid: false, args: [] },
      { kind: 'command', tag: 'A2', name: 'FETCH', uid: true, args: ['1:*', ['FLAGS']] },
    ]);
  });

  test('quoted strings with escapes, NIL, nested lists', () => {
    const ev = parse('t LOGIN "us\\"er" "p\\\\w"\r\nt2 X (a (b NIL) ()) nil\r\n');
    assert.deepEqual(ev[0], { kind: 'command', tag: 't', name: 'LOGIN', uid: false, args: [{ s: 'us"er', literal: false }, { s: 'p\\w', literal: false }] });
    assert.deepEqual(ev[1], { kind: 'command', tag: 't2', name: 'X', uid: false, args: [['a', ['b', null], []], null] });
  });

  test('synchronizing and non-synchronizing literals', () => {
    const ev = parse('a LOGIN {4}\r\nuser {4+}\r\np ss\r\n');
    assert.deepEqual(ev, [
      { kind: 'literal', size: 4, nonSync: false, tag: 'a', name: 'LOGIN' },
      { kind: 'literal', size: 4, nonSync: true, tag: 'a', name: 'LOGIN' },
      { kind: 'command', tag: 'a', name: 'LOGIN', uid: false, args: [{ s: 'user', literal: true }, { s: 'p ss', literal: true }] },
    ]);
  });

  test('literal bytes may contain CRLF, NUL and parentheses', () => {
    const body = Buffer.from('a\r\n\0()"{3}\r\n');
    const input = Buffer.concat([Buffer.from(`A APPEND INBOX (\\Seen) {${body.length}}\r\n`), body, Buffer.from('\r\nB NOOP\r\n')]);
    const ev = parse(input);
    assert.equal(ev.length, 3);
    const cmd = ev[1];
    assert.ok(cmd && cmd.kind === 'command');
    assert.deepEqual(cmd.args, ['INBOX', ['\\Seen'], { s: body.toString('utf8'), literal: true }]);
    assert.equal(ev[2]?.kind, 'command');
  });

  test('fetch sections and partials are parsed into the atom', () => {
    const ev = parse('a FETCH 1 (BODY.PEEK[1.2.HEADER.FIELDS (From To)]<0.100> BODY[] body[TEXT] BINARY[1])\r\n');
    const cmd = ev[0];
    assert.ok(cmd && cmd.kind === 'command');
    assert.deepEqual(cmd.args, [
      '1',
      [
        { atom: 'BODY.PEEK', section: ['1.2.HEADER.FIELDS', ['From', 'To']], partial: { offset: 0, length: 100 } },
        { atom: 'BODY', section: [], partial: undefined },
        { atom: 'body', section: ['TEXT'], partial: undefined },
        { atom: 'BINARY', section: ['1'], partial: undefined },
      ],
    ]);
  });

  test('a "[" in an ordinary atom stays part of it', () => {
    const ev = parse('a LIST "" foo[bar]\r\n');
    const cmd = ev[0];
    assert.ok(cmd && cmd.kind === 'command');
    assert.deepEqual(cmd.args, [{ s: '', literal: false }, 'foo[bar]']);
  });

  test('syntax errors carry the tag', () => {
    assert.deepEqual(parse('a FETCH 1 (FLAGS\r\n'), [{ kind: 'error', tag: 'a', message: 'Missing ")"', tooLong: false, fatal: false }]);
    assert.deepEqual(parse('a X "abc\r\n'), [{ kind: 'error', tag: 'a', message: 'Unterminated quoted string', tooLong: false, fatal: false }]);
    assert.deepEqual(parse('a X "a\\b"\r\n'), [{ kind: 'error', tag: 'a', message: 'Invalid escape in quoted string', tooLong: false, fatal: false }]);
    assert.deepEqual(parse('a X a)\r\n'), [{ kind: 'error', tag: 'a', message: 'Unexpected ")"', tooLong: false, fatal: false }]);
    assert.deepEqual(parse('a X  b\r\n'), [{ kind: 'error', tag: 'a', message: 'Unexpected space', tooLong: false, fatal: false }]);
    assert.equal(parse('+tag NOOP\r\n')[0]?.kind, 'error');
    assert.deepEqual(parse('\r\n'), [{ kind: 'error', tag: null, message: 'Missing or invalid command tag', tooLong: false, fatal: false }]);
    assert.deepEqual(parse('a\r\n'), [{ kind: 'error', tag: 'a', message: 'Missing command', tooLong: false, fatal: false }]);
    assert.deepEqual(parse('a FETCH 1 BODY[TEXT]<5>\r\n')[0], { kind: 'error', tag: 'a', message: 'Invalid partial specifier', tooLong: false, fatal: false });
  });

  test('NUL outside a literal is refused and the rest of the line skipped', () => {
    const ev = parse(Buffer.from('a NOOP\0 junk {5+}\r\nhello more\r\nb NOOP\r\n'));
    assert.deepEqual(ev, [
      { kind: 'error', tag: 'a', message: 'NUL characters are not allowed', tooLong: false, fatal: false },
      { kind: 'command', tag: 'b', name: 'NOOP', uid: false, args: [] },
    ]);
  });

  test('over-long lines are reported once and skipped without buffering', () => {
    const long = `a X ${'x'.repeat(300)}\r\nb NOOP\r\n`;
    assert.deepEqual(parse(long, 100), [
      { kind: 'error', tag: 'a', message: 'Command line too long', tooLong: true, fatal: false },
      { kind: 'command', tag: 'b', name: 'NOOP', uid: false, args: [] },
    ]);
    // The parser's buffer stays small however long the line grows.
    const parser = new CommandParser({ maxLineBytes: 100 });
    parser.push(Buffer.from('a X '));
    for (let i = 0; i < 100; i++) {
      parser.push(Buffer.alloc(1000, 0x61));
      parser.next();
      assert.ok(parser.buffered <= 1100);
    }
  });

  test('rejected literals: synchronizing drops the command, non-synchronizing is skipped', () => {
    const ev = parse('a APPEND INBOX {500}\r\nb NOOP\r\nc APPEND INBOX {200+}\r\n' + 'z'.repeat(200) + ' tail {3+}\r\nabc\r\nd NOOP\r\n');
    assert.deepEqual(ev, [
      { kind: 'literal', size: 500, nonSync: false, tag: 'a', name: 'APPEND' },
      { kind: 'command', tag: 'b', name: 'NOOP', uid: false, args: [] },
      { kind: 'literal', size: 200, nonSync: true, tag: 'c', name: 'APPEND' },
      { kind: 'command', tag: 'd', name: 'NOOP', uid: false, args: [] },
    ]);
  });

  test('literal sizes are range-checked as digits', () => {
    assert.deepEqual(parse('a LOGIN {99999999999}\r\nb NOOP\r\n'), [
      { kind: 'error', tag: 'a', message: 'Literal size out of range', tooLong: true, fatal: false },
      { kind: 'command', tag: 'b', name: 'NOOP', uid: false, args: [] },
    ]);
    assert.deepEqual(parse('a LOGIN {4294967296+}\r\n'), [{ kind: 'error', tag: 'a', message: 'Literal size out of range', tooLong: true, fatal: true }]);
    assert.equal(parse('a LOGIN {4294967295}\r\n')[0]?.kind, 'literal');
  });

  test('nesting is bounded', () => {
    const deep = `a X ${'('.repeat(40)}${')'.repeat(40)}\r\n`;
    assert.deepEqual(parse(deep), [{ kind: 'error', tag: 'a', message: 'Too deeply nested', tooLong: false, fatal: false }]);
    const ok = `a X ${'('.repeat(20)}${')'.repeat(20)}\r\n`;
    assert.equal(parse(ok)[0]?.kind, 'command');
  });

  test('a brace inside a quoted string is not a literal', () => {
    const ev = parse('a LOGIN "x {5}" y\r\n');
    const cmd = ev[0];
    assert.ok(cmd && cmd.kind === 'command');
    assert.deepEqual(cmd.args, [{ s: 'x {5}', literal: false }, 'y']);
  });

  test('reset forgets buffered bytes', () => {
    const parser = new CommandParser({ maxLineBytes: 1000 });
    parser.push(Buffer.from('a STARTTLS\r\nb LOGIN x y\r\n'));
    const first = parser.next();
    assert.equal(first.kind, 'command');
    parser.reset();
    assert.equal(parser.next().kind, 'need-more');
  });

  test('fuzz: random input never throws and never buffers past the limit', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = Buffer.from('a1 ()[]{}<>."\\+*%:,\r\n\0xBODY.PEEK[ NIL{3}\r\n{2+}\r\n');
    for (let round = 0; round < 300; round++) {
      const parser = new CommandParser({ maxLineBytes: 200 });
      const len = 1 + rand(400);
      const bytes = Buffer.alloc(len);
      for (let i = 0; i < len; i++) bytes[i] = rand(4) === 0 ? rand(256) : (alphabet[rand(alphabet.length)] as number);
      let offset = 0;
      for (let steps = 0; offset < len && steps < 2000; steps++) {
        const n = 1 + rand(16);
        parser.push(bytes.subarray(offset, offset + n));
        offset += n;
        for (let guard = 0; guard < 1000; guard++) {
          const r = parser.next();
          if (r.kind === 'need-more') break;
          if (r.kind === 'need-literal') {
            if (r.size < 50) parser.acceptLiteral();
            else parser.rejectLiteral();
          }
        }
        assert.ok(parser.buffered <= 200 + 16 + 50);
      }
    }
  });
});

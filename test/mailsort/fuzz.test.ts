import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from '../../src/mailsort/lexer.js';
import { parseFilter } from '../../src/mailsort/parser.js';
import { printFilterFile } from '../../src/mailsort/printer.js';
import { compileFilter, evaluate } from '../../src/mailsort/evaluator.js';
import { createMessageView } from '../../src/mailsort/message-view.js';

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'rule', 'RULE', 'vacation', 'end', 'End', 'disabled', 'always', 'if', 'not', 'and', 'or', 'from', 'to', 'cc', 'bcc',
  'subject', 'header', 'size', 'over', 'under', 'contains', 'is', 'begins', 'ends', 'with', 'matches', 'move', 'copy',
  'forward', 'reject', 'discard', 'stop', 'days', 'active', 'until', 'body', 'addresses', '"x"', '"a@b.example"', '""',
  '"\\"q\\\\"', '"multi\nline"', '"unterminated', '"""\n  text\n  """', '"""', '10', '10K', '3M', 'K', '2026-12-20',
  '2026-02-30', ',', '#comment', '\n', '\n', '\n', '\r\n', '  ', '\t', ';', '@', '\u0000', 'é', '😀', '\\',
];

const VIEW = createMessageView(Buffer.from('From: a@b.example\r\nTo: x@y.example\r\nSubject: x\r\n\r\n'), 100);

function checkOne(text: string): void {
  const tokens = tokenize(text);
  assert.equal(tokens[tokens.length - 1]?.kind, 'eof');
  for (const t of tokens) assert.ok(t.line >= 1 && t.column >= 1 && t.end >= t.start);
  const r = parseFilter(text);
  if (r.ok) {
    assert.equal(printFilterFile(r.tree), text);
    evaluate(compileFilter(r.tree), VIEW);
  } else {
    assert.ok(r.errors.length >= 1 && r.errors.length <= 50);
    for (const e of r.errors) {
      assert.ok(e.line >= 1 && e.column >= 1, JSON.stringify(e));
      assert.match(e.message, /^(expected .+, found .+|unterminated .+: expected .+, found .+)$/s);
    }
  }
}

describe('fuzz: the lexer and parser never crash or hang', () => {
  test('2,500 inputs of random bytes', () => {
    const next = rng(20261126);
    const started = Date.now();
    for (let i = 0; i < 2500; i++) {
      const len = Math.floor(next() * 200);
      const bytes = Buffer.alloc(len);
      for (let j = 0; j < len; j++) bytes[j] = Math.floor(next() * 256);
      const text = next() < 0.5 ? bytes.toString('utf8') : bytes.toString('latin1');
      try {
        checkOne(text);
      } catch (err) {
        assert.fail(`input ${i} ${JSON.stringify(text)}: ${String(err)}`);
      }
    }
    assert.ok(Date.now() - started < 20_000);
  });

  test('2,500 inputs of random token sequences', () => {
    const next = rng(7);
    let parsed = 0;
    for (let i = 0; i < 2500; i++) {
      const n = Math.floor(next() * 40);
      let text = '';
      for (let j = 0; j < n; j++) {
        text += PIECES[Math.floor(next() * PIECES.length)] ?? '';
        if (next() < 0.7) text += ' ';
      }
      try {
        checkOne(text);
      } catch (err) {
        assert.fail(`input ${i} ${JSON.stringify(text)}: ${String(err)}`);
      }
      if (parseFilter(text).ok) parsed++;
    }
    assert.ok(parsed > 0, 'some random sequences are valid files');
  });

  test('mutations of a valid file (one piece dropped, swapped or duplicated) give errors with positions', () => {
    const base = 'rule "a"\n  if from contains "x" and size over 10K\n  move to "y"\n  forward to "a@b.example", "c@d.example"\nend\nvacation\n  days 3\n  body """\n    hi\n    """\nend\n';
    const words = base.split(/(?<=\s)|(?=\s)/);
    const next = rng(99);
    for (let i = 0; i < 1000; i++) {
      const copy = [...words];
      const at = Math.floor(next() * copy.length);
      const op = next();
      if (op < 0.33) copy.splice(at, 1);
      else if (op < 0.66) copy.splice(at, 0, copy[Math.floor(next() * copy.length)] ?? '');
      else {
        const other = Math.floor(next() * copy.length);
        [copy[at], copy[other]] = [copy[other] ?? '', copy[at] ?? ''];
      }
      checkOne(copy.join(''));
    }
  });

  test('large inputs stay fast: long unterminated strings, many quotes, deep nesting of nothing', () => {
    const started = Date.now();
    checkOne(`rule "${'x'.repeat(200_000)}`);
    checkOne('"'.repeat(50_001));
    checkOne('"""\n'.repeat(20_000));
    checkOne('rule "a"\n  if from is "b"' + ' and to is "c"'.repeat(20_000) + '\n  stop\nend\n');
    checkOne('\\'.repeat(100_000));
    checkOne(`rule "a"\n  always\n  stop\nend\n`.repeat(5_000));
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LineReader } from '../../src/pop3/protocol/line-reader.js';
import { parseCommandLine } from '../../src/pop3/protocol/command-line.js';
import { DotStuffer, dotStuff } from '../../src/pop3/protocol/dot-stuff.js';
import { TopLinesCutter, topLines } from '../../src/pop3/protocol/top-lines.js';
import { unstuff } from './client.js';

/** A small seeded generator so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Random bytes biased towards the interesting ones: '.', CR, LF, space. */
function randomBytes(rand: () => number, length: number): Buffer {
  const alphabet = [0x2e, 0x0d, 0x0a, 0x20, 0x41, 0x00, 0xff, 0x2e, 0x0a];
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = rand() < 0.7 ? alphabet[Math.floor(rand() * alphabet.length)]! : Math.floor(rand() * 256);
  return out;
}

/** Splits a buffer at random points. */
function randomChunks(rand: () => number, data: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const size = 1 + Math.floor(rand() * 17);
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

describe('POP3 parsers on random input', () => {
  test('line reader and command parser never throw and chunking does not change the lines', () => {
    const rand = prng(1939);
    for (let round = 0; round < 300; round++) {
      const data = randomBytes(rand, Math.floor(rand() * 400));
      const whole = new LineReader(64).feed(data);
      const reader = new LineReader(64);
      const chunked = randomChunks(rand, data).flatMap((c) => reader.feed(c));
      assert.deepEqual(chunked, whole, `round ${round}`);
      for (const event of whole) {
        if (event.kind === 'line') {
          assert.ok(event.line.length <= 65);
          assert.equal(event.line.includes(0x0a), false);
          parseCommandLine(event.line);
        }
      }
    }
  });

  test('byte-stuffing: chunked equals whole, and unstuffing gives the body back', () => {
    const rand = prng(2449);
    for (let round = 0; round < 300; round++) {
      // Bodies in the stored form: CRLF line ends.
      const body = Buffer.from(randomBytes(rand, Math.floor(rand() * 300)).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
      const whole = dotStuff(body);
      const stuffer = new DotStuffer();
      const chunked = Buffer.concat([...randomChunks(rand, body).map((c) => stuffer.push(c)), stuffer.finish()]);
      assert.ok(chunked.equals(whole), `round ${round}`);
      // No line of the stuffed body is a lone "." (that would end the response early).
      assert.equal(whole.includes(Buffer.from('\r\n.\r\n')), false);
      assert.equal(whole.subarray(0, 3).equals(Buffer.from('.\r\n')), false);
      const expected = body.length > 0 && body[body.length - 1] !== 0x0a ? Buffer.concat([body, Buffer.from('\r\n')]) : body;
      assert.ok(unstuff(whole).equals(expected), `round ${round}`);
    }
  });

  test('TOP: chunked equals whole, and the result is a prefix of the message', () => {
    const rand = prng(5034);
    for (let round = 0; round < 300; round++) {
      const message = Buffer.from(randomBytes(rand, Math.floor(rand() * 300)).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
      const n = Math.floor(rand() * 4);
      const whole = topLines(message, n);
      const cutter = new TopLinesCutter(n);
      const parts: Buffer[] = [];
      for (const chunk of randomChunks(rand, message)) {
        const r = cutter.push(chunk);
        parts.push(r.data);
        if (r.done) break;
      }
      const chunked = Buffer.concat(parts);
      assert.ok(chunked.equals(whole), `round ${round}`);
      assert.ok(message.subarray(0, whole.length).equals(whole));
    }
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  extractSearchText, filterHeaderFields, indexMessage, locateSection, normalizeLineEndings, type MimePart,
} from '../../src/mime/index.js';
import * as corpus from './corpus.js';
import { assertValidIndex } from './structure-check.js';

/** Small deterministic PRNG (mulberry32) so a failure is reproducible from its seed. */
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

const PIECES = ['\r\n', '\n', '\r', '--', '--outer', '--inner--', '--b1', '--b2--', ':', ';', '"', '(', ')', '<', '>',
  '=?', '?=', '=?utf-8?B?', 'Content-Type: multipart/mixed; boundary=outer\r\n', 'Content-Type: message/rfc822\r\n',
  '\r\n\r\n', '\0', '\xff', '\t', ' ', '=C3', 'boundary=', '*0*=', "''"];

function mutate(input: Buffer, random: () => number): Buffer {
  let buf = input;
  const edits = 1 + Math.floor(random() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (buf.length + 1));
    const kind = random();
    if (kind < 0.4) {
      const piece = Buffer.from(PIECES[Math.floor(random() * PIECES.length)] as string, 'latin1');
      buf = Buffer.concat([buf.subarray(0, at), piece, buf.subarray(at)]);
    } else if (kind < 0.7) {
      buf = Buffer.concat([buf.subarray(0, at), buf.subarray(Math.min(buf.length, at + 1 + Math.floor(random() * 20)))]);
    } else if (kind < 0.9 && buf.length > 0) {
      buf = Buffer.from(buf);
      buf[at % buf.length] = Math.floor(random() * 256);
    } else {
      buf = buf.subarray(0, at);
    }
  }
  return buf;
}

function allPaths(part: MimePart, prefix: number[], out: number[][], limit: number): void {
  if (out.length >= limit) return;
  const children = part.parts ?? (part.message ? (part.message.parts ?? [part.message]) : []);
  children.forEach((child, i) => {
    const path = [...prefix, i + 1];
    out.push(path);
    allPaths(child, path, out, limit);
  });
}

describe('mutated corpus messages', () => {
  const seeds = [
    corpus.simpleText, corpus.mixedWithAttachment, corpus.forwarded, corpus.eightBitHeaders, corpus.signed,
    corpus.relatedAndCalendar, ...corpus.broken,
  ];

  test('every mutation gives a valid structure and sections inside the message', () => {
    const random = rng(20240611);
    for (let i = 0; i < 600; i++) {
      const seed = seeds[i % seeds.length] as corpus.CorpusMessage;
      const raw = normalizeLineEndings(mutate(seed.raw, random));
      const index = indexMessage(raw);
      try {
        assertValidIndex(index, raw);
      } catch (err) {
        assert.fail(`iteration ${i} (${seed.name}): ${(err as Error).message}\n${JSON.stringify(raw.toString('latin1'))}`);
      }
      const paths: number[][] = [[]];
      allPaths(index.root, [], paths, 50);
      for (const path of paths) {
        for (const spec of ['HEADER', 'TEXT', 'MIME', 'BODY'] as const) {
          const r = locateSection(index.root, path, spec);
          if (r) assert.ok(r.start >= 0 && r.start <= r.end && r.end <= raw.length, `${path.join('.')}.${spec}`);
        }
      }
      const header = raw.subarray(index.root.header.start, index.root.header.end);
      assert.ok(filterHeaderFields(header, ['subject', 'from'], false).toString('latin1').endsWith('\r\n'));
      assert.equal(typeof extractSearchText(raw, index), 'string');
    }
  });
});

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeIndexWorker, findPart, indexMessage, indexMessageAsync, isCheapToIndex, MAX_DEPTH, MAX_PARTS,
  type MessageIndex, type MimePart,
} from '../../src/mime/index.js';
import { deepMessages, deepMultipart, hugeFoldedHeaderWithoutBody, hugeHeader, manySiblings } from './hostile-corpus.js';
import { assertValidIndex } from './structure-check.js';
import * as corpus from './corpus.js';

/** Runs work while a 10 ms interval timer measures the longest gap between its ticks. */
async function withLoopWatch<T>(work: () => Promise<T>): Promise<{ result: T; maxGap: number }> {
  let last = performance.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 10);
  try {
    const result = await work();
    maxGap = Math.max(maxGap, performance.now() - last);
    return { result, maxGap };
  } finally {
    clearInterval(timer);
  }
}

/** Nesting depth of multipart / message entities below part. */
function depthOf(part: MimePart): number {
  let depth = 0;
  let cur: MimePart | undefined = part;
  // Bounded: the parser never nests deeper than MAX_DEPTH.
  for (let i = 0; cur && i <= MAX_DEPTH + 5; i++) {
    const next: MimePart | undefined = cur.parts?.[0] ?? cur.message;
    if (!next) break;
    depth++;
    cur = next;
  }
  return depth;
}

// A generous bound (CI machines are shared and slow): the point is that a parse taking up to
// seconds runs in the worker and never blocks the loop for long.
const MAX_GAP_MS = 1000;

describe('hostile messages: bounded structure, responsive event loop', () => {
  after(() => closeIndexWorker());

  // Start the worker once so its start-up is not part of the first measurement.
  test('the worker answers like the inline parser', async () => {
    const raw = Buffer.concat([corpus.mixedWithAttachment.raw, Buffer.alloc(300 * 1024, 0x61)]);
    assert.equal(isCheapToIndex(raw), false);
    const viaWorker = await indexMessageAsync(raw);
    assert.deepEqual(viaWorker, indexMessage(raw));
  });

  const cases: { name: string; make: () => Buffer; check: (index: MessageIndex, raw: Buffer) => void }[] = [
    {
      name: 'a 20 MB header',
      make: () => hugeHeader(20 * 1024 * 1024),
      check: (index, raw) => {
        assert.match(index.envelope, /^\(NIL "big header" /);
        assert.equal(raw.toString('latin1', index.root.body.start, index.root.body.end), 'body\r\n');
      },
    },
    {
      name: 'a 20 MB folded header field and no body',
      make: () => hugeFoldedHeaderWithoutBody(20 * 1024 * 1024),
      check: (index, raw) => {
        assert.equal(index.root.header.end, raw.length);
        assert.match(index.bodyStructure, / "7BIT" 0 0 /);
      },
    },
    {
      name: '1,000,000 sibling parts',
      make: () => manySiblings(1_000_000),
      check: (index) => {
        // MAX_PARTS counts every entity, the multipart itself included.
        assert.equal(index.root.parts?.length, MAX_PARTS - 1);
        assert.deepEqual(findPart(index.root, [MAX_PARTS - 1])?.type, 'text');
        assert.equal(findPart(index.root, [MAX_PARTS]), null);
      },
    },
    {
      name: 'a To: list of 50,000 addresses',
      make: () => Buffer.from('To: ' + 'a@b,'.repeat(50_000) + '\r\nSubject: many\r\n\r\nbody\r\n'),
      check: (index) => {
        assert.equal(index.envelope.split('(NIL NIL "a" "b")').length - 1, 50_000);
        assert.match(index.envelope, /^\(NIL "many" NIL NIL NIL \(\(NIL NIL "a" "b"\)/);
      },
    },
    {
      name: '10,000 nested multiparts',
      make: () => deepMultipart(10_000),
      check: (index) => {
        assert.equal(depthOf(index.root), MAX_DEPTH);
        const path = new Array<number>(MAX_DEPTH).fill(1);
        assert.equal(findPart(index.root, path)?.subtype, 'octet-stream');
      },
    },
    {
      name: '10,000 nested multiparts sharing one boundary',
      make: () => deepMultipart(10_000, true),
      check: (index) => assert.equal(depthOf(index.root), MAX_DEPTH),
    },
    {
      name: '10,000 nested message/rfc822 (a message that contains itself)',
      make: () => deepMessages(10_000),
      check: (index) => assert.equal(depthOf(index.root), MAX_DEPTH),
    },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      const raw = c.make();
      const { result, maxGap } = await withLoopWatch(() => indexMessageAsync(raw));
      assert.ok(maxGap < MAX_GAP_MS, `event loop blocked for ${maxGap.toFixed(0)} ms`);
      assertValidIndex(result, raw);
      c.check(result, raw);
    });
  }

  test('part-heavy small messages go to the worker, ordinary ones stay inline', () => {
    assert.equal(isCheapToIndex(manySiblings(2000)), false);
    assert.equal(isCheapToIndex(corpus.mixedWithAttachment.raw), true);
  });
});

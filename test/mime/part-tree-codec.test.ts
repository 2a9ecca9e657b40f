import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { indexMessage } from '../../src/mime/index.js';
import { decodePartTree, encodePartTree } from '../../src/mime/part-tree-codec.js';
import * as corpus from './corpus.js';
import { deepMessages, deepMultipart, manySiblings } from './hostile-corpus.js';

describe('part tree codec (worker to main thread)', () => {
  test('round-trips every corpus tree and hostile trees exactly', () => {
    const messages = [
      corpus.simpleText.raw, corpus.mixedWithAttachment.raw, corpus.forwarded.raw, corpus.signed.raw,
      corpus.relatedAndCalendar.raw, ...corpus.broken.map((m) => m.raw),
      manySiblings(12_000), deepMultipart(300), deepMessages(300),
    ];
    for (const raw of messages) {
      const root = indexMessage(raw).root;
      const encoded = encodePartTree(root);
      const moved = structuredClone(encoded, { transfer: [encoded.numbers.buffer as ArrayBuffer] });
      assert.deepEqual(decodePartTree(moved), root);
    }
  });
});

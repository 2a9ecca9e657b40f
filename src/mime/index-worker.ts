/** Worker thread entry: indexes messages sent by async-index.ts, one at a time. */
import { parentPort } from 'node:worker_threads';
import { indexMessage } from './index-message.js';
import { extractSearchText } from './search-text.js';
import { encodePartTree } from './part-tree-codec.js';

export interface IndexRequest {
  id: number;
  raw: Uint8Array;
  /** Also extract the search text. */
  withText: boolean;
}

parentPort?.on('message', (request: IndexRequest) => {
  const raw = Buffer.from(request.raw.buffer, request.raw.byteOffset, request.raw.byteLength);
  const index = indexMessage(raw);
  const searchText = request.withText ? extractSearchText(raw, index) : '';
  // The tree goes in compact form (its numbers transferred, not copied); strings clone fast.
  const { root, ...rest } = index;
  const tree = encodePartTree(root);
  parentPort?.postMessage({ id: request.id, index: rest, tree, searchText }, [tree.numbers.buffer as ArrayBuffer]);
});

/** Worker thread entry: indexes messages sent by async-index.ts, one at a time. */
import { parentPort } from 'node:worker_threads';
import { indexMessage } from './index-message.js';

export interface IndexRequest {
  id: number;
  raw: Uint8Array;
}

parentPort?.on('message', (request: IndexRequest) => {
  const raw = Buffer.from(request.raw.buffer, request.raw.byteOffset, request.raw.byteLength);
  parentPort?.postMessage({ id: request.id, index: indexMessage(raw) });
});

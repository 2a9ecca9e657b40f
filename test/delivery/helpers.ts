/** Shared fixtures of the delivery tests: a pipeline over a real store, a log capture, message reading. */
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from '../../src/log/logger.js';
import { normalizeLineEndings } from '../../src/mime/index.js';
import type { MailboxInfo, Owner, Store } from '../../src/store/types.js';

export interface LogCapture {
  logger: Logger;
  records: Record<string, unknown>[];
}

export function captureLog(): LogCapture {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), records };
}

export const user = (address: string): Owner => ({ kind: 'user', address });

export async function messagesIn(store: Store, owner: Owner, name: string): Promise<{ box: MailboxInfo; raws: Buffer[] }> {
  const box = await store.getMailbox(owner, name);
  const metas = await store.listMessages(box.id);
  const raws: Buffer[] = [];
  for (const m of metas) raws.push(await store.readMessage(box.id, m.uid));
  return { box, raws };
}

export function expectedStored(from: string, to: string, raw: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`Return-Path: <${from}>\r\nDelivered-To: ${to}\r\n`), normalizeLineEndings(raw)]);
}

export const SIMPLE = Buffer.from('From: sender@remote.example\r\nTo: alice@example.com\r\nSubject: hello\r\n\r\nHi there.\r\n');

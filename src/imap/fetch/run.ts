/**
 * Runs one FETCH over many messages: loads message details in batches only when the items
 * need them, reads message bytes through the store, and yields each `* n FETCH` response as
 * soon as it is built, so the session can write it out (with backpressure) before the next.
 */
import { isMailError } from '../../store/errors.js';
import type { MailboxId, MessageDetail, MessageMeta, Store, Uid } from '../../store/types.js';
import type { FetchRequest } from './items.js';
import { buildFetchResponse, type FetchSource } from './response.js';

/** What running a FETCH needs from the store. */
export type FetchStore = Pick<Store, 'getMessageDetails' | 'readMessage'>;

/** One message to answer: its sequence number in the session's view and its metadata. */
export interface FetchTarget {
  seq: number;
  meta: MessageMeta;
}

export interface FetchRunOptions {
  uidCommand: boolean;
  /** UIDs that are \Recent in this session. */
  recentUids?: ReadonlySet<number>;
  /** UIDs whose FLAGS go out even when not asked (this FETCH just set their \Seen). */
  flagsChanged?: ReadonlySet<number>;
  /** Zone of INTERNALDATE in minutes east of UTC; defaults to the server's zone. */
  zoneOffsetMinutes?: number;
  /** Messages per getMessageDetails call. */
  batchSize?: number;
}

/** Messages that disappeared (expunged by another session) while the FETCH ran. */
export interface FetchRunResult {
  missing: Uid[];
}

const DEFAULT_BATCH = 100;

/** A FetchSource reading one stored message. */
export function messageSource(store: Pick<Store, 'readMessage'>, mailboxId: MailboxId, uid: Uid): FetchSource {
  return { read: (range) => store.readMessage(mailboxId, uid, range) };
}

function isGone(err: unknown): boolean {
  return isMailError(err, 'MS_MSGSTAT_REC_NOT_FOUND') || isMailError(err, 'MS_MSGFILE_NOT_FOUND');
}

/**
 * Yields the response chunks of each target in the order given; targets whose message is
 * gone from the store are skipped and listed in the result (RFC 2180 4.1: the session may
 * then answer NO, or OK when some were sent). Flags come from the targets, not the store,
 * so what is sent matches the session's view.
 */
export async function* fetchMessages(
  store: FetchStore,
  mailboxId: MailboxId,
  request: FetchRequest,
  targets: readonly FetchTarget[],
  options: FetchRunOptions,
): AsyncGenerator<Buffer[], FetchRunResult> {
  const missing: Uid[] = [];
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  for (let i = 0; i < targets.length; i += batchSize) {
    const batch = targets.slice(i, i + batchSize);
    let details: Map<number, MessageDetail> | null = null;
    if (request.needsIndex) {
      const loaded = await store.getMessageDetails(
        mailboxId,
        batch.map((t) => t.meta.uid),
      );
      details = new Map(loaded.map((d) => [d.uid as number, d]));
    }
    for (const target of batch) {
      const { meta } = target;
      let msg: MessageMeta | MessageDetail = meta;
      if (details !== null) {
        const detail = details.get(meta.uid);
        if (detail === undefined) {
          missing.push(meta.uid);
          continue;
        }
        msg = { ...meta, index: detail.index };
      }
      let chunks: Buffer[];
      try {
        chunks = await buildFetchResponse(target.seq, request, msg, messageSource(store, mailboxId, meta.uid), {
          uidCommand: options.uidCommand,
          recent: options.recentUids?.has(meta.uid) ?? false,
          includeFlags: options.flagsChanged?.has(meta.uid) ?? false,
          ...(options.zoneOffsetMinutes === undefined ? {} : { zoneOffsetMinutes: options.zoneOffsetMinutes }),
        });
      } catch (err) {
        if (!isGone(err)) throw err;
        missing.push(meta.uid);
        continue;
      }
      yield chunks;
    }
  }
  return { missing };
}

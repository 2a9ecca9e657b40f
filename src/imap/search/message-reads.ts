/**
 * The SEARCH criteria that need more than the session's message list: HEADER (reads each
 * candidate's header block) and SENTBEFORE/SENTON/SENTSINCE (the Date: header from the stored
 * index, and its zone from the header block only when the zone can change the day).
 */
import type { MailboxId, MessageDetail, Store, Uid } from '../../store/types.js';
import { parseHeaders, decodeHeaderValue } from '../../mime/index.js';
import { compareDay, compareSentDayWithoutZone, dateHeaderZone, zonedDayNumber, type DateOp } from './dates.js';

/** What evaluating a search needs from the store. */
export type SearchStore = Pick<Store, 'searchText' | 'getMessageDetails' | 'readMessage'>;

/** UIDs per getMessageDetails call, and header reads in flight at once. */
const DETAIL_BATCH = 256;
const READ_CONCURRENCY = 16;

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  for (let i = 0; i < items.length; i += limit) {
    const slice = items.slice(i, i + limit);
    const results = await Promise.all(slice.map(fn));
    for (let j = 0; j < results.length; j++) out[i + j] = results[j] as R;
  }
  return out;
}

/** Calls `visit` with the details of every UID, in batches. */
async function forEachDetailBatch(
  store: SearchStore,
  mailboxId: MailboxId,
  uids: readonly Uid[],
  visit: (details: MessageDetail[]) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < uids.length; i += DETAIL_BATCH) {
    await visit(await store.getMessageDetails(mailboxId, uids.slice(i, i + DETAIL_BATCH)));
  }
}

async function headerFields(store: SearchStore, mailboxId: MailboxId, detail: MessageDetail) {
  const range = detail.index.root.header;
  if (range.end <= range.start) return [];
  return parseHeaders(await store.readMessage(mailboxId, detail.uid, range));
}

/**
 * UIDs (of those given) whose top-level header has a field `name` whose decoded value
 * contains `needle`, case-insensitively; an empty needle matches any such field.
 */
export async function matchHeader(
  store: SearchStore,
  mailboxId: MailboxId,
  uids: readonly Uid[],
  name: string,
  needle: string,
): Promise<Set<Uid>> {
  const wanted = name.toLowerCase();
  const lowerNeedle = needle.toLowerCase();
  const matched = new Set<Uid>();
  await forEachDetailBatch(store, mailboxId, uids, async (details) => {
    const hits = await mapLimited(details, READ_CONCURRENCY, async (detail) => {
      for (const field of await headerFields(store, mailboxId, detail)) {
        if (field.name.toLowerCase() !== wanted) continue;
        if (lowerNeedle === '' || decodeHeaderValue(field.value).toLowerCase().includes(lowerNeedle)) return true;
      }
      return false;
    });
    details.forEach((detail, i) => {
      if (hits[i] === true) matched.add(detail.uid);
    });
  });
  return matched;
}

/**
 * UIDs (of those given) whose Date: header, taken as the day written in it, satisfies
 * `op` `day`. The instant comes from the stored index; the header is read for its zone only
 * when the zone can change the answer (within about a day of `day`). Messages without a
 * readable Date: header match no SENT* key.
 */
export async function matchSentDate(
  store: SearchStore,
  mailboxId: MailboxId,
  uids: readonly Uid[],
  op: DateOp,
  day: number,
): Promise<Set<Uid>> {
  const matched = new Set<Uid>();
  await forEachDetailBatch(store, mailboxId, uids, async (details) => {
    const needZone: Array<{ detail: MessageDetail; ms: number }> = [];
    for (const detail of details) {
      const ms = detail.index.headers.date;
      if (ms === null) continue;
      const answer = compareSentDayWithoutZone(ms, op, day);
      if (answer === null) needZone.push({ detail, ms });
      else if (answer) matched.add(detail.uid);
    }
    await mapLimited(needZone, READ_CONCURRENCY, async ({ detail, ms }) => {
      const field = (await headerFields(store, mailboxId, detail)).find((f) => f.name.toLowerCase() === 'date');
      const zone = field === undefined ? 0 : dateHeaderZone(field.value.toString('latin1'));
      if (compareDay(zonedDayNumber(ms, zone), op, day)) matched.add(detail.uid);
    });
  });
  return matched;
}

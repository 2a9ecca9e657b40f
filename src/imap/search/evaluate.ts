/**
 * Evaluates a SearchKey over the session's view of a mailbox.
 *
 * Candidates are kept as a mask over the view (one byte per message). Every key narrows the
 * candidates it is given: AND runs its cheapest keys first, OR tries the right side only on
 * messages the left side did not match, NOT evaluates its key on the candidates only. Flag,
 * size, date, UID and sequence keys run in memory; text keys ask the store's index; HEADER
 * and SENT* keys load per-message data, so they see as few candidates as possible.
 */
import type { MailboxId, MessageMeta, Uid } from '../../store/types.js';
import { normalizeSequenceSet, resolveUidSetIndexes, lowerBound } from '../sequence/index.js';
import type { DateOp, SearchKey } from './keys.js';
import { compareDay, localDayNumber } from './dates.js';
import { matchHeader, matchSentDate, type SearchStore } from './message-reads.js';

export interface SearchContext {
  store: SearchStore;
  mailboxId: MailboxId;
  /** The session's view in sequence order (sequence number = index + 1), UIDs ascending. */
  messages: readonly MessageMeta[];
  /** UIDs that are \Recent in this session. */
  recentUids: ReadonlySet<number>;
}

type Mask = Uint8Array;

/** Relative cost of a key, to order the keys of an AND. */
function cost(key: SearchKey): number {
  switch (key.type) {
    case 'and':
      return key.keys.reduce((sum, k) => sum + cost(k), 0);
    case 'or':
      return cost(key.left) + cost(key.right);
    case 'not':
      return cost(key.key);
    case 'date':
      return key.field === 'sent' ? 10 : 0;
    case 'text':
      return 20;
    case 'header':
      return 100;
    default:
      return 0;
  }
}

class Evaluator {
  private uidArray: Uint32Array | null = null;

  constructor(private readonly ctx: SearchContext) {}

  private get size(): number {
    return this.ctx.messages.length;
  }

  private uids(): Uint32Array {
    if (this.uidArray === null) this.uidArray = Uint32Array.from(this.ctx.messages, (m) => m.uid);
    return this.uidArray;
  }

  private candidateUids(mask: Mask): Uid[] {
    const out: Uid[] = [];
    for (let i = 0; i < mask.length; i++) if (mask[i] === 1) out.push((this.ctx.messages[i] as MessageMeta).uid);
    return out;
  }

  private count(mask: Mask): number {
    let n = 0;
    for (let i = 0; i < mask.length; i++) n += mask[i] as number;
    return n;
  }

  /** The candidates whose message satisfies `test`. */
  private filter(mask: Mask, test: (msg: MessageMeta, index: number) => boolean): Mask {
    const out = new Uint8Array(mask.length);
    const messages = this.ctx.messages;
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] === 1 && test(messages[i] as MessageMeta, i)) out[i] = 1;
    }
    return out;
  }

  /** Candidates whose UID is in `uids` (which may name messages outside the view). */
  private fromUids(mask: Mask, uids: Iterable<number>): Mask {
    const out = new Uint8Array(mask.length);
    const sorted = this.uids();
    for (const uid of uids) {
      const i = lowerBound(sorted, uid);
      if (i < sorted.length && sorted[i] === uid && mask[i] === 1) out[i] = 1;
    }
    return out;
  }

  async run(key: SearchKey, mask: Mask): Promise<Mask> {
    switch (key.type) {
      case 'all':
        return mask;
      case 'and': {
        let current = mask;
        const ordered = [...key.keys].sort((a, b) => cost(a) - cost(b));
        for (const k of ordered) {
          if (this.count(current) === 0) break;
          current = await this.run(k, current);
        }
        return current;
      }
      case 'or': {
        const left = await this.run(key.left, mask);
        const rest = mask.map((c, i) => (c === 1 && left[i] === 0 ? 1 : 0));
        const right = this.count(rest) === 0 ? rest : await this.run(key.right, rest);
        return left.map((l, i) => l | (right[i] as number));
      }
      case 'not': {
        const inner = await this.run(key.key, mask);
        return mask.map((c, i) => (c === 1 && inner[i] === 0 ? 1 : 0));
      }
      case 'flag': {
        const wanted = key.flag.toLowerCase();
        return this.filter(mask, (m) => m.flags.some((f) => f.toLowerCase() === wanted) === key.present);
      }
      case 'recent':
        return this.filter(mask, (m) => this.ctx.recentUids.has(m.uid) === key.present);
      case 'size':
        return this.filter(mask, (m) => (key.op === 'larger' ? m.size > key.size : m.size < key.size));
      case 'seq': {
        const out = new Uint8Array(mask.length);
        for (const [low, high] of normalizeSequenceSet(key.set, this.size)) {
          for (let seq = Math.max(low, 1); seq <= Math.min(high, this.size); seq++) out[seq - 1] = mask[seq - 1] as number;
        }
        return out;
      }
      case 'uid': {
        const out = new Uint8Array(mask.length);
        for (const i of resolveUidSetIndexes(key.set, this.uids())) out[i] = mask[i] as number;
        return out;
      }
      case 'date':
        if (key.field === 'internal') {
          return this.filter(mask, (m) => compareDay(localDayNumber(m.internalDate), key.op, key.day));
        }
        return this.sentDate(mask, key.op, key.day);
      case 'text':
        return this.text(mask, key.target, key.value);
      case 'header': {
        const uids = this.candidateUids(mask);
        if (uids.length === 0) return new Uint8Array(mask.length);
        return this.fromUids(mask, await matchHeader(this.ctx.store, this.ctx.mailboxId, uids, key.name, key.value));
      }
    }
  }

  private async text(mask: Mask, target: Extract<SearchKey, { type: 'text' }>['target'], needle: string): Promise<Mask> {
    // The empty string is a substring of every field.
    if (needle === '') return mask;
    const count = this.count(mask);
    if (count === 0) return mask;
    // With every message a candidate, let the store search the whole mailbox without a UID list.
    const uids = count === this.size ? undefined : this.candidateUids(mask);
    return this.fromUids(mask, await this.ctx.store.searchText(this.ctx.mailboxId, target, needle, uids));
  }

  private async sentDate(mask: Mask, op: DateOp, day: number): Promise<Mask> {
    const uids = this.candidateUids(mask);
    if (uids.length === 0) return new Uint8Array(mask.length);
    return this.fromUids(mask, await matchSentDate(this.ctx.store, this.ctx.mailboxId, uids, op, day));
  }
}

async function matchMask(key: SearchKey, ctx: SearchContext): Promise<Mask> {
  return new Evaluator(ctx).run(key, new Uint8Array(ctx.messages.length).fill(1));
}

/** UIDs of the messages that match, in sequence (= UID) order. */
export async function evaluateSearch(key: SearchKey, ctx: SearchContext): Promise<Uid[]> {
  const mask = await matchMask(key, ctx);
  const out: Uid[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1) out.push((ctx.messages[i] as MessageMeta).uid);
  return out;
}

/** Sequence numbers of the messages that match, ascending. */
export async function evaluateSearchSequence(key: SearchKey, ctx: SearchContext): Promise<number[]> {
  const mask = await matchMask(key, ctx);
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1) out.push(i + 1);
  return out;
}

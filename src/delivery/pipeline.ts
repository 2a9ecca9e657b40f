/**
 * The one delivery pipeline behind LMTP, the spool queue and `msgstore deliver`. For each
 * recipient: resolve the address, ask the sorter for a plan, prepend Return-Path and
 * Delivered-To, store durably (the store fsyncs and commits before appendMessage resolves, and
 * notifies open sessions), queue forwards and vacation replies. The message is parsed once.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log/logger.js';
import type { ServerMetrics } from '../metrics/registry.js';
import { indexMessageAsync } from '../mime/index.js';
import { normalizeLineEndings } from '../mime/line-endings.js';
import type { MessageIndex } from '../mime/types.js';
import type { Store } from '../store/types.js';
import { normalizeAddress } from './address.js';
import { shiftIndex } from './index-shift.js';
import {
  delivered,
  outcomeForError,
  outcomeKind,
  overQuota,
  rejected,
  temporaryFailure,
  tooLarge,
  unknownRecipient,
  type RecipientOutcome,
} from './outcome.js';
import { executeSharedDelivery, executeUserPlan, inboxOf, type PlanContext, type PlanResult } from './plan-executor.js';
import { INBOX_ONLY, type DeliveryPlan } from './plan.js';
import { findDetailFolder, resolveRecipient, targetOwner, type DeliveryTarget } from './recipients.js';
import { inboxOnlySorter, type Sorter } from './sorter.js';
import { forwardedCopy, withTraceHeaders } from './trace-headers.js';

export interface DeliveryPipelineDeps {
  store: Store;
  logger: Logger;
  sorter?: Sorter;
  /** This node's name; logged with each delivery (several nodes may share one store). */
  hostname: string;
  /** Called after forwards or a vacation reply were queued (kicks the outbound sender). */
  onOutbound?: () => void;
  /** Largest message accepted; larger ones get 552 5.3.4 for every recipient. */
  maxMessageBytes?: number;
  /** Recipients of one message stored at the same time (their commits share fsyncs). */
  concurrency?: number;
  /** Clock, for tests. */
  now?: () => Date;
  /** Counts each recipient's outcome (msgstore_deliveries_total). */
  metrics?: Pick<ServerMetrics, 'deliveries'>;
}

export interface DeliveryInput {
  /** Envelope sender; "" is the null reverse-path (bounces). */
  envelopeFrom: string;
  recipients: string[];
  raw: Buffer;
  /** Which way the message came in, for the log ("lmtp", "spool", "deliver"). */
  via?: string;
}

export interface DeliveryOptions {
  /** Called once per recipient, in recipient order, as soon as its outcome and all before it are known. */
  onOutcome?: (index: number, outcome: RecipientOutcome) => void;
}

const DEFAULT_CONCURRENCY = 4;

/** Short unique id per delivered message, like an MTA queue id. */
export function newDeliveryId(): string {
  return `${Date.now().toString(36).toUpperCase()}${randomBytes(4).toString('hex').toUpperCase()}`;
}

export class DeliveryPipeline {
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly sorter: Sorter;
  readonly hostname: string;
  private readonly onOutbound: (() => void) | undefined;
  readonly maxMessageBytes: number;
  private readonly concurrency: number;
  private readonly now: () => Date;
  private readonly metrics: Pick<ServerMetrics, 'deliveries'> | undefined;

  constructor(deps: DeliveryPipelineDeps) {
    this.store = deps.store;
    this.logger = deps.logger;
    this.sorter = deps.sorter ?? inboxOnlySorter;
    this.hostname = deps.hostname;
    this.onOutbound = deps.onOutbound;
    this.maxMessageBytes = deps.maxMessageBytes ?? Number.MAX_SAFE_INTEGER;
    this.concurrency = Math.max(1, deps.concurrency ?? DEFAULT_CONCURRENCY);
    this.now = deps.now ?? (() => new Date());
    this.metrics = deps.metrics;
  }

  /**
   * What RCPT TO answers before the message is seen: unknown recipient, or a quota that is
   * already full (or too small for the declared SIZE). 250 2.1.5 otherwise.
   */
  async checkRecipient(recipient: string, declaredSize?: number): Promise<RecipientOutcome> {
    const target = await resolveRecipient(this.store, recipient);
    if (!target) return unknownRecipient(recipient);
    if (target.kind === 'user' && target.user.quotaBytes !== null) {
      const limit = target.user.quotaBytes;
      if (declaredSize !== undefined && declaredSize > limit) return overQuota(recipient, true);
      const usage = await this.store.quotaUsage(targetOwner(target));
      if (usage.bytes + (declaredSize ?? 0) > limit || usage.bytes >= limit) return overQuota(recipient, false);
    }
    return { recipient, code: 250, enhanced: '2.1.5', text: `<${recipient}> recipient ok`, lmCode: null, mailboxes: [] };
  }

  async deliver(input: DeliveryInput, options: DeliveryOptions = {}): Promise<RecipientOutcome[]> {
    const started = Date.now();
    const id = newDeliveryId();
    const emit = orderedEmitter(input.recipients.length, options.onOutcome);
    const finish = (i: number, outcome: RecipientOutcome): RecipientOutcome => {
      this.logOutcome(id, input, outcome, started);
      emit(i, outcome);
      return outcome;
    };

    if (input.raw.length > this.maxMessageBytes) {
      return input.recipients.map((r, i) => finish(i, tooLarge(r, this.maxMessageBytes)));
    }
    const message = normalizeLineEndings(input.raw);
    let index: MessageIndex;
    try {
      index = await indexMessageAsync(message);
    } catch (err) {
      this.logger.error({ id, err }, 'delivery: message could not be indexed');
      return input.recipients.map((r, i) => finish(i, temporaryFailure(r, 'LM_INVALID_MSGBODY')));
    }

    // The same address twice in one transaction gets one copy and the same answer twice.
    const firstIndexOf = new Map<string, number>();
    const duplicatesOf = new Map<number, number[]>();
    const queue: number[] = [];
    input.recipients.forEach((r, i) => {
      const key = normalizeAddress(r);
      const first = firstIndexOf.get(key);
      if (first === undefined) {
        firstIndexOf.set(key, i);
        queue.push(i);
      } else {
        duplicatesOf.set(first, [...(duplicatesOf.get(first) ?? []), i]);
      }
    });
    const results: RecipientOutcome[] = new Array<RecipientOutcome>(input.recipients.length);
    let outbound = false;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < queue.length) {
        const i = queue[next++];
        if (i === undefined) break;
        const recipient = input.recipients[i] ?? '';
        const { outcome, outboundQueued } = await this.deliverOne(id, input, recipient, message, index);
        outbound ||= outboundQueued;
        results[i] = finish(i, outcome);
        for (const j of duplicatesOf.get(i) ?? []) {
          const duplicate = { ...outcome, recipient: input.recipients[j] ?? '' };
          results[j] = duplicate;
          emit(j, duplicate);
        }
      }
    };
    const workers: Promise<void>[] = [];
    for (let w = 0; w < Math.min(this.concurrency, queue.length); w++) workers.push(worker());
    await Promise.all(workers);
    if (outbound && this.onOutbound) {
      try {
        this.onOutbound();
      } catch (err) {
        this.logger.warn({ id, err }, 'delivery: outbound kick failed');
      }
    }
    return results;
  }

  private async deliverOne(
    id: string,
    input: DeliveryInput,
    recipient: string,
    message: Buffer,
    index: MessageIndex,
  ): Promise<{ outcome: RecipientOutcome; outboundQueued: boolean }> {
    let target: DeliveryTarget | null;
    try {
      target = await resolveRecipient(this.store, recipient);
    } catch (err) {
      this.logger.error({ id, to: recipient, err }, 'delivery: recipient lookup failed');
      return { outcome: temporaryFailure(recipient), outboundQueued: false };
    }
    if (!target) return { outcome: unknownRecipient(recipient), outboundQueued: false };

    const now = this.now();
    const { bytes, prefixLength } = withTraceHeaders(message, input.envelopeFrom, recipient);
    const copy = { bytes, index: shiftIndex(index, prefixLength), internalDate: now };
    const ctx: PlanContext = { store: this.store, logger: this.logger, id, recipient, envelopeFrom: input.envelopeFrom };
    const quotaBytes = target.kind === 'user' ? target.user.quotaBytes : null;
    try {
      let result: PlanResult;
      if (target.kind === 'shared') {
        const owner = targetOwner(target);
        const mailbox = (target.detail !== null ? await findDetailFolder(this.store, owner, target.detail) : null) ?? (await inboxOf(this.store, owner));
        result = await executeSharedDelivery(ctx, mailbox, copy);
      } else {
        const plan = await this.planFor(id, target, input, message, index, now);
        if (plan.reject !== null) return { outcome: rejected(recipient, plan.reject), outboundQueued: false };
        result = await executeUserPlan(ctx, target.user.address, plan, copy, () => forwardedCopy(message, recipient));
      }
      if (result.notes.length > 0) this.logger.info({ id, to: recipient, notes: result.notes }, 'delivery notes');
      return { outcome: delivered(recipient, result.mailboxes), outboundQueued: result.outboundQueued };
    } catch (err) {
      const outcome = outcomeForError(recipient, err, { messageBytes: bytes.length, quotaBytes });
      if (outcomeKind(outcome) === 'temporary' && outcome.lmCode !== 'LM_OVER_QUOTA') {
        this.logger.error({ id, to: recipient, err }, 'delivery: store failure');
      }
      return { outcome, outboundQueued: false };
    }
  }

  /** The sorter's plan, with INBOX replaced by the folder a "+detail" names. A failing sorter means INBOX. */
  private async planFor(
    id: string,
    target: Extract<DeliveryTarget, { kind: 'user' }>,
    input: DeliveryInput,
    message: Buffer,
    index: MessageIndex,
    now: Date,
  ): Promise<DeliveryPlan> {
    let plan: DeliveryPlan;
    try {
      plan = await this.sorter.plan({ user: target.user, recipient: target.recipient, envelopeFrom: input.envelopeFrom, raw: message, index, now });
    } catch (err) {
      this.logger.error({ id, to: target.recipient, err }, 'delivery: MailSort failed; filing into INBOX');
      plan = { ...INBOX_ONLY, notes: ['MailSort failed; filed into INBOX'] };
    }
    if (target.detail === null) return plan;
    const folder = await findDetailFolder(this.store, targetOwner(target), target.detail);
    if (!folder) return plan;
    const folders = plan.folders.map((f) => (f.toUpperCase() === 'INBOX' ? folder.name : f));
    return { ...plan, folders: [...new Set(folders)] };
  }

  private logOutcome(id: string, input: DeliveryInput, outcome: RecipientOutcome, started: number): void {
    this.metrics?.deliveries.inc({ via: input.via ?? 'other', outcome: outcomeKind(outcome) });
    this.logger.info(
      {
        id,
        via: input.via,
        host: this.hostname,
        from: input.envelopeFrom,
        to: outcome.recipient,
        outcome: outcomeKind(outcome),
        status: `${outcome.code} ${outcome.enhanced}`,
        lm: outcome.lmCode ?? undefined,
        mailbox: outcome.mailboxes.join(','),
        size: input.raw.length,
        ms: Date.now() - started,
      },
      'delivery',
    );
  }
}

/** Calls `onOutcome` in index order, holding back outcomes that finish before earlier ones. */
function orderedEmitter(count: number, onOutcome: DeliveryOptions['onOutcome']): (i: number, outcome: RecipientOutcome) => void {
  const ready: (RecipientOutcome | undefined)[] = new Array<RecipientOutcome | undefined>(count);
  let nextToEmit = 0;
  return (i, outcome) => {
    if (!onOutcome) return;
    ready[i] = outcome;
    while (nextToEmit < count) {
      const o = ready[nextToEmit];
      if (!o) break;
      onOutcome(nextToEmit, o);
      nextToEmit++;
    }
  };
}

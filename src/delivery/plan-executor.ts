/**
 * Carries out one recipient's DeliveryPlan as a unit: files the copy into every folder (creating
 * a missing one; falling back to INBOX when the user may not use a folder, so mail is never
 * lost), then queues forwards and the vacation reply. When a copy cannot be stored, the copies
 * already stored for this recipient are removed again, so a retry by the sender leaves no
 * duplicates.
 */
import type { Logger } from '../log/logger.js';
import { resolveMailboxName, visibleMailboxName } from '../mailboxes/access.js';
import type { MessageIndex } from '../mime/types.js';
import type { MailboxId, MailboxInfo, Owner, Store, Uid } from '../store/types.js';
import type { DeliveryPlan } from './plan.js';

export interface PlanCopy {
  /** The bytes to store (trace headers included) and their index. */
  bytes: Buffer;
  index: MessageIndex;
  internalDate: Date;
}

export interface PlanContext {
  store: Store;
  logger: Logger;
  /** Delivery id for log lines. */
  id: string;
  recipient: string;
  envelopeFrom: string;
}

export interface PlanResult {
  /** Visible names of the mailboxes that got a copy. */
  mailboxes: string[];
  /** Why a folder was replaced, for the delivery log. */
  notes: string[];
  outboundQueued: boolean;
}

interface Destination {
  info: MailboxInfo;
  visible: string;
}

async function openOrCreate(store: Store, owner: Owner, name: string): Promise<MailboxInfo> {
  const found = await store.findMailbox(owner, name);
  if (found) return found;
  try {
    return await store.createMailbox(owner, name);
  } catch (err) {
    // Another delivery may have created it a moment ago.
    const again = await store.findMailbox(owner, name);
    if (again) return again;
    throw err;
  }
}

export async function inboxOf(store: Store, owner: Owner): Promise<MailboxInfo> {
  return openOrCreate(store, owner, 'INBOX');
}

/** Personal folder names and "shared/<address>/..." names, as MailSort gives them, to mailboxes. */
async function userDestinations(store: Store, userAddress: string, folders: string[], notes: string[]): Promise<Destination[]> {
  const owner: Owner = { kind: 'user', address: userAddress };
  const result: Destination[] = [];
  for (const folder of folders) {
    try {
      const resolved = await resolveMailboxName(store, { address: userAddress }, folder);
      const info = await openOrCreate(store, resolved.owner, resolved.name);
      result.push({ info, visible: visibleMailboxName(resolved.owner, info.name) });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      notes.push(`folder "${folder}" not usable (${reason}); filed into INBOX instead`);
      const inbox = await inboxOf(store, owner);
      result.push({ info: inbox, visible: 'INBOX' });
    }
  }
  return dedupe(result);
}

function dedupe(destinations: Destination[]): Destination[] {
  const seen = new Set<MailboxId>();
  return destinations.filter((d) => (seen.has(d.info.id) ? false : (seen.add(d.info.id), true)));
}

async function storeCopies(ctx: PlanContext, destinations: Destination[], copy: PlanCopy): Promise<{ mailbox: MailboxId; uid: Uid }[]> {
  const stored: { mailbox: MailboxId; uid: Uid }[] = [];
  try {
    for (const d of destinations) {
      const result = await ctx.store.appendMessage(d.info.id, copy.bytes, { internalDate: copy.internalDate, index: copy.index });
      stored.push({ mailbox: d.info.id, uid: result.uid });
    }
    return stored;
  } catch (err) {
    await rollback(ctx, stored);
    throw err;
  }
}

async function rollback(ctx: PlanContext, stored: { mailbox: MailboxId; uid: Uid }[]): Promise<void> {
  for (const s of stored) {
    try {
      await ctx.store.removeMessages(s.mailbox, [s.uid]);
    } catch (err) {
      ctx.logger.error({ id: ctx.id, to: ctx.recipient, mailbox: s.mailbox, uid: s.uid, err }, 'delivery: could not roll back a partial delivery');
    }
  }
}

/** Files a copy for a user according to the plan (the plan must not be a reject). */
export async function executeUserPlan(
  ctx: PlanContext,
  userAddress: string,
  plan: DeliveryPlan,
  copy: PlanCopy,
  forwardRaw: () => Buffer,
): Promise<PlanResult> {
  const notes = [...plan.notes];
  const destinations = await userDestinations(ctx.store, userAddress, plan.folders, notes);
  const stored = await storeCopies(ctx, destinations, copy);
  let outboundQueued = false;
  if (plan.forwards.length > 0) {
    try {
      await ctx.store.enqueueOutbound({ kind: 'forward', from: ctx.envelopeFrom, to: [...plan.forwards], raw: forwardRaw() });
      outboundQueued = true;
    } catch (err) {
      // The forward is part of the unit: without it, undo the copies and let the sender retry.
      await rollback(ctx, stored);
      throw err;
    }
  }
  if (plan.vacation) {
    try {
      await ctx.store.enqueueOutbound({ kind: 'vacation', from: '', to: [plan.vacation.to], raw: plan.vacation.raw });
      outboundQueued = true;
    } catch (err) {
      // A lost auto-reply is not worth failing (and repeating) the delivery for.
      notes.push('vacation reply could not be queued');
      ctx.logger.warn({ id: ctx.id, to: ctx.recipient, err }, 'delivery: vacation reply not queued');
    }
  }
  return { mailboxes: destinations.map((d) => d.visible), notes, outboundQueued };
}

/** Stores one copy in a shared mailbox (its INBOX, or the folder the address detail names). */
export async function executeSharedDelivery(ctx: PlanContext, mailbox: MailboxInfo, copy: PlanCopy): Promise<PlanResult> {
  await storeCopies(ctx, [{ info: mailbox, visible: visibleMailboxName(mailbox.owner, mailbox.name) }], copy);
  return { mailboxes: [visibleMailboxName(mailbox.owner, mailbox.name)], notes: [], outboundQueued: false };
}

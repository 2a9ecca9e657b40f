/**
 * A POP3 maildrop: the user's INBOX as it was when the session entered the TRANSACTION state
 * (RFC 1939 section 4). Message numbers are fixed for the whole session; DELE only marks, and
 * the marks are carried out in the UPDATE state.
 */
import type { MailboxId, MessageMeta, Uid } from '../store/types.js';

export interface MaildropMessage {
  /** Message number, 1-based, fixed for the session. */
  number: number;
  uid: Uid;
  /** Octets on the wire before byte-stuffing (the stored CRLF form). */
  size: number;
  /** Unique-id listing value (RFC 1939 section 7, UIDL). */
  uidl: string;
}

export type MessageLookup =
  | { ok: true; message: MaildropMessage }
  | { ok: false; reason: 'no-such-message' | 'deleted' };

/**
 * The UIDL value of a message: stable across sessions and never reused, because a UID is never
 * reused within one UIDVALIDITY and a new UIDVALIDITY changes every value.
 */
export function uidlFor(uidValidity: number, uid: Uid): string {
  return `${uidValidity.toString(16)}.${uid.toString(16)}`;
}

export class Maildrop {
  private readonly messages: MaildropMessage[];
  private readonly deleted = new Set<number>();

  constructor(
    readonly mailboxId: MailboxId,
    readonly uidValidity: number,
    metas: readonly MessageMeta[],
  ) {
    this.messages = metas.map((meta, i) => ({
      number: i + 1,
      uid: meta.uid,
      size: meta.size,
      uidl: uidlFor(uidValidity, meta.uid),
    }));
  }

  /** Messages not marked as deleted. */
  get count(): number {
    return this.messages.length - this.deleted.size;
  }

  /** Total octets of the messages not marked as deleted. */
  get size(): number {
    let total = 0;
    for (const m of this.live()) total += m.size;
    return total;
  }

  lookup(number: number): MessageLookup {
    const message = this.messages[number - 1];
    if (message === undefined) return { ok: false, reason: 'no-such-message' };
    if (this.deleted.has(number)) return { ok: false, reason: 'deleted' };
    return { ok: true, message };
  }

  /** Messages not marked as deleted, in message-number order. */
  *live(): IterableIterator<MaildropMessage> {
    for (const m of this.messages) if (!this.deleted.has(m.number)) yield m;
  }

  /** The first message after `number` that is not marked deleted. */
  nextLive(number: number): MaildropMessage | undefined {
    for (let n = number + 1; n <= this.messages.length; n++) {
      if (!this.deleted.has(n)) return this.messages[n - 1];
    }
    return undefined;
  }

  markDeleted(number: number): void {
    if (this.messages[number - 1] !== undefined) this.deleted.add(number);
  }

  /** Unmarks every message (RSET). */
  resetDeletions(): void {
    this.deleted.clear();
  }

  /** UIDs to remove in the UPDATE state, in UID order. */
  deletedUids(): Uid[] {
    return this.messages.filter((m) => this.deleted.has(m.number)).map((m) => m.uid);
  }
}

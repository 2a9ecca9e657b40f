/**
 * What a client knows about its selected mailbox, and the checks that every server reply must
 * pass against it: no UID lost or duplicated, sequence numbers in step, flags as they were set.
 * A violation is recorded, not thrown, so a run counts them all.
 */
import { untaggedValues, type Untagged } from '../clients/imap-client.js';
import { asList, asString, fetchAttributes } from '../clients/imap-values.js';

/** Flags are compared without \Recent, which the server alone decides. */
export function normalizeFlags(flags: Iterable<string>): string[] {
  return [...flags].filter((f) => f.toLowerCase() !== '\\recent').map((f) => (f.startsWith('\\') ? f.toLowerCase() : f)).sort();
}

export interface FetchedMessage {
  seq: number;
  uid: number | null;
  flags: string[] | null;
  attributes: Map<string, unknown>;
}

export function parseFetch(response: Untagged): FetchedMessage {
  const [list] = untaggedValues(response);
  const attributes = fetchAttributes(list ?? []);
  const uid = attributes.get('UID');
  const flags = attributes.get('FLAGS');
  return {
    seq: response.number ?? 0,
    uid: uid === undefined ? null : Number(asString(uid)),
    flags: flags === undefined ? null : normalizeFlags(asList(flags).map((f) => asString(f))),
    attributes,
  };
}

export class MailboxModel {
  /** UIDs in sequence-number order. */
  private uids: number[] = [];
  private readonly flags = new Map<number, string[]>();
  /** UIDs whose expunge this client asked for and has not yet seen. */
  private readonly expectedExpunges = new Set<number>();
  /** The message count as the server's EXISTS and EXPUNGE responses tell it. */
  private serverCount: number | null = null;
  readonly violations: string[] = [];

  constructor(readonly label: string) {}

  get size(): number {
    return this.uids.length;
  }

  get allUids(): readonly number[] {
    return this.uids;
  }

  maxUid(): number {
    return this.uids.length ? this.uids[this.uids.length - 1]! : 0;
  }

  flagsOf(uid: number): readonly string[] | undefined {
    return this.flags.get(uid);
  }

  has(uid: number): boolean {
    return this.flags.has(uid);
  }

  violation(message: string): void {
    this.violations.push(`${this.label}: ${message}`);
  }

  /** Starts from a full `UID FETCH 1:* (UID FLAGS)` listing (after SELECT). */
  reset(messages: readonly FetchedMessage[]): void {
    this.uids = [];
    this.flags.clear();
    this.expectedExpunges.clear();
    this.serverCount = messages.length;
    for (const m of messages) {
      if (m.uid === null || m.flags === null) {
        this.violation(`FETCH of message ${m.seq} lacks UID or FLAGS`);
        continue;
      }
      if (this.flags.has(m.uid)) this.violation(`UID ${m.uid} listed twice`);
      this.uids.push(m.uid);
      this.flags.set(m.uid, m.flags);
    }
    for (let i = 1; i < this.uids.length; i++) if (this.uids[i]! <= this.uids[i - 1]!) this.violation(`UIDs not ascending at sequence ${i + 1}`);
  }

  expectExpunge(uid: number): void {
    this.expectedExpunges.add(uid);
  }

  /** This client changed the flags (STORE, or \Seen set by reading a body). */
  setFlags(uid: number, flags: readonly string[]): void {
    if (this.flags.has(uid)) this.flags.set(uid, normalizeFlags(flags));
  }

  /** A message this client appended: its UID must be new and above every UID it knew. */
  appended(uid: number, flags: readonly string[]): void {
    if (this.flags.has(uid)) this.violation(`APPENDUID ${uid} is already in the mailbox (duplicated UID)`);
    else if (uid <= this.maxUid()) this.violation(`APPENDUID ${uid} is not above UID ${this.maxUid()}`);
    this.uids.push(uid);
    this.flags.set(uid, normalizeFlags(flags));
  }

  /** Applies the untagged responses of one reply in order; answers the FETCH data of it. */
  apply(untagged: readonly Untagged[]): FetchedMessage[] {
    const fetches: FetchedMessage[] = [];
    for (const response of untagged) {
      if (response.kind === 'EXISTS' && response.number !== null) this.serverCount = response.number;
      else if (response.kind === 'EXPUNGE' && response.number !== null) this.expunged(response.number);
      else if (response.kind === 'FETCH') {
        const message = parseFetch(response);
        this.checkFetch(message);
        fetches.push(message);
      }
    }
    return fetches;
  }

  private expunged(seq: number): void {
    if (this.serverCount !== null) this.serverCount--;
    const uid = this.uids[seq - 1];
    if (uid === undefined) {
      this.violation(`EXPUNGE ${seq} names a message that does not exist (${this.uids.length} known)`);
      return;
    }
    if (!this.expectedExpunges.delete(uid)) this.violation(`UID ${uid} was expunged without this client asking (lost)`);
    this.uids.splice(seq - 1, 1);
    this.flags.delete(uid);
  }

  private checkFetch(m: FetchedMessage): void {
    const uidAtSeq = this.uids[m.seq - 1];
    if (uidAtSeq === undefined) {
      this.violation(`FETCH for sequence ${m.seq}, beyond the ${this.uids.length} known messages`);
      return;
    }
    if (m.uid !== null && m.uid !== uidAtSeq) this.violation(`sequence ${m.seq} is UID ${m.uid} in FETCH, UID ${uidAtSeq} here`);
    if (m.flags !== null) {
      const known = this.flags.get(uidAtSeq) ?? [];
      if (known.join(' ') !== m.flags.join(' ')) this.violation(`UID ${uidAtSeq} has flags (${m.flags.join(' ')}), expected (${known.join(' ')})`);
    }
  }

  /** After a command: every expected expunge reported, the server's count equal to ours. */
  endOfReply(command: string): void {
    if (this.expectedExpunges.size > 0) {
      this.violation(`${command}: no EXPUNGE for UID ${[...this.expectedExpunges].join(',')}`);
      for (const uid of this.expectedExpunges) {
        const seq = this.uids.indexOf(uid);
        if (seq >= 0) this.uids.splice(seq, 1);
        this.flags.delete(uid);
      }
      this.expectedExpunges.clear();
    }
    if (this.serverCount !== null && this.serverCount !== this.uids.length) {
      this.violation(`${command}: the server counts ${this.serverCount} messages, this client knows ${this.uids.length}`);
      this.serverCount = this.uids.length;
    }
  }

  /** Compares a full `UID FETCH 1:* (UID FLAGS)` with what this client knows. */
  compareFull(messages: readonly FetchedMessage[]): void {
    const listed = new Set<number>();
    for (const m of messages) {
      if (m.uid === null) continue;
      if (listed.has(m.uid)) this.violation(`UID ${m.uid} listed twice (duplicated)`);
      listed.add(m.uid);
      if (!this.flags.has(m.uid)) this.violation(`UID ${m.uid} is unknown to this client`);
    }
    for (const uid of this.uids) if (!listed.has(uid)) this.violation(`UID ${uid} is missing from the mailbox (lost)`);
  }
}

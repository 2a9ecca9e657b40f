/**
 * The selected mailbox as one session sees it: the sequence-number <-> UID map (a typed array),
 * the session's \Recent messages, and the changes other sessions (or delivery) made that this
 * session has not reported yet. Changes are reported only at the moments RFC 3501 7.4.1 allows:
 * flush() is told whether EXPUNGE responses may go out now.
 */
import { visibleMailboxName } from '../../mailboxes/access.js';
import { lowerBound } from '../sequence/index.js';
import type { MailboxChange, MailboxId, Owner } from '../../store/types.js';
import { atom, list, num, untagged, type ResponseValue } from '../protocol/encoder.js';

export interface ViewInit {
  mailboxId: MailboxId;
  owner: Owner;
  /** The name as the client sees it. */
  name: string;
  uidValidity: number;
  readOnly: boolean;
  uids: readonly number[];
}

/** What flush() needs from the store (claiming \Recent for newly reported messages). */
export interface ViewStore {
  claimRecent(mailboxId: MailboxId): Promise<readonly number[]>;
}

const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];
/** Flag notices remembered per UID between flushes. */
const MAX_MERGED_NOTICES = 64;

export class SelectedView {
  readonly mailboxId: MailboxId;
  readonly owner: Owner;
  name: string;
  readonly uidValidity: number;
  readonly readOnly: boolean;
  /** UIDs in sequence order; entries [0, length) are valid. */
  private uids: Uint32Array;
  private length: number;
  readonly recent = new Set<number>();
  /** The mailbox was deleted by someone else (RFC 2180 3.3: this session gets BYE). */
  deleted = false;
  /** The mailbox is being deleted by this very session: its own deletion notice is ignored. */
  deletingSelf = false;

  private readonly pendingNew = new Set<number>();
  /** \Recent claimed for messages not in the view yet (they join at the next flush). */
  private readonly recentToCome = new Set<number>();
  private readonly pendingExpunge = new Set<number>();
  /** Newest flags per UID, with the MODSEQs of the notices merged into it (see flush). */
  private readonly pendingFlags = new Map<number, { modseq: number; flags: string[]; notices: number[] }>();
  /** Flags this session already reported for a UID (by MODSEQ) since the last flush. */
  private readonly reported = new Map<number, number>();
  /** MODSEQs of this session's own STORE .SILENT changes since the last flush. */
  private readonly ownChanges = new Map<number, Set<number>>();

  constructor(init: ViewInit) {
    this.mailboxId = init.mailboxId;
    this.owner = init.owner;
    this.name = init.name;
    this.uidValidity = init.uidValidity;
    this.readOnly = init.readOnly;
    this.uids = Uint32Array.from(init.uids);
    this.length = init.uids.length;
  }

  /** Keywords announced in the FLAGS response; a new one means a new FLAGS response. */
  private readonly keywords = new Set<string>();

  /** Adds keywords seen in `flags`; true when one was new (FLAGS must then be sent again). */
  learnKeywords(flags: readonly string[]): boolean {
    let changed = false;
    for (const f of flags) {
      if (!f.startsWith('\\') && !this.keywords.has(f)) {
        this.keywords.add(f);
        changed = true;
      }
    }
    return changed;
  }

  /** The FLAGS and PERMANENTFLAGS responses for the current keyword set (RFC 3501 7.2.6). */
  flagsResponses(): Buffer[] {
    const all = [...SYSTEM_FLAGS, ...[...this.keywords].sort()];
    const permanent = this.readOnly ? '' : [...all, '\\*'].join(' ');
    return [
      untagged([atom('FLAGS'), list(all.map((f) => atom(f)))]),
      Buffer.from(`* OK [PERMANENTFLAGS (${permanent})] ${this.readOnly ? 'No permanent flags permitted' : 'Flags permitted'}\r\n`, 'latin1'),
    ];
  }

  /** Fills a freshly selected view with the mailbox's UIDs (ascending). */
  load(uids: readonly number[]): void {
    this.uids = Uint32Array.from(uids);
    this.length = uids.length;
    for (const uid of this.pendingNew) if (uid <= this.lastUid) this.pendingNew.delete(uid);
  }

  get count(): number {
    return this.length;
  }

  /** The UIDs in sequence order (a view; do not keep across awaits that may flush). */
  uidList(): Uint32Array {
    return this.uids.subarray(0, this.length);
  }

  uidAt(seq: number): number | undefined {
    return seq >= 1 && seq <= this.length ? this.uids[seq - 1] : undefined;
  }

  /** Sequence number of a UID, or 0 when it is not in the view. */
  seqOf(uid: number): number {
    const i = lowerBound(this.uidList(), uid);
    return i < this.length && this.uids[i] === uid ? i + 1 : 0;
  }

  get lastUid(): number {
    return this.length > 0 ? (this.uids[this.length - 1] as number) : 0;
  }

  /**
   * Records UIDs this session claimed as \Recent (store.claimRecent). A claimed message that is
   * not in the view yet keeps its claim until it joins, so no claim is ever lost.
   */
  addRecent(uids: readonly number[]): void {
    for (const uid of uids) {
      if (this.seqOf(uid) > 0) this.recent.add(uid);
      else if (uid > this.lastUid) this.recentToCome.add(uid);
    }
  }

  /** True when the UID is known to be expunged but not yet reported. */
  isPendingExpunge(uid: number): boolean {
    return this.pendingExpunge.has(uid);
  }

  /** A change notice from the store (any time, also in the middle of a command). */
  onChange(change: MailboxChange): void {
    switch (change.kind) {
      case 'append':
        for (const uid of change.uids) if (uid > this.lastUid) this.pendingNew.add(uid);
        return;
      case 'expunge':
        for (const uid of change.uids) this.pendingExpunge.add(uid);
        return;
      case 'flags':
        for (const c of change.changes) {
          const prev = this.pendingFlags.get(c.uid);
          const notices = prev ? prev.notices : [];
          // Past the cap the entry is simply reported (see flush): never wrong, only not silent.
          if (notices.length < MAX_MERGED_NOTICES) notices.push(c.modseq);
          else notices[0] = Number.MAX_SAFE_INTEGER;
          if (!prev || prev.modseq < c.modseq) this.pendingFlags.set(c.uid, { modseq: c.modseq, flags: c.flags, notices });
        }
        return;
      case 'deleted':
        if (!this.deletingSelf) this.deleted = true;
        return;
      case 'renamed':
        // RFC 2180 3.4: the session keeps the mailbox; only its name changed.
        this.name = visibleMailboxName(this.owner, change.name);
        return;
    }
  }

  /** This session appended or copied messages into the mailbox itself. */
  noteAppended(uids: readonly number[]): void {
    for (const uid of uids) if (uid > this.lastUid) this.pendingNew.add(uid);
  }

  /** This session expunged (or moved away) messages itself. */
  noteExpunged(uids: readonly number[]): void {
    for (const uid of uids) this.pendingExpunge.add(uid);
  }

  /** This session sent the flags of `uid` as of `modseq`; an older or equal notice is not repeated. */
  noteReported(uid: number, modseq: number): void {
    const prev = this.reported.get(uid);
    if (prev === undefined || prev < modseq) this.reported.set(uid, modseq);
  }

  /**
   * This session changed the flags of `uid` with STORE .SILENT: the client knows its own change
   * but not the full flags as of `modseq`, so a change by another session before it is still
   * reported.
   */
  noteOwnChange(uid: number, modseq: number): void {
    const own = this.ownChanges.get(uid);
    if (own) own.add(modseq);
    else this.ownChanges.set(uid, new Set([modseq]));
  }

  /** The command is over: what it reported no longer needs remembering. */
  forgetReported(): void {
    this.reported.clear();
    this.ownChanges.clear();
  }

  /** True when there is something flush() would report. */
  hasPending(allowExpunge: boolean): boolean {
    return this.pendingNew.size > 0 || this.pendingFlags.size > 0 || (allowExpunge && this.pendingExpunge.size > 0);
  }

  /**
   * Applies pending changes to the view and returns the untagged responses announcing them:
   * EXPUNGE (only when allowed), EXISTS and RECENT, then FETCH (FLAGS) for changed flags.
   */
  async flush(store: ViewStore, allowExpunge: boolean): Promise<Buffer[]> {
    const out: Buffer[] = [];
    if (allowExpunge && this.pendingExpunge.size > 0) {
      // Highest sequence number first, so the numbers of those still to report do not shift.
      const gone = [...this.pendingExpunge].sort((a, b) => b - a);
      this.pendingExpunge.clear();
      for (const uid of gone) {
        this.pendingNew.delete(uid);
        const seq = this.seqOf(uid);
        if (seq === 0) continue;
        this.uids.copyWithin(seq - 1, seq, this.length);
        this.length -= 1;
        this.recent.delete(uid);
        this.pendingFlags.delete(uid);
        out.push(untagged([num(seq), atom('EXPUNGE')]));
      }
    }
    if (this.pendingNew.size > 0) {
      const fresh = [...this.pendingNew].filter((uid) => uid > this.lastUid && !this.pendingExpunge.has(uid)).sort((a, b) => a - b);
      this.pendingNew.clear();
      if (fresh.length > 0) {
        this.grow(fresh.length);
        for (const uid of fresh) this.uids[this.length++] = uid;
        if (!this.readOnly) this.addRecent(await store.claimRecent(this.mailboxId));
        for (const uid of this.recentToCome) {
          if (this.seqOf(uid) > 0) {
            this.recent.add(uid);
            this.recentToCome.delete(uid);
          } else if (uid < this.lastUid || this.pendingExpunge.has(uid)) {
            this.recentToCome.delete(uid);
          }
        }
        out.push(untagged([num(this.length), atom('EXISTS')]));
        out.push(untagged([num(this.recent.size), atom('RECENT')]));
      }
    }
    if (this.pendingFlags.size > 0) {
      const changes = [...this.pendingFlags].sort((a, b) => a[0] - b[0]);
      this.pendingFlags.clear();
      let newKeyword = false;
      for (const [, change] of changes) newKeyword = this.learnKeywords(change.flags) || newKeyword;
      if (newKeyword) out.push(...this.flagsResponses());
      for (const [uid, change] of changes) {
        const seq = this.seqOf(uid);
        const seen = this.reported.get(uid) ?? 0;
        const own = this.ownChanges.get(uid);
        // Left out only when the client knows every change merged here: reported with its full
        // flags, or its own silent STORE.
        const known = change.notices.every((m) => m <= seen || own?.has(m) === true);
        if (seq === 0 || this.pendingExpunge.has(uid) || known) continue;
        out.push(untagged([num(seq), atom('FETCH'), list([atom('FLAGS'), this.flagList(uid, change.flags)])]));
      }
    }
    this.reported.clear();
    this.ownChanges.clear();
    return out;
  }

  /** A FLAGS list for a message of this view (adds \Recent when the session holds it). */
  flagList(uid: number, flags: readonly string[]): ResponseValue {
    const items = flags.map((f) => atom(f));
    if (this.recent.has(uid)) items.push(atom('\\Recent'));
    return list(items);
  }

  private grow(extra: number): void {
    if (this.length + extra <= this.uids.length) return;
    const next = new Uint32Array(Math.max(this.length + extra, Math.ceil(this.uids.length * 1.5) + 16));
    next.set(this.uids.subarray(0, this.length));
    this.uids = next;
  }
}

/**
 * Failed-login throttling. Each failure from an IP (and against a user name) grows the delay
 * before the answer; too many failures within a window block the IP or name for a while.
 * Unknown and known user names are counted the same way, so the delay reveals nothing.
 * Memory is bounded: entries expire after the window and the table is capped.
 */
import type { Config } from '../config/schema.js';

interface FailureRecord {
  failures: number;
  firstAt: number;
  blockedUntil: number;
}

const MAX_ENTRIES = 100_000;
const BASE_DELAY_MS = 250;

export class LoginThrottle {
  private readonly byIp = new Map<string, FailureRecord>();
  private readonly byUser = new Map<string, FailureRecord>();

  constructor(
    private settings: Config['auth'],
    private readonly now: () => number = Date.now,
  ) {}

  /** New numbers (SIGHUP); failures counted so far stay. */
  update(settings: Config['auth']): void {
    this.settings = settings;
  }

  /**
   * True when this IP, or this user name for this IP, is blocked right now. A blocked user
   * name stays usable from an address with no recent failures, so nobody can lock a user out
   * just by failing logins against the name.
   */
  isBlocked(ip: string, user: string): boolean {
    const t = this.now();
    const ipRecord = this.byIp.get(ip);
    if (this.activeBlock(ipRecord, t)) return true;
    const ipClean = ipRecord === undefined || t - ipRecord.firstAt > this.settings.blockWindowSeconds * 1000;
    return !ipClean && this.activeBlock(this.byUser.get(user.toLowerCase()), t);
  }

  /** Records a failure and returns how long to wait before answering it. */
  recordFailure(ip: string, user: string): number {
    const t = this.now();
    const ipRecord = this.bump(this.byIp, ip, t);
    const userRecord = this.bump(this.byUser, user.toLowerCase(), t);
    return this.delayFor(Math.max(ipRecord.failures, userRecord.failures));
  }

  recordSuccess(ip: string, user: string): void {
    this.byIp.delete(ip);
    this.byUser.delete(user.toLowerCase());
  }

  /** The delay for the n-th failure in the window: short at first, doubling after the free ones. */
  delayFor(failures: number): number {
    const over = failures - this.settings.failuresBeforeDelay;
    if (over <= 0) return Math.min(BASE_DELAY_MS, this.settings.maxDelayMs);
    return Math.min(this.settings.maxDelayMs, BASE_DELAY_MS * 2 ** Math.min(over, 20));
  }

  private activeBlock(record: FailureRecord | undefined, t: number): boolean {
    return record !== undefined && record.blockedUntil > t;
  }

  private bump(table: Map<string, FailureRecord>, key: string, t: number): FailureRecord {
    let record = table.get(key);
    const windowMs = this.settings.blockWindowSeconds * 1000;
    if (!record || (t - record.firstAt > windowMs && record.blockedUntil <= t)) {
      if (table.size >= MAX_ENTRIES) this.evict(table, t);
      record = { failures: 0, firstAt: t, blockedUntil: 0 };
      table.set(key, record);
    }
    record.failures += 1;
    if (record.failures >= this.settings.blockAfterFailures) record.blockedUntil = t + this.settings.blockSeconds * 1000;
    return record;
  }

  private evict(table: Map<string, FailureRecord>, t: number): void {
    const windowMs = this.settings.blockWindowSeconds * 1000;
    for (const [key, record] of table) {
      if (t - record.firstAt > windowMs && record.blockedUntil <= t) table.delete(key);
    }
    // Still full of live entries: drop the oldest (Map keeps insertion order).
    while (table.size >= MAX_ENTRIES) {
      const oldest = table.keys().next();
      if (oldest.done) break;
      table.delete(oldest.value);
    }
  }
}

/**
 * Password and APOP logins for every protocol. Every failure (unknown user, wrong password,
 * disabled account, blocked IP) looks the same to the caller and is answered only after the
 * throttling delay. One log line per attempt; never the password.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store, UserRecord } from '../store/types.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';
import { LoginThrottle } from './throttle.js';
import type { ServerMetrics } from '../metrics/registry.js';

export type LoginProtocol = 'imap' | 'pop3' | 'web' | 'lmtp';

export interface LoginMeta {
  ip: string;
  protocol: LoginProtocol;
}

/**
 * Recent successful verifications, so a client that logs in every minute (POP3 fetchers, IMAP
 * clients opening several connections) does not pay for scrypt each time — the role of
 * Dovecot's auth cache. Entries are HMACs under a key that lives only in this process, and
 * they include the stored hash, so a password change ends them at once.
 */
class VerifiedLogins {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  private tag(address: string, password: string, storedHash: string): string {
    return createHmac('sha256', this.key).update(`${address}\0${password}\0${storedHash}`).digest('base64');
  }

  has(address: string, password: string, storedHash: string): boolean {
    const tag = this.tag(address, password, storedHash);
    const expires = this.entries.get(tag);
    if (expires === undefined) return false;
    if (expires < Date.now()) {
      this.entries.delete(tag);
      return false;
    }
    return true;
  }

  add(address: string, password: string, storedHash: string): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(this.tag(address, password, storedHash), Date.now() + this.ttlMs);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Authenticator {
  private readonly verified = new VerifiedLogins();

  constructor(
    private readonly store: Store,
    private readonly throttle: LoginThrottle,
    private readonly logger: Logger,
    private readonly metrics?: Pick<ServerMetrics, 'logins'>,
  ) {}

  async login(address: string, password: string, meta: LoginMeta): Promise<UserRecord | null> {
    const user = address.trim().toLowerCase();
    if (this.throttle.isBlocked(meta.ip, user)) return this.fail(user, meta, 'blocked');
    const record = user ? await this.store.findUser(user) : null;
    // A user with an APOP secret logs in with APOP only (RFC 1939: PASS or APOP, not both).
    const usable = record !== null && !record.disabled && record.apopSecret === null;
    if (usable && this.verified.has(record.address, password, record.passwordHash)) return this.succeed(record, meta);
    const ok = await verifyPassword(password, usable ? record.passwordHash : await dummyPasswordHash());
    if (!usable || !ok) return this.fail(user, meta, record === null ? 'unknown user' : record.disabled ? 'disabled' : 'bad password');
    this.verified.add(record.address, password, record.passwordHash);
    return this.succeed(record, meta);
  }

  /** APOP (RFC 1939): digestHex = MD5(banner + secret) in lower-case hex. */
  async loginApop(address: string, banner: string, digestHex: string, meta: LoginMeta): Promise<UserRecord | null> {
    const user = address.trim().toLowerCase();
    if (this.throttle.isBlocked(meta.ip, user)) return this.fail(user, meta, 'blocked');
    const record = user ? await this.store.findUser(user) : null;
    if (!record || record.disabled || record.apopSecret === null) return this.fail(user, meta, 'no apop secret');
    const expected = createHash('md5').update(banner + record.apopSecret, 'utf8').digest();
    const given = /^[0-9a-fA-F]{32}$/.test(digestHex) ? Buffer.from(digestHex, 'hex') : Buffer.alloc(16);
    if (!timingSafeEqual(expected, given)) return this.fail(user, meta, 'bad digest');
    return this.succeed(record, meta);
  }

  private succeed(record: UserRecord, meta: LoginMeta): UserRecord {
    this.throttle.recordSuccess(meta.ip, record.address);
    this.metrics?.logins.inc({ protocol: meta.protocol, outcome: 'ok' });
    this.logger.info({ event: 'login', outcome: 'ok', user: record.address, ip: meta.ip, protocol: meta.protocol }, 'login ok');
    return record;
  }

  private async fail(user: string, meta: LoginMeta, reason: string): Promise<null> {
    const delay = this.throttle.recordFailure(meta.ip, user);
    this.metrics?.logins.inc({ protocol: meta.protocol, outcome: 'failed' });
    this.logger.warn({ event: 'login', outcome: 'failed', user, ip: meta.ip, protocol: meta.protocol, reason }, 'login failed');
    await sleep(delay);
    return null;
  }
}

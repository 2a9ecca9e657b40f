/**
 * Connection limits per protocol: in total, per client IP and per logged-in user. A slot is
 * taken when a connection opens (or a user logs in) and given back by the release function.
 */
import type { Config } from '../config/schema.js';

export type LimitedProtocol = 'imap' | 'pop3' | 'lmtp';
export type Slot = { ok: true; release(): void } | { ok: false; reason: string };

export const TOO_MANY_CONNECTIONS = 'Maximum number of client connections has been reached';
export const TOO_MANY_FROM_IP = 'Too many connections from your address';
export const TOO_MANY_FOR_USER = 'Too many connections for this user';

class Counter {
  total = 0;
  readonly perKey = new Map<string, number>();

  take(key: string): void {
    this.total += 1;
    this.perKey.set(key, (this.perKey.get(key) ?? 0) + 1);
  }

  give(key: string): void {
    this.total -= 1;
    const left = (this.perKey.get(key) ?? 1) - 1;
    if (left <= 0) this.perKey.delete(key);
    else this.perKey.set(key, left);
  }
}

export class ConnectionLimits {
  private readonly connections = new Map<LimitedProtocol, Counter>();
  private readonly users = new Map<LimitedProtocol, Counter>();

  constructor(private limits: Config['limits']) {}

  /** New limits (SIGHUP); connections already open stay. */
  update(limits: Config['limits']): void {
    this.limits = limits;
  }

  open(protocol: LimitedProtocol, ip: string): Slot {
    const counter = this.counter(this.connections, protocol);
    const limit = this.limits[protocol];
    if (counter.total >= limit.maxConnections) return { ok: false, reason: TOO_MANY_CONNECTIONS };
    if ((counter.perKey.get(ip) ?? 0) >= limit.maxConnectionsPerIp) return { ok: false, reason: TOO_MANY_FROM_IP };
    counter.take(ip);
    return { ok: true, release: once(() => counter.give(ip)) };
  }

  bindUser(protocol: LimitedProtocol, address: string): Slot {
    const counter = this.counter(this.users, protocol);
    const key = address.toLowerCase();
    if ((counter.perKey.get(key) ?? 0) >= this.limits[protocol].maxConnectionsPerUser) return { ok: false, reason: TOO_MANY_FOR_USER };
    counter.take(key);
    return { ok: true, release: once(() => counter.give(key)) };
  }

  /** Open connections of a protocol (for metrics). */
  count(protocol: LimitedProtocol): number {
    return this.connections.get(protocol)?.total ?? 0;
  }

  private counter(table: Map<LimitedProtocol, Counter>, protocol: LimitedProtocol): Counter {
    let counter = table.get(protocol);
    if (!counter) {
      counter = new Counter();
      table.set(protocol, counter);
    }
    return counter;
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      fn();
    }
  };
}

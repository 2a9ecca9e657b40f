/**
 * Browser sessions: a random id in an HttpOnly, SameSite=Strict cookie (Secure whenever the
 * browser will keep it), and a per-session CSRF token the page sends back in a header on
 * every change. Sessions live in memory: a restart signs everyone out, which is acceptable
 * for an admin UI and keeps no session secrets on disk.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export type Principal = { role: 'admin' } | { role: 'user'; address: string };

export interface Session {
  id: string;
  csrfToken: string;
  principal: Principal;
  createdAt: number;
  lastSeenAt: number;
}

export interface SessionLimits {
  /** Signed out after this long without a request. */
  idleMs: number;
  /** Signed out after this long whatever happens. */
  absoluteMs: number;
  /** Oldest sessions are dropped beyond this many. */
  maxSessions: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 60 * 60 * 1000, absoluteMs: 12 * 60 * 60 * 1000, maxSessions: 10_000 };

export const SESSION_COOKIE = 'msgstore_session';

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  create(principal: Principal): Session {
    const t = this.now();
    this.sweep(t);
    while (this.sessions.size >= this.limits.maxSessions) {
      const oldest = this.sessions.keys().next();
      if (oldest.done) break;
      this.sessions.delete(oldest.value);
    }
    const session: Session = { id: randomBytes(32).toString('base64url'), csrfToken: randomBytes(32).toString('base64url'), principal, createdAt: t, lastSeenAt: t };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id (touching it), or null. */
  get(id: string | undefined): Session | null {
    if (!id) return null;
    const session = this.sessions.get(id);
    if (!session) return null;
    const t = this.now();
    if (this.expired(session, t)) {
      this.sessions.delete(id);
      return null;
    }
    session.lastSeenAt = t;
    return session;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  /** Ends every session of one user (after a password change or removal), except `keep`. */
  destroyForUser(address: string, keep?: string): void {
    for (const [id, session] of this.sessions) {
      if (id !== keep && session.principal.role === 'user' && session.principal.address === address) this.sessions.delete(id);
    }
  }

  destroyAdmins(keep?: string): void {
    for (const [id, session] of this.sessions) if (id !== keep && session.principal.role === 'admin') this.sessions.delete(id);
  }

  clear(): void {
    this.sessions.clear();
  }

  private expired(session: Session, t: number): boolean {
    return t - session.lastSeenAt > this.limits.idleMs || t - session.createdAt > this.limits.absoluteMs;
  }

  private sweep(t: number): void {
    for (const [id, session] of this.sessions) if (this.expired(session, t)) this.sessions.delete(id);
  }
}

/** Constant-time comparison of a CSRF token from a request header with the session's. */
export function csrfMatches(session: Session, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

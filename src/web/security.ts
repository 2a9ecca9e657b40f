/**
 * Who is calling, and may this request change anything. Runs before any body is read:
 * - `Authorization: Bearer <token>` (scripts) or the session cookie (browsers) names the caller;
 * - a browser change (POST/PUT/PATCH/DELETE) must carry the session's CSRF token in the
 *   X-CSRF-Token header, and a request whose Origin is another site is refused outright;
 * - bad tokens are slowed down like bad passwords.
 * It also sets the response headers that keep the UI safe (CSP without inline script, no framing).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LoginThrottle } from '../auth/throttle.js';
import { webError } from './http-errors.js';
import type { TokenRegistry } from './credentials.js';
import { SESSION_COOKIE, csrfMatches, type Session, type SessionStore } from './sessions.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

export interface SecurityOptions {
  sessions: SessionStore;
  tokens: TokenRegistry;
  throttle: LoginThrottle;
  /** Secure cookie flag: 'auto' sets it over HTTPS and on loopback hosts (where browsers keep it over HTTP). */
  secureCookies: boolean | 'auto';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function hostName(request: FastifyRequest): string {
  const host = request.headers.host ?? '';
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '[::1]';
}

function sameOrigin(request: FastifyRequest, origin: string): boolean {
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export function installSecurity(app: FastifyInstance, options: SecurityOptions): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('webSession', null);

  app.addHook('onRequest', async (request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    if (!request.url.startsWith('/api/')) return;
    reply.header('cache-control', 'no-store');
    const unsafe = UNSAFE.has(request.method);
    const origin = request.headers.origin;
    if (unsafe && origin !== undefined && origin !== 'null' && !sameOrigin(request, origin)) {
      throw webError('CSRF_REJECTED', 'This request came from another site and was refused.');
    }
    if (unsafe && origin === 'null') throw webError('CSRF_REJECTED', 'This request came from an opaque origin and was refused.');

    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      const scope = match?.[1] && !options.throttle.isBlocked(request.ip, 'api-token') ? await options.tokens.verify(match[1]) : null;
      if (!scope) {
        await sleep(options.throttle.recordFailure(request.ip, 'api-token'));
        throw webError('UNAUTHENTICATED', 'The API token is not valid.');
      }
      request.principal = scope;
      return;
    }

    const session = options.sessions.get(request.cookies[SESSION_COOKIE]);
    if (!session) return;
    if (unsafe && !csrfMatches(session, headerValue(request, 'x-csrf-token'))) {
      throw webError('CSRF_REJECTED', 'The request is missing its security token; reload the page and try again.');
    }
    request.webSession = session;
    request.principal = session.principal;
  });
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, session: Session, secure: boolean | 'auto'): void {
  reply.setCookie(SESSION_COOKIE, session.id, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: secure === 'auto' ? request.protocol === 'https' || isLoopbackHost(hostName(request)) : secure,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

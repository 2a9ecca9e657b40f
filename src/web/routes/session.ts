/**
 * Signing in and out. One form for everyone: the user name "admin" signs in with the admin
 * credential, a mail address with that user's own mail password. Every failure is the same
 * "not authorized" after the throttling delay, so nobody learns which users exist.
 */
import { sessionInfo } from '../api-schemas.js';
import { z } from 'zod';
import { verifyAdminPassword } from '../credentials.js';
import { webError } from '../http-errors.js';
import type { ApiRouter } from '../router.js';
import { clearSessionCookie, setSessionCookie } from '../security.js';
import type { Principal } from '../sessions.js';
import type { WebContext } from '../web-context.js';

export const ADMIN_LOGIN_NAME = 'admin';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const loginBody = z.object({
  user: z.string().max(320),
  password: z.string().max(1024),
});

export function registerSessionRoutes(router: ApiRouter, web: WebContext): void {
  router.add({
    method: 'GET',
    url: '/api/session',
    response: sessionInfo,
    summary: 'Who is signed in (and the CSRF token the page sends with changes)',
    tag: 'Session',
    access: 'public',
    async handler({ principal, session }) {
      if (!principal) return { signedIn: false };
      return { signedIn: true, ...principal, ...(session ? { csrfToken: session.csrfToken } : {}) };
    },
  });

  router.add({
    method: 'POST',
    url: '/api/session',
    response: sessionInfo,
    summary: 'Sign in with "admin" and the admin password, or a mail address and its password',
    tag: 'Session',
    access: 'public',
    body: loginBody,
    errors: [401],
    async handler({ body, ip, request, reply, session: previous }) {
      const user = body.user.trim();
      if (user === '') throw webError('NO_USER_NAME', 'Please enter your user name (your mail address).');
      if (body.password === '') throw webError('NO_PASSWORD', 'Please enter your password.');
      let principal: Principal | null = null;
      if (user.toLowerCase() === ADMIN_LOGIN_NAME) {
        const throttle = web.ctx.throttle;
        if (!throttle.isBlocked(ip, ADMIN_LOGIN_NAME) && (await verifyAdminPassword(web.ctx.store, body.password))) {
          throttle.recordSuccess(ip, ADMIN_LOGIN_NAME);
          web.ctx.logger.info({ event: 'login', outcome: 'ok', user: ADMIN_LOGIN_NAME, ip, protocol: 'web' }, 'login ok');
          principal = { role: 'admin' };
        } else {
          web.ctx.logger.warn({ event: 'login', outcome: 'failed', user: ADMIN_LOGIN_NAME, ip, protocol: 'web' }, 'login failed');
          await sleep(throttle.recordFailure(ip, ADMIN_LOGIN_NAME));
        }
      } else {
        const record = await web.ctx.auth.login(user, body.password, { ip, protocol: 'web' });
        if (record) principal = { role: 'user', address: record.address };
      }
      if (!principal) throw webError('NOT_AUTHORIZED', 'The user name or password is not correct.');
      // A new id on every sign-in, so a session id planted before it is worth nothing.
      if (previous) web.sessions.destroy(previous.id);
      const session = web.sessions.create(principal);
      setSessionCookie(request, reply, session, web.secureCookies);
      return { signedIn: true, ...principal, csrfToken: session.csrfToken };
    },
  });

  router.add({
    method: 'DELETE',
    url: '/api/session',
    summary: 'Sign out',
    tag: 'Session',
    access: 'public',
    status: 204,
    async handler({ session, reply }) {
      if (session) web.sessions.destroy(session.id);
      clearSessionCookie(reply);
      return undefined;
    },
  });
}

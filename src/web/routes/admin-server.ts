/** The server page (host, versions, listeners, counts, TLS certificate), the admin password and API tokens. */
import { certificateSummary as certificateSchema, serverInfo, tokenCreated, tokenList } from '../api-schemas.js';
import { z } from 'zod';
import { validatePair } from '../../net/tls.js';
import { verifyAdminPassword } from '../credentials.js';
import { webError } from '../http-errors.js';
import type { ApiRouter } from '../router.js';
import type { WebContext } from '../web-context.js';

const DAY_MS = 24 * 3600 * 1000;
/** The server page warns when the certificate ends within this many days. */
export const CERTIFICATE_WARNING_DAYS = 30;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function certificateSummary(web: WebContext) {
  const cert = web.ctx.tls.certificateInfo();
  const daysLeft = Math.floor((cert.validTo.getTime() - Date.now()) / DAY_MS);
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    validFrom: cert.validFrom.toISOString(),
    validTo: cert.validTo.toISOString(),
    fingerprint256: cert.fingerprint256,
    selfSigned: cert.selfSigned,
    daysLeft,
    expired: daysLeft < 0,
    expiresSoon: daysLeft < CERTIFICATE_WARNING_DAYS,
  };
}

export function registerAdminServerRoutes(router: ApiRouter, web: WebContext): void {
  const { ctx } = web;

  router.add({
    method: 'GET',
    url: '/api/admin/server',
    response: serverInfo,
    summary: 'Host name, versions, listener status, counts and the TLS certificate in use',
    tag: 'Server',
    access: 'admin',
    async handler() {
      const users = await ctx.store.listUsers({ limit: 1 });
      const shared = await ctx.store.listShared();
      const queue = await ctx.store.outboundStats();
      return {
        hostname: ctx.hostname,
        versions: { msgstore: web.version, node: process.versions.node, sqlite: process.versions.sqlite ?? null },
        startedAt: web.startedAt.toISOString(),
        listeners: await web.listenerStatus(),
        counts: { users: users.total, sharedMailboxes: shared.length, outboundQueue: queue.depth, oldestQueued: queue.oldest?.toISOString() ?? null },
        certificate: certificateSummary(web),
      };
    },
  });

  router.add({
    method: 'PUT',
    url: '/api/admin/server/certificate',
    response: certificateSchema,
    summary: 'Install a new TLS certificate and private key (PEM); every TLS listener uses it at once',
    tag: 'Server',
    access: 'admin',
    body: z.object({ certificate: z.string().min(1, 'paste the certificate').max(256 * 1024), key: z.string().min(1, 'paste the private key').max(256 * 1024) }),
    async handler({ body }) {
      try {
        validatePair(body.certificate, body.key);
      } catch (err) {
        throw webError('INVALID_CERTIFICATE', `The certificate was not installed: ${(err as Error).message}.`);
      }
      await ctx.tls.install(body.certificate, body.key);
      ctx.logger.info({ event: 'tls-install', subject: ctx.tls.certificateInfo().subject }, 'TLS certificate installed from the web UI');
      return certificateSummary(web);
    },
  });

  router.add({
    method: 'PUT',
    url: '/api/admin/password',
    summary: 'Change the admin password (other admin sessions are signed out)',
    tag: 'Server',
    access: 'admin',
    status: 204,
    body: z.object({ currentPassword: z.string().max(1024), newPassword: z.string().min(8, 'the new password needs at least 8 characters').max(1024) }),
    errors: [401],
    async handler({ body, ip, session }) {
      if (ctx.throttle.isBlocked(ip, 'admin') || !(await verifyAdminPassword(ctx.store, body.currentPassword))) {
        await sleep(ctx.throttle.recordFailure(ip, 'admin'));
        throw webError('NOT_AUTHORIZED', 'The current password is not correct.');
      }
      await web.admin.setAdminPassword(body.newPassword);
      web.sessions.destroyAdmins(session?.id);
      return undefined;
    },
  });

  router.add({
    method: 'GET',
    url: '/api/admin/tokens',
    response: tokenList,
    summary: 'List API tokens (never their secrets)',
    tag: 'API tokens',
    access: 'admin',
    handler: async () => ({ tokens: await web.tokens.list() }),
  });

  router.add({
    method: 'POST',
    url: '/api/admin/tokens',
    response: tokenCreated,
    summary: 'Create an API token for scripts; the token text is shown only in this answer',
    tag: 'API tokens',
    access: 'admin',
    status: 201,
    errors: [404],
    body: z.object({ name: z.string().trim().min(1, 'name the token').max(100), user: z.string().trim().min(1).max(320).optional() }),
    async handler({ body }) {
      return web.tokens.create(body.name, body.user ? { role: 'user', address: body.user } : { role: 'admin' });
    },
  });

  router.add({
    method: 'DELETE',
    url: '/api/admin/tokens/:id',
    summary: 'Revoke an API token',
    tag: 'API tokens',
    access: 'admin',
    status: 204,
    params: z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'not a token id') }),
    errors: [404],
    async handler({ params }) {
      if (!(await web.tokens.revoke(params.id))) throw webError('NOT_FOUND', 'There is no API token with this id.');
      return undefined;
    },
  });
}

/**
 * /metrics (Prometheus text format) and /healthz on the HTTP listener. Neither is part of the
 * REST API: monitoring systems call them without a session or CSRF token.
 * - /metrics: open to clients on loopback (a local Prometheus or node exporter); anyone else
 *   must be the administrator (Authorization: Bearer <admin token>, or an admin session).
 * - /healthz: 200 {"status":"ok"} when the store answers a trivial query within two seconds,
 *   503 otherwise. Open to all; it says nothing but up or down.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isLoopbackAddress } from '../../net/address.js';
import { dataPaths } from '../../server/context.js';
import { isMailError } from '../../store/errors.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from '../../ops/metrics-text.js';
import { StoreStatsReader } from '../../ops/store-stats.js';
import { webError } from '../http-errors.js';
import { SESSION_COOKIE } from '../sessions.js';
import type { WebContext } from '../web-context.js';

const HEALTH_TIMEOUT_MS = 2000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Who calls (token or session)? Bad tokens are slowed down like bad passwords. */
async function callerRole(web: WebContext, request: FastifyRequest): Promise<'admin' | 'user' | null> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    const scope = token && !web.ctx.throttle.isBlocked(request.ip, 'api-token') ? await web.tokens.verify(token) : null;
    if (!scope) {
      await sleep(web.ctx.throttle.recordFailure(request.ip, 'api-token'));
      return null;
    }
    return scope.role;
  }
  return web.sessions.get(request.cookies[SESSION_COOKIE])?.principal.role ?? null;
}

/** Resolves true when the store answered, false on an error or when it took too long. */
async function storeAnswers(web: WebContext): Promise<{ ok: true } | { ok: false; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ ok: false; reason: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: 'timeout' }), HEALTH_TIMEOUT_MS);
  });
  const probe = web.ctx.store.listUsers({ limit: 1 }).then(
    () => ({ ok: true }) as const,
    (err: unknown) => ({ ok: false, reason: isMailError(err) ? err.code : 'error' }) as const,
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function registerOpsRoutes(app: FastifyInstance, web: WebContext): void {
  const { ctx } = web;
  const stats = StoreStatsReader.forDataDir(dataPaths(ctx.config).dataDir);
  app.addHook('onClose', async () => stats.close());

  app.get('/metrics', async (request, reply) => {
    if (!isLoopbackAddress(request.ip)) {
      const role = await callerRole(web, request);
      if (role === null) throw webError('UNAUTHENTICATED', 'Metrics are open to loopback clients; others need an administrator token.');
      if (role !== 'admin') throw webError('FORBIDDEN', 'Only the administrator may read the metrics.');
    }
    const text = await renderMetrics({ ctx, stats, startedAt: web.startedAt });
    return reply.code(200).header('content-type', METRICS_CONTENT_TYPE).header('cache-control', 'no-store').send(text);
  });

  app.get('/healthz', async (_request, reply) => {
    const answer = await storeAnswers(web);
    reply.header('cache-control', 'no-store');
    if (answer.ok) return reply.code(200).send({ status: 'ok' });
    ctx.logger.warn({ reason: answer.reason }, 'health check: the store did not answer');
    return reply.code(503).send({ status: 'unavailable' });
  });
}

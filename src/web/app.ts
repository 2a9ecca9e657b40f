/**
 * The fastify application: security hooks, the REST API (described at /api/openapi.json) and
 * the browser UI. Errors of every kind leave through one handler as `{ error: { code, message } }`.
 */
import { readFileSync } from 'node:fs';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { AdminService } from '../admin/service.js';
import type { ServerContext } from '../server/context.js';
import { TokenRegistry } from './credentials.js';
import { findUp } from './find-up.js';
import { ApiError, errorBody, toApiError, webError } from './http-errors.js';
import { ApiRouter } from './router.js';
import { registerAdminServerRoutes } from './routes/admin-server.js';
import { registerAdminUserRoutes } from './routes/admin-users.js';
import { registerMailRoutes } from './routes/mail-user.js';
import { registerOpsRoutes } from './routes/ops.js';
import { registerSessionRoutes } from './routes/session.js';
import { installSecurity } from './security.js';
import { DEFAULT_SESSION_LIMITS, SessionStore, type SessionLimits } from './sessions.js';
import { findUiDirectory, serveUi } from './static.js';
import { configuredListeners, probeListeners } from './listener-probe.js';
import type { ListenerStatus, WebContext } from './web-context.js';

export interface HttpServiceDeps {
  /** Defaults to an AdminService over ctx.store with the configured default quota. */
  admin?: AdminService;
  /** Listener states for the server page; by default the configured ones, probed. */
  listenerStatus?: () => ListenerStatus[] | Promise<ListenerStatus[]>;
  /** The session cookie's Secure flag; 'auto' (default) sets it over HTTPS and on loopback hosts. */
  secureCookies?: boolean | 'auto';
  sessionLimits?: SessionLimits;
  /** Where the browser UI files are; found automatically by default. */
  uiDir?: string;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;

function packageVersion(): string {
  const path = findUp('package.json');
  if (!path) return 'unknown';
  try {
    const pkg = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function fastifyErrorToApi(err: FastifyError): ApiError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return webError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as JSON (Content-Type: application/json).');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return webError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return webError('VALIDATION_FAILED', 'The request body is not valid JSON.');
    default:
      if (err instanceof SyntaxError || err.statusCode === 400) return webError('VALIDATION_FAILED', 'The request body is not valid JSON.');
      return null;
  }
}

export async function buildWebApp(ctx: ServerContext, deps: HttpServiceDeps = {}): Promise<{ app: FastifyInstance; web: WebContext }> {
  const app = Fastify({ logger: false, bodyLimit: DEFAULT_BODY_LIMIT, trustProxy: false, return503OnClosing: true });
  // Only JSON bodies: a cross-site form can then never produce a body the API accepts.
  app.removeContentTypeParser('text/plain');
  await app.register(cookie);

  const sessions = new SessionStore(deps.sessionLimits ?? DEFAULT_SESSION_LIMITS);
  const tokens = new TokenRegistry(ctx.store);
  const web: WebContext = {
    ctx,
    admin: deps.admin ?? new AdminService(ctx.store, { quotaBytes: ctx.config.limits.defaultQuotaBytes || null }),
    sessions,
    tokens,
    secureCookies: deps.secureCookies ?? 'auto',
    version: packageVersion(),
    startedAt: new Date(),
    listenerStatus: deps.listenerStatus ?? (() => probeListeners(configuredListeners(ctx))),
  };
  installSecurity(app, { sessions, tokens, throttle: ctx.throttle, secureCookies: web.secureCookies });

  // One log line per API call: who did what, with which outcome (never bodies or secrets).
  app.addHook('onResponse', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    const principal = request.principal;
    const user = principal === null ? null : principal.role === 'admin' ? 'admin' : principal.address;
    const entry = { event: 'http', method: request.method, route: request.routeOptions.url ?? request.url.split('?')[0], status: reply.statusCode, user, ip: request.ip, ms: Math.round(reply.elapsedTime) };
    if (request.method === 'GET') ctx.logger.debug(entry, 'web request');
    else ctx.logger.info(entry, 'web request');
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const apiError = fastifyErrorToApi(err) ?? toApiError(err);
    if (apiError.status >= 500) ctx.logger.error({ err, cause: err.cause, url: request.url, method: request.method }, 'web request failed');
    else ctx.logger.debug({ code: apiError.code, url: request.url, method: request.method }, 'web request refused');
    return reply.code(apiError.status).send(errorBody(apiError));
  });
  app.setNotFoundHandler((request, reply) => {
    const notFound = webError('NOT_FOUND', request.url.startsWith('/api/') ? 'There is no such API endpoint.' : 'There is no such page.');
    return reply.code(404).send(errorBody(notFound));
  });

  const router = new ApiRouter(app);
  registerSessionRoutes(router, web);
  registerAdminUserRoutes(router, web);
  registerAdminServerRoutes(router, web);
  registerMailRoutes(router, web);
  registerOpsRoutes(app, web);
  const document = router.openApi({ title: 'msgstore API', version: web.version });
  app.get('/api/openapi.json', async () => document);

  serveUi(app, deps.uiDir ?? findUiDirectory());
  return { app, web };
}

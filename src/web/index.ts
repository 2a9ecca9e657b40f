/**
 * The HTTP service: the REST API and the web UI on the configured HTTP listener.
 * The composition root calls ensureAdminCredential(ctx) once at start and prints a new password.
 */
import type { FastifyInstance } from 'fastify';
import type { BoundAddress, ServerContext, Service } from '../server/context.js';
import { buildWebApp, type HttpServiceDeps } from './app.js';
import { configuredListeners, probeListeners } from './listener-probe.js';
import type { WebContext } from './web-context.js';

export { ensureAdminCredential, TokenRegistry } from './credentials.js';
export { buildWebApp, type HttpServiceDeps } from './app.js';
export type { ListenerStatus } from './web-context.js';

export interface HttpService extends Service {
  /** The fastify instance once started (tests use inject()). */
  readonly app: FastifyInstance | null;
}

export function createHttpService(ctx: ServerContext, deps: HttpServiceDeps = {}): HttpService {
  let app: FastifyInstance | null = null;
  let web: WebContext | null = null;
  let bound: BoundAddress | null = null;
  const listenerStatus =
    deps.listenerStatus ??
    (() => probeListeners(configuredListeners(ctx).map((l) => (l.name === 'http' && bound ? { ...l, host: bound.host, port: bound.port, state: 'running' as const } : l))));
  return {
    name: 'http',
    get app() {
      return app;
    },
    async start() {
      if (app) throw new Error('the HTTP service is already started');
      const built = await buildWebApp(ctx, { ...deps, listenerStatus });
      app = built.app;
      web = built.web;
      const host = ctx.config.listeners.http.host ?? ctx.config.host;
      await app.listen({ host, port: ctx.config.listeners.http.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : ctx.config.listeners.http.port;
      bound = { service: 'http', host, port };
      ctx.logger.info({ event: 'listen', service: 'http', host, port }, 'HTTP (web UI and REST API) listening');
      return [bound];
    },
    async stop() {
      if (!app) return;
      const closing = app;
      app = null;
      web?.sessions.clear();
      web = null;
      bound = null;
      await closing.close();
    },
  };
}

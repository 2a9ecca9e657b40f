/** What every route module is handed: the server context plus the web layer's own parts. */
import type { AdminService } from '../admin/service.js';
import type { ServerContext } from '../server/context.js';
import type { TokenRegistry } from './credentials.js';
import type { SessionStore } from './sessions.js';

export interface ListenerStatus {
  name: string;
  enabled: boolean;
  host: string;
  port: number;
  /** running: bound now; configured: on in the configuration (state unknown here); off: disabled. */
  state: 'running' | 'configured' | 'stopped' | 'off';
}

export interface WebContext {
  ctx: ServerContext;
  admin: AdminService;
  sessions: SessionStore;
  tokens: TokenRegistry;
  secureCookies: boolean | 'auto';
  version: string;
  startedAt: Date;
  listenerStatus(): ListenerStatus[] | Promise<ListenerStatus[]>;
}

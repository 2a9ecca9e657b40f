/**
 * Listener status for the server page: each enabled TCP listener of the configuration is
 * probed with a short connect (closed at once), so the page shows what really answers now.
 * A listener configured on port 0 ("any free port") cannot be probed from here.
 */
import { connect } from 'node:net';
import type { ServerContext } from '../server/context.js';
import type { ListenerStatus } from './web-context.js';

const PROBE_TIMEOUT_MS = 500;

function probeHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/** True when something accepts TCP connections at host:port within the timeout. */
export function isListening(host: string, port: number, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: probeHost(host), port });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Listener states from the configuration alone. */
export function configuredListeners(ctx: ServerContext): ListenerStatus[] {
  const l = ctx.config.listeners;
  const entries: [string, { enabled: boolean; host?: string | undefined; port: number }][] = [
    ['imap', l.imap],
    ['imaps', l.imaps],
    ['pop3', l.pop3],
    ['pop3s', l.pop3s],
    ['lmtp', l.lmtp],
    ['http', l.http],
  ];
  return entries.map(([name, cfg]) => ({ name, enabled: cfg.enabled, host: cfg.host ?? ctx.config.host, port: cfg.port, state: cfg.enabled ? 'configured' : 'off' }));
}

/** The configured listeners, each enabled one with a fixed port probed: running or stopped. */
export async function probeListeners(listeners: ListenerStatus[]): Promise<ListenerStatus[]> {
  return Promise.all(
    listeners.map(async (l) => {
      if (l.state !== 'configured' || l.port === 0) return l;
      return { ...l, state: (await isListening(l.host, l.port)) ? ('running' as const) : ('stopped' as const) };
    }),
  );
}

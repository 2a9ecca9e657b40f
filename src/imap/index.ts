/** The IMAP service: IMAP (143, STARTTLS) and IMAPS (993) listeners as configured. */
import { TranscriptDirectory } from '../log/transcript.js';
import { dataPaths, type BoundAddress, type ServerContext, type Service } from '../server/context.js';
import { imapTranscriptHook } from './session/transcript.js';
import { ImapListeners, type ImapServerOptions } from './server.js';

export type { ImapServerOptions } from './server.js';
export { ImapSession } from './session/session.js';
export type { ImapTransport, TranscriptHook, SessionState } from './session/state.js';
export { imapTranscriptHook } from './session/transcript.js';

/**
 * The IMAP service. Unless the caller hands in its own transcript factory, sessions write the
 * per-session transcripts the configuration asks for (log.transcripts) under <dataDir>/log.
 */
export function createImapService(ctx: ServerContext, options: ImapServerOptions = {}): Service {
  let listeners: ImapListeners | null = null;
  if (!options.transcripts && ctx.config.log.transcripts !== 'never') {
    const directory = new TranscriptDirectory(dataPaths(ctx.config).logDir, ctx.config.log.transcripts, ctx.config.log.transcriptMaxBytes);
    options = {
      ...options,
      transcripts: () => {
        const t = directory.session('imap');
        return t ? imapTranscriptHook(t) : undefined;
      },
    };
  }
  return {
    name: 'imap',
    async start(): Promise<BoundAddress[]> {
      const l = new ImapListeners(ctx, options);
      listeners = l;
      const bound: BoundAddress[] = [];
      const { imap, imaps } = ctx.config.listeners;
      try {
        if (imap.enabled) {
          const host = imap.host ?? ctx.config.host;
          const addr = await l.listen(host, imap.port, false);
          bound.push({ service: 'imap', host, port: addr.port });
        }
        if (imaps.enabled) {
          const host = imaps.host ?? ctx.config.host;
          const addr = await l.listen(host, imaps.port, true);
          bound.push({ service: 'imaps', host, port: addr.port });
        }
      } catch (err) {
        await l.close();
        listeners = null;
        throw err;
      }
      return bound;
    },
    async stop(): Promise<void> {
      const l = listeners;
      listeners = null;
      if (l) await l.close();
    },
  };
}

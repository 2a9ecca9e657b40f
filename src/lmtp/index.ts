/**
 * The LMTP service (RFC 2033) for `msgstore serve`: TCP per config.listeners.lmtp and the unix
 * socket (config.listeners.lmtp.socket, default <dataDir>/run/lmtp.sock; "" turns it off).
 */
import { createDeliveryPipeline } from '../delivery/index.js';
import type { DeliveryPipeline } from '../delivery/pipeline.js';
import { dataPaths, type ServerContext, type Service } from '../server/context.js';
import { LmtpServer } from './server.js';

export { LmtpServer } from './server.js';
export { LmtpSession } from './session.js';
export { LmtpClient } from './client.js';
export { createDeliveryPipeline, type PipelineOptions } from '../delivery/index.js';

/**
 * LMTP over TCP and the unix socket. Pass the pipeline shared with the spool agent (built with
 * the MailSort engine as its sorter); without one, a pipeline filing everything into INBOX is made.
 */
export function createLmtpService(ctx: ServerContext, pipeline: DeliveryPipeline = createDeliveryPipeline(ctx)): Service {
  const lmtp = ctx.config.listeners.lmtp;
  const socket = dataPaths(ctx.config).lmtpSocket;
  return new LmtpServer(ctx, pipeline, {
    tcp: lmtp.enabled ? { host: lmtp.host, port: lmtp.port } : null,
    socket: lmtp.enabled && socket !== '' ? socket : null,
  });
}

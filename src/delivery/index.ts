/**
 * Local mail delivery: one pipeline for LMTP, the spool queue and `msgstore deliver`.
 * The composition root builds one pipeline (with the MailSort engine as its sorter and the
 * outbound sender's kick) and hands it to createLmtpService and createSpoolService.
 */
import type { ServerContext } from '../server/context.js';
import { DeliveryPipeline } from './pipeline.js';
import type { Sorter } from './sorter.js';

export { DeliveryPipeline, type DeliveryInput, type DeliveryOptions, type DeliveryPipelineDeps } from './pipeline.js';
export { SpoolAgent, createSpoolService, type SpoolAgentOptions } from './spool.js';
export { writeSpoolFile } from './spool-files.js';
export { formatSpoolFile, parseSpoolFile, type SpoolEnvelope, type SpoolFile } from './spool-format.js';
export { inboxOnlySorter, type Sorter, type SortInput } from './sorter.js';
export { DeliveryError, isDeliveryError, LM_ERROR_MESSAGES, type LmErrorCode } from './errors.js';
export { exitCodeFor, outcomeKind, type RecipientOutcome, type OutcomeKind } from './outcome.js';

export interface PipelineOptions {
  sorter?: Sorter;
  onOutbound?: () => void;
}

/** The delivery pipeline configured from the context (store, logger, hostname, size limit). */
export function createDeliveryPipeline(ctx: ServerContext, options: PipelineOptions = {}): DeliveryPipeline {
  return new DeliveryPipeline({
    store: ctx.store,
    logger: ctx.logger,
    hostname: ctx.hostname,
    maxMessageBytes: ctx.config.limits.maxMessageBytes,
    metrics: ctx.metrics,
    ...(options.sorter ? { sorter: options.sorter } : {}),
    ...(options.onOutbound ? { onOutbound: options.onOutbound } : {}),
  });
}

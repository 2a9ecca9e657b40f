/**
 * `msgstore deliver --to ADDRESS [--from ADDRESS] < message`: a local delivery agent for an
 * MTA's mailbox command (Postfix mailbox_command, Exim pipe transport), like dovecot-lda.
 * Exits with sysexits codes: 0 stored (fsynced and committed), 67 unknown user, 75 temporary
 * failure (the MTA keeps the message and retries), 65 bad data, 77 rejected by the recipient's
 * MailSort rules (the reason on stderr).
 */
import { isDeliverableAddress } from '../delivery/address.js';
import { EX_DATAERR, EX_TEMPFAIL, exitCodeFor } from '../delivery/outcome.js';
import { DeliveryPipeline } from '../delivery/pipeline.js';
import type { Sorter } from '../delivery/sorter.js';
import { createLogger, type Logger } from '../log/logger.js';
import { MailSortEngine } from '../mailsort/engine.js';
import { closeIndexWorker } from '../mime/index.js';
import { dataPaths } from '../server/context.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/types.js';
import type { Config } from '../config/schema.js';
import { configFor, type GlobalOptions } from './store-access.js';
import { hostname as osHostname } from 'node:os';

export interface DeliverCommandOptions extends GlobalOptions {
  to: string;
  /** Envelope sender; default "" (the null sender). */
  from?: string;
}

export interface DeliverCommandIo {
  stdin?: NodeJS.ReadableStream;
  stderr?: NodeJS.WritableStream;
  /** Build the sorter; default: the MailSort engine over the store. */
  sorter?: (deps: { store: Store; logger: Logger; hostname: string }) => Sorter;
  /** Logger; default: the configured log file (no console output). */
  logger?: Logger;
}

/** Reads standard input, stopping early (and saying so) once it passes `limit` bytes. */
async function readLimited(input: NodeJS.ReadableStream, limit: number): Promise<{ bytes: Buffer; overLimit: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > limit) return { bytes: Buffer.alloc(0), overLimit: true };
    chunks.push(buf);
  }
  return { bytes: Buffer.concat(chunks, size), overLimit: false };
}

/** An mbox "From " postmark line some MTAs put first is not part of the message. */
function stripPostmark(raw: Buffer): Buffer {
  if (raw.subarray(0, 5).toString('latin1') !== 'From ') return raw;
  const lf = raw.indexOf(0x0a);
  return lf < 0 ? raw : raw.subarray(lf + 1);
}

/** Runs the command and returns its exit status (it never throws). */
export async function runDeliverCommand(options: DeliverCommandOptions, io: DeliverCommandIo = {}): Promise<number> {
  const stdin = io.stdin ?? process.stdin;
  const stderr = io.stderr ?? process.stderr;
  const say = (text: string) => stderr.write(`msgstore deliver: ${text}\n`);

  const to = options.to.trim();
  const from = (options.from ?? '').trim().replace(/^<(.*)>$/, '$1');
  if (!isDeliverableAddress(to)) {
    say(`invalid recipient address "${to}" (LM_INVALID_MSGENV)`);
    return EX_DATAERR;
  }
  if (from !== '' && !isDeliverableAddress(from)) {
    say(`invalid sender address "${from}" (LM_INVALID_MSGENV)`);
    return EX_DATAERR;
  }

  let config: Config;
  try {
    config = configFor(options);
  } catch (err) {
    say(`configuration error: ${err instanceof Error ? err.message : String(err)}`);
    return EX_TEMPFAIL;
  }

  let input: { bytes: Buffer; overLimit: boolean };
  try {
    input = await readLimited(stdin, config.limits.maxMessageBytes + 1024);
  } catch (err) {
    say(`cannot read the message (LM_CANNOT_READ_MQ_MSGFILE): ${err instanceof Error ? err.message : String(err)}`);
    return EX_TEMPFAIL;
  }
  if (input.overLimit) {
    say(`message exceeds the size limit of ${config.limits.maxMessageBytes} bytes (LM_MSG_TOO_LARGE)`);
    return EX_DATAERR;
  }
  const raw = stripPostmark(input.bytes);
  if (raw.length === 0) {
    say('empty message (LM_INVALID_MSGBODY)');
    return EX_DATAERR;
  }

  const paths = dataPaths(config);
  const hostname = config.hostname ?? osHostname();
  const logger = io.logger ?? createLogger({ level: config.log.level, dir: paths.logDir, console: false });
  let store: Store;
  try {
    // A running server may share the data directory: skip the start-up sweep of unreferenced files.
    store = await openStore({ dataDir: paths.dataDir, mailRoot: paths.mailRoot, logger, startupCheck: false });
  } catch (err) {
    say(`the message store cannot be opened: ${err instanceof Error ? err.message : String(err)}`);
    logger.error({ err }, 'deliver: store cannot be opened');
    return EX_TEMPFAIL;
  }
  try {
    const sorter = io.sorter ? io.sorter({ store, logger, hostname }) : new MailSortEngine({ store, logger, hostname });
    const pipeline = new DeliveryPipeline({ store, logger, hostname, sorter, maxMessageBytes: config.limits.maxMessageBytes, concurrency: 1 });
    const [outcome] = await pipeline.deliver({ envelopeFrom: from, recipients: [to], raw, via: 'deliver' });
    if (!outcome) return EX_TEMPFAIL;
    const code = exitCodeFor(outcome);
    if (code !== 0) say(`${outcome.code} ${outcome.enhanced} ${outcome.text}${outcome.lmCode ? ` (${outcome.lmCode})` : ''}`);
    return code;
  } catch (err) {
    say(`temporary failure: ${err instanceof Error ? err.message : String(err)}`);
    return EX_TEMPFAIL;
  } finally {
    await store.close().catch(() => undefined);
    await closeIndexWorker().catch(() => undefined);
    logger.flush?.();
  }
}

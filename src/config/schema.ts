/**
 * The configuration: one schema with every key, its default and what it allows. The annotated
 * example in msgstore.example.json documents the same keys.
 */
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const seconds = (min: number, def: number) => z.number().int().min(min).default(def);

const listener = (defaultPort: number, enabled = true) =>
  z
    .object({
      enabled: z.boolean().default(enabled),
      host: z.string().min(1).optional(),
      port: port.default(defaultPort),
    })
    .strict()
    .prefault({});

const connectionLimits = z
  .object({
    maxConnections: z.number().int().min(1).default(5000),
    maxConnectionsPerIp: z.number().int().min(1).default(100),
    maxConnectionsPerUser: z.number().int().min(1).default(50),
  })
  .strict();

export const configSchema = z
  .object({
    /** Database, TLS material, logs, spool and (by default) message files live here. */
    dataDir: z.string().min(1).default('./data'),
    /** Default root for users' message files; a user's or shared mailbox's home overrides it. Default: <dataDir>/mail. */
    mailRoot: z.string().min(1).optional(),
    /** Host name used in greetings, Message-IDs and Received lines. Default: the machine's name. */
    hostname: z.string().min(1).optional(),
    /** Address every listener binds unless it names its own host. */
    host: z.string().min(1).default('0.0.0.0'),
    listeners: z
      .object({
        imap: listener(143),
        imaps: listener(993),
        pop3: listener(110),
        pop3s: listener(995),
        lmtp: z
          .object({
            enabled: z.boolean().default(true),
            host: z.string().min(1).default('127.0.0.1'),
            port: port.default(24),
            /** Unix socket path for LMTP; empty string disables it. Default: <dataDir>/run/lmtp.sock. */
            socket: z.string().optional(),
          })
          .strict()
          .prefault({}),
        http: listener(8080),
      })
      .strict()
      .prefault({}),
    tls: z
      .object({
        /** PEM files; when both are empty a self-signed pair is made in <dataDir>/tls on first start. */
        certFile: z.string().optional(),
        keyFile: z.string().optional(),
        /** Allow LOGIN/USER/PASS/AUTH PLAIN without TLS from non-loopback clients. */
        allowPlaintextAuth: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    limits: z
      .object({
        /** Largest message accepted by LMTP, APPEND and the spool, in bytes. */
        maxMessageBytes: z.number().int().min(1024).default(50 * 1024 * 1024),
        /** Longest command line (IMAP, POP3, LMTP) once authenticated, in bytes. */
        maxLineBytes: z.number().int().min(1024).default(64 * 1024),
        /** Longest command line and literal before authentication, in bytes. */
        maxPreauthBytes: z.number().int().min(256).default(8 * 1024),
        /** Bad commands in a row before the server disconnects. */
        maxBadCommands: z.number().int().min(1).default(20),
        /** Default per-user quota in bytes; 0 means unlimited. */
        defaultQuotaBytes: z.number().int().min(0).default(0),
        imap: connectionLimits.prefault({}),
        pop3: connectionLimits.prefault({}),
        lmtp: connectionLimits.prefault({}),
      })
      .strict()
      .prefault({}),
    timers: z
      .object({
        /** IMAP inactivity auto-logout; RFC 3501 requires at least 30 minutes. */
        imapIdleSeconds: seconds(30 * 60, 30 * 60),
        /** POP3 inactivity auto-logout; RFC 1939 requires at least 10 minutes. */
        pop3IdleSeconds: seconds(10 * 60, 30 * 60),
        /** LMTP inactivity timeout. */
        lmtpIdleSeconds: seconds(30, 5 * 60),
        /** How often the spool directory is scanned besides file-system notifications. */
        spoolScanSeconds: seconds(1, 5),
      })
      .strict()
      .prefault({}),
    auth: z
      .object({
        /** Failed logins per IP before growing delays start. */
        failuresBeforeDelay: z.number().int().min(0).default(3),
        /** Upper bound of the delay after a failed login, in milliseconds. */
        maxDelayMs: z.number().int().min(0).default(15000),
        /** Failed logins per IP (or per user) within blockWindowSeconds that block it. */
        blockAfterFailures: z.number().int().min(1).default(20),
        blockWindowSeconds: seconds(1, 15 * 60),
        blockSeconds: seconds(1, 15 * 60),
      })
      .strict()
      .prefault({}),
    pop3: z
      .object({
        /** Refuse a POP3 login while an IMAP session has the INBOX selected (the guide's strict mode). */
        exclusiveInbox: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    spool: z
      .object({
        enabled: z.boolean().default(true),
        /** Spool directory watched for queued messages. Default: <dataDir>/spool. */
        dir: z.string().optional(),
      })
      .strict()
      .prefault({}),
    relay: z
      .object({
        /** SMTP relay for forwards and vacation replies; empty means queue only. */
        host: z.string().default(''),
        port: port.default(25),
        startTls: z.boolean().default(true),
        user: z.string().optional(),
        password: z.string().optional(),
        /** Give up on a queued message after this long. */
        maxQueueAgeSeconds: seconds(60, 5 * 24 * 3600),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        /** Per-session protocol transcripts: never, on-error (kept only when the session hit an error), always. */
        transcripts: z.enum(['never', 'on-error', 'always']).default('on-error'),
        /** Total bytes of kept transcripts; the oldest are removed first. */
        transcriptMaxBytes: z.number().int().min(0).default(100 * 1024 * 1024),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

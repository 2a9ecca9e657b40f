/**
 * Logging: structured JSON lines (pino) to <dataDir>/log/msgstore.log, and short readable lines
 * on a terminal. Nothing secret is ever passed to a logger: callers log user names, IPs and
 * outcomes, never passwords, AUTH payloads or message bodies; the redact list is a second guard.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

const REDACT = ['password', 'pass', 'secret', '*.password', '*.pass', 'authorization', 'payload'];

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Directory for msgstore.log; no file when absent. */
  dir?: string;
  /** Also write readable lines to stderr (default: when stderr is a terminal). */
  console?: boolean;
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Turns pino's JSON lines into `HH:MM:SS LEVEL message key=value ...` for people. */
export function readableLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { time, level, msg, pid: _pid, hostname: _host, ...rest } = record;
  const when = typeof time === 'number' ? new Date(time).toISOString().slice(11, 19) : '';
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? oneLine(v) : JSON.stringify(v)}`)
    .join(' ');
  return `${when} ${LEVEL_NAMES[level as number] ?? String(level)} ${oneLine(String(msg ?? ''))}${fields ? ' ' + fields : ''}`;
}

/** Control characters from outside (a user name with a newline) must not fake a log line. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x1f\x7f]/.test(text) ? JSON.stringify(text) : text;
}

function consoleStream(): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line) process.stderr.write(readableLine(line) + '\n');
      }
      done();
    },
  });
}

export function createLogger(options: LoggerOptions): Logger {
  const streams: pino.StreamEntry[] = [];
  if (options.dir) {
    mkdirSync(options.dir, { recursive: true });
    streams.push({ level: 'trace', stream: pino.destination({ dest: join(options.dir, 'msgstore.log'), mkdir: true, sync: false, mode: 0o600 }) });
  }
  if (options.console ?? process.stderr.isTTY) streams.push({ level: 'trace', stream: consoleStream() });
  if (streams.length === 0) return silentLogger();
  return pino({ level: options.level, redact: { paths: REDACT, censor: '***' }, base: { pid: process.pid } }, pino.multistream(streams));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

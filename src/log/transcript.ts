/**
 * Per-session protocol transcripts, as the guide describes them: each IMAP session may write
 * log/I<n>.log and each POP3 session log/P<n>.log in the data directory. The first line is the
 * login name, then the client's lines as sent and the server's lines with a leading "*".
 * Passwords and SASL payloads are masked; long literals are cut with a note.
 *
 * Mode "on-error" (the default) keeps a file only for a session that hit an error: lines are
 * held in a bounded memory buffer and the file is written only when the first error shows, so
 * a clean session costs no file at all. "always" writes every session's file; "never" none.
 * The total size of kept transcripts is capped; the oldest files go first.
 */
import { createWriteStream, mkdirSync, readdirSync, statSync, unlinkSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export type TranscriptMode = 'never' | 'on-error' | 'always';
export type TranscriptProtocol = 'imap' | 'pop3';

const PREFIX: Record<TranscriptProtocol, string> = { imap: 'I', pop3: 'P' };
const FILE_PATTERN = /^([IP])(\d+)\.log$/;
/** Bytes held in memory before the session has an error (the last ones are kept). */
const BUFFER_LIMIT = 64 * 1024;
/** Longest line (or literal) written as it is. */
const LINE_LIMIT = 512;

/** Masks secrets in a client line; `state` lets a protocol remember that a SASL exchange is running. */
export interface TranscriptMasker {
  client(line: string): string;
  server(line: string): void;
  /** Does this server line report an error (IMAP NO/BAD/BYE, POP3 -ERR)? */
  isError(line: string): boolean;
}

export function imapMasker(): TranscriptMasker {
  let saslTag: string | null = null;
  let loggingOut = false;
  return {
    client(line) {
      if (saslTag !== null) return '*** (SASL response)';
      if (/^\S+\s+LOGOUT\s*$/i.test(line)) loggingOut = true;
      const login = /^(\S+\s+LOGIN\s+)(.*)$/i.exec(line);
      if (login) return `${login[1]}${maskLoginArgs(login[2] ?? '')}`;
      const auth = /^(\S+)\s+(AUTHENTICATE\s+\S+)(\s+\S+)?/i.exec(line);
      if (auth) {
        saslTag = auth[1] ?? '';
        return `${auth[1]} ${auth[2]}${auth[3] ? ' ***' : ''}`;
      }
      return line;
    },
    server(line) {
      if (saslTag !== null && line.startsWith(`${saslTag} `)) saslTag = null;
    },
    isError(line) {
      // The BYE that answers LOGOUT is the normal end; any other BYE (auto-logout, limits) is not.
      return /^\S+ (NO|BAD)\b/i.test(line) || (/^\* BYE\b/i.test(line) && !loggingOut);
    },
  };
}

/** LOGIN user password: keep the user (atom, quoted or literal marker), mask the rest. */
function maskLoginArgs(args: string): string {
  const user = /^("(?:[^"\\]|\\.)*"|\{\d+\+?\}|\S+)/.exec(args)?.[1] ?? '';
  return `${user} ***`;
}

export function pop3Masker(): TranscriptMasker {
  let sasl = false;
  return {
    client(line) {
      if (sasl) return '*** (SASL response)';
      if (/^PASS\b/i.test(line)) return 'PASS ***';
      const apop = /^(APOP\s+\S+)/i.exec(line);
      if (apop) return `${apop[1]} ***`;
      const auth = /^(AUTH\s+\S+)(\s+\S+)?$/i.exec(line);
      if (auth) {
        sasl = !auth[2];
        return `${auth[1]}${auth[2] ? ' ***' : ''}`;
      }
      return line;
    },
    server(line) {
      if (sasl && !line.startsWith('+ ')) sasl = false;
    },
    isError(line) {
      return line.startsWith('-ERR');
    },
  };
}

function cut(line: string): string {
  return line.length <= LINE_LIMIT ? line : `${line.slice(0, LINE_LIMIT)} ... (${line.length - LINE_LIMIT} more bytes not logged)`;
}

/** Hands out file numbers and enforces the size cap for one data directory. */
export class TranscriptDirectory {
  private next = new Map<string, number>();
  private readonly dir: string;

  constructor(
    logDir: string,
    readonly mode: TranscriptMode,
    private readonly maxTotalBytes: number,
  ) {
    this.dir = logDir;
    if (mode === 'never') return;
    mkdirSync(logDir, { recursive: true });
    for (const name of readdirSync(logDir)) {
      const m = FILE_PATTERN.exec(name);
      if (m) this.next.set(m[1]!, Math.max(this.next.get(m[1]!) ?? 1, Number(m[2]) + 1));
    }
  }

  session(protocol: TranscriptProtocol): SessionTranscript | null {
    if (this.mode === 'never') return null;
    return new SessionTranscript(this, protocol, protocol === 'imap' ? imapMasker() : pop3Masker());
  }

  /** @internal */
  allocate(protocol: TranscriptProtocol): string {
    const prefix = PREFIX[protocol];
    const n = this.next.get(prefix) ?? 1;
    this.next.set(prefix, n + 1);
    return join(this.dir, `${prefix}${n}.log`);
  }

  /** Removes the oldest transcripts until the kept ones fit the cap. */
  enforceCap(): void {
    let files: { path: string; size: number; mtime: number }[] = [];
    try {
      files = readdirSync(this.dir)
        .filter((name) => FILE_PATTERN.test(name))
        .map((name) => {
          const stat = statSync(join(this.dir, name));
          return { path: join(this.dir, name), size: stat.size, mtime: stat.mtimeMs };
        })
        .sort((a, b) => a.mtime - b.mtime);
    } catch {
      return;
    }
    let total = files.reduce((sum, f) => sum + f.size, 0);
    for (const file of files) {
      if (total <= this.maxTotalBytes) break;
      try {
        unlinkSync(file.path);
        total -= file.size;
      } catch {
        // Already gone: nothing to free.
      }
    }
  }

  get keepAll(): boolean {
    return this.mode === 'always';
  }
}

export class SessionTranscript {
  private user: string | null = null;
  private buffered: string[] = [];
  private bufferedBytes = 0;
  private dropped = false;
  private stream: WriteStream | null = null;
  private path: string | null = null;
  private hadError = false;
  private closed = false;

  constructor(
    private readonly directory: TranscriptDirectory,
    private readonly protocol: TranscriptProtocol,
    private readonly masker: TranscriptMasker,
  ) {}

  /** The login name: becomes the first line of the file. */
  loggedIn(user: string): void {
    this.user = user;
    if (this.directory.keepAll || this.hadError) this.open();
  }

  client(line: string | Buffer): void {
    this.add(cut(this.masker.client(text(line))));
  }

  server(line: string | Buffer): void {
    const value = text(line);
    this.masker.server(value);
    this.add(`*${cut(value)}`);
    if (this.masker.isError(value)) this.error();
  }

  /** A literal's bytes: only its size and start are logged when it is long. */
  literal(bytes: Buffer): void {
    const shown = bytes.subarray(0, LINE_LIMIT).toString('latin1');
    this.add(bytes.length <= LINE_LIMIT ? shown : `${shown} ... (literal of ${bytes.length} bytes cut)`);
  }

  /** Something went wrong in this session: its transcript is kept. */
  error(): void {
    if (this.hadError) return;
    this.hadError = true;
    if (this.user !== null) this.open();
  }

  /**
   * Session over: a clean session's file goes (on-error mode), a kept one counts toward the cap.
   * Resolves once the file is written out.
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.buffered = [];
    const stream = this.stream;
    if (!stream) return Promise.resolve();
    return new Promise((resolve) =>
      stream.end(() => {
        this.directory.enforceCap();
        resolve();
      }),
    );
  }

  private open(): void {
    if (this.stream || this.closed) return;
    this.path = this.directory.allocate(this.protocol);
    this.stream = createWriteStream(this.path, { flags: 'w', mode: 0o600 });
    this.stream.on('error', () => {
      this.stream = null;
    });
    this.stream.write(`${this.user ?? '(not logged in)'}\n`);
    if (this.dropped) this.stream.write('(earlier lines not kept)\n');
    for (const line of this.buffered) this.stream.write(line + '\n');
    this.buffered = [];
    this.bufferedBytes = 0;
  }

  private add(line: string): void {
    if (this.closed) return;
    if (this.stream) {
      this.stream.write(line + '\n');
      return;
    }
    this.buffered.push(line);
    this.bufferedBytes += line.length + 1;
    while (this.bufferedBytes > BUFFER_LIMIT && this.buffered.length > 1) {
      this.bufferedBytes -= (this.buffered.shift() ?? '').length + 1;
      this.dropped = true;
    }
  }
}

function text(line: string | Buffer): string {
  const value = typeof line === 'string' ? line : line.toString('latin1');
  return value.replace(/\r?\n$/, '');
}

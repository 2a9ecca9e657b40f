/**
 * Change notices. In-process: listeners per mailbox id, called after each commit.
 * Across processes: the server listens on a unix socket (<dataDir>/run/notify.sock); every
 * other store instance on the same data directory sends its notices there as JSON lines
 * (best-effort: a missing or dead socket only means nobody is listening), and the listening
 * store re-emits them to its own listeners.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  asMailboxId,
  asModSeq,
  asUid,
  type ChangeListener,
  type FlagChange,
  type MailboxChange,
  type MailboxId,
  type Notifier,
} from '../types.js';

type Logger = { warn(obj: object, msg?: string): void };

/** Listeners per mailbox; emit() never lets one listener's exception reach the others. */
export class LocalNotifier implements Notifier {
  private readonly listeners = new Map<MailboxId, Set<ChangeListener>>();

  constructor(private readonly logger: Logger) {}

  subscribe(mailboxId: MailboxId, listener: ChangeListener): () => void {
    let set = this.listeners.get(mailboxId);
    if (!set) {
      set = new Set();
      this.listeners.set(mailboxId, set);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(mailboxId);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.listeners.delete(mailboxId);
    };
  }

  emit(change: MailboxChange): void {
    const set = this.listeners.get(change.mailboxId);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(change);
      } catch (err) {
        this.logger.warn({ err, mailboxId: change.mailboxId }, 'change listener failed');
      }
    }
  }

  listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
}

/** One line on the socket. */
interface WireNotice {
  change: MailboxChange;
}

/** Sends notices to the listening process's socket, keeping one connection open while it works. */
export class NotifySender {
  private socket: net.Socket | null = null;
  private connecting = false;
  private backlog: string[] = [];
  /** Set while this very process listens on the socket: its notices are already local. */
  listening = false;

  constructor(readonly socketPath: string) {}

  send(changes: readonly MailboxChange[]): void {
    if (this.listening || changes.length === 0) return;
    if (!this.socket && !fs.existsSync(this.socketPath)) return;
    let text = '';
    for (const change of changes) text += JSON.stringify({ change } satisfies WireNotice) + '\n';
    if (this.socket && !this.connecting) {
      this.socket.write(text);
      return;
    }
    this.backlog.push(text);
    if (!this.socket) this.connect();
  }

  private connect(): void {
    const socket = net.createConnection(this.socketPath);
    this.socket = socket;
    this.connecting = true;
    socket.unref();
    socket.on('connect', () => {
      this.connecting = false;
      const pending = this.backlog.join('');
      this.backlog = [];
      if (pending) socket.write(pending);
    });
    // Nobody listening (stale socket file) or the listener went away: drop and retry next time.
    const drop = (): void => {
      if (this.socket === socket) {
        this.socket = null;
        this.connecting = false;
        this.backlog = [];
      }
      socket.destroy();
    };
    socket.on('error', drop);
    socket.on('close', drop);
  }

  /** Lets queued notices leave (bounded wait), then closes the connection. */
  async close(timeoutMs = 500): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    // Keep the process alive until the queued notices have left (or the bound runs out).
    socket.ref();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy();
        resolve();
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        resolve();
      };
      socket.once('close', finish);
      if (this.connecting) {
        socket.once('connect', () => socket.end());
      } else {
        socket.end();
      }
    });
  }
}

/** What startNotifyListener needs from a store. */
export interface NotifyTarget {
  readonly notifySocketPath: string;
  /** Emits a change to this process's listeners only (never forwards it again). */
  emitLocal(change: MailboxChange): void;
  setNotifyListening(listening: boolean): void;
}

export interface NotifyListener {
  readonly path: string;
  close(): Promise<void>;
}

const MAX_LINE_BYTES = 4 * 1024 * 1024;

/**
 * Listens on the notice socket (default: the store's <dataDir>/run/notify.sock) and re-emits
 * what other processes send. A stale socket file from a dead server is replaced; a live one
 * (another server on the same data directory) is an error.
 */
export async function startNotifyListener(target: NotifyTarget, socketPath?: string): Promise<NotifyListener> {
  const file = socketPath ?? target.notifySocketPath;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (fs.existsSync(file)) {
    if (await socketIsLive(file)) throw new Error(`another process is already listening on ${file}`);
    fs.rmSync(file, { force: true });
  }
  const connections = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections.add(socket);
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        const change = parseNotice(line);
        if (change) target.emitLocal(change);
        newline = buffered.indexOf('\n');
      }
      if (buffered.length > MAX_LINE_BYTES) socket.destroy();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => connections.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  target.setNotifyListening(true);
  return {
    path: file,
    async close() {
      target.setNotifyListening(false);
      for (const socket of connections) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(file, { force: true });
    },
  };
}

function socketIsLive(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createConnection(file);
    const timer = setTimeout(() => {
      probe.destroy();
      resolve(false);
    }, 500);
    probe.once('connect', () => {
      clearTimeout(timer);
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isCountArray = (v: unknown): v is number[] => Array.isArray(v) && v.every(isCount);

/** Checks one JSON line from the socket; anything malformed is ignored. */
export function parseNotice(line: string): MailboxChange | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const change = (value as { change?: unknown }).change;
  if (typeof change !== 'object' || change === null) return null;
  const c = change as Record<string, unknown>;
  if (!isCount(c.mailboxId)) return null;
  const mailboxId = asMailboxId(c.mailboxId);
  switch (c.kind) {
    case 'append':
    case 'expunge':
      if (!isCountArray(c.uids) || !isCount(c.modseq)) return null;
      return { kind: c.kind, mailboxId, uids: c.uids.map(asUid), modseq: asModSeq(c.modseq) };
    case 'flags': {
      if (!Array.isArray(c.changes)) return null;
      const changes: FlagChange[] = [];
      for (const item of c.changes as unknown[]) {
        if (typeof item !== 'object' || item === null) return null;
        const f = item as Record<string, unknown>;
        if (!isCount(f.uid) || !isCount(f.modseq) || !Array.isArray(f.flags)) return null;
        if (!f.flags.every((x): x is string => typeof x === 'string')) return null;
        changes.push({ uid: asUid(f.uid), modseq: asModSeq(f.modseq), flags: f.flags });
      }
      return { kind: 'flags', mailboxId, changes };
    }
    case 'deleted':
      return { kind: 'deleted', mailboxId };
    case 'renamed':
      return typeof c.name === 'string' ? { kind: 'renamed', mailboxId, name: c.name } : null;
    default:
      return null;
  }
}

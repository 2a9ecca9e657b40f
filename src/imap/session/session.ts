/**
 * One IMAP connection: feeds bytes to the command parser, runs commands one at a time through
 * the command table, writes replies with backpressure, and reports other sessions' changes to
 * the selected mailbox at the moments RFC 3501 allows (immediately while IDLE). The session
 * speaks to the network only through an ImapTransport and to the mailboxes only through the
 * Store.
 */
import type { Logger } from 'pino';
import type { ServerContext } from '../../server/context.js';
import type { Store, UserRecord } from '../../store/types.js';
import { plaintextAuthAllowed } from '../../net/address.js';
import { isSharedMember } from '../../mailboxes/access.js';
import { CommandParser, type ParseResult } from '../protocol/command-parser.js';
import { continuation, statusLine, untagged, type ResponseValue } from '../protocol/encoder.js';
import type { ImapCommand } from '../protocol/types.js';
import { COMMANDS } from '../commands/registry.js';
import { completionFor, no, type Completion } from './errors.js';
import type { ImapTransport, SessionState, StateKind, TranscriptHook } from './state.js';
import type { SelectedView } from './view.js';

export interface SessionOptions {
  ctx: ServerContext;
  transport: ImapTransport;
  /** STARTTLS may be offered (TLS material is available and the connection is not TLS yet). */
  startTlsAvailable: boolean;
  transcript?: TranscriptHook;
  /** Called once when the session has ended and released everything. */
  onEnd?: () => void;
  id?: string;
}

/** Input buffered while a command runs before the socket is paused. */
const PAUSE_AT_BYTES = 256 * 1024;
/** Longest line accepted as an AUTHENTICATE answer or IDLE's DONE. */
const MAX_CLIENT_LINE = 16 * 1024;

export class ImapSession {
  state: SessionState = { kind: 'not-authenticated' };
  readonly ctx: ServerContext;
  readonly log: Logger;
  private readonly transport: ImapTransport;
  private readonly parser: CommandParser;
  private readonly transcript: TranscriptHook | undefined;
  private readonly onEnd: (() => void) | undefined;
  private running = false;
  private paused = false;
  private closed = false;
  private tlsStarted = false;
  private startTlsAvailable: boolean;
  private badCommands = 0;
  private lineWaiter: ((line: Buffer | null) => void) | null = null;
  private releaseUser: (() => void) | null = null;
  private stopListening: (() => void) | null = null;
  private flushChain: Promise<void> = Promise.resolve();
  private idleFlushQueued = false;
  /** IDLE is in effect: changes are reported as they happen. */
  idling = false;
  /** A command (other than a waiting IDLE) is executing. */
  private busy = false;

  constructor(options: SessionOptions) {
    this.ctx = options.ctx;
    this.transport = options.transport;
    this.transcript = options.transcript;
    this.onEnd = options.onEnd;
    this.startTlsAvailable = options.startTlsAvailable;
    this.log = options.ctx.logger.child({ protocol: 'imap', session: options.id, ip: options.transport.remoteAddress });
    this.parser = new CommandParser({ maxLineBytes: this.ctx.config.limits.maxPreauthBytes });
  }

  get store(): Store {
    return this.ctx.store;
  }

  get secure(): boolean {
    return this.transport.secure;
  }

  get remoteAddress(): string {
    return this.transport.remoteAddress;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends the greeting. */
  start(): void {
    this.write(statusLine('*', 'OK', `${this.ctx.hostname} IMAP4rev1 server ready`, `CAPABILITY ${this.capabilities().join(' ')}`));
  }

  capabilities(): string[] {
    const caps = ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UIDPLUS', 'MOVE', 'UNSELECT', 'CHILDREN', 'SPECIAL-USE'];
    caps.push(`APPENDLIMIT=${this.ctx.config.limits.maxMessageBytes}`);
    if (this.state.kind === 'not-authenticated') {
      if (this.startTlsAvailable && !this.tlsStarted && !this.secure) caps.push('STARTTLS');
      if (this.plaintextAllowed()) caps.push('AUTH=PLAIN');
      else caps.push('LOGINDISABLED');
    }
    return caps;
  }

  plaintextAllowed(): boolean {
    return plaintextAuthAllowed(this.ctx.config.tls, this.remoteAddress, this.secure);
  }

  /** The authenticated user (commands valid only after login call this). */
  user(): UserRecord {
    if (this.state.kind === 'authenticated' || this.state.kind === 'selected') return this.state.user;
    throw no('Not authenticated');
  }

  view(): SelectedView {
    if (this.state.kind === 'selected') return this.state.view;
    throw no('No mailbox selected');
  }

  // ---- input ----

  onData(chunk: Buffer): void {
    if (this.closed) return;
    this.transcript?.onLine('in', chunk);
    this.parser.push(chunk);
    if (this.lineWaiter) this.serveLine();
    if (this.running && this.parser.buffered > PAUSE_AT_BYTES && !this.paused) {
      this.paused = true;
      this.transport.pause();
    }
    void this.pump();
  }

  /** The next raw line from the client (AUTHENTICATE answers, IDLE's DONE); null when the connection ends. */
  readLine(): Promise<Buffer | null> {
    return new Promise((resolve) => {
      this.lineWaiter = resolve;
      this.serveLine();
    });
  }

  private serveLine(): void {
    const waiter = this.lineWaiter;
    if (!waiter) return;
    if (this.closed) {
      this.lineWaiter = null;
      waiter(null);
      return;
    }
    const r = this.parser.takeLine(MAX_CLIENT_LINE);
    if (r.kind === 'need-more') return;
    this.lineWaiter = null;
    waiter(r.kind === 'line' ? r.line : null);
  }

  private async pump(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    try {
      while (!this.closed) {
        const r = this.parser.next();
        if (r.kind === 'need-more') break;
        await this.handleParse(r);
      }
    } catch (err) {
      this.log.error({ err }, 'imap session failed');
      this.end('Internal server error');
    } finally {
      this.running = false;
      if (this.paused && !this.closed) {
        this.paused = false;
        this.transport.resume();
      }
    }
  }

  private async handleParse(r: Exclude<ParseResult, { kind: 'need-more' }>): Promise<void> {
    switch (r.kind) {
      case 'command':
        await this.execute(r.command);
        return;
      case 'need-literal': {
        const authenticated = this.state.kind === 'authenticated' || this.state.kind === 'selected';
        const limits = this.ctx.config.limits;
        const isAppend = r.name === 'APPEND';
        const limit = !authenticated ? limits.maxPreauthBytes : isAppend ? limits.maxMessageBytes : limits.maxLineBytes;
        if (r.size + (isAppend ? 0 : r.literalBytesSoFar) > limit) {
          this.parser.rejectLiteral();
          const tag = r.tag ?? '*';
          if (isAppend && authenticated) {
            this.write(statusLine(tag, 'NO', 'Message is too large', 'TOOBIG'));
          } else {
            this.write(statusLine(tag, 'BAD', 'Literal is too large'));
            this.countBad();
          }
          return;
        }
        this.parser.acceptLiteral();
        if (!r.nonSync) this.write(continuation('Ready for literal data'));
        return;
      }
      case 'error': {
        this.write(statusLine(r.tag ?? '*', 'BAD', r.message));
        if (r.fatal) {
          this.end('Protocol error');
          return;
        }
        this.countBad();
        return;
      }
    }
  }

  private countBad(): void {
    this.badCommands += 1;
    if (this.badCommands >= this.ctx.config.limits.maxBadCommands) this.end('Too many invalid commands');
  }

  // ---- commands ----

  private async execute(command: ImapCommand): Promise<void> {
    const descriptor = COMMANDS.get(command.name);
    let completion: Completion;
    let after: (() => Promise<void>) | undefined;
    let allowsExpunge = true;
    const started = performance.now();
    this.busy = true;
    try {
      if (await this.sharedAccessWithdrawn()) {
        this.end('Access to this shared mailbox has been withdrawn');
        return;
      }
      if (!descriptor || (command.uid && !descriptor.uid)) {
        completion = { status: 'BAD', text: `Unknown command ${command.uid ? 'UID ' : ''}${command.name}` };
      } else if (!descriptor.states.includes(this.state.kind)) {
        completion = { status: 'BAD', text: wrongStateText(descriptor.states) };
      } else {
        allowsExpunge = descriptor.allowsExpunge(command.uid);
        try {
          const result = await descriptor.run(this, command);
          completion = result ?? { status: 'OK', text: `${command.uid ? 'UID ' : ''}${command.name} completed` };
          after = result && 'after' in result ? (result as CompletionWithAfter).after : undefined;
        } catch (err) {
          const mapped = completionFor(err);
          if (mapped.internal) this.log.error({ err, command: command.name }, 'imap command failed');
          completion = mapped;
        }
      }
      if (this.closed) return;
      if (this.state.kind === 'selected') await this.flushUpdates(allowsExpunge);
      if (this.closed) return;
      this.write(statusLine(command.tag, completion.status, completion.text, completion.code));
      if (completion.status === 'BAD') this.countBad();
      else this.badCommands = 0;
      if (after) await after();
      if (this.state.kind === 'selected' && this.state.view.deleted) this.end('Mailbox has been deleted by another session');
    } finally {
      this.busy = false;
      // Known commands only (labels stay few); IDLE lasts as long as the client waits, not a latency.
      if (descriptor && command.name !== 'IDLE') this.ctx.metrics.commands.observe({ protocol: 'imap', command: `${command.uid ? 'UID ' : ''}${command.name}` }, (performance.now() - started) / 1000);
    }
  }

  // ---- output ----

  write(bytes: Buffer): boolean {
    if (this.closed) return false;
    this.transcript?.onLine('out', bytes);
    return this.transport.write(bytes);
  }

  /** Writes and waits while the transport's buffer is full (large FETCH responses). */
  async send(bytes: Buffer | readonly Buffer[]): Promise<void> {
    const list = Buffer.isBuffer(bytes) ? [bytes] : bytes;
    for (const b of list) {
      if (!this.write(b) && !this.closed) await this.transport.drain();
    }
  }

  async sendUntagged(values: ResponseValue[]): Promise<void> {
    await this.send(untagged(values));
  }

  // ---- state changes used by commands ----

  /** Logs the user in: takes a per-user connection slot, or ends the session with BYE. */
  authenticated(user: UserRecord): boolean {
    const slot = this.ctx.limits.bindUser('imap', user.address);
    if (!slot.ok) {
      this.end(slot.reason);
      return false;
    }
    this.releaseUser = slot.release;
    this.state = { kind: 'authenticated', user };
    this.transcript?.onLogin?.(user.address);
    this.parser.setLimits({ maxLineBytes: this.ctx.config.limits.maxLineBytes });
    return true;
  }

  /** Makes `view` the selected mailbox, listening to its changes. */
  select(view: SelectedView, user: UserRecord): void {
    this.deselect();
    const stopNotices = this.store.notifier.subscribe(view.mailboxId, (change) => {
      view.onChange(change);
      if (view.deleted && (this.idling || !this.busy)) this.end('Mailbox has been deleted by another session');
      else if (this.idling) this.scheduleIdleFlush();
    });
    // POP3's strict mode (pop3.exclusiveInbox) refuses a login while an IMAP session has the INBOX open.
    const releaseMaildrop = this.ctx.maildropLocks.imapSelected(user.address, view.mailboxId);
    this.stopListening = () => {
      stopNotices();
      releaseMaildrop();
    };
    this.state = { kind: 'selected', user, view };
  }

  deselect(): void {
    this.stopListening?.();
    this.stopListening = null;
    if (this.state.kind === 'selected') this.state = { kind: 'authenticated', user: this.state.user };
  }

  /**
   * True when the selected mailbox is a shared one the user is no longer a member of: an open
   * SELECT must not keep reading (or expunging) a mailbox its user was removed from.
   */
  private async sharedAccessWithdrawn(): Promise<boolean> {
    if (this.state.kind !== 'selected' || this.state.view.owner.kind !== 'shared') return false;
    return !(await isSharedMember(this.store, this.state.user.address, this.state.view.owner.address));
  }

  /** Sends pending mailbox changes (serialised: flushes never interleave). */
  flushUpdates(allowExpunge: boolean): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.state.kind !== 'selected' || this.closed) return;
      const view = this.state.view;
      if (!view.hasPending(allowExpunge)) {
        view.forgetReported();
        return;
      }
      await this.send(await view.flush(this.store, allowExpunge));
    };
    this.flushChain = this.flushChain.then(run, run);
    return this.flushChain;
  }

  private scheduleIdleFlush(): void {
    if (this.idleFlushQueued) return;
    this.idleFlushQueued = true;
    setImmediate(() => {
      this.idleFlushQueued = false;
      if (!this.idling) return;
      // An idling former member of a shared mailbox gets no more news of it.
      this.sharedAccessWithdrawn()
        .then((withdrawn) => (withdrawn ? this.end('Access to this shared mailbox has been withdrawn') : this.flushUpdates(true)))
        .catch((err: unknown) => this.log.error({ err }, 'idle update failed'));
    });
  }

  /** STARTTLS: drops every byte received so far and upgrades the transport. */
  async startTls(): Promise<void> {
    this.tlsStarted = true;
    this.startTlsAvailable = false;
    this.parser.reset();
    await this.transport.startTls();
    this.parser.reset();
  }

  /** True when STARTTLS may still be used on this connection. */
  canStartTls(): boolean {
    return this.startTlsAvailable && !this.tlsStarted && !this.secure;
  }

  /** Sends `* BYE text` (unless already said, as LOGOUT does) and closes. */
  end(text: string | null, code?: string): void {
    if (this.closed) return;
    if (text !== null) this.write(statusLine('*', 'BYE', text, code));
    this.closed = true;
    this.transport.close();
    this.cleanup();
  }

  /**
   * Inactivity auto-logout; false (and nothing happens) while a command is still running, since
   * a long command is not client inactivity.
   */
  autoLogout(): boolean {
    if (this.busy && !this.idling) return false;
    this.end('Autologout; idle for too long');
    return true;
  }

  /** The connection is gone (client closed, network error). */
  onClose(): void {
    if (!this.closed) {
      this.closed = true;
      this.cleanup();
    }
  }

  private cleanup(): void {
    this.state = { kind: 'logout' };
    this.stopListening?.();
    this.stopListening = null;
    this.releaseUser?.();
    this.releaseUser = null;
    this.serveLine();
    this.transcript?.onClose?.();
    this.onEnd?.();
  }
}

/** A completion with work to do after the tagged reply is written (STARTTLS, LOGOUT). */
export interface CompletionWithAfter extends Completion {
  after: () => Promise<void>;
}

function wrongStateText(states: readonly StateKind[]): string {
  if (!states.includes('authenticated') && !states.includes('selected')) return 'Already authenticated';
  if (!states.includes('not-authenticated') && !states.includes('authenticated')) return 'No mailbox selected';
  return 'Not authenticated';
}

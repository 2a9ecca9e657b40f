/**
 * One POP3 session: a state machine over the Store (RFC 1939). Reads command lines from its
 * connection in order (pipelined commands are answered in order, RFC 2449 section 6.6), looks
 * each up in the command table, checks the state, and runs it.
 */
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { plaintextAuthAllowed } from '../net/address.js';
import type { ServerContext } from '../server/context.js';
import type { MailboxId, UserRecord } from '../store/types.js';
import { POP3_COMMANDS } from './commands/table.js';
import type { Pop3SessionApi } from './commands/types.js';
import { ConnectionClosedError, type Pop3Connection } from './connection.js';
import { pop3ErrorFor } from './errors.js';
import type { MaildropLocks } from './locks.js';
import { Maildrop, type MaildropMessage } from './maildrop.js';
import { SeenMarker } from './seen-marker.js';
import { parseCommandLine } from './protocol/command-line.js';
import { DotStuffTransform, dotStuff } from './protocol/dot-stuff.js';
import { continuationLine, errLine, multiLine, okLine, TERMINATOR, type ResponseCode } from './protocol/responses.js';
import { TopLinesCutter, topLines } from './protocol/top-lines.js';
import { ReadAhead } from './read-ahead.js';
import { STATE_NAMES, type SessionState, type TransactionState } from './session-state.js';

/** Messages up to this size are read whole; larger ones stream (memory stays bounded). */
const WHOLE_READ_LIMIT = 256 * 1024;

export interface Pop3SessionOptions {
  locks: MaildropLocks;
  logger: Logger;
  /** Whether this listener can offer STLS (a plain listener with TLS material). */
  tlsAvailable: boolean;
}

export class Pop3Session implements Pop3SessionApi {
  private current: SessionState = { kind: 'authorization', pendingUser: null };
  readonly apopBanner: string;
  private badCommands = 0;
  /** True between a multi-line +OK and its terminator: an error then can only drop the connection. */
  private midResponse = false;
  private readonly logger: Logger;

  constructor(
    readonly ctx: ServerContext,
    private readonly connection: Pop3Connection,
    private readonly options: Pop3SessionOptions,
  ) {
    this.apopBanner = `<${process.pid}.${Date.now()}.${randomBytes(6).toString('hex')}@${ctx.hostname}>`;
    this.logger = options.logger;
  }

  get state(): SessionState {
    return this.current;
  }

  get secure(): boolean {
    return this.connection.secure;
  }

  get remoteAddress(): string {
    return this.connection.remoteAddress;
  }

  /** Greets, serves commands until QUIT or disconnect, and releases everything it held. */
  async run(): Promise<void> {
    try {
      await this.ok(`${this.ctx.hostname} msgstore POP3 server ready ${this.apopBanner}`);
      await this.serve();
    } catch (err) {
      if (!(err instanceof ConnectionClosedError)) this.logger.error({ err }, 'pop3 session failed');
    } finally {
      this.connection.destroy();
      await this.end('disconnected');
      this.connection.transcriptClose();
    }
  }

  /** Ends the session at server shutdown: no UPDATE, a short notice, then close. */
  async shutdown(): Promise<void> {
    if (this.current.kind === 'ended' || this.connection.closed) return;
    const ending = this.end('shutdown');
    if (this.midResponse) {
      this.connection.destroy();
      await ending;
      return;
    }
    await this.connection.writeResponse(errLine('Server shutting down', 'SYS/TEMP')).catch(() => undefined);
    await this.connection.end();
    await ending;
  }

  private async serve(): Promise<void> {
    const maxBad = this.ctx.config.limits.maxBadCommands;
    while (this.current.kind !== 'ended') {
      const event = await this.connection.nextLine();
      if (event === null) {
        if (this.connection.idleTimedOut) this.logger.info({ user: this.userAddress() }, 'pop3 auto-logout after inactivity');
        return;
      }
      this.connection.setBusy(true);
      const accepted = event.kind === 'line' ? await this.dispatch(event.line) : await this.reject('Line too long');
      this.connection.setBusy(false);
      this.badCommands = accepted ? 0 : this.badCommands + 1;
      if (this.badCommands >= maxBad) {
        await this.err('Too many bad commands; closing the connection');
        await this.end('too many bad commands');
        await this.connection.end();
        return;
      }
    }
  }

  /** Runs one command line; false when it was not a valid command in this state. */
  private async dispatch(line: Buffer): Promise<boolean> {
    const parsed = parseCommandLine(line);
    if (!parsed.ok) {
      // Not echoed: an unparsable line might still carry a password.
      this.connection.transcript('in', Buffer.from(`[unparsable line of ${line.length} bytes]`));
      return this.reject(parsed.error);
    }
    const { command } = parsed;
    const descriptor = POP3_COMMANDS.get(command.keyword);
    const masked = descriptor?.redacted(command) ?? null;
    this.connection.transcript('in', masked === null ? line : Buffer.from(masked));
    if (descriptor === undefined) return this.reject(`Unknown command: ${command.keyword}`);
    const state = this.current;
    if (state.kind === 'ended') return false;
    if (!descriptor.states.includes(state.kind)) {
      return this.reject(`${command.keyword} is not valid in the ${STATE_NAMES[state.kind]} state`);
    }
    const started = process.hrtime.bigint();
    try {
      await descriptor.run(this, state, command);
      this.ctx.metrics.commands.observe({ protocol: 'pop3', command: descriptor.name }, Number(process.hrtime.bigint() - started) / 1e9);
    } catch (err) {
      if (err instanceof ConnectionClosedError || this.midResponse) throw err;
      const reply = pop3ErrorFor(err);
      this.logger.warn({ err, command: command.keyword, user: this.userAddress() }, 'pop3 command failed');
      await this.err(reply.text, reply.code);
    }
    return true;
  }

  private async reject(text: string): Promise<false> {
    await this.err(text);
    return false;
  }

  // ---- Pop3SessionApi ----

  async ok(text?: string): Promise<void> {
    await this.connection.writeResponse(okLine(text));
  }

  async err(text: string, code?: ResponseCode): Promise<void> {
    await this.connection.writeResponse(errLine(text, code));
  }

  async multiLine(first: string, lines: readonly string[]): Promise<void> {
    await this.connection.writeResponse(multiLine(first, lines));
  }

  async challenge(base64: string): Promise<void> {
    await this.connection.writeResponse(continuationLine(base64));
  }

  async readResponseLine(): Promise<string | null> {
    const event = await this.connection.nextLine();
    if (event === null) return null;
    this.connection.transcript('in', Buffer.from('***'));
    // An oversized response cannot be valid base64 of credentials; it fails as malformed.
    return event.kind === 'line' ? event.line.toString('latin1') : '!';
  }

  plaintextAllowed(): boolean {
    return plaintextAuthAllowed(this.ctx.config.tls, this.connection.remoteAddress, this.connection.secure);
  }

  canStartTls(): boolean {
    return this.options.tlsAvailable && !this.connection.secure;
  }

  setPendingUser(name: string | null): void {
    if (this.current.kind === 'authorization') this.current = { kind: 'authorization', pendingUser: name };
  }

  async startTls(): Promise<void> {
    await this.connection.startTls(this.ctx.tls.secureContext(), okLine('Begin TLS negotiation now'));
  }

  async completeLogin(user: UserRecord | null, mechanism: string): Promise<void> {
    if (user === null) {
      await this.err('Authentication failed', 'AUTH');
      return;
    }
    const slot = this.ctx.limits.bindUser('pop3', user.address);
    if (!slot.ok) {
      this.logger.warn({ user: user.address, reason: slot.reason }, 'pop3 login refused');
      await this.err(slot.reason, 'SYS/TEMP');
      return;
    }
    let lockRelease: (() => void) | null = null;
    try {
      const inbox = await this.ctx.store.getMailbox({ kind: 'user', address: user.address }, 'INBOX');
      const lock = this.options.locks.lockForPop3(inbox.id, { exclusiveInbox: this.ctx.config.pop3.exclusiveInbox });
      if (!lock.ok) {
        slot.release();
        this.logger.info({ user: user.address, heldBy: lock.heldBy }, 'pop3 maildrop in use');
        await this.err(
          lock.heldBy === 'pop3' ? 'Mailbox is in use by another POP3 session' : 'Mailbox is open in an IMAP session',
          'IN-USE',
        );
        return;
      }
      lockRelease = lock.release;
      const maildrop = new Maildrop(inbox.id, inbox.uidValidity, await this.ctx.store.listMessages(inbox.id));
      const releaseLock = lock.release;
      this.current = {
        kind: 'transaction',
        user,
        maildrop,
        seen: new SeenMarker(this.ctx.store, inbox.id, this.logger),
        readAhead: new ReadAhead(this.ctx.store, inbox.id),
        release: () => {
          releaseLock();
          slot.release();
        },
      };
    } catch (err) {
      lockRelease?.();
      slot.release();
      throw err;
    }
    this.connection.setMaxLineBytes(this.ctx.config.limits.maxLineBytes);
    this.connection.transcriptLogin(user.address);
    this.logger.info({ user: user.address, mechanism, messages: this.current.maildrop.count }, 'pop3 maildrop opened');
    await this.ok(`${user.address} has ${this.current.maildrop.count} messages (${this.current.maildrop.size} octets)`);
  }

  async sendMessage(message: MaildropMessage, bodyLineLimit: number | null): Promise<void> {
    const state = this.current;
    if (state.kind !== 'transaction') return;
    const status = okLine(bodyLineLimit === null ? `${message.size} octets` : 'Top of message follows');
    const octets =
      message.size <= WHOLE_READ_LIMIT
        ? await this.sendSmallMessage(state, message, bodyLineLimit, status)
        : await this.streamMessage(state.maildrop.mailboxId, message, bodyLineLimit, status);
    this.connection.transcript('out', Buffer.from(`[${octets} octets of message ${message.number}]`));
    // RETR (not TOP) counts as reading the message: IMAP sees it \Seen.
    if (bodyLineLimit === null) state.seen.add(message.uid);
  }

  /** A small message is read in one call and goes out in one write with its status and terminator. */
  private async sendSmallMessage(state: TransactionState, message: MaildropMessage, limit: number | null, status: Buffer): Promise<number> {
    const raw = await state.readAhead.read(message.uid);
    if (limit === null) {
      // Clients RETR in order: read the next message while this one goes out.
      const next = state.maildrop.nextLive(message.number);
      if (next !== undefined && next.size <= WHOLE_READ_LIMIT) state.readAhead.start(next.uid);
    }
    const body = dotStuff(limit === null ? raw : topLines(raw, limit));
    this.connection.transcript('out', status);
    await this.connection.write(Buffer.concat([status, body, TERMINATOR]));
    return body.length;
  }

  /** A large message streams from its file through the TOP cutter and the byte-stuffer, with backpressure. */
  private async streamMessage(mailboxId: MailboxId, message: MaildropMessage, limit: number | null, status: Buffer): Promise<number> {
    // Opening the file first means a message removed meanwhile still gets a clean -ERR.
    const source = (await this.ctx.store.openMessageStream(mailboxId, message.uid)) as Readable;
    await this.connection.writeResponse(status);
    this.midResponse = true;
    let octets = 0;
    const sink = async (stuffed: AsyncIterable<Buffer>): Promise<void> => {
      for await (const chunk of stuffed) {
        octets += chunk.length;
        await this.connection.write(chunk);
      }
    };
    if (limit === null) await pipeline(source, new DotStuffTransform(), sink);
    else await pipeline(source, topOfMessage(limit), new DotStuffTransform(), sink);
    await this.connection.write(TERMINATOR);
    this.midResponse = false;
    return octets;
  }

  async quit(): Promise<void> {
    const state = this.current;
    if (state.kind !== 'transaction') {
      this.current = { kind: 'ended' };
      await this.ok('msgstore POP3 server signing off');
      await this.connection.end();
      return;
    }
    // UPDATE state (RFC 1939 section 6): remove what DELE marked, then let the maildrop go.
    this.current = { kind: 'ended' };
    await state.seen.flush();
    const uids = state.maildrop.deletedUids();
    let failed = false;
    let removed = 0;
    if (uids.length > 0) {
      try {
        removed = (await this.ctx.store.removeMessages(state.maildrop.mailboxId, uids)).length;
      } catch (err) {
        failed = true;
        this.logger.error({ err, user: state.user.address }, 'pop3 update failed');
      }
    }
    state.release();
    this.logger.info({ user: state.user.address, removed, failed }, 'pop3 session ended');
    if (failed) await this.err('Some deleted messages were not removed', 'SYS/TEMP');
    else await this.ok(`msgstore POP3 server signing off (${removed} messages deleted)`);
    await this.connection.end();
  }

  // ---- internals ----

  private userAddress(): string | undefined {
    return this.current.kind === 'transaction' ? this.current.user.address : undefined;
  }

  /** Leaves the session without UPDATE: nothing marked deleted is removed; \Seen marks are kept. */
  private async end(reason: string): Promise<void> {
    const state = this.current;
    this.current = { kind: 'ended' };
    if (state.kind === 'transaction') {
      state.release();
      this.logger.info({ user: state.user.address, reason }, 'pop3 session ended without update');
      await state.seen.flush();
    }
  }
}

/** The TOP stage: header, blank line and at most `lines` body lines; stops reading the file after. */
function topOfMessage(lines: number): (source: AsyncIterable<Buffer>) => AsyncIterable<Buffer> {
  return async function* (source) {
    const cutter = new TopLinesCutter(lines);
    for await (const chunk of source) {
      const part = cutter.push(chunk);
      if (part.data.length > 0) yield part.data;
      if (part.done) return;
    }
  };
}

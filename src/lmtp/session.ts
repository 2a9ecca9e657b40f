/**
 * One LMTP connection as a state machine over the delivery pipeline (RFC 2033, RFC 5321 with
 * PIPELINING, ENHANCEDSTATUSCODES, 8BITMIME, SIZE, SMTPUTF8). It knows nothing about sockets:
 * bytes come in through receive(), replies go out through the transport.
 */
import type { Logger } from '../log/logger.js';
import type { DeliveryPipeline } from '../delivery/pipeline.js';
import { isDeliverableAddress } from '../delivery/address.js';
import { splitCommand, parseMailFrom, parseRcptTo } from './commands.js';
import { LmtpInputParser, type LmtpInputEvent } from './input.js';
import { formatReply, type Reply } from './replies.js';

export interface LmtpTransport {
  write(data: string): void;
  /** Flush what was written, then close. */
  end(): void;
}

/** What a session needs of the delivery pipeline. */
export type SessionPipeline = Pick<DeliveryPipeline, 'checkRecipient' | 'deliver'>;

export interface LmtpSessionOptions {
  pipeline: SessionPipeline;
  transport: LmtpTransport;
  logger: Logger;
  hostname: string;
  maxMessageBytes: number;
  maxLineBytes: number;
  maxBadCommands: number;
  /** Client description for logs ("127.0.0.1:51234", "unix"). */
  remote: string;
}

interface Transaction {
  from: string;
  /** MAIL carried SMTPUTF8: addresses may be non-ASCII (RFC 6531). */
  smtputf8: boolean;
  declaredSize: number | null;
  /** Recipients whose RCPT got 250, in order (duplicates kept: each gets its own reply). */
  recipients: string[];
}

type SessionState =
  | { kind: 'greeted' }
  | { kind: 'ready'; client: string }
  | { kind: 'mail'; client: string; tx: Transaction }
  | { kind: 'data'; client: string; tx: Transaction; chunks: Buffer[]; size: number; overflow: boolean }
  | { kind: 'closed' };

type CommandHandler = (session: LmtpSession, args: string) => Promise<void> | void;

const MAX_RECIPIENTS = 1000;
const NEEDS_SMTPUTF8: Reply = { code: 553, enhanced: '5.6.7', text: 'Non-ASCII address needs the SMTPUTF8 parameter' };

function isAscii(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text);
}

export class LmtpSession {
  private state: SessionState = { kind: 'greeted' };
  private readonly parser: LmtpInputParser;
  private badCommands = 0;
  private busy = false;
  private closing = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: LmtpSessionOptions) {
    this.parser = new LmtpInputParser({ maxLineBytes: options.maxLineBytes });
  }

  get isClosed(): boolean {
    return this.state.kind === 'closed';
  }

  greet(): void {
    this.reply({ code: 220, text: `${this.options.hostname} LMTP msgstore ready` });
  }

  /** Handles every complete command (and message data) in the bytes received so far. */
  async receive(chunk: Buffer): Promise<void> {
    if (this.state.kind === 'closed') return;
    this.parser.push(chunk);
    this.busy = true;
    try {
      for (let event = this.parser.next(); event && !this.isClosed; event = this.parser.next()) {
        await this.handle(event);
      }
    } finally {
      this.busy = false;
      this.wakeIdleWaiters();
    }
  }

  /** Server shutdown: finish a delivery under way, then say goodbye. */
  async shutdown(reason = 'Service shutting down'): Promise<void> {
    this.closing = true;
    if (this.busy) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    if (this.state.kind === 'closed') return;
    this.reply({ code: 421, enhanced: '4.3.2', text: `${this.options.hostname} ${reason}` });
    this.close();
  }

  /** The connection went away or timed out; a half-received message is dropped. */
  connectionLost(): void {
    this.state = { kind: 'closed' };
  }

  /** The client was silent too long. Not while a delivery is under way: the client is waiting for us. */
  timeout(): void {
    if (this.state.kind === 'closed' || this.busy) return;
    this.reply({ code: 421, enhanced: '4.4.2', text: `${this.options.hostname} Idle timeout, closing connection` });
    this.close();
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private close(): void {
    this.state = { kind: 'closed' };
    this.options.transport.end();
  }

  reply(reply: Reply): void {
    if (this.state.kind === 'closed') return;
    this.options.transport.write(formatReply(reply));
  }

  private async handle(event: LmtpInputEvent): Promise<void> {
    switch (event.kind) {
      case 'line':
        return this.command(event.line);
      case 'line-too-long':
        return this.bad({ code: 500, enhanced: '5.5.2', text: 'Line too long' });
      case 'data':
        return this.dataBytes(event.bytes);
      case 'data-end':
        return this.dataEnd();
    }
  }

  private async command(line: Buffer): Promise<void> {
    const { verb, args } = splitCommand(line);
    const handler = COMMANDS.get(verb);
    if (!handler) {
      if (verb === 'HELO' || verb === 'EHLO') return this.bad({ code: 500, enhanced: '5.5.1', text: 'This is an LMTP server: use LHLO' });
      return this.bad({ code: 500, enhanced: '5.5.1', text: 'Command unrecognized' });
    }
    await handler(this, args);
  }

  /** A client error reply; too many in a row end the session. */
  bad(reply: Reply): void {
    this.reply(reply);
    this.badCommands++;
    if (this.badCommands >= this.options.maxBadCommands) {
      this.reply({ code: 421, enhanced: '4.7.0', text: `${this.options.hostname} Too many errors, closing connection` });
      this.close();
    }
  }

  ok(reply: Reply): void {
    this.badCommands = 0;
    this.reply(reply);
  }

  // ---- command handlers (called through COMMANDS) ----

  lhlo(args: string): void {
    const client = args.trim();
    if (!client) return this.bad({ code: 501, enhanced: '5.5.4', text: 'Syntax: LHLO hostname' });
    this.state = { kind: 'ready', client };
    this.ok({
      code: 250,
      text: [this.options.hostname, 'PIPELINING', 'ENHANCEDSTATUSCODES', '8BITMIME', 'SMTPUTF8', `SIZE ${this.options.maxMessageBytes}`],
    });
  }

  mail(args: string): void {
    const state = this.state;
    if (state.kind === 'greeted') return this.bad({ code: 503, enhanced: '5.5.1', text: 'Send LHLO first' });
    if (state.kind !== 'ready') return this.bad({ code: 503, enhanced: '5.5.1', text: 'Nested MAIL command' });
    const parsed = parseMailFrom(args);
    if (!parsed.ok) return this.bad(parsed);
    if (parsed.value.size !== null && parsed.value.size > this.options.maxMessageBytes) {
      return this.bad({ code: 552, enhanced: '5.3.4', text: `Message size exceeds the limit of ${this.options.maxMessageBytes} bytes` });
    }
    if (!parsed.value.smtputf8 && !isAscii(parsed.value.address)) return this.bad(NEEDS_SMTPUTF8);
    if (this.closing) {
      this.reply({ code: 421, enhanced: '4.3.2', text: `${this.options.hostname} Service shutting down` });
      return this.close();
    }
    const tx: Transaction = { from: parsed.value.address, smtputf8: parsed.value.smtputf8, declaredSize: parsed.value.size, recipients: [] };
    this.state = { kind: 'mail', client: state.client, tx };
    this.ok({ code: 250, enhanced: '2.1.0', text: 'Sender ok' });
  }

  async rcpt(args: string): Promise<void> {
    const state = this.state;
    if (state.kind !== 'mail') return this.bad({ code: 503, enhanced: '5.5.1', text: 'Need MAIL before RCPT' });
    const parsed = parseRcptTo(args);
    if (!parsed.ok) return this.bad(parsed);
    const address = parsed.value.address;
    if (!state.tx.smtputf8 && !isAscii(address)) return this.bad(NEEDS_SMTPUTF8);
    if (!isDeliverableAddress(address)) return this.bad({ code: 553, enhanced: '5.1.3', text: 'Bad recipient address syntax' });
    if (state.tx.recipients.length >= MAX_RECIPIENTS) return this.reply({ code: 452, enhanced: '4.5.3', text: 'Too many recipients' });
    let check;
    try {
      check = await this.options.pipeline.checkRecipient(address, state.tx.declaredSize ?? undefined);
    } catch (err) {
      this.options.logger.error({ remote: this.options.remote, to: address, err }, 'lmtp: recipient check failed');
      return this.reply({ code: 451, enhanced: '4.3.0', text: 'Temporary failure looking up the recipient' });
    }
    if (this.state !== state) return;
    if (check.code !== 250) return this.reply({ code: check.code, enhanced: check.enhanced, text: check.text });
    state.tx.recipients.push(address);
    this.ok({ code: 250, enhanced: '2.1.5', text: 'Recipient ok' });
  }

  data(args: string): void {
    const state = this.state;
    if (args.trim() !== '') return this.bad({ code: 501, enhanced: '5.5.4', text: 'DATA takes no arguments' });
    if (state.kind !== 'mail') return this.bad({ code: 503, enhanced: '5.5.1', text: 'Need MAIL and RCPT before DATA' });
    if (state.tx.recipients.length === 0) return this.bad({ code: 503, enhanced: '5.5.1', text: 'No valid recipients' });
    this.state = { kind: 'data', client: state.client, tx: state.tx, chunks: [], size: 0, overflow: false };
    this.parser.startData();
    this.ok({ code: 354, text: 'Start mail input; end with <CRLF>.<CRLF>' });
  }

  rset(args: string): void {
    if (args.trim() !== '') return this.bad({ code: 501, enhanced: '5.5.4', text: 'RSET takes no arguments' });
    const state = this.state;
    if (state.kind === 'mail') this.state = { kind: 'ready', client: state.client };
    this.ok({ code: 250, enhanced: '2.0.0', text: 'Ok' });
  }

  noop(): void {
    this.ok({ code: 250, enhanced: '2.0.0', text: 'Ok' });
  }

  quit(): void {
    this.reply({ code: 221, enhanced: '2.0.0', text: `${this.options.hostname} closing connection` });
    this.close();
  }

  vrfy(): void {
    // RFC 5321 3.5.3: 252 when the server will not verify but will accept mail for the address.
    this.ok({ code: 252, enhanced: '2.5.0', text: 'Cannot VRFY user, but will accept message and attempt delivery' });
  }

  help(): void {
    this.ok({ code: 214, enhanced: '2.0.0', text: 'Commands: LHLO MAIL RCPT DATA RSET NOOP QUIT VRFY' });
  }

  notSupported(): void {
    // RFC 5321 4.2.4: 502 for a command this server knows of but does not offer.
    this.bad({ code: 502, enhanced: '5.5.1', text: 'Command not offered by this server' });
  }

  // ---- message data ----

  private dataBytes(bytes: Buffer): void {
    const state = this.state;
    if (state.kind !== 'data') return;
    state.size += bytes.length;
    if (state.overflow) return;
    if (state.size > this.options.maxMessageBytes) {
      // Keep reading to the end, but drop what we have: the answer will be 552 5.3.4.
      state.overflow = true;
      state.chunks = [];
      return;
    }
    state.chunks.push(bytes);
  }

  private async dataEnd(): Promise<void> {
    const state = this.state;
    if (state.kind !== 'data') return;
    this.state = { kind: 'ready', client: state.client };
    this.badCommands = 0;
    const { tx } = state;
    if (state.overflow) {
      this.options.logger.info({ remote: this.options.remote, from: tx.from, size: state.size }, 'lmtp: message over the size limit');
      for (let i = 0; i < tx.recipients.length; i++) {
        this.reply({ code: 552, enhanced: '5.3.4', text: `Message size exceeds the limit of ${this.options.maxMessageBytes} bytes` });
      }
      return;
    }
    const raw = state.chunks.length === 1 ? (state.chunks[0] as Buffer) : Buffer.concat(state.chunks, state.size);
    const answered = new Set<number>();
    try {
      await this.options.pipeline.deliver(
        { envelopeFrom: tx.from, recipients: tx.recipients, raw, via: 'lmtp' },
        {
          onOutcome: (i, outcome) => {
            answered.add(i);
            this.reply({ code: outcome.code, enhanced: outcome.enhanced, text: outcome.text });
          },
        },
      );
    } catch (err) {
      this.options.logger.error({ remote: this.options.remote, err }, 'lmtp: delivery failed');
    }
    // Every accepted recipient gets exactly one reply, in order, whatever happened above.
    for (let i = 0; i < tx.recipients.length; i++) {
      if (!answered.has(i)) this.reply({ code: 451, enhanced: '4.3.0', text: 'Temporary failure storing the message, try again later' });
    }
  }
}

const COMMANDS = new Map<string, CommandHandler>([
  ['LHLO', (s, a) => s.lhlo(a)],
  ['MAIL', (s, a) => s.mail(a)],
  ['RCPT', (s, a) => s.rcpt(a)],
  ['DATA', (s, a) => s.data(a)],
  ['RSET', (s, a) => s.rset(a)],
  ['NOOP', (s) => s.noop()],
  ['QUIT', (s) => s.quit()],
  ['VRFY', (s) => s.vrfy()],
  ['EXPN', (s) => s.notSupported()],
  ['HELP', (s) => s.help()],
  ['BDAT', (s) => s.notSupported()],
  ['STARTTLS', (s) => s.notSupported()],
]);

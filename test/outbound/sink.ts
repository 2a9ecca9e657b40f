/** A local SMTP sink (smtp-server on 127.0.0.1) for the outbound tests. */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface Received {
  from: string;
  to: string[];
  raw: Buffer;
  user: string | null;
  secure: boolean;
}

export interface Sink {
  port: number;
  received: Received[];
  /** RCPT TO answers by address: an SMTP reply code and text, or accept when absent. */
  rcptReplies: Map<string, { code: number; text: string }>;
  close(): Promise<void>;
  /** Resolves when `count` messages were received (or rejects after `ms`). */
  waitFor(count: number, ms?: number): Promise<void>;
}

export async function startSink(
  options: { port?: number; startTls?: boolean; auth?: { user: string; pass: string } } = {},
): Promise<Sink> {
  const received: Received[] = [];
  const rcptReplies = new Map<string, { code: number; text: string }>();
  const config: SMTPServerOptions = {
    logger: false,
    disabledCommands: [...(options.startTls ? [] : ['STARTTLS']), ...(options.auth ? [] : ['AUTH'])],
    authOptional: !options.auth,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) cb(null, { user: auth.username });
      else cb(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      const reply = rcptReplies.get(address.address);
      if (reply) cb(Object.assign(new Error(reply.text), { responseCode: reply.code }));
      else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          user: typeof session.user === 'string' ? session.user : null,
          secure: session.secure,
        });
        cb();
      });
    },
  };
  const server = new SMTPServer(config);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    rcptReplies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    async waitFor(count: number, ms = 5000): Promise<void> {
      const deadline = Date.now() + ms;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${count} messages, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** A port with nothing listening (a relay that is down). */
export async function closedPort(): Promise<number> {
  const sink = await startSink();
  await sink.close();
  return sink.port;
}

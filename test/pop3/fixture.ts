/**
 * A running POP3 service over a real store for tests: users, deliveries into INBOX, and the
 * bound ports. Everything lives in a temporary data directory removed by cleanup().
 */
import { randomBytes, scryptSync } from 'node:crypto';
import type { ConfigInput } from '../../src/config/schema.js';
import { createPop3Service, type Pop3ServiceOptions } from '../../src/pop3/index.js';
import type { Service, ServerContext } from '../../src/server/context.js';
import type { MailboxId, Uid } from '../../src/store/types.js';
import { makeTestContext } from '../helpers/context.js';

export interface Pop3Fixture {
  ctx: ServerContext;
  service: Service;
  /** Plain POP3 (STLS) port. */
  port: number;
  /** Implicit-TLS POP3S port. */
  tlsPort: number;
  addUser(address: string, password: string): Promise<void>;
  inboxId(address: string): Promise<MailboxId>;
  /** Appends a message to the user's INBOX and returns its UID. */
  deliver(address: string, raw: string | Buffer): Promise<Uid>;
  cleanup(): Promise<void>;
}

/** Failed logins answer quickly in tests; the delay itself is the authenticator's business. */
const FAST_AUTH: ConfigInput = { auth: { failuresBeforeDelay: 100, maxDelayMs: 20, blockAfterFailures: 1000 } };

export async function startPop3(overrides: ConfigInput = {}, options: Pop3ServiceOptions = {}): Promise<Pop3Fixture> {
  const test = await makeTestContext({ ...FAST_AUTH, ...overrides });
  const { ctx } = test;
  const service = createPop3Service(ctx, options);
  let bound;
  try {
    bound = await service.start();
  } catch (err) {
    await test.cleanup();
    throw err;
  }
  const portOf = (name: string) => bound.find((b) => b.service === name)?.port ?? -1;
  const inboxId = async (address: string) => (await ctx.store.getMailbox({ kind: 'user', address }, 'INBOX')).id;
  return {
    ctx,
    service,
    port: portOf('pop3'),
    tlsPort: portOf('pop3s'),
    async addUser(address, password) {
      // The store gives a new user its INBOX, all POP3 needs.
      await ctx.store.addUser({ address, passwordHash: cheapPasswordHash(password) });
    },
    inboxId,
    async deliver(address, raw) {
      const result = await ctx.store.appendMessage(await inboxId(address), Buffer.isBuffer(raw) ? raw : Buffer.from(raw));
      return result.uid;
    },
    async cleanup() {
      await service.stop();
      await test.cleanup();
    },
  };
}

/**
 * A password hash in the real scrypt format, with the lowest cost the verifier accepts
 * (N=2^10 instead of 2^15): logins in these tests then take a millisecond, not a few hundred.
 */
export function cheapPasswordHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFC'), salt, 32, { N: 2 ** 10, r: 8, p: 1 });
  return `scrypt$10$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** A small RFC 5322 message with CRLF line ends. */
export function sampleMessage(n: number, body = `Body of message ${n}.\r\n`): string {
  return `From: sender@example.com\r\nTo: user@example.com\r\nSubject: Message ${n}\r\nMessage-ID: <m${n}@example.com>\r\n\r\n${body}`;
}

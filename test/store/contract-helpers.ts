/** Shared helpers of the Store contract suite. */
import assert from 'node:assert/strict';
import { isMailError, type MailErrorCode } from '../../src/store/errors.js';
import type { MailboxChange, Owner, Store } from '../../src/store/types.js';

export type StoreFactory = () => Promise<{ store: Store; cleanup(): Promise<void> }>;

/** Runs `fn` with a fresh store and always cleans up. */
export async function withStore(makeStore: StoreFactory, fn: (store: Store) => Promise<void>): Promise<void> {
  const { store, cleanup } = await makeStore();
  try {
    await fn(store);
  } finally {
    await cleanup();
  }
}

/** Asserts that `promise` rejects with a MailError of `code` (and returns it). */
export async function rejectsWith(promise: Promise<unknown>, code: MailErrorCode): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isMailError(err), `expected a MailError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    assert.ok(err.message.length > 0);
    return true;
  });
}

export const user = (address: string): Owner => ({ kind: 'user', address });
export const sharedOwner = (address: string): Owner => ({ kind: 'shared', address });

export async function addUser(store: Store, address: string, extra: { quotaBytes?: number | null; home?: string | null } = {}) {
  return store.addUser({ address, passwordHash: '$scrypt$test', firstName: 'First', lastName: 'Last', ...extra });
}

export function message(options: {
  subject?: string;
  from?: string;
  to?: string;
  cc?: string;
  bcc?: string;
  body?: string;
  extraHeaders?: string;
} = {}): Buffer {
  const lines = [
    `From: ${options.from ?? 'Alice Sender <alice@example.org>'}`,
    `To: ${options.to ?? 'Bob Receiver <bob@example.org>'}`,
  ];
  if (options.cc) lines.push(`Cc: ${options.cc}`);
  if (options.bcc) lines.push(`Bcc: ${options.bcc}`);
  lines.push(`Subject: ${options.subject ?? 'Greetings'}`);
  lines.push('Date: Mon, 7 Feb 1994 21:52:25 -0800');
  lines.push('Message-ID: <test@example.org>');
  lines.push('MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8');
  if (options.extraHeaders) lines.push(options.extraHeaders);
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n' + (options.body ?? 'Hello there.\r\n'), 'utf8');
}

/** Collects the notices a mailbox gets. */
export function recordChanges(store: Store, mailboxId: MailboxChange['mailboxId']): { changes: MailboxChange[]; stop(): void } {
  const changes: MailboxChange[] = [];
  const stop = store.notifier.subscribe(mailboxId, (c) => changes.push(c));
  return { changes, stop };
}

/** Waits (bounded) until `check` is true. */
export async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

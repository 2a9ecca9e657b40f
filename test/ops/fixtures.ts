/** Shared fixtures of the operations tests: a store on a temporary data directory with users and mail. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminService } from '../../src/admin/service.js';
import { openStore, type SqliteStore } from '../../src/store/index.js';
import type { MailboxId, Uid } from '../../src/store/types.js';

export interface StoreFixture {
  dir: string;
  dataDir: string;
  mailRoot: string;
  store: SqliteStore;
  inbox(address: string): Promise<MailboxId>;
  close(): Promise<void>;
}

export function tempDir(prefix = 'msgstore-ops-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** CRLF message text (the store keeps CRLF as it is, so bytes read back compare equal). */
export function message(n: number, extra = ''): Buffer {
  return Buffer.from(
    `From: Sender ${n} <s${n}@example.org>\r\nTo: alice@example.com\r\nSubject: message ${n}\r\nMessage-ID: <m${n}.${Date.now()}@example.org>\r\n\r\nBody of message ${n}.\r\n${extra}`,
  );
}

export async function makeStore(dataDir: string, users: string[] = ['alice@example.com', 'bob@example.com']): Promise<StoreFixture> {
  const mailRoot = join(dataDir, 'mail');
  const store = await openStore({ dataDir, mailRoot });
  const admin = new AdminService(store);
  for (const address of users) if (!(await store.findUser(address))) await admin.addUser({ address, password: 'secret-password-1' });
  return {
    dir: dataDir,
    dataDir,
    mailRoot,
    store,
    async inbox(address) {
      return (await store.getMailbox({ kind: 'user', address }, 'INBOX')).id;
    },
    close: () => store.close(),
  };
}

export interface Delivered {
  mailbox: MailboxId;
  uid: Uid;
  raw: Buffer;
}

export async function appendMany(fixture: StoreFixture, address: string, count: number, from = 1): Promise<Delivered[]> {
  const mailbox = await fixture.inbox(address);
  const out: Delivered[] = [];
  for (let i = 0; i < count; i++) {
    const raw = message(from + i);
    const { uid } = await fixture.store.appendMessage(mailbox, raw);
    out.push({ mailbox, uid, raw });
  }
  return out;
}

/**
 * The embedded Message Store: SQLite (better-sqlite3, WAL) for everything but message bodies,
 * one content-addressed file per message for those. createSqliteStore opens (and migrates)
 * <dataDir>/msgstore.db, runs the start-up file check and returns a ready Store.
 */
import path from 'node:path';
import type {
  AppendOptions,
  AppendResult,
  CopyResult,
  FilterFile,
  FlagChange,
  FlagOperation,
  MailboxChange,
  MailboxId,
  MailboxInfo,
  MailboxStatus,
  MessageDetail,
  MessageMeta,
  NewShared,
  NewUser,
  Notifier,
  OutboundKind,
  OutboundMessage,
  Owner,
  QuotaUsage,
  SharedRecord,
  SpecialUse,
  Store,
  TextSearchTarget,
  Uid,
  UserRecord,
  UserUpdate,
} from '../types.js';
import { Appender } from './append.js';
import { BlobStore, defaultBlobIo, type BlobIo } from './blobs.js';
import { silentLogger, StoreContext, type StoreLogger } from './context.js';
import { ensureDirectory, mapDbError, openDatabase } from './db.js';
import * as filters from './filters.js';
import * as mailboxes from './mailboxes.js';
import * as messages from './messages.js';
import { LocalNotifier, NotifySender, type NotifyTarget } from './notifier.js';
import { ownerUsage, resolveOwner } from './owners.js';
import * as queue from './queue.js';
import { Reaper } from './reaper.js';
import { migrate } from './schema.js';
import { searchText } from './search.js';
import * as shared from './shared.js';
import { startupCheck, type StartupReport } from './startup.js';
import { followDefaultRoot } from './relocation.js';
import * as subscriptions from './subscriptions.js';
import * as users from './users.js';

export interface SqliteStoreOptions {
  dataDir: string;
  /** Default root of message files (default <dataDir>/mail); a user's or shared mailbox's home overrides it. */
  mailRoot?: string;
  /** How long to wait for another process's write lock before failing with MS_LOCKED_* (default 5000). */
  busyTimeoutMs?: number;
  logger?: StoreLogger;
  /**
   * Run the start-up file check (default true). A short-lived process that shares the data
   * directory with a running server (e.g. `msgstore deliver`) may skip it.
   */
  startupCheck?: boolean;
  /** Replaces the file-writing step (tests simulate a full disk with it). */
  blobIo?: BlobIo;
}

export class SqliteStore implements Store, NotifyTarget {
  readonly notifier: Notifier;
  readonly notifySocketPath: string;
  readonly dbFile: string;
  /** What the start-up check found (all zero when it was skipped). */
  startupReport: StartupReport = { orphansRemoved: 0, tempFilesRemoved: 0, missingFiles: 0 };
  private readonly local: LocalNotifier;
  private readonly appender: Appender;

  /** @internal use createSqliteStore */
  constructor(
    private readonly ctx: StoreContext,
    dbFile: string,
  ) {
    this.local = ctx.notifier;
    this.notifier = ctx.notifier;
    this.notifySocketPath = ctx.sender.socketPath;
    this.dbFile = dbFile;
    this.appender = new Appender(ctx);
  }

  get dataDir(): string {
    return this.ctx.dataDir;
  }

  get mailRoot(): string {
    return this.ctx.mailRoot;
  }

  /** Transactions the group committer has committed (several appends share one). */
  get appendCommits(): number {
    return this.appender.commits;
  }

  emitLocal(change: MailboxChange): void {
    this.local.emit(change);
  }

  setNotifyListening(listening: boolean): void {
    this.ctx.sender.listening = listening;
  }

  async close(): Promise<void> {
    if (this.ctx.closed) return;
    await this.appender.idle();
    this.ctx.reaper.flushSync();
    this.ctx.closed = true;
    await this.ctx.sender.close();
    this.ctx.db.close();
  }

  // Users
  async addUser(user: NewUser): Promise<UserRecord> {
    return users.addUser(this.ctx, user);
  }
  async removeUser(address: string): Promise<void> {
    users.removeUser(this.ctx, address);
  }
  async getUser(address: string): Promise<UserRecord> {
    return users.getUser(this.ctx, address);
  }
  async findUser(address: string): Promise<UserRecord | null> {
    return this.ctx.read('USER', () => users.findUserRow(this.ctx, address));
  }
  async updateUser(address: string, update: UserUpdate): Promise<UserRecord> {
    return users.updateUser(this.ctx, address, update);
  }
  async listUsers(options?: { search?: string; offset?: number; limit?: number }): Promise<{ users: UserRecord[]; total: number }> {
    return users.listUsers(this.ctx, options);
  }

  // Shared mailboxes
  async addShared(record: NewShared): Promise<SharedRecord> {
    return shared.addShared(this.ctx, record);
  }
  async removeShared(address: string): Promise<void> {
    shared.removeShared(this.ctx, address);
  }
  async getShared(address: string): Promise<SharedRecord> {
    return shared.getShared(this.ctx, address);
  }
  async findShared(address: string): Promise<SharedRecord | null> {
    return this.ctx.read('SHARED', () => shared.findSharedRow(this.ctx, address));
  }
  async listShared(): Promise<SharedRecord[]> {
    return shared.listShared(this.ctx);
  }
  async updateShared(address: string, update: { displayName?: string; home?: string | null }): Promise<SharedRecord> {
    return shared.updateShared(this.ctx, address, update);
  }
  async addSharedMember(sharedAddress: string, userAddress: string): Promise<SharedRecord> {
    return shared.addSharedMember(this.ctx, sharedAddress, userAddress);
  }
  async removeSharedMember(sharedAddress: string, userAddress: string): Promise<SharedRecord> {
    return shared.removeSharedMember(this.ctx, sharedAddress, userAddress);
  }

  // Mailboxes
  async createMailbox(owner: Owner, name: string, options?: { specialUse?: SpecialUse | null }): Promise<MailboxInfo> {
    return mailboxes.createMailbox(this.ctx, owner, name, options);
  }
  async deleteMailbox(owner: Owner, name: string): Promise<void> {
    mailboxes.deleteMailbox(this.ctx, owner, name);
  }
  async renameMailbox(owner: Owner, from: string, to: string): Promise<void> {
    mailboxes.renameMailbox(this.ctx, owner, from, to);
  }
  async getMailbox(owner: Owner, name: string): Promise<MailboxInfo> {
    return mailboxes.getMailbox(this.ctx, owner, name);
  }
  async findMailbox(owner: Owner, name: string): Promise<MailboxInfo | null> {
    return mailboxes.findMailbox(this.ctx, owner, name);
  }
  async getMailboxById(id: MailboxId): Promise<MailboxInfo> {
    return mailboxes.getMailboxById(this.ctx, id);
  }
  async listMailboxes(owner: Owner): Promise<MailboxInfo[]> {
    return mailboxes.listMailboxes(this.ctx, owner);
  }
  async mailboxStatus(id: MailboxId): Promise<MailboxStatus> {
    return mailboxes.mailboxStatus(this.ctx, id);
  }
  async setSpecialUse(id: MailboxId, use: SpecialUse | null): Promise<void> {
    mailboxes.setSpecialUse(this.ctx, id, use);
  }

  // Subscriptions
  async subscribe(userAddress: string, name: string): Promise<void> {
    subscriptions.subscribe(this.ctx, userAddress, name);
  }
  async unsubscribe(userAddress: string, name: string): Promise<void> {
    subscriptions.unsubscribe(this.ctx, userAddress, name);
  }
  async listSubscriptions(userAddress: string): Promise<string[]> {
    return subscriptions.listSubscriptions(this.ctx, userAddress);
  }

  // Messages
  appendMessage(mailbox: MailboxId, raw: Buffer, options?: AppendOptions): Promise<AppendResult> {
    return this.appender.append(mailbox, raw, options);
  }
  async listMessages(mailbox: MailboxId, uids?: readonly Uid[]): Promise<MessageMeta[]> {
    return messages.listMessages(this.ctx, mailbox, uids);
  }
  async getMessageDetails(mailbox: MailboxId, uids: readonly Uid[]): Promise<MessageDetail[]> {
    return messages.getMessageDetails(this.ctx, mailbox, uids);
  }
  async readMessage(mailbox: MailboxId, uid: Uid, range?: { start: number; end: number }): Promise<Buffer> {
    return this.ctx.blobs.read(messages.messageFile(this.ctx, mailbox, uid), range);
  }
  async openMessageStream(mailbox: MailboxId, uid: Uid, range?: { start: number; end: number }): Promise<NodeJS.ReadableStream> {
    return this.ctx.blobs.stream(messages.messageFile(this.ctx, mailbox, uid), range);
  }
  async storeFlags(mailbox: MailboxId, uids: readonly Uid[], op: FlagOperation, flags: readonly string[]): Promise<FlagChange[]> {
    return messages.storeFlags(this.ctx, mailbox, uids, op, flags);
  }
  async copyMessages(from: MailboxId, uids: readonly Uid[], to: MailboxId): Promise<CopyResult> {
    return messages.copyMessages(this.ctx, from, uids, to);
  }
  async moveMessages(from: MailboxId, uids: readonly Uid[], to: MailboxId): Promise<CopyResult> {
    return messages.moveMessages(this.ctx, from, uids, to);
  }
  async expunge(mailbox: MailboxId, uids?: readonly Uid[]): Promise<Uid[]> {
    return messages.expunge(this.ctx, mailbox, uids);
  }
  async removeMessages(mailbox: MailboxId, uids: readonly Uid[]): Promise<Uid[]> {
    return messages.removeMessages(this.ctx, mailbox, uids);
  }
  async searchText(mailbox: MailboxId, target: TextSearchTarget, needle: string, uids?: readonly Uid[]): Promise<Uid[]> {
    return searchText(this.ctx, mailbox, target, needle, uids);
  }
  async claimRecent(mailbox: MailboxId): Promise<Uid[]> {
    return messages.claimRecent(this.ctx, mailbox);
  }

  // Quota
  async quotaUsage(owner: Owner): Promise<QuotaUsage> {
    return this.ctx.read('MBX', () => {
      const ref = resolveOwner(this.ctx, owner);
      const usage = ownerUsage(this.ctx, ref.kind, ref.id);
      return { bytes: usage.bytes, messages: usage.messages, limitBytes: ref.quotaBytes };
    });
  }

  // Filter files, vacation memory
  async getFilterFile(userAddress: string): Promise<FilterFile | null> {
    return filters.getFilterFile(this.ctx, userAddress);
  }
  async setFilterFile(userAddress: string, text: string): Promise<FilterFile> {
    return filters.setFilterFile(this.ctx, userAddress, text);
  }
  async deleteFilterFile(userAddress: string): Promise<void> {
    filters.deleteFilterFile(this.ctx, userAddress);
  }
  async recordVacationReply(userAddress: string, sender: string, now: Date, days: number): Promise<boolean> {
    return filters.recordVacationReply(this.ctx, userAddress, sender, now, days);
  }

  // Outbound queue
  async enqueueOutbound(message: { kind: OutboundKind; from: string; to: string[]; raw: Buffer }): Promise<number> {
    return queue.enqueueOutbound(this.ctx, message);
  }
  async dueOutbound(now: Date, limit: number): Promise<OutboundMessage[]> {
    return queue.dueOutbound(this.ctx, now, limit);
  }
  async completeOutbound(id: number): Promise<void> {
    queue.completeOutbound(this.ctx, id);
  }
  async failOutbound(id: number, error: string, retryAt: Date | null): Promise<void> {
    queue.failOutbound(this.ctx, id, error, retryAt);
  }
  async outboundStats(): Promise<{ depth: number; oldest: Date | null }> {
    return queue.outboundStats(this.ctx);
  }

  // Settings
  async getSetting(key: string): Promise<string | null> {
    return filters.getSetting(this.ctx, key);
  }
  async setSetting(key: string, value: string | null): Promise<void> {
    filters.setSetting(this.ctx, key, value);
  }
}

export async function createSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const dataDir = path.resolve(options.dataDir);
  const mailRoot = path.resolve(options.mailRoot ?? path.join(dataDir, 'mail'));
  const logger = options.logger ?? silentLogger;
  ensureDirectory(dataDir);
  ensureDirectory(mailRoot);
  const dbFile = path.join(dataDir, 'msgstore.db');
  const db = openDatabase(dbFile, options.busyTimeoutMs ?? 5000);
  try {
    migrate(db);
    followDefaultRoot(db, mailRoot, logger);
  } catch (err) {
    db.close();
    throw mapDbError(err, 'USER', 'read');
  }
  const blobs = new BlobStore(options.blobIo ?? defaultBlobIo);
  const reaper = new Reaper(db, (file) => blobs.removeSync(file), (file) => blobs.isPinned(file), logger);
  const ctx = new StoreContext(
    db,
    dataDir,
    mailRoot,
    logger,
    blobs,
    new LocalNotifier(logger),
    new NotifySender(path.join(dataDir, 'run', 'notify.sock')),
    reaper,
  );
  const store = new SqliteStore(ctx, dbFile);
  if (options.startupCheck !== false) {
    try {
      store.startupReport = startupCheck(ctx);
    } catch (err) {
      logger.warn({ err }, 'start-up file check failed');
    }
  }
  return store;
}

export { startNotifyListener, type NotifyListener } from './notifier.js';
export type { BlobIo } from './blobs.js';
export type { StoreLogger } from './context.js';
export type { StartupReport } from './startup.js';

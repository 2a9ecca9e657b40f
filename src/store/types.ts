/**
 * The Message Store API. Every protocol, the delivery agent and the admin service work through
 * this interface only; implementations (SQLite now, PostgreSQL later) pass one contract suite.
 * All methods are async, even where SQLite could answer at once.
 */
import type { MessageIndex } from '../mime/types.js';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A message's unique identifier within its mailbox (RFC 3501 2.3.1.1). */
export type Uid = Brand<number, 'Uid'>;
/** A modification sequence number (RFC 7162); grows with every change in a mailbox. */
export type ModSeq = Brand<number, 'ModSeq'>;
/** Database id of a mailbox. */
export type MailboxId = Brand<number, 'MailboxId'>;

export const asUid = (n: number): Uid => n as Uid;
export const asModSeq = (n: number): ModSeq => n as ModSeq;
export const asMailboxId = (n: number): MailboxId => n as MailboxId;

/** Who owns a mailbox tree: a user, or a shared mailbox (addresses are stored lower-case). */
export type Owner = { kind: 'user'; address: string } | { kind: 'shared'; address: string };

export interface UserRecord {
  address: string;
  firstName: string;
  lastName: string;
  /** scrypt/argon2id hash in PHC-like string form; never a plain password. */
  passwordHash: string;
  /** Where this user's message files live; null means the configured default root. */
  home: string | null;
  /** Bytes allowed in all of the user's mailboxes; null means unlimited. */
  quotaBytes: number | null;
  disabled: boolean;
  /** APOP shared secret (RFC 1939); set only for users who opted in, who then have no PASS. */
  apopSecret: string | null;
  /** Addresses of the shared mailboxes this user is a member of, sorted. */
  shared: string[];
  createdAt: Date;
}

export interface NewUser {
  address: string;
  firstName?: string;
  lastName?: string;
  passwordHash: string;
  home?: string | null;
  quotaBytes?: number | null;
}

export interface UserUpdate {
  firstName?: string;
  lastName?: string;
  passwordHash?: string;
  home?: string | null;
  quotaBytes?: number | null;
  disabled?: boolean;
  apopSecret?: string | null;
}

export interface SharedRecord {
  address: string;
  displayName: string;
  home: string | null;
  /** Member user addresses, sorted. */
  members: string[];
  createdAt: Date;
}

export interface NewShared {
  address: string;
  displayName?: string;
  home?: string | null;
  /** At least one existing user. */
  members: string[];
}

export type SpecialUse = '\\Sent' | '\\Drafts' | '\\Trash' | '\\Junk' | '\\Archive' | '\\All' | '\\Flagged';

export interface MailboxInfo {
  id: MailboxId;
  owner: Owner;
  /** Full name within the owner's tree, "/" as delimiter; the owner's root is "INBOX". */
  name: string;
  uidValidity: number;
  uidNext: Uid;
  highestModSeq: ModSeq;
  specialUse: SpecialUse | null;
}

export interface MailboxStatus {
  messages: number;
  unseen: number;
  /** Messages with UID >= the mailbox's recent mark (not yet claimed by any session). */
  recent: number;
  uidNext: Uid;
  uidValidity: number;
  highestModSeq: ModSeq;
  /** Sum of message sizes in bytes. */
  size: number;
}

/** What a session needs about each message to build its view (SELECT, FETCH FLAGS, POP3). */
export interface MessageMeta {
  uid: Uid;
  modseq: ModSeq;
  /** System flags (\Seen, \Answered, \Flagged, \Deleted, \Draft) and keywords; never \Recent. */
  flags: string[];
  internalDate: Date;
  /** Size in bytes of the stored message (its exact wire form). */
  size: number;
}

export interface MessageDetail extends MessageMeta {
  index: MessageIndex;
}

export interface AppendOptions {
  flags?: string[];
  internalDate?: Date;
  /** Already-computed index of the exact bytes given (saves a second parse at delivery). */
  index?: MessageIndex;
}

export interface AppendResult {
  uid: Uid;
  modseq: ModSeq;
  uidValidity: number;
  size: number;
}

export type FlagOperation = 'set' | 'add' | 'remove';

export interface FlagChange {
  uid: Uid;
  modseq: ModSeq;
  flags: string[];
}

export interface CopyResult {
  uidValidity: number;
  /** Pairs in source-UID order. */
  mapping: { from: Uid; to: Uid }[];
}

/** Text fields the store can search without opening message files. */
export type TextSearchTarget = 'subject' | 'from' | 'to' | 'cc' | 'bcc' | 'body' | 'text';

export interface QuotaUsage {
  bytes: number;
  messages: number;
  limitBytes: number | null;
}

export interface FilterFile {
  text: string;
  /** Changes on every write; lets the filter engine cache parsed rules. */
  version: number;
  updatedAt: Date;
}

export type OutboundKind = 'forward' | 'vacation';

export interface OutboundMessage {
  id: number;
  kind: OutboundKind;
  /** Envelope sender ("" for the null reverse-path). */
  from: string;
  to: string[];
  raw: Buffer;
  attempts: number;
  createdAt: Date;
  nextAttemptAt: Date;
  lastError: string | null;
}

/** Change notices for one mailbox, fanned out to every session that has it selected. */
export type MailboxChange =
  | { kind: 'append'; mailboxId: MailboxId; uids: Uid[]; modseq: ModSeq }
  | { kind: 'flags'; mailboxId: MailboxId; changes: FlagChange[] }
  | { kind: 'expunge'; mailboxId: MailboxId; uids: Uid[]; modseq: ModSeq }
  | { kind: 'deleted'; mailboxId: MailboxId }
  | { kind: 'renamed'; mailboxId: MailboxId; name: string };

export type ChangeListener = (change: MailboxChange) => void;

export interface Notifier {
  /** Listen to changes of one mailbox; returns the function that stops listening. */
  subscribe(mailboxId: MailboxId, listener: ChangeListener): () => void;
}

export interface Store {
  readonly notifier: Notifier;
  close(): Promise<void>;

  // Users
  addUser(user: NewUser): Promise<UserRecord>;
  /**
   * Removes the user with their mailboxes, messages, subscriptions, filter file, vacation memory
   * and memberships. Refused (MS_CANNOT_DELETE_USER_REC) while they are the only member of a
   * shared mailbox. Throws MS_USER_REC_NOT_FOUND.
   */
  removeUser(address: string): Promise<void>;
  /** Throws MS_USER_REC_NOT_FOUND. */
  getUser(address: string): Promise<UserRecord>;
  findUser(address: string): Promise<UserRecord | null>;
  updateUser(address: string, update: UserUpdate): Promise<UserRecord>;
  listUsers(options?: { search?: string; offset?: number; limit?: number }): Promise<{ users: UserRecord[]; total: number }>;

  // Shared mailboxes
  /** Throws MS_SHARED_REC_ALREADY_EXIST (also when a user has the address), MS_CANNOT_ADD_SHARED_REC (no member), MS_USER_REC_NOT_FOUND. */
  addShared(shared: NewShared): Promise<SharedRecord>;
  removeShared(address: string): Promise<void>;
  /** Throws MS_SHARED_REC_NOT_FOUND. */
  getShared(address: string): Promise<SharedRecord>;
  findShared(address: string): Promise<SharedRecord | null>;
  listShared(): Promise<SharedRecord[]>;
  updateShared(address: string, update: { displayName?: string; home?: string | null }): Promise<SharedRecord>;
  /** Adding an existing member changes nothing. */
  addSharedMember(sharedAddress: string, userAddress: string): Promise<SharedRecord>;
  /** Throws MS_USER_REC_NOT_FOUND for a non-member, MS_CANNOT_UPDATE_SHARED_REC for the last member. */
  removeSharedMember(sharedAddress: string, userAddress: string): Promise<SharedRecord>;

  // Mailboxes (names are full names in the owner's tree; "INBOX" is case-insensitive)
  /** Creates missing parents too. Throws MS_MBX_REC_ALREADY_EXIST, MS_INVALID_NAME. */
  createMailbox(owner: Owner, name: string, options?: { specialUse?: SpecialUse | null }): Promise<MailboxInfo>;
  /** Deletes the mailbox and its messages (children are kept). Deleting INBOX is refused. */
  deleteMailbox(owner: Owner, name: string): Promise<void>;
  /** Renames with all children. Renaming INBOX moves its messages to the new name and leaves INBOX empty. */
  renameMailbox(owner: Owner, from: string, to: string): Promise<void>;
  /** Throws MS_MBX_REC_NOT_FOUND. */
  getMailbox(owner: Owner, name: string): Promise<MailboxInfo>;
  findMailbox(owner: Owner, name: string): Promise<MailboxInfo | null>;
  getMailboxById(id: MailboxId): Promise<MailboxInfo>;
  /** Every mailbox of the owner, sorted by name. */
  listMailboxes(owner: Owner): Promise<MailboxInfo[]>;
  mailboxStatus(id: MailboxId): Promise<MailboxStatus>;
  setSpecialUse(id: MailboxId, use: SpecialUse | null): Promise<void>;

  // Subscriptions (per user; names as the user sees them, including "shared/..." names)
  subscribe(userAddress: string, name: string): Promise<void>;
  /** Unsubscribing a name that is not subscribed changes nothing. */
  unsubscribe(userAddress: string, name: string): Promise<void>;
  listSubscriptions(userAddress: string): Promise<string[]>;

  // Messages
  /** Stores durably (file fsynced, row committed) before resolving. Throws MS_OVER_QUOTA, MS_CANNOT_CREATE_MSGFILE. */
  appendMessage(mailbox: MailboxId, raw: Buffer, options?: AppendOptions): Promise<AppendResult>;
  /** Metadata of every message (or of the given UIDs), in UID order. */
  listMessages(mailbox: MailboxId, uids?: readonly Uid[]): Promise<MessageMeta[]>;
  /** Metadata plus index (envelope, body structure, section ranges) of the given UIDs, in UID order. */
  getMessageDetails(mailbox: MailboxId, uids: readonly Uid[]): Promise<MessageDetail[]>;
  /** The stored bytes, whole or [start, end). Throws MS_MSGSTAT_REC_NOT_FOUND for an unknown UID. */
  readMessage(mailbox: MailboxId, uid: Uid, range?: { start: number; end: number }): Promise<Buffer>;
  /** Streams the stored bytes (large RETR / FETCH BODY[]) with backpressure. */
  openMessageStream(mailbox: MailboxId, uid: Uid, range?: { start: number; end: number }): Promise<NodeJS.ReadableStream>;
  /** Changes flags; returns only the messages whose flags really changed (each gets a new MODSEQ). */
  storeFlags(mailbox: MailboxId, uids: readonly Uid[], op: FlagOperation, flags: readonly string[]): Promise<FlagChange[]>;
  copyMessages(from: MailboxId, uids: readonly Uid[], to: MailboxId): Promise<CopyResult>;
  moveMessages(from: MailboxId, uids: readonly Uid[], to: MailboxId): Promise<CopyResult>;
  /** Removes messages flagged \Deleted (only those among `uids` when given); returns the removed UIDs. */
  expunge(mailbox: MailboxId, uids?: readonly Uid[]): Promise<Uid[]>;
  /** Removes the given messages whatever their flags (POP3 UPDATE, delivery rollback). */
  removeMessages(mailbox: MailboxId, uids: readonly Uid[]): Promise<Uid[]>;
  /** Case-insensitive substring search on decoded header fields or decoded text; UIDs in order. */
  searchText(mailbox: MailboxId, target: TextSearchTarget, needle: string, uids?: readonly Uid[]): Promise<Uid[]>;
  /**
   * \Recent (RFC 3501 2.3.2): returns the UIDs recent for the calling session and moves the
   * mailbox's recent mark past them, so no other session gets them.
   */
  claimRecent(mailbox: MailboxId): Promise<Uid[]>;

  // Quota
  quotaUsage(owner: Owner): Promise<QuotaUsage>;

  // MailSort filter files and vacation memory
  getFilterFile(userAddress: string): Promise<FilterFile | null>;
  setFilterFile(userAddress: string, text: string): Promise<FilterFile>;
  /** Throws MS_NO_FILTERFILE when there is none. */
  deleteFilterFile(userAddress: string): Promise<void>;
  /**
   * Records a vacation reply to `sender` at `now` unless one was sent within `days` days;
   * returns true when a reply should go now.
   */
  recordVacationReply(userAddress: string, sender: string, now: Date, days: number): Promise<boolean>;

  // Outbound queue (forwards, vacation replies)
  enqueueOutbound(message: { kind: OutboundKind; from: string; to: string[]; raw: Buffer }): Promise<number>;
  /** Messages due at `now`, oldest first. */
  dueOutbound(now: Date, limit: number): Promise<OutboundMessage[]>;
  completeOutbound(id: number): Promise<void>;
  /** A failed attempt: retry at `retryAt`, or give up (row removed) when retryAt is null. */
  failOutbound(id: number, error: string, retryAt: Date | null): Promise<void>;
  outboundStats(): Promise<{ depth: number; oldest: Date | null }>;

  // Small key/value settings (admin credential, API tokens, ...)
  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string | null): Promise<void>;
}

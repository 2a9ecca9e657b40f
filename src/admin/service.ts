/**
 * The admin service: the one place where the rules about users and shared mailboxes live.
 * The CLI, the REST API and the web UI are thin adapters over it.
 */
import { hashPassword } from '../auth/passwords.js';
import { MailError } from '../store/errors.js';
import type { MailboxInfo, Owner, QuotaUsage, SharedRecord, SpecialUse, Store, UserRecord } from '../store/types.js';
import { normalizeAddress } from './addresses.js';
import { checkFilterText } from '../mailsort/parser.js';
import type { FilterFile } from '../store/types.js';

/** Folders every new user gets, with their RFC 6154 special use. */
export const DEFAULT_FOLDERS: readonly { name: string; use: SpecialUse }[] = [
  { name: 'Sent', use: '\\Sent' },
  { name: 'Drafts', use: '\\Drafts' },
  { name: 'Trash', use: '\\Trash' },
  { name: 'Junk', use: '\\Junk' },
  { name: 'Archive', use: '\\Archive' },
];

export interface NewUserInput {
  address: string;
  password: string;
  firstName?: string;
  lastName?: string;
  home?: string | null;
  quotaBytes?: number | null;
}

export interface MailboxSummary {
  name: string;
  messages: number;
  unseen: number;
  size: number;
  specialUse: string | null;
}

export interface UserProfile {
  address: string;
  firstName: string;
  lastName: string;
  home: string | null;
  disabled: boolean;
  createdAt: string;
  quota: QuotaUsage;
  mailboxes: MailboxSummary[];
  shared: { address: string; displayName: string }[];
}

export interface UserSummary {
  address: string;
  firstName: string;
  lastName: string;
  disabled: boolean;
  shared: string[];
}

export interface SharedProfile {
  address: string;
  displayName: string;
  home: string | null;
  members: string[];
  createdAt: string;
  mailboxes: MailboxSummary[];
}

/** Setting holding the scrypt hash of the administrator's password (web UI and REST API). */
export const ADMIN_PASSWORD_SETTING = 'admin.passwordHash';

export function checkPassword(password: string): void {
  if (password.length === 0) throw new MailError('MS_INVALID_ARGUMENT', 'the password may not be empty');
  if (password.length > 1024) throw new MailError('MS_INVALID_ARGUMENT', 'the password is longer than 1024 characters');
}

export class AdminService {
  constructor(
    private readonly store: Store,
    private readonly defaults: { quotaBytes: number | null } = { quotaBytes: null },
  ) {}

  async addUser(input: NewUserInput): Promise<UserProfile> {
    const address = normalizeAddress(input.address);
    checkPassword(input.password);
    await this.store.addUser({
      address,
      firstName: input.firstName ?? '',
      lastName: input.lastName ?? '',
      passwordHash: await hashPassword(input.password),
      home: input.home ?? null,
      quotaBytes: input.quotaBytes === undefined ? this.defaults.quotaBytes : input.quotaBytes,
    });
    const owner: Owner = { kind: 'user', address };
    for (const folder of DEFAULT_FOLDERS) {
      await this.store.createMailbox(owner, folder.name, { specialUse: folder.use });
      await this.store.subscribe(address, folder.name);
    }
    await this.store.subscribe(address, 'INBOX');
    return this.showUser(address);
  }

  /** Sets the administrator's password (stored only as a hash). */
  async setAdminPassword(password: string): Promise<void> {
    checkPassword(password);
    await this.store.setSetting(ADMIN_PASSWORD_SETTING, await hashPassword(password));
  }

  async removeUser(address: string): Promise<void> {
    await this.store.removeUser(normalizeAddress(address));
  }

  async setPassword(address: string, password: string): Promise<void> {
    checkPassword(password);
    await this.store.updateUser(normalizeAddress(address), { passwordHash: await hashPassword(password) });
  }

  async updateUser(address: string, update: { firstName?: string; lastName?: string; home?: string | null; quotaBytes?: number | null; disabled?: boolean }): Promise<UserProfile> {
    await this.store.updateUser(normalizeAddress(address), update);
    return this.showUser(address);
  }

  async showUser(address: string): Promise<UserProfile> {
    const user = await this.store.getUser(normalizeAddress(address));
    const owner: Owner = { kind: 'user', address: user.address };
    const shared: { address: string; displayName: string }[] = [];
    for (const sharedAddress of user.shared) {
      const record = await this.store.findShared(sharedAddress);
      if (record) shared.push({ address: record.address, displayName: record.displayName });
    }
    return {
      address: user.address,
      firstName: user.firstName,
      lastName: user.lastName,
      home: user.home,
      disabled: user.disabled,
      createdAt: user.createdAt.toISOString(),
      quota: await this.store.quotaUsage(owner),
      mailboxes: await this.summarize(await this.store.listMailboxes(owner)),
      shared,
    };
  }

  async listUsers(options: { search?: string; offset?: number; limit?: number } = {}): Promise<{ users: UserSummary[]; total: number }> {
    const { users, total } = await this.store.listUsers(options);
    return { users: users.map(summarizeUser), total };
  }

  async addShared(input: { address: string; displayName?: string; home?: string | null; members: string[] }): Promise<SharedProfile> {
    const address = normalizeAddress(input.address);
    const members = [...new Set(input.members.map(normalizeAddress))];
    if (members.length === 0) throw new MailError('MS_INVALID_ARGUMENT', 'a shared mailbox needs at least one member');
    await this.store.addShared({ address, displayName: input.displayName ?? '', home: input.home ?? null, members });
    return this.showShared(address);
  }

  async removeShared(address: string): Promise<void> {
    await this.store.removeShared(normalizeAddress(address));
  }

  async showShared(address: string): Promise<SharedProfile> {
    const shared = await this.store.getShared(normalizeAddress(address));
    return this.sharedProfile(shared);
  }

  async listShared(): Promise<SharedProfile[]> {
    const result: SharedProfile[] = [];
    for (const shared of await this.store.listShared()) result.push(await this.sharedProfile(shared));
    return result;
  }

  async addSharedMember(sharedAddress: string, userAddress: string): Promise<SharedProfile> {
    return this.sharedProfile(await this.store.addSharedMember(normalizeAddress(sharedAddress), normalizeAddress(userAddress)));
  }

  async removeSharedMember(sharedAddress: string, userAddress: string): Promise<SharedProfile> {
    return this.sharedProfile(await this.store.removeSharedMember(normalizeAddress(sharedAddress), normalizeAddress(userAddress)));
  }

  /** The user's MailSort filter file; MS_NO_FILTERFILE when there is none. */
  async getFilter(address: string): Promise<FilterFile> {
    const user = await this.store.getUser(normalizeAddress(address));
    const file = await this.store.getFilterFile(user.address);
    if (!file) throw new MailError('MS_NO_FILTERFILE', `${user.address} has no filter file yet`);
    return file;
  }

  /** Stores a filter file; one that does not parse is refused with every error's line and column. */
  async setFilter(address: string, text: string): Promise<FilterFile> {
    const user = await this.store.getUser(normalizeAddress(address));
    const check = checkFilterText(text);
    if (!check.ok) {
      const where = check.errors.map((e) => `line ${e.line}, column ${e.column}: ${e.message}`).join('; ');
      throw new MailError('MS_INVALID_ARGUMENT', `the filter file has syntax errors: ${where}`);
    }
    return this.store.setFilterFile(user.address, text);
  }

  private async sharedProfile(shared: SharedRecord): Promise<SharedProfile> {
    return {
      address: shared.address,
      displayName: shared.displayName,
      home: shared.home,
      members: shared.members,
      createdAt: shared.createdAt.toISOString(),
      mailboxes: await this.summarize(await this.store.listMailboxes({ kind: 'shared', address: shared.address })),
    };
  }

  private async summarize(mailboxes: MailboxInfo[]): Promise<MailboxSummary[]> {
    const result: MailboxSummary[] = [];
    for (const info of mailboxes) {
      const status = await this.store.mailboxStatus(info.id);
      result.push({ name: info.name, messages: status.messages, unseen: status.unseen, size: status.size, specialUse: info.specialUse });
    }
    return result;
  }
}

function summarizeUser(user: UserRecord): UserSummary {
  return { address: user.address, firstName: user.firstName, lastName: user.lastName, disabled: user.disabled, shared: user.shared };
}

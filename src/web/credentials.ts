/**
 * The administrator's credential and API tokens. The admin password is made at first start,
 * stored only as a scrypt hash (a store setting) and shown once. API tokens are made by the
 * admin for scripts: `mst_<id>_<secret>`, stored as a SHA-256 of the secret (the secret is 32
 * random bytes, so a slow hash adds nothing), sent as `Authorization: Bearer <token>`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ADMIN_PASSWORD_SETTING, AdminService } from '../admin/service.js';
import { normalizeAddress } from '../admin/addresses.js';
import { verifyPassword } from '../auth/passwords.js';
import type { ServerContext } from '../server/context.js';
import type { Store } from '../store/types.js';

const TOKENS_SETTING = 'web.apiTokens';

/**
 * Makes the admin credential when none exists yet and returns the new password (for the
 * composition root to print once); returns null when a credential already exists.
 */
export async function ensureAdminCredential(ctx: Pick<ServerContext, 'store'>): Promise<string | null> {
  if (await ctx.store.getSetting(ADMIN_PASSWORD_SETTING)) return null;
  const password = randomBytes(18).toString('base64url');
  await new AdminService(ctx.store).setAdminPassword(password);
  return password;
}

/** True when `password` is the admin password. False when no credential exists. */
export async function verifyAdminPassword(store: Store, password: string): Promise<boolean> {
  const hash = await store.getSetting(ADMIN_PASSWORD_SETTING);
  if (!hash) return false;
  return verifyPassword(password, hash);
}

/** Who a token acts as: the admin, or one user (for that user's own MailSort endpoints). */
export type TokenScope = { role: 'admin' } | { role: 'user'; address: string };

const storedTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  hash: z.string(),
  scope: z.union([z.object({ role: z.literal('admin') }), z.object({ role: z.literal('user'), address: z.string() })]),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
type StoredToken = z.infer<typeof storedTokenSchema>;

export interface TokenInfo {
  id: string;
  name: string;
  scope: TokenScope;
  createdAt: string;
  lastUsedAt: string | null;
}

const TOKEN_PATTERN = /^mst_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

function digest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function info(token: StoredToken): TokenInfo {
  return { id: token.id, name: token.name, scope: token.scope, createdAt: token.createdAt, lastUsedAt: token.lastUsedAt };
}

/** API tokens kept in one store setting; writes are serialized within the process. */
export class TokenRegistry {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: Store) {}

  async list(): Promise<TokenInfo[]> {
    return (await this.read()).map(info);
  }

  /** Returns the token text (shown once) and its description. */
  async create(name: string, scope: TokenScope): Promise<{ token: string; info: TokenInfo }> {
    const normalizedScope: TokenScope = scope.role === 'user' ? { role: 'user', address: normalizeAddress(scope.address) } : scope;
    if (normalizedScope.role === 'user') await this.store.getUser(normalizedScope.address);
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const stored: StoredToken = { id, name, hash: digest(secret), scope: normalizedScope, createdAt: new Date().toISOString(), lastUsedAt: null };
    await this.mutate((tokens) => [...tokens, stored]);
    return { token: `mst_${id}_${secret}`, info: info(stored) };
  }

  /** Returns false when no token has this id. */
  async revoke(id: string): Promise<boolean> {
    let found = false;
    await this.mutate((tokens) => tokens.filter((t) => (t.id === id ? ((found = true), false) : true)));
    return found;
  }

  /** The scope of a valid token, or null. Records when it was last used (at most once a minute). */
  async verify(token: string): Promise<TokenScope | null> {
    const match = TOKEN_PATTERN.exec(token);
    if (!match) return null;
    const [, id, secret] = match as unknown as [string, string, string];
    const stored = (await this.read()).find((t) => t.id === id);
    if (!stored) return null;
    const expected = Buffer.from(stored.hash, 'hex');
    const given = Buffer.from(digest(secret), 'hex');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    const now = new Date();
    if (!stored.lastUsedAt || now.getTime() - Date.parse(stored.lastUsedAt) > 60_000) {
      await this.mutate((tokens) => tokens.map((t) => (t.id === id ? { ...t, lastUsedAt: now.toISOString() } : t)));
    }
    return stored.scope;
  }

  private async read(): Promise<StoredToken[]> {
    const text = await this.store.getSetting(TOKENS_SETTING);
    if (!text) return [];
    const parsed = z.array(storedTokenSchema).safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  }

  private mutate(change: (tokens: StoredToken[]) => StoredToken[]): Promise<void> {
    const next = this.queue.then(async () => {
      const tokens = change(await this.read());
      await this.store.setSetting(TOKENS_SETTING, JSON.stringify(tokens));
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}

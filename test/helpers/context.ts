/**
 * Test fixtures: a real server context on a temporary data directory (real SQLite file, real
 * self-signed TLS, every listener on 127.0.0.1 port 0), and users made through the admin service.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminService } from '../../src/admin/service.js';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log/logger.js';
import { createServerContext, type ServerContext } from '../../src/server/context.js';
import type { UserRecord } from '../../src/store/types.js';

export interface TestContext {
  ctx: ServerContext;
  dataDir: string;
  cleanup(): Promise<void>;
}

const LOOPBACK = { host: '127.0.0.1', port: 0 };

function merge<T>(base: T, extra: unknown): T {
  if (extra === undefined || extra === null || typeof extra !== 'object' || Array.isArray(extra)) return (extra ?? base) as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(extra as Record<string, unknown>)) out[key] = merge(out[key], value);
  return out as T;
}

export async function makeTestContext(overrides: ConfigInput = {}): Promise<TestContext> {
  const dataDir = mkdtempSync(join(tmpdir(), 'msgstore-test-'));
  const input = merge<ConfigInput>(
    {
      dataDir,
      hostname: 'mail.test',
      host: '127.0.0.1',
      listeners: { imap: LOOPBACK, imaps: LOOPBACK, pop3: LOOPBACK, pop3s: LOOPBACK, lmtp: { ...LOOPBACK }, http: LOOPBACK },
      log: { level: 'silent' },
    },
    overrides,
  );
  const config = configSchema.parse(input);
  const ctx = await createServerContext(config, silentLogger());
  return {
    ctx,
    dataDir,
    async cleanup() {
      await ctx.store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function addTestUser(ctx: ServerContext, address: string, password: string): Promise<UserRecord> {
  await new AdminService(ctx.store).addUser({ address, password });
  return ctx.store.getUser(address);
}

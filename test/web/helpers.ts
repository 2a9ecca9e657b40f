/** A running HTTP service on a temporary store, and a small cookie-keeping JSON client for it. */
import type { ConfigInput } from '../../src/config/schema.js';
import { createHttpService, ensureAdminCredential, type HttpServiceDeps } from '../../src/web/index.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';

export interface WebFixture {
  test: TestContext;
  base: string;
  adminPassword: string;
  stop(): Promise<void>;
}

/** Failed logins answer after a short delay here, so error tests stay fast. */
export const FAST_AUTH: ConfigInput = { auth: { maxDelayMs: 20, blockAfterFailures: 1000 } };

export async function startWeb(overrides: ConfigInput = FAST_AUTH, deps: HttpServiceDeps = {}): Promise<WebFixture> {
  const test = await makeTestContext(overrides);
  const adminPassword = await ensureAdminCredential(test.ctx);
  if (adminPassword === null) throw new Error('a fresh store must get a new admin credential');
  const service = createHttpService(test.ctx, deps);
  const [bound] = await service.start();
  if (!bound) throw new Error('the HTTP service bound nothing');
  return {
    test,
    base: `http://127.0.0.1:${bound.port}`,
    adminPassword,
    async stop() {
      await service.stop();
      await test.cleanup();
    },
  };
}

/** Answers are checked field by field in the tests, so their shape stays loose. */
// biome-ignore lint: JSON bodies have no static type
export type JsonObject = Record<string, any>;

export interface Reply<T = JsonObject> {
  status: number;
  body: T;
  headers: Headers;
}

/** Keeps the session cookie and CSRF token like the browser UI does. */
export class ApiClient {
  cookie: string | null = null;
  csrf: string | null = null;
  bearer: string | null = null;

  constructor(readonly base: string) {}

  async login(user: string, password: string): Promise<Reply> {
    const reply = await this.call('POST', '/api/session', { user, password });
    if (reply.status === 200) this.csrf = String(reply.body.csrfToken);
    return reply;
  }

  async call<T = JsonObject>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET' && !('x-csrf-token' in extraHeaders)) headers['x-csrf-token'] = this.csrf;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    const response = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      const pair = setCookie.split(';')[0] ?? '';
      this.cookie = pair.endsWith('=') ? null : pair;
    }
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, headers: response.headers };
  }
}

export async function adminClient(web: WebFixture): Promise<ApiClient> {
  const client = new ApiClient(web.base);
  const reply = await client.login('admin', web.adminPassword);
  if (reply.status !== 200) throw new Error(`admin login failed: ${reply.status}`);
  return client;
}

export async function userClient(web: WebFixture, address: string, password: string): Promise<ApiClient> {
  const client = new ApiClient(web.base);
  const reply = await client.login(address, password);
  if (reply.status !== 200) throw new Error(`login of ${address} failed: ${reply.status}`);
  return client;
}

export function errorCode(reply: Reply): string | undefined {
  return (reply.body as { error?: { code?: string } }).error?.code;
}

/**
 * Starts a real IMAP service on 127.0.0.1 (ephemeral ports) over a real store in a temporary
 * data directory, with users made through the admin service; and runs Python helper scripts.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createImapService, type ImapServerOptions } from '../../src/imap/index.js';
import type { ConfigInput } from '../../src/config/schema.js';
import type { Service } from '../../src/server/context.js';
import { addTestUser, makeTestContext, type TestContext } from '../helpers/context.js';

export interface ImapHarness {
  test: TestContext;
  service: Service;
  imapPort: number;
  imapsPort: number;
  certPem: string;
  stop(): Promise<void>;
}

export async function startImap(
  users: Record<string, string>,
  overrides: ConfigInput = {},
  options: ImapServerOptions = {},
): Promise<ImapHarness> {
  const test = await makeTestContext(overrides);
  for (const [address, password] of Object.entries(users)) await addTestUser(test.ctx, address, password);
  const service = createImapService(test.ctx, options);
  const bound = await service.start();
  const imapPort = bound.find((b) => b.service === 'imap')?.port ?? 0;
  const imapsPort = bound.find((b) => b.service === 'imaps')?.port ?? 0;
  return {
    test,
    service,
    imapPort,
    imapsPort,
    certPem: test.ctx.tls.certificatePem(),
    async stop() {
      await service.stop();
      await test.cleanup();
    },
  };
}

const PYTHON_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'python');

/** Runs test/e2e/python/<script> with arguments; resolves with its exit code and output. */
export function runPython(script: string, args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('python3', [join(PYTHON_DIR, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Durability under SIGKILL: several clients deliver over LMTP while the server process is killed
 * at random moments and restarted. Every message that got 250 must be there exactly once and
 * intact; nothing may be half-stored.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LmtpClient } from '../../src/lmtp/client.js';
import { silentLogger } from '../../src/log/logger.js';
import { openStore } from '../../src/store/index.js';
import { expectedStored, messagesIn, user } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/lmtp-server.ts', import.meta.url));
const RECIPIENTS = ['alice@example.com', 'bob@example.com'];
const ROUNDS = 3;
const CLIENTS = 4;

/** The message for a token: its size (1-24 KB) and contents follow from the token alone. */
function messageFor(token: string): Buffer {
  const digest = createHash('sha256').update(token).digest();
  const lines = 20 + ((digest[0] ?? 0) % 300);
  const body = Array.from({ length: lines }, (_, i) => `${token} line ${i} ${digest.toString('hex')}`).join('\r\n');
  return Buffer.from(`From: load@remote.example\r\nSubject: ${token}\r\nMessage-ID: <${token}@remote.example>\r\n\r\n${body}\r\n`);
}

function startServer(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir, RECIPIENTS.join(',')], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${err}`));
    }, 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LMTP_PORT=(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    });
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${err}`));
    });
  });
}

/** Sends messages until the connection breaks; records tokens that got 250 for every recipient. */
async function clientLoop(port: number, clientId: string, acked: Set<string>, sent: Set<string>, deadline: number): Promise<void> {
  let client: LmtpClient;
  try {
    client = (await LmtpClient.connect({ host: '127.0.0.1', port, timeoutMs: 5000 })).client;
    await client.command('LHLO crash.test');
  } catch {
    return;
  }
  try {
    for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
      const token = `${clientId}-${i}`;
      sent.add(token);
      const result = await client.send('load@remote.example', RECIPIENTS, messageFor(token));
      if (result.delivery.length === RECIPIENTS.length && result.delivery.every((r) => r.code === 250)) acked.add(token);
      else throw new Error(`unexpected replies for ${token}: ${JSON.stringify(result.delivery)}`);
    }
  } catch (err) {
    if (!/closed|ECONNRESET|EPIPE|no LMTP reply/.test(String(err))) throw err;
  } finally {
    client.destroy();
  }
}

describe('delivery survives SIGKILL', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'msgstore-crash-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('every 250 is stored exactly once and intact; nothing half-stored', async () => {
    const acked = new Set<string>();
    const sent = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const { child, port } = await startServer(dataDir);
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      const deadline = Date.now() + 10_000;
      const clients = Array.from({ length: CLIENTS }, (_, c) => clientLoop(port, `r${round}c${c}`, acked, sent, deadline));
      // Kill at a random moment while the clients are busy.
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 700)));
      child.kill('SIGKILL');
      await exited;
      await Promise.all(clients);
    }
    assert.ok(acked.size > 0, 'some deliveries were acknowledged before the kills');

    const store = await openStore({ dataDir, mailRoot: join(dataDir, 'mail'), logger: silentLogger() });
    try {
      for (const rcpt of RECIPIENTS) {
        const { raws } = await messagesIn(store, user(rcpt), 'INBOX');
        const seen = new Map<string, number>();
        for (const raw of raws) {
          const token = /\r\nSubject: (\S+)\r\n/.exec(raw.toString('latin1'))?.[1] ?? '';
          assert.ok(sent.has(token), `stored message has a token that was sent: ${JSON.stringify(token)}`);
          assert.ok(raw.equals(expectedStored('load@remote.example', rcpt, messageFor(token))), `${token} for ${rcpt} is intact`);
          seen.set(token, (seen.get(token) ?? 0) + 1);
        }
        for (const token of acked) assert.equal(seen.get(token), 1, `${token} acknowledged for ${rcpt} is there exactly once`);
        for (const [token, count] of seen) assert.equal(count, 1, `${token} is stored once for ${rcpt}`);
      }
    } finally {
      await store.close();
    }
  });
});

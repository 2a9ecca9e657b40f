/**
 * A fresh msgstore with default settings in a temporary data directory: users added and mail
 * imported with the msgstore command before `msgstore serve` starts on 127.0.0.1, port 0 each.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nowMs, runLimited } from '../lib/stats.js';
import { runOk, spawnWithRaisedLimit, stopChild } from './processes.js';
import type { Target, TargetSetup } from './target.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LISTEN = /^msgstore: (\S+) listening on (\S+):(\d+)$/;

export interface MsgstoreOptions {
  /** Run src/ through tsx instead of the compiled dist/ (when dist is not built). */
  fromSource: boolean;
  /** When set, the server runs with --cpu-prof and writes its profile here on exit. */
  cpuProfileDir?: string;
  /**
   * When set, the loaded data directory is kept here and reused by later runs with the same
   * users, mail and database schema (importing 100,000 messages takes many minutes).
   */
  dataCacheDir?: string;
}

/**
 * The setup and the database schema: a loaded data directory stays valid while both are the same
 * (newer code migrates nothing then, and reads what older code of the same schema wrote).
 */
export function snapshotKey(setup: TargetSetup, options: MsgstoreOptions): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ users: setup.users, loads: setup.loads }));
  const schema = join(ROOT, options.fromSource ? 'src/store/sqlite/schema.ts' : 'dist/store/sqlite/schema.js');
  if (existsSync(schema)) hash.update(readFileSync(schema));
  return hash.digest('hex').slice(0, 16);
}

/** Users added and mail imported with the msgstore command, as an administrator would. */
async function populate(setup: TargetSetup, cli: string[], dataDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const addUser = (address: string, password: string) =>
    runOk(process.execPath, [...cli, 'user', 'add', address, '--password-stdin', '--data', dataDir], { input: `${password}\n`, env });
  // The first command creates the database; the others can then run side by side.
  const [first, ...rest] = setup.users;
  if (first) await addUser(first.address, first.password);
  await runLimited(rest.length, 3, (i) => addUser(rest[i]!.address, rest[i]!.password));
  for (const load of setup.loads) {
    setup.log(`msgstore: importing ${load.maildir} for ${load.user}`);
    await runOk(process.execPath, [...cli, 'import', 'maildir', load.maildir, '--user', load.user, '--data', dataDir], { timeoutMs: 3_600_000, env });
  }
}

/** The node arguments that run the msgstore command. */
function commandArgs(options: MsgstoreOptions): string[] {
  if (options.fromSource) return ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')];
  const compiled = join(ROOT, 'dist/cli/main.js');
  if (!existsSync(compiled)) throw new Error('msgstore is not built: run `npm run build` first, or pass --from-source');
  return [join(ROOT, 'bin/msgstore')];
}

/**
 * The connection limits raised for the idle workload, as Dovecot's are: msgstore's defaults allow
 * 50 IMAP connections per user and 100 per address. Everything else stays at its default.
 */
function connectionLimitEnv(maxConnections: number): NodeJS.ProcessEnv {
  const limit = String(Math.max(5000, maxConnections + 100));
  const env: NodeJS.ProcessEnv = {};
  for (const protocol of ['IMAP', 'POP3']) {
    for (const key of ['MAX_CONNECTIONS', 'MAX_CONNECTIONS_PER_IP', 'MAX_CONNECTIONS_PER_USER']) env[`MSGSTORE_LIMITS__${protocol}__${key}`] = limit;
  }
  return env;
}

export async function startMsgstore(setup: TargetSetup, options: MsgstoreOptions, maxConnections: number): Promise<Target> {
  const dir = mkdtempSync(join(setup.workDir, 'msgstore-'));
  const cli = commandArgs(options);
  const env = { MSGSTORE_LOG_LEVEL: 'warn' };
  const version = (await runOk(process.execPath, [...cli, '--version'], { env })).stdout.trim();
  const loadStart = nowMs();
  const snapshot = options.dataCacheDir ? join(options.dataCacheDir, `msgstore-data-${snapshotKey(setup, options)}`) : null;
  // The database records where message files live as absolute paths, so a loaded data directory
  // is only valid at the path it was loaded at: it is restored there.
  let dataDir = join(dir, 'data');
  if (snapshot && existsSync(snapshot) && existsSync(`${snapshot}.path`)) {
    dataDir = readFileSync(`${snapshot}.path`, 'utf8').trim();
    setup.log(`msgstore: using the loaded data directory ${snapshot} (at ${dataDir})`);
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dirname(dataDir), { recursive: true });
    await runOk('cp', ['-a', snapshot, dataDir], { timeoutMs: 1_800_000 });
  } else {
    mkdirSync(dataDir);
    await populate(setup, cli, dataDir, env);
    if (snapshot) {
      rmSync(`${snapshot}.tmp`, { recursive: true, force: true });
      await runOk('cp', ['-a', dataDir, `${snapshot}.tmp`], { timeoutMs: 1_800_000 });
      rmSync(snapshot, { recursive: true, force: true });
      renameSync(`${snapshot}.tmp`, snapshot);
      writeFileSync(`${snapshot}.path`, dataDir);
    }
  }
  const loadSeconds = (nowMs() - loadStart) / 1000;

  const nodeFlags = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [];
  const ports = ['--imap-port', '0', '--imaps-port', '0', '--pop3-port', '0', '--pop3s-port', '0', '--lmtp-port', '0', '--http-port', '0'];
  const child = spawnWithRaisedLimit(process.execPath, [...nodeFlags, ...cli, 'serve', '--data', dataDir, '--host', '127.0.0.1', ...ports], {
    ...env,
    ...connectionLimitEnv(maxConnections),
  });
  const found = new Map<string, number>();
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`msgstore did not start within 180 s:\n${output}`));
    }, 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      for (const line of output.split('\n')) {
        const match = LISTEN.exec(line.trim());
        if (match) found.set(match[1]!, Number(match[3]));
      }
      if (/msgstore: ready/.test(output)) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`msgstore exited (${code}) before it was ready:\n${output}`));
    });
  });
  // Keep draining its output so a chatty log never blocks the server; warnings are shown.
  child.stdout!.on('data', () => undefined);
  child.stderr!.on('data', (chunk: Buffer) => setup.log(`msgstore: ${chunk.toString('utf8').trim().slice(0, 300)}`));
  const port = (service: string): number => {
    const value = found.get(service);
    if (value === undefined) throw new Error(`msgstore did not report a ${service} listener:\n${output}`);
    return value;
  };
  return {
    name: 'msgstore',
    version,
    endpoints: { host: '127.0.0.1', imap: port('imap'), pop3: port('pop3'), lmtp: port('lmtp') },
    rootPid: child.pid!,
    loadSeconds,
    async stop() {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Dovecot from Debian's packages (installed with apt-get when missing), run as root in the
 * foreground with its own configuration in a temporary directory; mail is loaded by copying the
 * maildir into each user's home before it starts.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { nowMs, sleep } from '../lib/stats.js';
import { dovecotConfig } from './dovecot-config.js';
import { freePort, run, runOk, spawnWithRaisedLimit, stopChild } from './processes.js';
import type { Target, TargetSetup } from './target.js';

const DOVECOT = '/usr/sbin/dovecot';
const PACKAGES = ['dovecot-imapd', 'dovecot-pop3d', 'dovecot-lmtpd'];
/** nobody:nogroup on Debian: the mail user of the benchmark instance. */
const MAIL_UID = 65534;

/** Installs Debian's Dovecot packages when any is missing (needs root and the package mirror). */
export async function ensureDovecotInstalled(log: (message: string) => void): Promise<void> {
  const missing: string[] = [];
  for (const name of PACKAGES) {
    const status = await run('dpkg-query', ['-W', '-f', '${Status}', name]);
    if (!status.stdout.includes('install ok installed')) missing.push(name);
  }
  if (missing.length === 0 && existsSync(DOVECOT)) return;
  log(`installing ${missing.join(' ')}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  await runOk('apt-get', ['update'], { timeoutMs: 300_000, env });
  await runOk('apt-get', ['install', '-y', ...PACKAGES], { timeoutMs: 600_000, env });
}

export async function dovecotVersion(): Promise<string> {
  return (await runOk(DOVECOT, ['--version'])).stdout.trim();
}

export async function startDovecot(setup: TargetSetup, maxConnections: number): Promise<Target> {
  const dir = mkdtempSync(join(setup.workDir, 'dovecot-'));
  // Login processes (dovenull) and mail processes (nobody) must reach base_dir and the homes.
  chmodSync(dir, 0o755);
  const version = await dovecotVersion();
  const hash = (await runOk('doveadm', ['pw', '-s', 'SHA512-CRYPT', '-p', setup.users[0]?.password ?? 'x'])).stdout.trim();
  const passwd = setup.users.map((u) => {
    if (u.password !== setup.users[0]?.password) throw new Error('the Dovecot target expects one password for every benchmark user');
    return `${u.address}:${hash}::::::`;
  });
  writeFileSync(join(dir, 'passwd'), `${passwd.join('\n')}\n`, { mode: 0o644 });
  mkdirSync(join(dir, 'home'));
  const loadStart = nowMs();
  for (const load of setup.loads) {
    setup.log(`dovecot: copying ${load.maildir} for ${load.user}`);
    const maildir = join(dir, 'home', load.user, 'Maildir');
    mkdirSync(join(maildir, 'new'), { recursive: true });
    mkdirSync(join(maildir, 'tmp'));
    await runOk('cp', ['-r', join(load.maildir, 'cur'), join(maildir, 'cur')], { timeoutMs: 1_800_000 });
  }
  await runOk('chown', ['-R', `${MAIL_UID}:${MAIL_UID}`, join(dir, 'home')], { timeoutMs: 600_000 });
  const loadSeconds = (nowMs() - loadStart) / 1000;

  const [imapPort, pop3Port, lmtpPort] = [await freePort(), await freePort(), await freePort()];
  const config = join(dir, 'dovecot.conf');
  writeFileSync(config, dovecotConfig({ dir, imapPort, pop3Port, lmtpPort, maxConnections }));
  const child = spawnWithRaisedLimit(DOVECOT, ['-F', '-c', config]);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString('utf8')));
  const target: Target = {
    name: 'dovecot',
    version,
    endpoints: { host: '127.0.0.1', imap: imapPort, pop3: pop3Port, lmtp: lmtpPort },
    rootPid: child.pid!,
    loadSeconds,
    async stop() {
      await stopChild(child);
      const log = join(dir, 'dovecot.log');
      if (existsSync(log)) {
        const problems = readFileSync(log, 'utf8')
          .split('\n')
          .filter((line) => /Warning|Error|Fatal|Panic/.test(line));
        for (const line of problems.slice(0, 10)) setup.log(`dovecot log: ${line}`);
        if (problems.length > 10) setup.log(`dovecot log: ... ${problems.length - 10} more warnings/errors`);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // Ready once all three listeners accept connections.
  const deadline = nowMs() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited (${child.exitCode}):\n${output}\n${readLog(dir)}`);
    const up = await Promise.all([imapPort, pop3Port, lmtpPort].map((port) => canConnect(port)));
    if (up.every(Boolean)) break;
    if (nowMs() > deadline) {
      await target.stop();
      throw new Error(`dovecot did not listen within 30 s:\n${output}`);
    }
    await sleep(100);
  }
  return target;
}

function readLog(dir: string): string {
  const log = join(dir, 'dovecot.log');
  return existsSync(log) ? readFileSync(log, 'utf8').slice(-3000) : '';
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
